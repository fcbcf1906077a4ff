package lexicon

import (
	"math"
	"testing"
)

func TestCombinations(t *testing.T) {
	tests := []struct {
		name      string
		alphagram string
		want      int64
	}{
		{name: "ACEIORT", alphagram: "ACEIORT", want: 2_323_512},
		{name: "AIJNORT", alphagram: "AIJNORT", want: 817_236},
		{name: "AEFFGINR", alphagram: "AEFFGINR", want: 1_077_300},
		{name: "ABEIPRSTZ", alphagram: "ABEIPRSTZ", want: 5_669_136},
		{name: "AAJQQ", alphagram: "AAJQQ", want: 153},
		{name: "MMSUUUU", alphagram: "MMSUUUU", want: 120},
		{name: "two_letters", alphagram: "AT", want: 85},
		{name: "any_order", alphagram: "TROCIEA", want: 2_323_512},
		{name: "lowercase", alphagram: "aceiort", want: 2_323_512},
		{name: "both_blanks_for_one_letter", alphagram: "QQQ", want: 1},
		{name: "three_blanks_needed", alphagram: "QQQQ", want: 0},
		{name: "empty", alphagram: "", want: 1},
		{name: "not_a_letter", alphagram: "AB?", want: 0},
		{
			// The exact count is about 1.7e21.
			name:      "saturates",
			alphagram: "AAAABCDDEEEEEEFGHIIIILLMNNNOOOOPRRRSSTTTUUVWY",
			want:      math.MaxInt64,
		},
		{
			name:      "long_without_overflow",
			alphagram: "AAAAEEEEEEIIIIOOOONNNRRRTTTLLSSDDUUG",
			want:      1_647_676_040_871_168_000,
		},
	}
	l := New("empty", nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Combinations(tt.alphagram); got != tt.want {
				t.Errorf("Combinations(%q) = %d, want %d", tt.alphagram, got, tt.want)
			}
		})
	}
}
