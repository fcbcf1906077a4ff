package loadtest

import (
	"context"
	"math"
	"time"
)

// Clock tells the scheduler the time and wakes it; tests drive a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// guess is one guess the schedule wants sent.
type guess struct {
	Slot   int       // index of the answer in the round; -1 for a wrong guess
	Player int       // index of the table's player who sends it
	Word   string    // what to send
	Due    time.Time // when the pacing wanted it sent
	N      int       // the guess's place in the round, from 0, skipped ones included
}

// schedule paces one round's guesses at one table: the n-th guess is due
// at start + n/rate, every wrongEvery-th one is a wrong word, and the
// players take turns.
type schedule struct {
	start      time.Time
	rate       float64 // guesses per second, wrong ones included
	answers    []string
	players    int
	wrongEvery int    // 0: no wrong guesses
	wrongWord  string // a word that is on no wall
	// maxBehind is how late a guess may be sent; older ones are dropped
	// so that a stalled sender does not burst. Zero keeps them all.
	maxBehind time.Duration

	n       int // guesses handed out or skipped
	next    int // the next answer to hand out
	skipped int // guesses dropped for being too late
}

// newSchedule paces accepted guesses at rate per second from start, adding
// one wrong guess after every wrongEvery-1 right ones.
func newSchedule(start time.Time, rate float64, answers []string, players, wrongEvery int, wrongWord string) *schedule {
	total := rate
	if wrongEvery > 1 {
		total = rate * float64(wrongEvery) / float64(wrongEvery-1)
	} else {
		wrongEvery = 0
	}
	return &schedule{
		start:      start,
		rate:       total,
		answers:    answers,
		players:    max(players, 1),
		wrongEvery: wrongEvery,
		wrongWord:  wrongWord,
		maxBehind:  time.Second,
	}
}

// due is when the n-th guess is due.
func (s *schedule) due(n int) time.Time {
	return s.start.Add(time.Duration(math.Round(float64(n) * float64(time.Second) / s.rate)))
}

// nextDue is when the next guess is due.
func (s *schedule) nextDue() time.Time { return s.due(s.n) }

// done reports whether every answer has been handed out.
func (s *schedule) done() bool { return s.next >= len(s.answers) }

func (s *schedule) wrong(n int) bool {
	return s.wrongEvery > 0 && n%s.wrongEvery == s.wrongEvery-1
}

// take hands out the next guess if it is due by now.
func (s *schedule) take(now time.Time) (guess, bool) {
	if s.done() || s.nextDue().After(now) {
		return guess{}, false
	}
	if s.maxBehind > 0 {
		for now.Sub(s.nextDue()) > s.maxBehind && !s.done() {
			if !s.wrong(s.n) {
				s.next++
			}
			s.n++
			s.skipped++
		}
		if s.done() {
			return guess{}, false
		}
	}

	g := guess{N: s.n, Due: s.nextDue()}
	if s.wrong(s.n) {
		// Wrong guesses go round the players on their own turn, so that
		// one player does not get them all.
		g.Slot, g.Word, g.Player = -1, s.wrongWord, (s.n/s.wrongEvery)%s.players
	} else {
		g.Slot, g.Word, g.Player = s.next, s.answers[s.next], s.n%s.players
		s.next++
	}
	s.n++
	return g, true
}

// pace hands the schedule's guesses to send as they fall due. It returns
// true once every answer is handed out, false when ctx ends or stop is
// closed first.
func pace(ctx context.Context, clock Clock, s *schedule, stop <-chan struct{}, send func(guess)) bool {
	for {
		now := clock.Now()
		for g, ok := s.take(now); ok; g, ok = s.take(now) {
			send(g)
		}
		if s.done() {
			return true
		}
		// Look at the stops first: a select among ready channels picks
		// at random.
		select {
		case <-ctx.Done():
			return false
		case <-stop:
			return false
		default:
		}
		select {
		case <-ctx.Done():
			return false
		case <-stop:
			return false
		case <-clock.After(s.nextDue().Sub(now)):
		}
	}
}
