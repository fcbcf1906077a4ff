package lexicon

import (
	"math"
	"math/bits"
)

// The standard English bag: 100 tiles, two of them blank.
var bagCounts = [26]uint8{
	9, 2, 2, 4, 12, 2, 3, 2, 9, 1, 1, 4, 2, // A to M
	6, 8, 2, 1, 6, 4, 6, 4, 2, 2, 1, 2, 1, // N to Z
}

const bagBlanks = 2

// binomials[n][k] is n choose k for every n up to the largest letter count in
// the bag.
var binomials = func() (t [13][13]uint64) {
	for n := range t {
		t[n][0] = 1
		for k := 1; k <= n; k++ {
			t[n][k] = t[n-1][k-1] + t[n-1][k]
		}
	}
	return t
}()

// choose returns n choose k, which is zero when k is negative or above n.
func choose(n uint8, k int) uint64 {
	if k < 0 || k > int(n) {
		return 0
	}
	return binomials[n][k]
}

// combinations counts the distinct draws from the bag that spell alphagram,
// blanks standing in for up to two of its letters. Letters may come in any
// order and either case; anything other than a letter gives 0. Very long
// alphagrams saturate at math.MaxInt64.
//
// It multiplies one polynomial per letter, in which the coefficient of x^b is
// the number of ways to take that letter's real tiles when b blanks replace
// some of them. Truncated at x^2, the product's coefficient of x^b counts the
// real tiles for b blanks in all; each is weighted by the C(2, b) ways to
// pick which blank tiles are drawn.
func combinations(alphagram string) int64 {
	var need [26]int
	for i := 0; i < len(alphagram); i++ {
		c := alphagram[i]
		switch {
		case 'A' <= c && c <= 'Z':
			need[c-'A']++
		case 'a' <= c && c <= 'z':
			need[c-'a']++
		default:
			return 0
		}
	}

	poly := [bagBlanks + 1]uint64{1}
	for letter, n := range need {
		if n == 0 {
			continue
		}
		var next [bagBlanks + 1]uint64
		for b := range next {
			for used := 0; used <= b; used++ {
				ways := choose(bagCounts[letter], n-used)
				next[b] = addSat(next[b], mulSat(poly[b-used], ways))
			}
		}
		poly = next
	}

	var total uint64
	for b, ways := range poly {
		total = addSat(total, mulSat(ways, choose(bagBlanks, b)))
	}
	return int64(total)
}

// mulSat multiplies, stopping at math.MaxInt64.
func mulSat(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 || lo > math.MaxInt64 {
		return math.MaxInt64
	}
	return lo
}

// addSat adds, stopping at math.MaxInt64.
func addSat(a, b uint64) uint64 {
	sum, carry := bits.Add64(a, b, 0)
	if carry != 0 || sum > math.MaxInt64 {
		return math.MaxInt64
	}
	return sum
}
