package loadtest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wordwalls/wordwalls/schemas"
)

// How long the host waits for the table to answer.
const (
	hostWait  = 30 * time.Second // to be made host after connecting
	startWait = 20 * time.Second // from start to round_started
	overWait  = 15 * time.Second // from give_up to round_over
	endWait   = 30 * time.Second // for the closing chat line
	clearWait = 2 * time.Second  // for the last answers to clear the round
)

// table is one table of the load test. Its own goroutine plays it: the
// host starts rounds and a schedule spreads guesses over the players.
type table struct {
	r       *run
	n       int // 1-based, in creation order
	id      string
	players []*player // players[0] is the host
	live    []*player // those connected when play began

	// ctrl carries the host's connection's events that steer the table:
	// countdown, round start and end, answers to the host's own commands.
	ctrl  chan schemas.Event
	round atomic.Pointer[roundState]
	cmds  int    // the host's commands so far, for their ids
	last  uint64 // the end marker's sequence number; 0 if it never came
}

func newTable(r *run, n int) *table {
	return &table{r: r, n: n, ctrl: make(chan schemas.Event, 64)}
}

func (t *table) host() *player { return t.players[0] }

// control forwards an event from the host's connection to the table's
// goroutine if it is one that steers the table.
func (t *table) control(p *player, ev schemas.Event) {
	switch ev.Type {
	case schemas.EvRoundOver:
		if rs := t.round.Load(); rs != nil && rs.round == ev.Round {
			rs.end()
		}
	case schemas.EvCountdown, schemas.EvRoundStarted, schemas.EvCancelled:
	case schemas.EvChat:
		if ev.UserID != p.userID {
			return
		}
	case schemas.EvReply, schemas.EvError:
		if !isControlID(ev.Re) {
			return
		}
	default:
		return
	}
	select {
	case t.ctrl <- ev:
	default:
		t.r.problem("control events overflowed a table's queue")
	}
}

// solved records a solved event as one player received it.
func (t *table) solved(p *player, ev schemas.Event, now int64) {
	r := t.r
	rs := t.round.Load()
	if rs == nil || ev.Solve == nil || ev.Round != rs.round {
		r.stray.Add(1)
		return
	}
	i, ok := rs.index[ev.Solve.Word]
	if !ok {
		r.stray.Add(1)
		return
	}
	slot := &rs.slots[i]
	sent := slot.sentAt.Load()
	if sent == 0 {
		r.stray.Add(1)
		return
	}
	if ev.Solve.UserID != p.userID {
		r.latency.Record(time.Duration(now - sent))
	}
	if slot.solved.CompareAndSwap(false, true) && r.measuring.Load() {
		r.accepted.Add(1)
	}
}

// acked records how long a right guess took to be acknowledged.
func (t *table) acked(re string, now int64) {
	round, i, ok := parseAnswerID(re)
	if !ok {
		return
	}
	rs := t.round.Load()
	if rs == nil || rs.round != round || i < 0 || i >= len(rs.slots) {
		return
	}
	if sent := rs.slots[i].sentAt.Load(); sent > 0 {
		t.r.ack.Record(time.Duration(now - sent))
	}
}

// play runs rounds until ctx ends: the host starts one, the table learns
// its answers, and the players guess them at the set rate. A round that
// runs out of answers is cleared, or given up, and the next one starts.
func (t *table) play(ctx context.Context) {
	r := t.r
	if !wait(ctx, t.host().hostReady, hostWait) {
		if ctx.Err() == nil {
			r.problem("the table did not make the creator host")
		}
		return
	}
	for ctx.Err() == nil {
		rs, err := t.startRound(ctx)
		if err != nil {
			if ctx.Err() == nil {
				r.problem(err.Error())
			}
			return
		}
		r.rounds.Add(1)
		r.openWindow()

		clock := r.cfg.Clock
		s := newSchedule(clock.Now(), r.cfg.Rate, rs.words, len(t.live), r.cfg.WrongEvery, t.wrongWord(rs))
		out := pace(ctx, clock, s, rs.over, func(g guess) { t.guess(rs, g) })
		r.skipped.Add(int64(s.skipped))
		if !out {
			continue // the round ended by time, or the test is over
		}
		select {
		case <-rs.over:
		case <-ctx.Done():
			return
		case <-time.After(clearWait):
			// Some guesses were lost or refused: end the round by hand.
			t.giveUp(ctx, rs)
		}
	}
}

// guess sends one scheduled guess from its player, or the next one alive.
func (t *table) guess(rs *roundState, g guess) {
	r := t.r
	r.lag.Record(r.cfg.Clock.Now().Sub(g.Due))
	p := t.live[g.Player]
	for i := 1; p.dead.Load() && i < len(t.live); i++ {
		p = t.live[(g.Player+i)%len(t.live)]
	}
	if p.dead.Load() {
		r.sendErrors.Add(1)
		return
	}

	cmd := schemas.Command{Type: schemas.CmdGuess, Word: g.Word}
	if g.Slot >= 0 {
		cmd.ID = answerID(rs.round, g.Slot)
		rs.slots[g.Slot].sentAt.Store(r.now())
	} else {
		cmd.ID = wrongID(rs.round, g.N)
	}
	if err := p.send(cmd); err != nil {
		r.sendErrors.Add(1)
		r.problem("send a guess: " + err.Error())
		return
	}
	if g.Slot >= 0 {
		r.sentRight.Add(1)
	} else {
		r.sentWrong.Add(1)
	}
}

// wrongWord is a word of the table's length that is none of the round's
// answers.
func (t *table) wrongWord(rs *roundState) string {
	w := strings.Repeat("Q", max(t.r.cfg.Length, 2))
	for {
		if _, ok := rs.index[w]; !ok {
			return w
		}
		w = w[1:] + "X"
	}
}

// command sends one of the host's own commands and returns its id.
func (t *table) command(typ, what, text string) (string, error) {
	t.cmds++
	id := "c" + strconv.Itoa(t.cmds) + "." + what
	err := t.host().send(schemas.Command{Type: typ, ID: id, Text: text})
	return id, err
}

// startRound has the host start a round and returns it once its answers
// are known.
func (t *table) startRound(ctx context.Context) (*roundState, error) {
	id, err := t.command(schemas.CmdStart, "start", "")
	if err != nil {
		return nil, fmt.Errorf("send start: %w", err)
	}
	timeout := time.After(startWait)
	for {
		select {
		case ev := <-t.ctrl:
			switch {
			case (ev.Type == schemas.EvReply || ev.Type == schemas.EvError) && ev.Re == id:
				return nil, fmt.Errorf("start refused: %s", ev.Code)
			case ev.Type == schemas.EvCancelled:
				return nil, fmt.Errorf("round cancelled: %s", ev.Reason)
			case ev.Type == schemas.EvRoundStarted:
				return t.learn(ctx, ev)
			}
		case <-timeout:
			return nil, fmt.Errorf("no round_started within %s of start", startWait)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// learn fetches a round's answers from the back end and checks them
// against the wall the table showed.
func (t *table) learn(ctx context.Context, ev schemas.Event) (*roundState, error) {
	qs, err := t.r.api.questions(ctx, t.id, ev.Round, t.r.cfg.Questions)
	if err != nil {
		return nil, err
	}
	byAlphagram := make(map[string][]schemas.Word, len(qs.Questions))
	for _, q := range qs.Questions {
		byAlphagram[q.Alphagram] = q.Words
	}
	var words []string
	for _, tile := range ev.Wall {
		ws, ok := byAlphagram[tile.Alphagram]
		if !ok || len(ws) != tile.Answers {
			return nil, errors.New("the back end's questions do not match the wall")
		}
		for _, w := range ws {
			words = append(words, w.Word)
		}
	}
	if len(words) == 0 {
		return nil, errors.New("the wall has no answers")
	}
	rs := newRoundState(ev.Round, words)
	t.round.Store(rs)
	return rs, nil
}

// giveUp ends a running round and waits for its round_over.
func (t *table) giveUp(ctx context.Context, rs *roundState) {
	if _, err := t.command(schemas.CmdGiveUp, "give_up", ""); err != nil {
		t.r.problem("send give_up: " + err.Error())
		return
	}
	if !wait(ctx, rs.over, overWait) && ctx.Err() == nil {
		t.r.problem("give_up did not end the round")
	}
}

// finish ends the table's round and has the host say a last chat line, so
// that the table's last sequence number is known to the load test.
func (t *table) finish(ctx context.Context) {
	if t.host().dead.Load() {
		return
	}
	if rs := t.round.Load(); rs != nil && !rs.ended() {
		t.giveUp(ctx, rs)
	}
	text := "load test over at table " + strconv.Itoa(t.n)
	if _, err := t.command(schemas.CmdChat, "end", text); err != nil {
		return
	}
	timeout := time.After(endWait)
	for {
		select {
		case ev := <-t.ctrl:
			if ev.Type == schemas.EvChat && ev.Text == text {
				t.last = ev.Seq
				return
			}
		case <-timeout:
			t.r.problem("the closing chat line never came back")
			return
		case <-ctx.Done():
			return
		}
	}
}

// wait waits for ch to close, for at most d.
func wait(ctx context.Context, ch <-chan struct{}, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ch:
		return true
	case <-timer.C:
		return false
	case <-ctx.Done():
		return false
	}
}
