package backend

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/wordwalls/wordwalls/backend/lexicon"
	"github.com/wordwalls/wordwalls/schemas"
)

// roundsKept is how many of the latest rounds remember their alphagrams.
// The rooms worker asks again only for the round under way.
const roundsKept = 50

// table is everything the back end keeps about one table, stored as one
// JSON value. Slices and maps are never changed in place once a table is
// shared: update works on a clone.
type table struct {
	Summary TableSummary `json:"summary"`
	Creator string       `json:"creator"`

	// Next is the probability the walk through the range serves next.
	Next int `json:"next"`
	// Missed lists alphagrams that had missed words, oldest first, to be
	// served once the range is used up.
	Missed []string `json:"missed"`
	// Rounds holds the alphagrams each of the latest rounds got, in order.
	Rounds map[int][]string `json:"rounds"`
	// Forgot is the latest round whose alphagrams were let go.
	Forgot int `json:"forgot"`
	// Results are the recorded round results in round order.
	Results []schemas.RoundResult `json:"results"`
	// Dropped is the latest round whose result was let go to keep the
	// stored value small.
	Dropped int `json:"dropped"`

	rev uint64 // the Store revision this copy was read or written at
}

func (t *table) clone() *table {
	c := *t
	c.Missed = slices.Clone(t.Missed)
	c.Rounds = maps.Clone(t.Rounds)
	c.Results = slices.Clone(t.Results)
	return &c
}

// nextRound picks the alphagrams of a new round of count questions.
func (t *table) nextRound(lex *lexicon.Lexicon, count int) ([]string, error) {
	s := t.Summary
	last := min(s.ProbMax, lex.Count(s.Length))
	if t.Next < s.ProbMin {
		t.Next = s.ProbMin
	}
	if t.Next > last {
		if len(t.Missed) > 0 {
			n := min(count, len(t.Missed))
			picked := slices.Clone(t.Missed[:n])
			t.Missed = t.Missed[n:]
			return picked, nil
		}
		t.Next = s.ProbMin
	}

	qs, err := lex.Questions(s.Length, t.Next, min(t.Next+count-1, last))
	if err != nil {
		return nil, fmt.Errorf("questions of %s from %d: %w", s.Lexicon, t.Next, err)
	}
	t.Next += count
	picked := make([]string, len(qs))
	for i, q := range qs {
		picked[i] = q.Alphagram
	}
	return picked, nil
}

// remember keeps what a round got and lets go of rounds past roundsKept.
func (t *table) remember(round int, alphagrams []string) {
	if t.Rounds == nil {
		t.Rounds = make(map[int][]string)
	}
	t.Rounds[round] = alphagrams
	for len(t.Rounds) > roundsKept {
		oldest := slices.Min(slices.Collect(maps.Keys(t.Rounds)))
		delete(t.Rounds, oldest)
		t.Forgot = max(t.Forgot, oldest)
	}
}

// record adds a round's result and reports whether it was new. Alphagrams
// with missed words join the queue; those fully solved leave it.
func (t *table) record(res schemas.RoundResult) bool {
	if res.Round <= t.Dropped {
		return false
	}
	i, found := slices.BinarySearchFunc(t.Results, res.Round, func(r schemas.RoundResult, round int) int {
		return cmp.Compare(r.Round, round)
	})
	if found {
		return false
	}
	t.Results = slices.Insert(t.Results, i, res)

	queued := make(map[string]bool, len(t.Missed))
	for _, a := range t.Missed {
		queued[a] = true
	}
	solved := make(map[string]bool)
	for _, q := range res.Questions {
		switch {
		case len(q.Missed) == 0:
			solved[q.Alphagram] = true
		case !queued[q.Alphagram]:
			queued[q.Alphagram] = true
			t.Missed = append(t.Missed, q.Alphagram)
		}
	}
	if len(solved) > 0 {
		t.Missed = slices.DeleteFunc(t.Missed, func(a string) bool { return solved[a] })
	}
	return true
}

// dropOldResults lets go of the oldest quarter of the results, at least one.
func (t *table) dropOldResults() {
	n := (len(t.Results) + 3) / 4
	t.Dropped = max(t.Dropped, t.Results[n-1].Round)
	t.Results = slices.Clone(t.Results[n:])
}
