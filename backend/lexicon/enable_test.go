package lexicon

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/wordwalls/wordwalls/backend/wordlists"
	"github.com/wordwalls/wordwalls/schemas"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// builtin is ENABLE built once for every test in the package.
var builtin = sync.OnceValues(LoadBuiltin)

func loadENABLE(tb testing.TB) *Lexicon {
	tb.Helper()
	l, err := builtin()
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// readENABLE reads the built-in list without Parse.
func readENABLE(tb testing.TB) []string {
	tb.Helper()
	rc, err := wordlists.ENABLE()
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()

	var words []string
	sc := bufio.NewScanner(rc)
	for sc.Scan() {
		words = append(words, strings.ToUpper(sc.Text()))
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return words
}

func TestLoadBuiltin(t *testing.T) {
	l := loadENABLE(t)
	if got := l.Name(); got != "ENABLE" {
		t.Errorf("Name() = %q, want ENABLE", got)
	}
	for _, w := range []string{"AA", "AARDVARK", "MUUMUUS", "ZYZZYVAS"} {
		if !l.Contains(w) {
			t.Errorf("ENABLE lacks %s", w)
		}
	}
	if got := len(l.words); got != 172823 {
		t.Errorf("got %d words, want 172823", got)
	}
}

// refBag is the English tile bag spelled out, ? for a blank.
const refBag = "AAAAAAAAABBCCDDDDEEEEEEEEEEEEFFGGGHHIIIIIIIIIJKLLLLMMNNNNNNOOOOOOOOPPQRRRRRRSSSSTTTTTTUUUUVVWWXYYZ??"

// refChoose counts k-subsets of n things by the multiplicative formula.
func refChoose(n, k int) int64 {
	if k < 0 || k > n {
		return 0
	}
	r := int64(1)
	for i := 0; i < k; i++ {
		r = r * int64(n-i) / int64(i+1)
	}
	return r
}

// refCombinations tries every way of sharing the blanks out among the
// distinct letters of alphagram and adds up the draws for each.
func refCombinations(alphagram string) int64 {
	var letters []byte
	var need [256]int
	for i := 0; i < len(alphagram); i++ {
		c := alphagram[i]
		if need[c] == 0 {
			letters = append(letters, c)
		}
		need[c]++
	}
	blanks := strings.Count(refBag, "?")

	var share func(i, blanksLeft int) int64
	share = func(i, blanksLeft int) int64 {
		if i == len(letters) {
			return refChoose(blanks, blanks-blanksLeft)
		}
		c := letters[i]
		tiles := strings.Count(refBag, string(c))
		var sum int64
		for b := 0; b <= need[c] && b <= blanksLeft; b++ {
			sum += refChoose(tiles, need[c]-b) * share(i+1, blanksLeft-b)
		}
		return sum
	}
	return share(0, blanks)
}

func refAlphagram(w string) string {
	letters := strings.Split(w, "")
	sort.Strings(letters)
	return strings.Join(letters, "")
}

// TestENABLEMatchesReference checks every ENABLE question against answers
// worked out here in the plainest way: a map of words, brute-force hooks
// and the blank-sharing count.
func TestENABLEMatchesReference(t *testing.T) {
	if len(refBag) != 100 {
		t.Fatalf("reference bag has %d tiles", len(refBag))
	}
	l := loadENABLE(t)

	words := readENABLE(t)
	isWord := make(map[string]bool, len(words))
	byAlphagram := map[string][]string{}
	for _, w := range words {
		isWord[w] = true
		if len(w) >= 2 && len(w) <= 15 {
			a := refAlphagram(w)
			byAlphagram[a] = append(byAlphagram[a], w)
		}
	}

	for length := 2; length <= 15; length++ {
		t.Run(fmt.Sprintf("length_%d", length), func(t *testing.T) {
			t.Parallel()
			qs, err := l.Questions(length, 1, l.Count(length))
			if err != nil {
				t.Fatal(err)
			}

			wantCount := 0
			for a := range byAlphagram {
				if len(a) == length {
					wantCount++
				}
			}
			if len(qs) != wantCount {
				t.Errorf("got %d questions, want %d", len(qs), wantCount)
			}

			seen := map[string]int{}
			var buf []byte
			for i, q := range qs {
				if q.Probability != i+1 || q.Length != length {
					t.Fatalf("question %d is %s, length %d, probability %d", i, q.Alphagram, q.Length, q.Probability)
				}
				if want := refCombinations(q.Alphagram); q.Combinations != want {
					t.Errorf("%s: %d combinations, want %d", q.Alphagram, q.Combinations, want)
				}
				if i > 0 {
					prev := qs[i-1]
					inOrder := prev.Combinations > q.Combinations ||
						prev.Combinations == q.Combinations && prev.Alphagram < q.Alphagram
					if !inOrder {
						t.Errorf("%s (%d) ranked after %s (%d)", q.Alphagram, q.Combinations, prev.Alphagram, prev.Combinations)
					}
				}

				answers := append([]string(nil), byAlphagram[q.Alphagram]...)
				sort.Strings(answers)
				want := make([]schemas.Word, 0, len(answers))
				for _, w := range answers {
					var front, back []byte
					for c := byte('A'); c <= 'Z'; c++ {
						buf = append(append(buf[:0], c), w...)
						if isWord[string(buf)] {
							front = append(front, c)
						}
						buf = append(append(buf[:0], w...), c)
						if isWord[string(buf)] {
							back = append(back, c)
						}
					}
					want = append(want, schemas.Word{
						Word:           w,
						FrontHooks:     string(front),
						BackHooks:      string(back),
						InnerFrontHook: isWord[w[1:]],
						InnerBackHook:  isWord[w[:len(w)-1]],
					})
				}
				// cmp.Diff only on a mismatch: it is too slow to call
				// for every one of ENABLE's alphagrams.
				if !slices.Equal(want, q.Words) {
					t.Errorf("%s words (-want +got):\n%s", q.Alphagram, cmp.Diff(want, q.Words))
				}
				for _, w := range q.Words {
					seen[w.Word]++
				}

				single, ok := l.Question(q.Alphagram)
				if !ok {
					t.Errorf("Question(%s) not found", q.Alphagram)
				} else if !sameQuestion(q, single) {
					t.Errorf("Question(%s) differs (-Questions +Question):\n%s",
						q.Alphagram, cmp.Diff(q, single))
				}
			}

			for _, w := range words {
				if len(w) == length && seen[w] != 1 {
					t.Errorf("%s appears %d times", w, seen[w])
				}
			}
		})
	}
}

func sameQuestion(a, b schemas.Question) bool {
	return a.Alphagram == b.Alphagram && a.Length == b.Length &&
		a.Probability == b.Probability && a.Combinations == b.Combinations &&
		slices.Equal(a.Words, b.Words)
}

// TestENABLEGolden pins the five most probable 7-letter ENABLE questions.
// Run with -update to rewrite the golden file.
func TestENABLEGolden(t *testing.T) {
	l := loadENABLE(t)
	qs, err := l.Questions(7, 1, 5)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("# alphagram probability combinations\n")
	for _, q := range qs {
		fmt.Fprintf(&b, "%s %d %d\n", q.Alphagram, q.Probability, q.Combinations)
	}
	got := b.String()

	path := filepath.Join("testdata", "enable_7_top5.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("top five 7s (-want +got):\n%s", diff)
	}
}

func BenchmarkLoadBuiltin(b *testing.B) {
	for b.Loop() {
		if _, err := LoadBuiltin(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewENABLE(b *testing.B) {
	words := readENABLE(b)
	b.ResetTimer()
	for b.Loop() {
		New("ENABLE", words)
	}
}

func BenchmarkQuestions(b *testing.B) {
	l := loadENABLE(b)
	for _, bm := range []struct {
		name             string
		length           int
		probMin, probMax int
	}{
		{name: "7s_top_50", length: 7, probMin: 1, probMax: 50},
		{name: "8s_middle_500", length: 8, probMin: 10000, probMax: 10499},
		{name: "8s_all", length: 8, probMin: 1, probMax: l.Count(8)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := l.Questions(bm.length, bm.probMin, bm.probMax); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
