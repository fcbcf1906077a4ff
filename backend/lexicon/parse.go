package lexicon

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
)

// Parse reads a word list: one word per line, in either case. Surrounding
// whitespace is trimmed; blank lines and lines starting with # are skipped.
// A word may hold only the letters A to Z; any other character makes the
// whole list invalid and the error names the line. Parse returns the words
// uppercased, sorted and without duplicates. Words of any length are kept,
// since long words still count as hooks.
func Parse(r io.Reader) ([]string, error) {
	var words []string
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		word, ok := upperWord(line)
		if !ok {
			return nil, fmt.Errorf("line %d: %q: not a word", n, line)
		}
		words = append(words, word)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}

	// Lists are usually sorted already; checking first saves most of the
	// sorting time for them.
	if !slices.IsSorted(words) {
		slices.Sort(words)
	}
	words = slices.Compact(words)
	if words == nil {
		words = []string{}
	}
	return words, nil
}

// upperWord returns b uppercased when it is made only of ASCII letters.
func upperWord(b []byte) (string, bool) {
	if len(b) == 0 {
		return "", false
	}
	var buf [32]byte
	up := buf[:0]
	for _, c := range b {
		switch {
		case 'A' <= c && c <= 'Z':
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		default:
			return "", false
		}
		up = append(up, c)
	}
	return string(up), true
}
