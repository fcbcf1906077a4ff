// Package replay rebuilds a table's history from its streams for an
// operator: every input (commands, presence, questions, timers) and every
// event, and a re-run of the rules over the inputs that reports any
// difference from the events that were actually sent.
package replay

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wordwalls/wordwalls/bus"
	"github.com/wordwalls/wordwalls/rooms"
	"github.com/wordwalls/wordwalls/schemas"
)

// Record is one message of a table's history.
type Record struct {
	StreamSeq uint64
	Time      time.Time
	Subject   string
	Conn      string // replies: the connection answered
	Data      []byte
}

// History is everything the streams hold for one table.
type History struct {
	Table   string
	Inputs  []Record
	Events  []Record // numbered table events, in sequence order
	Replies []Record // answers to single connections, in order
}

// Load reads a table's inputs and events from the streams.
func Load(ctx context.Context, js jetstream.JetStream, table string) (History, error) {
	h := History{Table: table}
	if !bus.ValidID(table) {
		return h, fmt.Errorf("%q is not a table id", table)
	}
	var err error
	if h.Inputs, err = read(ctx, js, bus.InputStream, bus.InputSubject(table)); err != nil {
		return h, err
	}
	if h.Events, err = read(ctx, js, bus.EventStream, bus.EventSubject(table)); err != nil {
		return h, err
	}
	if h.Replies, err = read(ctx, js, bus.EventStream, bus.ReplySubject(table)); err != nil {
		return h, err
	}
	return h, nil
}

func read(ctx context.Context, js jetstream.JetStream, stream, subject string) ([]Record, error) {
	cons, err := js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", subject, err)
	}
	pending := cons.CachedInfo().NumPending
	var out []Record
	for uint64(len(out)) < pending {
		batch, err := cons.Fetch(512, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", subject, err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			meta, err := m.Metadata()
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", subject, err)
			}
			out = append(out, Record{
				StreamSeq: meta.Sequence.Stream,
				Time:      meta.Timestamp,
				Subject:   m.Subject(),
				Conn:      m.Headers().Get(bus.HeaderConn),
				Data:      m.Data(),
			})
		}
		if err := batch.Error(); err != nil {
			return nil, fmt.Errorf("read %s: %w", subject, err)
		}
		if n == 0 {
			break
		}
	}
	return out, nil
}

// Diff is one difference between what was sent and what the rules give
// when re-run.
type Diff struct {
	What  string // "event 12", "reply 3", ...
	Sent  string // as recorded; empty if missing
	Rerun string // as re-run; empty if missing
}

func (d Diff) String() string {
	return fmt.Sprintf("%s:\n  sent:   %s\n  re-run: %s", d.What, orNone(d.Sent), orNone(d.Rerun))
}

func orNone(s string) string {
	if s == "" {
		return "(nothing)"
	}
	return s
}

// Rerun applies the rules to the recorded inputs from an empty table and
// returns the events and replies they give.
func Rerun(h History) (events, replies [][]byte, err error) {
	t := rooms.New(h.Table)
	for _, in := range h.Inputs {
		var msg schemas.Input
		if err := json.Unmarshal(in.Data, &msg); err != nil {
			continue // the worker skips these too
		}
		res := t.Apply(msg, in.Time.UnixMilli())
		for _, ev := range res.Events {
			data, err := json.Marshal(ev)
			if err != nil {
				return nil, nil, fmt.Errorf("encode event: %w", err)
			}
			events = append(events, data)
		}
		if res.Reply != nil {
			data, err := json.Marshal(res.Reply.Event)
			if err != nil {
				return nil, nil, fmt.Errorf("encode reply: %w", err)
			}
			replies = append(replies, data)
		}
	}
	return events, replies, nil
}

// ErrIncomplete says the streams no longer hold the table's start.
var ErrIncomplete = errors.New("the streams no longer hold this table's first inputs")

// Check re-runs the rules over the history and compares the result with
// what was sent.
func Check(h History) ([]Diff, error) {
	if len(h.Events) > 0 && seqOf(h.Events[0].Data) != 1 {
		return nil, ErrIncomplete
	}
	events, replies, err := Rerun(h)
	if err != nil {
		return nil, err
	}
	var diffs []Diff
	diffs = append(diffs, compare("event", recorded(h.Events), events)...)
	diffs = append(diffs, compare("reply", recorded(h.Replies), replies)...)
	return diffs, nil
}

func recorded(rs []Record) [][]byte {
	out := make([][]byte, len(rs))
	for i, r := range rs {
		out[i] = r.Data
	}
	return out
}

func compare(kind string, sent, rerun [][]byte) []Diff {
	var diffs []Diff
	for i := 0; i < max(len(sent), len(rerun)); i++ {
		var a, b string
		if i < len(sent) {
			a = string(sent[i])
		}
		if i < len(rerun) {
			b = string(rerun[i])
		}
		if a == "" || b == "" || !sameJSON(a, b) {
			diffs = append(diffs, Diff{What: kind + " " + strconv.Itoa(i+1), Sent: a, Rerun: b})
		}
	}
	return diffs
}

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return a == b
	}
	return reflect.DeepEqual(x, y)
}

func seqOf(data []byte) uint64 {
	var ev struct {
		Seq uint64 `json:"seq"`
	}
	json.Unmarshal(data, &ev)
	return ev.Seq
}

// Print writes the history in time order, one line a message.
func Print(w io.Writer, h History) error {
	type line struct {
		at   time.Time
		seq  uint64
		text string
	}
	var lines []line
	for _, r := range h.Inputs {
		lines = append(lines, line{r.Time, r.StreamSeq, "in   " + describeInput(r.Data)})
	}
	for _, r := range h.Events {
		lines = append(lines, line{r.Time, r.StreamSeq, "out  " + string(r.Data)})
	}
	for _, r := range h.Replies {
		lines = append(lines, line{r.Time, r.StreamSeq, "dm   to " + r.Conn + " " + string(r.Data)})
	}
	slices.SortStableFunc(lines, func(a, b line) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for _, l := range lines {
		if _, err := fmt.Fprintf(w, "%s  %s\n", l.at.UTC().Format("15:04:05.000"), l.text); err != nil {
			return err
		}
	}
	return nil
}

// describeInput renders an input readably, leaving out bulky answers.
func describeInput(data []byte) string {
	var in schemas.Input
	if err := json.Unmarshal(data, &in); err != nil {
		return "malformed: " + string(data)
	}
	var b strings.Builder
	b.WriteString(in.Type)
	if in.From != nil {
		fmt.Fprintf(&b, " from %s (%s, %s) conn %s", in.From.UserID, in.From.Name, in.From.Role, in.From.Conn)
	}
	switch in.Type {
	case schemas.InCommand:
		if c := in.Command; c != nil {
			fmt.Fprintf(&b, ": %s id=%s", c.Type, c.ID)
			if c.Word != "" {
				fmt.Fprintf(&b, " word=%q", c.Word)
			}
			if c.Text != "" {
				fmt.Fprintf(&b, " text=%q", c.Text)
			}
			if c.Settings != nil {
				fmt.Fprintf(&b, " settings=%+v", *c.Settings)
			}
		}
	case schemas.InOpen:
		if in.Info != nil {
			fmt.Fprintf(&b, ": %s length %d, probability %d-%d, creator %s", in.Info.Lexicon, in.Info.Length, in.Info.ProbMin, in.Info.ProbMax, in.Creator)
		}
	case schemas.InQuestions:
		words := 0
		for _, q := range in.Questions {
			words += len(q.Words)
		}
		fmt.Fprintf(&b, ": round %d, %d alphagrams, %d words", in.Round, len(in.Questions), words)
	case schemas.InNoQuestions:
		fmt.Fprintf(&b, ": round %d: %s", in.Round, in.Error)
	case schemas.InTimer:
		fmt.Fprintf(&b, ": %s round %d due %s", in.Timer, in.Round, time.UnixMilli(in.At).UTC().Format("15:04:05.000"))
	}
	return b.String()
}
