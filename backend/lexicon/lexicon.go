// Package lexicon turns word lists into Word Walls questions: alphagrams
// ranked by how likely they are to come out of the tile bag, with their
// answers and hooks. It knows nothing of tables, sockets or NATS.
package lexicon

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/wordwalls/wordwalls/schemas"
)

// Question lengths: shorter and longer words are kept for hooks but never
// make questions.
const (
	MinLength = 2
	MaxLength = 15
)

// ErrRange is wrapped by the errors Questions returns for a length or a
// probability range it cannot serve.
var ErrRange = errors.New("out of range")

// Lexicon is a word list with every alphagram of MinLength to MaxLength
// letters ranked by probability. All of it is computed by New; after that a
// Lexicon is read-only and safe for concurrent use.
type Lexicon struct {
	name  string
	words []string    // uppercase, sorted, unique
	hooks []wordHooks // hooks[i] belongs to words[i]

	// members lists word indexes grouped by alphagram; an alphagram's
	// words are one range of it, in alphabetical order.
	members []int32
	lengths [MaxLength + 1]ranking
}

// wordHooks are one word's hooks. Bit i of a mask stands for letter 'A'+i.
type wordHooks struct {
	front, back           uint32
	innerFront, innerBack bool
}

// ranking holds the alphagrams of one length.
type ranking struct {
	alphabetical []alphagramEntry
	ranked       []int32 // indexes into alphabetical, most probable first
}

type alphagramEntry struct {
	alphagram   string
	combos      int64
	start, end  int32 // members[start:end] are its words
	probability int32
}

// New builds a lexicon from words. Words are uppercased; words with anything
// but the letters A to Z are left out, as are duplicates. words itself is not
// modified.
func New(name string, words []string) *Lexicon {
	l := &Lexicon{name: name, words: cleanWords(words)}
	l.findHooks()
	l.rankAlphagrams()
	return l
}

// cleanWords returns a sorted, uppercase, duplicate-free copy of the words
// made only of letters.
func cleanWords(words []string) []string {
	clean := make([]string, 0, len(words))
	for _, w := range words {
		if up, ok := upperString(w); ok {
			clean = append(clean, up)
		}
	}
	if !slices.IsSorted(clean) {
		slices.Sort(clean)
	}
	return slices.Clip(slices.Compact(clean))
}

// upperString returns s uppercased when it is made only of ASCII letters. It
// allocates only when s has a lowercase letter.
func upperString(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	lower := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z':
		case 'a' <= c && c <= 'z':
			lower = true
		default:
			return "", false
		}
	}
	if lower {
		s = strings.ToUpper(s)
	}
	return s, true
}

// findHooks walks the words once: each word whose first or last letter can be
// dropped to leave another word gives that word a hook and itself an inner
// hook.
func (l *Lexicon) findHooks() {
	l.hooks = make([]wordHooks, len(l.words))
	for i, w := range l.words {
		if len(w) < 2 {
			continue
		}
		last := len(w) - 1
		if j, ok := slices.BinarySearch(l.words[:i], w[:last]); ok {
			l.hooks[j].back |= letterBit(w[last])
			l.hooks[i].innerBack = true
		}
		if j, ok := slices.BinarySearch(l.words, w[1:]); ok {
			l.hooks[j].front |= letterBit(w[0])
			l.hooks[i].innerFront = true
		}
	}
}

func letterBit(c byte) uint32 {
	return 1 << (c - 'A')
}

// member is one word of question length, keyed by its alphagram.
type member struct {
	key    [MaxLength]byte // the alphagram, padded with zeros
	length uint8
	word   int32
}

// compareMembers orders members by length, then alphagram, then word.
func compareMembers(a, b member) int {
	if a.length != b.length {
		return cmp.Compare(a.length, b.length)
	}
	if c := bytes.Compare(a.key[:], b.key[:]); c != 0 {
		return c
	}
	return cmp.Compare(a.word, b.word)
}

// rankAlphagrams groups the words of question length by alphagram, counts
// each alphagram's draws and ranks them within each length.
func (l *Lexicon) rankAlphagrams() {
	ms := make([]member, 0, len(l.words))
	for i, w := range l.words {
		if len(w) < MinLength || len(w) > MaxLength {
			continue
		}
		m := member{length: uint8(len(w)), word: int32(i)}
		sortLetters(m.key[:], w)
		ms = append(ms, m)
	}
	slices.SortFunc(ms, compareMembers)

	l.members = make([]int32, len(ms))
	for i, m := range ms {
		l.members[i] = m.word
	}

	// Entries come out shortest first, alphabetical within a length.
	entries := groupMembers(ms)
	for len(entries) > 0 {
		n := len(entries[0].alphagram)
		same := 1
		for same < len(entries) && len(entries[same].alphagram) == n {
			same++
		}
		l.lengths[n] = rank(slices.Clip(entries[:same]))
		entries = entries[same:]
	}
}

// groupMembers makes one entry per run of members with equal keys, in the
// members' order, and counts its draws. The alphagrams share one string.
func groupMembers(ms []member) []alphagramEntry {
	// Sizing both allocations up front keeps New's garbage down.
	groups, size := 0, 0
	for i, m := range ms {
		if i == 0 || m.key != ms[i-1].key {
			groups++
			size += int(m.length)
		}
	}
	entries := make([]alphagramEntry, 0, groups)
	var letters strings.Builder
	letters.Grow(size)
	for start := 0; start < len(ms); {
		end := start + 1
		for end < len(ms) && ms[end].key == ms[start].key {
			end++
		}
		letters.Write(ms[start].key[:ms[start].length])
		entries = append(entries, alphagramEntry{start: int32(start), end: int32(end)})
		start = end
	}

	all := letters.String()
	for i := range entries {
		e := &entries[i]
		n := int(ms[e.start].length)
		e.alphagram, all = all[:n], all[n:]
		e.combos = combinations(e.alphagram)
	}
	return entries
}

// sortLetters writes the letters of the uppercase word w into dst in
// alphabetical order.
func sortLetters(dst []byte, w string) {
	var counts [26]uint8
	for i := 0; i < len(w); i++ {
		counts[w[i]-'A']++
	}
	i := 0
	for letter, n := range counts {
		for range n {
			dst[i] = 'A' + byte(letter)
			i++
		}
	}
}

// rank orders alphagrams, given in alphabetical order, by probability: most
// draws first, ties in alphabetical order. It numbers the entries' ranks.
func rank(alphabetical []alphagramEntry) ranking {
	ranked := make([]int32, len(alphabetical))
	for i := range ranked {
		ranked[i] = int32(i)
	}
	// The indexes follow alphabetical order, so they break ties.
	slices.SortFunc(ranked, func(a, b int32) int {
		if c := cmp.Compare(alphabetical[b].combos, alphabetical[a].combos); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for pos, i := range ranked {
		alphabetical[i].probability = int32(pos + 1)
	}
	return ranking{alphabetical: alphabetical, ranked: ranked}
}

// Name returns the name the lexicon was built with.
func (l *Lexicon) Name() string {
	return l.name
}

// Alphagram returns word's letters uppercased and in alphabetical order.
func (l *Lexicon) Alphagram(word string) string {
	return alphagram(word)
}

func alphagram(word string) string {
	b := []byte(word)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	slices.Sort(b)
	return string(b)
}

// Combinations returns the number of distinct draws from the standard
// 100-tile English bag, two blanks included, that spell alphagram using up
// to two blanks. The letters may come in any order and either case; a string
// with anything but letters gives 0. Counts too large for an int64, possible
// only past 17 letters, are reported as math.MaxInt64.
func (l *Lexicon) Combinations(alphagram string) int64 {
	return combinations(alphagram)
}

// Count returns how many alphagrams of the given length have at least one
// word; it is 0 for lengths outside MinLength to MaxLength.
func (l *Lexicon) Count(length int) int {
	if length < MinLength || length > MaxLength {
		return 0
	}
	return len(l.lengths[length].alphabetical)
}

// Contains reports whether word, in either case, is in the lexicon. Every
// word counts, whatever its length.
func (l *Lexicon) Contains(word string) bool {
	up, ok := upperString(word)
	if !ok {
		return false
	}
	_, found := slices.BinarySearch(l.words, up)
	return found
}

// Questions returns the questions of one length whose probabilities lie
// between probMin and probMax, both included, in probability order. A
// probMax past the last alphagram is lowered to it, so a probMin past it
// gives no questions. The length must lie between MinLength and MaxLength,
// probMin must be at least 1 and probMax at least probMin; otherwise the
// error wraps ErrRange.
func (l *Lexicon) Questions(length, probMin, probMax int) ([]schemas.Question, error) {
	if length < MinLength || length > MaxLength {
		return nil, fmt.Errorf("%w: length %d, want %d to %d", ErrRange, length, MinLength, MaxLength)
	}
	if probMin < 1 {
		return nil, fmt.Errorf("%w: probability %d, want 1 or more", ErrRange, probMin)
	}
	if probMax < probMin {
		return nil, fmt.Errorf("%w: probabilities %d to %d", ErrRange, probMin, probMax)
	}

	r := &l.lengths[length]
	probMax = min(probMax, len(r.ranked))
	if probMin > probMax {
		return []schemas.Question{}, nil
	}
	qs := make([]schemas.Question, 0, probMax-probMin+1)
	for _, i := range r.ranked[probMin-1 : probMax] {
		qs = append(qs, l.question(&r.alphabetical[i]))
	}
	return qs, nil
}

// Question returns the question for one alphagram of MinLength to MaxLength
// letters, and false when no word has those letters. The letters may come in
// any order and either case.
func (l *Lexicon) Question(alphagram string) (schemas.Question, bool) {
	a := l.Alphagram(alphagram)
	n := len(a)
	if n < MinLength || n > MaxLength {
		return schemas.Question{}, false
	}

	entries := l.lengths[n].alphabetical
	i, found := slices.BinarySearchFunc(entries, a, func(e alphagramEntry, a string) int {
		return strings.Compare(e.alphagram, a)
	})
	if !found {
		return schemas.Question{}, false
	}
	return l.question(&entries[i]), true
}

func (l *Lexicon) question(e *alphagramEntry) schemas.Question {
	words := make([]schemas.Word, 0, e.end-e.start)
	for _, i := range l.members[e.start:e.end] {
		h := l.hooks[i]
		words = append(words, schemas.Word{
			Word:           l.words[i],
			FrontHooks:     hookLetters(h.front),
			BackHooks:      hookLetters(h.back),
			InnerFrontHook: h.innerFront,
			InnerBackHook:  h.innerBack,
		})
	}
	return schemas.Question{
		Alphagram:    e.alphagram,
		Length:       len(e.alphagram),
		Probability:  int(e.probability),
		Combinations: e.combos,
		Words:        words,
	}
}

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// hookLetters spells out a hook mask in alphabetical order.
func hookLetters(mask uint32) string {
	switch bits.OnesCount32(mask) {
	case 0:
		return ""
	case 1:
		i := bits.TrailingZeros32(mask)
		return alphabet[i : i+1]
	}
	var buf [26]byte
	s := buf[:0]
	for i := range 26 {
		if mask&(1<<i) != 0 {
			s = append(s, alphabet[i])
		}
	}
	return string(s)
}
