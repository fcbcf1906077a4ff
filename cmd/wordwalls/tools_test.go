package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wordwalls/wordwalls/backend/lexicon"
	"github.com/wordwalls/wordwalls/schemas"
)

// TestQuestionsCommand runs `wordwalls questions` and checks its lines
// against the schema and the lexicon's own order.
func TestQuestionsCommand(t *testing.T) {
	out, err := exec.Command(binary, "questions", "--lexicon", "ENABLE", "--length", "7", "--prob", "1-25").Output()
	if err != nil {
		t.Fatalf("wordwalls questions: %v", err)
	}
	var got []schemas.Question
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if err := schemas.Validate("question", sc.Bytes()); err != nil {
			t.Errorf("line breaks question.json: %s: %v", sc.Text(), err)
		}
		var q schemas.Question
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatal(err)
		}
		got = append(got, q)
	}
	lex, err := lexicon.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	want, err := lex.Questions(7, 1, 25)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("questions output (-lexicon +command):\n%s", diff)
	}
	for i, q := range got {
		if q.Probability != i+1 {
			t.Errorf("line %d has probability %d", i+1, q.Probability)
		}
	}
}

func TestQuestionsCommandRefuses(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"reversed_range", []string{"--prob", "9-1"}, "--prob"},
		{"not_a_range", []string{"--prob", "top"}, "--prob"},
		{"unknown_lexicon", []string{"--lexicon", "NOPE"}, "no such lexicon"},
		{"length_too_long", []string{"--length", "16"}, "length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := exec.Command(binary, append([]string{"questions"}, tt.args...)...).CombinedOutput()
			if err == nil {
				t.Fatalf("succeeded:\n%s", out)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Errorf("error %q does not mention %q", out, tt.want)
			}
		})
	}
}
