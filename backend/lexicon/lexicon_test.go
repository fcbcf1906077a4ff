package lexicon

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/wordwalls/wordwalls/schemas"
)

// smallWords is a lexicon small enough to work out every hook by hand.
var smallWords = []string{
	"a", "at", "ta", "ate", "eat", "eta", "tea", "bat", "cat", "cats", "scat", "scats",
}

func TestNew(t *testing.T) {
	input := []string{"dog", "Cat", "CAT", "x1", "", "ant", "ice cream", "über"}
	l := New("pets", input)

	if got := l.Name(); got != "pets" {
		t.Errorf("Name() = %q, want pets", got)
	}
	if diff := cmp.Diff([]string{"ANT", "CAT", "DOG"}, l.words); diff != "" {
		t.Errorf("words (-want +got):\n%s", diff)
	}
	if input[1] != "Cat" || input[0] != "dog" {
		t.Errorf("New changed its input: %q", input)
	}
}

func TestContains(t *testing.T) {
	l := New("small", smallWords)
	tests := []struct {
		name string
		word string
		want bool
	}{
		{name: "uppercase", word: "CATS", want: true},
		{name: "lowercase", word: "scat", want: true},
		{name: "mixed_case", word: "sCaTs", want: true},
		{name: "one_letter", word: "A", want: true},
		{name: "missing", word: "DOG", want: false},
		{name: "prefix_only", word: "SCA", want: false},
		{name: "empty", word: "", want: false},
		{name: "not_letters", word: "CAT!", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Contains(tt.word); got != tt.want {
				t.Errorf("Contains(%q) = %t, want %t", tt.word, got, tt.want)
			}
		})
	}
}

func TestAlphagram(t *testing.T) {
	l := New("small", smallWords)
	tests := []struct {
		name, word, want string
	}{
		{name: "uppercase", word: "RETAINS", want: "AEINRST"},
		{name: "lowercase", word: "retains", want: "AEINRST"},
		{name: "repeated_letters", word: "MUUMUUS", want: "MMSUUUU"},
		{name: "already_sorted", word: "ABC", want: "ABC"},
		{name: "empty", word: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Alphagram(tt.word); got != tt.want {
				t.Errorf("Alphagram(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

func TestQuestions(t *testing.T) {
	l := New("small", smallWords)
	tests := []struct {
		name   string
		length int
		want   []schemas.Question
	}{
		{
			name:   "length_2",
			length: 2,
			want: []schemas.Question{{
				Alphagram: "AT", Length: 2, Probability: 1, Combinations: 85,
				Words: []schemas.Word{
					{Word: "AT", FrontHooks: "BCE", BackHooks: "E", InnerBackHook: true},
					{Word: "TA", FrontHooks: "E", InnerFrontHook: true},
				},
			}},
		},
		{
			name:   "length_3",
			length: 3,
			want: []schemas.Question{
				{
					Alphagram: "AET", Length: 3, Probability: 1, Combinations: 1143,
					Words: []schemas.Word{
						{Word: "ATE", InnerBackHook: true},
						{Word: "EAT", InnerFrontHook: true},
						{Word: "ETA", InnerFrontHook: true},
						{Word: "TEA"},
					},
				},
				{
					Alphagram: "ABT", Length: 3, Probability: 2, Combinations: 293,
					Words: []schemas.Word{{Word: "BAT", InnerFrontHook: true}},
				},
				{
					Alphagram: "ACT", Length: 3, Probability: 3, Combinations: 293,
					Words: []schemas.Word{
						{Word: "CAT", FrontHooks: "S", BackHooks: "S", InnerFrontHook: true},
					},
				},
			},
		},
		{
			name:   "length_4",
			length: 4,
			want: []schemas.Question{{
				Alphagram: "ACST", Length: 4, Probability: 1, Combinations: 1472,
				Words: []schemas.Word{
					{Word: "CATS", FrontHooks: "S", InnerBackHook: true},
					{Word: "SCAT", BackHooks: "S", InnerFrontHook: true},
				},
			}},
		},
		{
			name:   "length_5",
			length: 5,
			want: []schemas.Question{{
				Alphagram: "ACSST", Length: 5, Probability: 1, Combinations: 3066,
				Words: []schemas.Word{
					{Word: "SCATS", InnerFrontHook: true, InnerBackHook: true},
				},
			}},
		},
		{name: "length_without_words", length: 6, want: []schemas.Question{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := l.Questions(tt.length, 1, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Questions(%d) (-want +got):\n%s", tt.length, diff)
			}
			if n := l.Count(tt.length); n != len(tt.want) {
				t.Errorf("Count(%d) = %d, want %d", tt.length, n, len(tt.want))
			}
		})
	}
}

func TestQuestionsRange(t *testing.T) {
	l := New("small", smallWords)
	tests := []struct {
		name             string
		length           int
		probMin, probMax int
		want             []string // alphagrams
		wantErr          bool
	}{
		{name: "all", length: 3, probMin: 1, probMax: 3, want: []string{"AET", "ABT", "ACT"}},
		{name: "middle", length: 3, probMin: 2, probMax: 2, want: []string{"ABT"}},
		{name: "clamped", length: 3, probMin: 2, probMax: 99, want: []string{"ABT", "ACT"}},
		{name: "past_the_end", length: 3, probMin: 4, probMax: 9, want: []string{}},
		{name: "length_1", length: 1, probMin: 1, probMax: 1, wantErr: true},
		{name: "length_16", length: 16, probMin: 1, probMax: 1, wantErr: true},
		{name: "length_0", length: 0, probMin: 1, probMax: 1, wantErr: true},
		{name: "prob_min_0", length: 3, probMin: 0, probMax: 3, wantErr: true},
		{name: "prob_min_negative", length: 3, probMin: -5, probMax: 3, wantErr: true},
		{name: "max_below_min", length: 3, probMin: 3, probMax: 2, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, err := l.Questions(tt.length, tt.probMin, tt.probMax)
			if tt.wantErr {
				if !errors.Is(err, ErrRange) {
					t.Fatalf("err = %v, want ErrRange", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for i, q := range qs {
				got = append(got, q.Alphagram)
				if q.Probability != tt.probMin+i {
					t.Errorf("%s has probability %d, want %d", q.Alphagram, q.Probability, tt.probMin+i)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("alphagrams (-want +got):\n%s", diff)
			}
		})
	}
}

func TestQuestion(t *testing.T) {
	l := New("small", smallWords)
	tests := []struct {
		name      string
		alphagram string
		want      string // "" when not found
		wantProb  int
	}{
		{name: "alphagram", alphagram: "ACT", want: "ACT", wantProb: 3},
		{name: "any_order", alphagram: "tac", want: "ACT", wantProb: 3},
		{name: "top", alphagram: "AET", want: "AET", wantProb: 1},
		{name: "five_letters", alphagram: "SCATS", want: "ACSST", wantProb: 1},
		{name: "no_words", alphagram: "XYZ", want: ""},
		{name: "one_letter_word", alphagram: "A", want: ""},
		{name: "empty", alphagram: "", want: ""},
		{name: "too_long", alphagram: "ABCDEFGHIJKLMNOP", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, ok := l.Question(tt.alphagram)
			if ok != (tt.want != "") {
				t.Fatalf("Question(%q) found = %t, want %t", tt.alphagram, ok, tt.want != "")
			}
			if !ok {
				return
			}
			if q.Alphagram != tt.want || q.Probability != tt.wantProb {
				t.Errorf("Question(%q) = %s #%d, want %s #%d",
					tt.alphagram, q.Alphagram, q.Probability, tt.want, tt.wantProb)
			}

			qs, err := l.Questions(q.Length, q.Probability, q.Probability)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(qs, []schemas.Question{q}); diff != "" {
				t.Errorf("Question and Questions differ (-Questions +Question):\n%s", diff)
			}
		})
	}
}

func TestLongWordsHookButNeverAsk(t *testing.T) {
	long := "ABCDEFGHIJKLMNO" // 15 letters
	l := New("long", []string{long, long + "P", "Z" + long})

	qs, err := l.Questions(15, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []schemas.Question{{
		Alphagram: long, Length: 15, Probability: 1, Combinations: l.Combinations(long),
		Words: []schemas.Word{{Word: long, FrontHooks: "Z", BackHooks: "P"}},
	}}
	if diff := cmp.Diff(want, qs); diff != "" {
		t.Errorf("Questions(15) (-want +got):\n%s", diff)
	}
	if _, ok := l.Question(long + "P"); ok {
		t.Errorf("a 16-letter alphagram became a question")
	}
	if !l.Contains(long + "P") {
		t.Errorf("the 16-letter word is missing")
	}
}

func FuzzNew(f *testing.F) {
	f.Add("at\nta\ncat\nscat")
	f.Add("QQ\nqq\nQQQ\nQQQQ")
	f.Add("abcdefghijklmnop\nabcdefghijklmno\n\nx1")
	f.Add("a\n\xff\nZZZZZZZZZZZZZZZ")

	f.Fuzz(func(t *testing.T, input string) {
		words := strings.Split(input, "\n")
		l := New("fuzz", words)

		for _, w := range words {
			up, ok := upperString(w)
			if !ok {
				if l.Contains(w) {
					t.Errorf("Contains(%q) for a non-word", w)
				}
				continue
			}
			if !l.Contains(w) {
				t.Errorf("Contains(%q) = false", w)
			}
			q, found := l.Question(w)
			if found != (len(up) >= MinLength && len(up) <= MaxLength) {
				t.Fatalf("Question(%q) found = %t", w, found)
			}
			if found && !slices.ContainsFunc(q.Words, func(x schemas.Word) bool { return x.Word == up }) {
				t.Errorf("Question(%q) lacks the word: %+v", w, q)
			}
		}

		for length := MinLength; length <= MaxLength; length++ {
			if l.Count(length) == 0 {
				continue // probabilities 1 to 0 is a range error
			}
			qs, err := l.Questions(length, 1, l.Count(length))
			if err != nil {
				t.Fatal(err)
			}
			for i, q := range qs {
				if q.Probability != i+1 || q.Length != length || len(q.Words) == 0 {
					t.Errorf("bad question %+v at %d", q, i)
				}
			}
		}
	})
}
