package loadtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeClock is a clock that jumps: After moves it forward by the wait,
// plus any stall queued with stallNext, and fires at once. The scheduler
// runs in one goroutine, so nothing waits on real time.
type fakeClock struct {
	now    time.Time
	stalls []time.Duration
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	if d > 0 {
		c.now = c.now.Add(d)
	}
	if len(c.stalls) > 0 {
		c.now = c.now.Add(c.stalls[0])
		c.stalls = c.stalls[1:]
	}
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func words(n int) []string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = fmt.Sprintf("W%03d", i)
	}
	return ws
}

// sent is a guess as it went out, at the fake time it was sent.
type sent struct {
	guess
	At time.Time
}

// runPace paces s on a fake clock until the answers run out or until
// stops, and returns what was sent.
func runPace(t *testing.T, clock *fakeClock, s *schedule, until time.Time) ([]sent, bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out []sent
	done := pace(ctx, clock, s, nil, func(g guess) {
		out = append(out, sent{g, clock.Now()})
		if !until.IsZero() && !clock.Now().Before(until) {
			cancel()
		}
	})
	return out, done
}

func TestPaceSpacesGuessesEvenly(t *testing.T) {
	tests := []struct {
		name       string
		rate       float64
		wrongEvery int
		answers    int
		wantEvery  time.Duration
		wantGuess  int
	}{
		// The last answer is the 99th guess: no wrong one follows it.
		{"4_a_second_with_one_wrong_in_10", 4, 10, 90, 225 * time.Millisecond, 99},
		{"4_a_second_all_right", 4, 0, 40, 250 * time.Millisecond, 40},
		{"half_a_second_one_wrong_in_2", 0.5, 2, 3, time.Second, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{now: epoch}
			s := newSchedule(epoch, tt.rate, words(tt.answers), 10, tt.wrongEvery, "QQQQ")
			out, done := runPace(t, clock, s, time.Time{})
			if !done {
				t.Fatal("pace returned before the answers ran out")
			}
			if len(out) != tt.wantGuess {
				t.Fatalf("sent %d guesses, want %d", len(out), tt.wantGuess)
			}
			for i, g := range out {
				want := epoch.Add(time.Duration(i) * tt.wantEvery)
				if !g.At.Equal(want) || !g.Due.Equal(want) {
					t.Fatalf("guess %d sent at %v due %v, want both at %v",
						i, g.At.Sub(epoch), g.Due.Sub(epoch), want.Sub(epoch))
				}
			}
		})
	}
}

func TestPaceKeepsTheAcceptedRate(t *testing.T) {
	// In the first 90 s at 4 a second, 360 right guesses go out and a
	// tenth of all guesses are wrong.
	clock := &fakeClock{now: epoch}
	s := newSchedule(epoch, 4, words(1000), 10, 10, "QQQQ")
	out, _ := runPace(t, clock, s, epoch.Add(90*time.Second))
	var right, wrong int
	for _, g := range out {
		if g.At.Sub(epoch) >= 90*time.Second {
			break
		}
		if g.Slot < 0 {
			wrong++
		} else {
			right++
		}
	}
	if right != 360 || wrong != 40 {
		t.Errorf("in 90 s: %d right and %d wrong guesses, want 360 and 40", right, wrong)
	}
}

func TestScheduleHandsOutEachAnswerOnceInTurn(t *testing.T) {
	clock := &fakeClock{now: epoch}
	answers := words(90)
	s := newSchedule(epoch, 4, answers, 3, 10, "QQQQ")
	out, _ := runPace(t, clock, s, time.Time{})

	var got []string
	perPlayer := map[int]int{}
	wrongBy := map[int]int{}
	for _, g := range out {
		if g.Slot < 0 {
			if g.Word != "QQQQ" {
				t.Errorf("wrong guess %d is %q, want QQQQ", g.N, g.Word)
			}
			wrongBy[g.Player]++
			continue
		}
		if g.Word != answers[g.Slot] {
			t.Errorf("guess %d: slot %d is %q, want %q", g.N, g.Slot, g.Word, answers[g.Slot])
		}
		got = append(got, g.Word)
		perPlayer[g.Player]++
	}
	if diff := cmp.Diff(answers, got); diff != "" {
		t.Errorf("answers sent (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[int]int{0: 30, 1: 30, 2: 30}, perPlayer); diff != "" {
		t.Errorf("right guesses per player (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[int]int{0: 3, 1: 3, 2: 3}, wrongBy); diff != "" {
		t.Errorf("wrong guesses per player (-want +got):\n%s", diff)
	}
}

func TestPaceDropsGuessesTooFarBehind(t *testing.T) {
	// The sender stalls for 3 s after its first guess: the guesses due in
	// the last second are sent late, the older ones are skipped, and the
	// pacing then keeps its grid.
	clock := &fakeClock{now: epoch, stalls: []time.Duration{3 * time.Second}}
	s := newSchedule(epoch, 4, words(100), 5, 0, "")
	out, _ := runPace(t, clock, s, epoch.Add(5*time.Second))

	if out[0].At != epoch {
		t.Fatalf("first guess at %v, want at the start", out[0].At.Sub(epoch))
	}
	resumed := epoch.Add(3250 * time.Millisecond)
	var late []time.Duration
	for _, g := range out[1:] {
		if !g.At.Equal(resumed) {
			break
		}
		late = append(late, g.At.Sub(g.Due))
	}
	want := []time.Duration{time.Second, 750 * time.Millisecond, 500 * time.Millisecond, 250 * time.Millisecond, 0}
	if diff := cmp.Diff(want, late); diff != "" {
		t.Errorf("lateness of the guesses sent on resuming (-want +got):\n%s", diff)
	}
	if s.skipped != 8 {
		t.Errorf("skipped %d guesses, want the 8 due from 0.25 s to 2 s", s.skipped)
	}
	next := out[1+len(late)]
	if want := epoch.Add(3500 * time.Millisecond); !next.At.Equal(want) || !next.Due.Equal(want) {
		t.Errorf("after catching up, next guess sent at %v due %v, want both at 3.5s",
			next.At.Sub(epoch), next.Due.Sub(epoch))
	}
	if got := out[len(out)-1].Slot; got != len(out)-1+int(s.skipped) {
		t.Errorf("last answer sent is %d, want %d: skipped answers are not sent later", got, len(out)-1+s.skipped)
	}
}

func TestPaceStops(t *testing.T) {
	tests := []struct {
		name string
		stop func(cancel context.CancelFunc, stop chan struct{})
	}{
		{"when_the_round_ends", func(_ context.CancelFunc, stop chan struct{}) { close(stop) }},
		{"when_the_context_ends", func(cancel context.CancelFunc, _ chan struct{}) { cancel() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stop := make(chan struct{})
			clock := &fakeClock{now: epoch}
			s := newSchedule(epoch, 4, words(100), 2, 0, "")
			n := 0
			done := pace(ctx, clock, s, stop, func(guess) {
				if n++; n == 3 {
					tt.stop(cancel, stop)
				}
			})
			if done || n != 3 {
				t.Errorf("pace returned %v after %d guesses, want false after 3", done, n)
			}
		})
	}
}

func TestScheduleWithoutAnswersIsDone(t *testing.T) {
	s := newSchedule(epoch, 4, nil, 3, 10, "QQQQ")
	if _, ok := s.take(epoch.Add(time.Hour)); ok || !s.done() {
		t.Error("a schedule without answers handed out a guess")
	}
}
