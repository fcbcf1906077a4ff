package lexicon

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wordwalls/wordwalls/backend/wordlists"
)

// LoadBuiltin builds the ENABLE lexicon shipped inside the binary, named
// wordlists.ENABLEName.
func LoadBuiltin() (*Lexicon, error) {
	rc, err := wordlists.ENABLE()
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", wordlists.ENABLEName, err)
	}
	defer rc.Close()

	words, err := Parse(rc)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", wordlists.ENABLEName, err)
	}
	return New(wordlists.ENABLEName, words), nil
}

// LoadDir builds one lexicon from every NAME.txt file in dir, keyed and
// named by NAME. Names may use only ASCII letters, digits, _ and -; a file
// with another name, or one that does not parse, fails the whole load.
// Files without the .txt suffix and folders are ignored.
func LoadDir(dir string) (map[string]*Lexicon, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read lexicon dir: %w", err)
	}

	lexicons := make(map[string]*Lexicon)
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".txt")
		if !ok || e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if !validName(name) {
			return nil, fmt.Errorf("load %s: lexicon name %q may use only letters, digits, _ and -", path, name)
		}

		l, err := loadFile(name, path)
		if err != nil {
			return nil, err
		}
		lexicons[name] = l
	}
	return lexicons, nil
}

func loadFile(name, path string) (*Lexicon, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open lexicon: %w", err)
	}
	defer f.Close()

	words, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return New(name, words), nil
}

// validName reports whether name is made of [A-Za-z0-9_-] and not empty.
func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}
