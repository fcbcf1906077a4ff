package lexicon

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/wordwalls/wordwalls/schemas"
)

func TestWriteQuestions(t *testing.T) {
	l := New("small", smallWords)
	qs, err := l.Questions(2, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		qs   []schemas.Question
		want string
	}{
		{name: "none", qs: nil, want: ""},
		{
			name: "one",
			qs:   qs,
			want: `{"alphagram":"AT","length":2,"probability":1,"combinations":85,"words":[` +
				`{"word":"AT","front_hooks":"BCE","back_hooks":"E","inner_front_hook":false,"inner_back_hook":true},` +
				`{"word":"TA","front_hooks":"E","back_hooks":"","inner_front_hook":true,"inner_back_hook":false}]}` + "\n",
		},
		{
			name: "nil_words",
			qs:   []schemas.Question{{Alphagram: "QQ", Length: 2, Probability: 9}},
			want: `{"alphagram":"QQ","length":2,"probability":9,"combinations":0,"words":[]}` + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteQuestions(&b, tt.qs); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteQuestionsENABLE(t *testing.T) {
	l := loadENABLE(t)
	qs, err := l.Questions(8, 1, 300)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteQuestions(&b, qs); err != nil {
		t.Fatal(err)
	}

	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(qs) {
		t.Fatalf("got %d lines for %d questions", len(lines), len(qs))
	}
	for i, line := range lines {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &fields); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		want := []string{"alphagram", "combinations", "length", "probability", "words"}
		if diff := cmp.Diff(want, keys); diff != "" {
			t.Fatalf("line %d keys (-want +got):\n%s", i+1, diff)
		}

		var q schemas.Question
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if diff := cmp.Diff(qs[i], q); diff != "" {
			t.Fatalf("line %d round trip (-want +got):\n%s", i+1, diff)
		}
	}
}

// failingWriter accepts a few bytes, then fails.
type failingWriter struct{ left int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		n := w.left
		w.left = 0
		return n, errDiskFull
	}
	w.left -= len(p)
	return len(p), nil
}

func TestWriteQuestionsError(t *testing.T) {
	l := loadENABLE(t)
	qs, err := l.Questions(7, 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	err = WriteQuestions(&failingWriter{left: 100}, qs)
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("err = %v, want one wrapping %v", err, errDiskFull)
	}
}
