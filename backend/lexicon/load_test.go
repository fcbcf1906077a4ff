package lexicon

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadDir(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"Pets_2-b.txt":      "# pets\ncat\ndog\n",
		"birds.txt":         "owl\r\nemu\r\n",
		"empty.txt":         "",
		"notes.md":          "not a list\n",
		"list.txt.bak":      "fo0\n",
		"nested.txt/ignore": "fo0\n",
	})

	lexicons, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}

	var names []string
	for name, l := range lexicons {
		names = append(names, name)
		if l.Name() != name {
			t.Errorf("lexicon under %q is named %q", name, l.Name())
		}
	}
	sort.Strings(names)
	if diff := cmp.Diff([]string{"Pets_2-b", "birds", "empty"}, names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if l := lexicons["birds"]; l == nil || !l.Contains("EMU") || l.Count(3) != 2 {
		t.Errorf("birds did not load its two words")
	}
	if l := lexicons["empty"]; l == nil || l.Count(3) != 0 {
		t.Errorf("empty lexicon has words")
	}
}

func TestLoadDirErrors(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		missing bool
		wantErr []string // substrings of the error
	}{
		{
			name:    "bad_word",
			files:   map[string]string{"good.txt": "cat\n", "bad.txt": "cat\n\nfo0\n"},
			wantErr: []string{"bad.txt", `line 3: "fo0": not a word`},
		},
		{
			name:    "space_in_name",
			files:   map[string]string{"my list.txt": "cat\n"},
			wantErr: []string{`"my list"`},
		},
		{
			name:    "dot_in_name",
			files:   map[string]string{"v1.2.txt": "cat\n"},
			wantErr: []string{`"v1.2"`},
		},
		{
			name:    "empty_name",
			files:   map[string]string{".txt": "cat\n"},
			wantErr: []string{`""`},
		},
		{
			name:    "missing_dir",
			missing: true,
			wantErr: []string{"read lexicon dir"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			if tt.missing {
				dir = filepath.Join(dir, "nowhere")
			}
			lexicons, err := LoadDir(dir)
			if err == nil {
				t.Fatalf("loaded %d lexicons, want an error", len(lexicons))
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %s", err, want)
				}
			}
		})
	}
}
