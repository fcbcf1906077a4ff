package lexicon

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		want    []string
		wantErr string
	}{
		{name: "empty", input: "", want: []string{}},
		{name: "only_comments_and_blanks", input: "# a list\n\n   \n#x1\n", want: []string{}},
		{name: "uppercases", input: "cat\nDog\nbIRD\n", want: []string{"BIRD", "CAT", "DOG"}},
		{name: "sorts", input: "zoo\nant\nmoo\n", want: []string{"ANT", "MOO", "ZOO"}},
		{name: "drops_duplicates", input: "cat\nCAT\ncat\nCat\n", want: []string{"CAT"}},
		{name: "crlf", input: "cat\r\ndog\r\n", want: []string{"CAT", "DOG"}},
		{name: "surrounding_space", input: "  cat \t\n\tdog\r\n", want: []string{"CAT", "DOG"}},
		{name: "no_final_newline", input: "cat\ndog", want: []string{"CAT", "DOG"}},
		{name: "indented_comment", input: "  # note\ncat\n", want: []string{"CAT"}},
		{name: "one_letter", input: "a\n", want: []string{"A"}},
		{
			name:  "long_words_kept",
			input: "antidisestablishmentarianism\n",
			want:  []string{"ANTIDISESTABLISHMENTARIANISM"},
		},
		{name: "digit", input: "cat\nfo0\n", wantErr: `line 2: "fo0": not a word`},
		{name: "inner_space", input: "ice cream\n", wantErr: `line 1: "ice cream": not a word`},
		{name: "hyphen", input: "\n\nx-ray\n", wantErr: `line 3: "x-ray": not a word`},
		{name: "apostrophe", input: "don't\n", wantErr: `line 1: "don't": not a word`},
		{name: "accent", input: "café\n", wantErr: `line 1: "café": not a word`},
		{name: "comment_after_word", input: "cat # pet\n", wantErr: `line 1: "cat # pet": not a word`},
		{name: "inner_carriage_return", input: "ca\rt\n", wantErr: `line 1: "ca\rt": not a word`},
		{name: "nul", input: "ca\x00t\n", wantErr: `line 1: "ca\x00t": not a word`},
		{name: "invalid_utf8", input: "ok\n\xff\n", wantErr: `line 2: "\xff": not a word`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.input))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				if got != nil {
					t.Errorf("got words %q with an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("words (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseLineTooLong(t *testing.T) {
	input := "cat\n" + strings.Repeat("a", 1<<17) + "\n"
	_, err := Parse(strings.NewReader(input))
	if err == nil || !strings.HasPrefix(err.Error(), "line 2: ") {
		t.Fatalf("err = %v, want one naming line 2", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"cat\ndog\n",
		"CAT\r\ncat\r\n",
		"# comment\n\n  zebra  \n",
		"fo0\n",
		"a\nb\nc",
		"\xff\xfe\n",
		"x-ray\n",
		"\r\n\r\n#\n",
		"quizzified\nQUIZZIFIED\n",
		"\t \v\f\u00a0word\u0085\n",
	} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, input string) {
		words, err := Parse(strings.NewReader(input))
		if err != nil {
			if words != nil {
				t.Errorf("got words %q with error %v", words, err)
			}
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("error %q does not name a line", err)
			}
			return
		}

		// Every line that is neither blank nor a comment must have been a
		// word, so the result is those lines, uppercased, sorted and
		// unique.
		var want []string
		for _, line := range strings.Split(input, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			want = append(want, strings.ToUpper(line))
		}
		slices.Sort(want)
		want = slices.Compact(want)
		if want == nil {
			want = []string{}
		}
		if diff := cmp.Diff(want, words); diff != "" {
			t.Fatalf("words (-want +got):\n%s", diff)
		}
		for _, w := range words {
			if strings.Trim(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" || w == "" {
				t.Errorf("%q is not an uppercase word", w)
			}
		}
	})
}
