package loadtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wordwalls/wordwalls/client"
	"github.com/wordwalls/wordwalls/schemas"
)

// player is one simulated player: a token, a connection and the goroutine
// that reads it.
type player struct {
	t      *table
	userID string
	token  string
	host   bool // holds the table creator's token

	conn      *client.Conn
	ready     chan struct{} // closed at the first snapshot or table event
	hostReady chan struct{} // host only: closed when the table makes it host
	done      chan struct{} // closed when the reader stops

	deliveries atomic.Int64 // table events received while measuring
	closing    atomic.Bool  // the load test is closing the connection
	dead       atomic.Bool  // a send failed or the reader stopped
	readErr    error        // why the reader stopped; read after done
}

func newPlayer(t *table, userID, token string, host bool) *player {
	return &player{
		t: t, userID: userID, token: token, host: host,
		ready:     make(chan struct{}),
		hostReady: make(chan struct{}),
		done:      make(chan struct{}),
	}
}

// dial connects and waits until the connection shows the table: a
// snapshot, or for a table too young to have one, its first event.
func (p *player) dial(ctx context.Context, base string, header http.Header) error {
	conn, resp, err := client.Dial(ctx, base, p.t.id, p.token, 0, header)
	if err != nil {
		if resp != nil {
			return fmt.Errorf("dial: HTTP %d", resp.StatusCode)
		}
		return err
	}
	p.conn = conn
	go p.read()
	select {
	case <-p.ready:
		return nil
	case <-p.done:
		if code := client.CloseCode(p.readErr); code != 0 {
			return fmt.Errorf("closed before catching up, with code %d", code)
		}
		return fmt.Errorf("closed before catching up: %w", p.readErr)
	case <-ctx.Done():
		p.closing.Store(true)
		conn.WS.Close()
		return errors.New("no snapshot or table event in time")
	}
}

// read handles everything the server sends until the connection ends. It
// runs for every connection at once, so it keeps to counters and atomics.
func (p *player) read() {
	defer close(p.done)
	t, r := p.t, p.t.r
	var ready, hostReady bool
	for {
		ev, _, err := p.conn.Read()
		if err != nil {
			p.readErr = err
			p.dead.Store(true)
			// One that never caught up counts as failed, not dropped.
			if ready && !p.closing.Load() {
				r.dropped(client.CloseCode(err))
			}
			return
		}
		now := r.now()
		if ev.Seq > 0 && r.measuring.Load() {
			p.deliveries.Add(1)
		}

		if !ready && (ev.Seq > 0 || ev.Type == schemas.EvSnapshot) {
			ready = true
			close(p.ready)
		}

		switch ev.Type {
		case schemas.EvSnapshot:
			if p.host && !hostReady && ev.Table != nil && ev.Table.Host == p.userID {
				hostReady = true
				close(p.hostReady)
			}
		case schemas.EvHost:
			if p.host && !hostReady && ev.UserID == p.userID {
				hostReady = true
				close(p.hostReady)
			}
		case schemas.EvSolved:
			t.solved(p, ev, now)
		case schemas.EvAck:
			t.acked(ev.Re, now)
		case schemas.EvReply:
			r.count(&r.replies, ev.Code)
		case schemas.EvError:
			r.count(&r.refusals, ev.Code)
		}
		if p.host {
			t.control(p, ev)
		}
	}
}

// send writes a command, bounded in time.
func (p *player) send(cmd schemas.Command) error {
	p.conn.WS.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := p.conn.Send(cmd); err != nil {
		p.dead.Store(true)
		return err
	}
	return nil
}

// roundState is what the load test knows of one round at one table: its
// answers, and when each was guessed and seen solved.
type roundState struct {
	round int
	words []string       // every answer, in wall order
	index map[string]int // word → its place in words
	slots []answerSlot

	over     chan struct{} // closed at the round's round_over
	overOnce sync.Once
}

type answerSlot struct {
	sentAt atomic.Int64 // run clock when the guess went out; 0 until then
	solved atomic.Bool  // a solved event for it has been counted
}

func newRoundState(round int, words []string) *roundState {
	rs := &roundState{
		round: round,
		words: words,
		index: make(map[string]int, len(words)),
		slots: make([]answerSlot, len(words)),
		over:  make(chan struct{}),
	}
	for i, w := range words {
		rs.index[w] = i
	}
	return rs
}

func (rs *roundState) end() { rs.overOnce.Do(func() { close(rs.over) }) }

func (rs *roundState) ended() bool {
	select {
	case <-rs.over:
		return true
	default:
		return false
	}
}

// Command ids: guesses are "r<round>.a<answer>" and "r<round>.w<n>", the
// host's own commands "c<n>.<what>". Each user is at one table and every
// table is new, so they are unique per user as the protocol asks.
func answerID(round, slot int) string {
	return "r" + strconv.Itoa(round) + ".a" + strconv.Itoa(slot)
}

func wrongID(round, n int) string {
	return "r" + strconv.Itoa(round) + ".w" + strconv.Itoa(n)
}

// parseAnswerID returns the round and answer of a guess's id.
func parseAnswerID(id string) (round, slot int, ok bool) {
	rest, ok := strings.CutPrefix(id, "r")
	if !ok {
		return 0, 0, false
	}
	r, s, ok := strings.Cut(rest, ".a")
	if !ok {
		return 0, 0, false
	}
	round, err1 := strconv.Atoi(r)
	slot, err2 := strconv.Atoi(s)
	return round, slot, err1 == nil && err2 == nil
}

func isControlID(id string) bool { return strings.HasPrefix(id, "c") }
