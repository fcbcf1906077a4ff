package loadtest

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

// exactQuantile is quantile q of samples by the nearest-rank rule that
// Histogram.Quantile follows; it sorts samples in place.
func exactQuantile(samples []time.Duration, q float64) time.Duration {
	slices.Sort(samples)
	return samples[nearestRank(q, len(samples))-1]
}

func TestNearestRank(t *testing.T) {
	tests := []struct {
		name string
		q    float64
		n    int
		want int
	}{
		{"median_of_odd", 0.5, 7, 4},
		{"median_of_even", 0.5, 10, 5},
		{"p99_of_100_is_the_99th", 0.99, 100, 99},
		{"p99_of_1000", 0.99, 1000, 990},
		{"p999_of_100_is_the_last", 0.999, 100, 100},
		{"p90_of_300", 0.9, 300, 270},
		{"zero_is_the_first", 0, 5, 1},
		{"one_is_the_last", 1, 5, 5},
		{"single_sample", 0.5, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nearestRank(tt.q, tt.n); got != tt.want {
				t.Errorf("nearestRank(%v, %d) = %d, want %d", tt.q, tt.n, got, tt.want)
			}
		})
	}
}

func TestBucketsCoverEveryValue(t *testing.T) {
	// Every value lands in a bucket whose range holds it, and buckets
	// follow each other without gaps or overlaps.
	var next int64
	for i := range bucketCount {
		low, width := bucketRange(i)
		if low != next {
			t.Fatalf("bucket %d starts at %d, want %d", i, low, next)
		}
		if width < 1 || (low >= subCount && float64(width)/float64(low) > 1.0/subCount) {
			t.Fatalf("bucket %d: width %d at %d is too wide", i, width, low)
		}
		for _, v := range []int64{low, low + width - 1} {
			if got := bucketOf(v); got != i {
				t.Fatalf("bucketOf(%d) = %d, want %d", v, got, i)
			}
		}
		next = low + width
	}
	if next != maxTracked+1 {
		t.Errorf("buckets end at %d, want %d", next, maxTracked+1)
	}
	if got := bucketOf(math.MaxInt64); got != bucketCount-1 {
		t.Errorf("bucketOf(MaxInt64) = %d, want the last bucket %d", got, bucketCount-1)
	}
}

func TestQuantileMatchesSortedSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		n    int
		draw func() time.Duration
	}{
		{"uniform_sub_millisecond", 10000, func() time.Duration {
			return time.Duration(rng.IntN(int(time.Millisecond)))
		}},
		{"lognormal_around_2ms", 50000, func() time.Duration {
			return time.Duration(2e6 * math.Exp(rng.NormFloat64()*0.7))
		}},
		{"mostly_fast_with_a_slow_tail", 20000, func() time.Duration {
			if rng.IntN(100) == 0 {
				return time.Duration(50e6 + rng.IntN(200e6))
			}
			return time.Duration(500e3 + rng.IntN(1e6))
		}},
		{"small_integers", 1000, func() time.Duration { return time.Duration(rng.IntN(100)) }},
		{"few_samples", 3, func() time.Duration { return time.Duration(1e6 + rng.IntN(1e6)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHistogram()
			samples := make([]time.Duration, tt.n)
			var sum time.Duration
			for i := range samples {
				samples[i] = tt.draw()
				sum += samples[i]
				h.Record(samples[i])
			}
			for _, q := range []float64{0, 0.5, 0.9, 0.99, 0.999, 1} {
				want := exactQuantile(samples, q)
				got := h.Quantile(q)
				// Half a bucket: 1/256 of the value, or nothing below 128 ns.
				if tol := float64(want) / (2 * subCount); math.Abs(float64(got-want)) > tol+0.5 {
					t.Errorf("Quantile(%v) = %v, want %v within %.1f ns", q, got, want, tol)
				}
			}
			if got, want := h.Max(), slices.Max(samples); got != want {
				t.Errorf("Max() = %v, want %v", got, want)
			}
			if got, want := h.Mean(), sum/time.Duration(tt.n); got != want {
				t.Errorf("Mean() = %v, want %v", got, want)
			}
			if got := h.Count(); got != uint64(tt.n) {
				t.Errorf("Count() = %d, want %d", got, tt.n)
			}
		})
	}
}

func TestQuantileOfOneValueIsExact(t *testing.T) {
	h := NewHistogram()
	for range 10 {
		h.Record(1234567 * time.Nanosecond)
	}
	for _, q := range []float64{0.5, 0.99, 1} {
		if got := h.Quantile(q); got != 1234567 {
			t.Errorf("Quantile(%v) = %d, want 1234567: min and max pin a single value", q, got)
		}
	}
}

func TestEmptyHistogram(t *testing.T) {
	h := NewHistogram()
	if h.Quantile(0.5) != 0 || h.Max() != 0 || h.Mean() != 0 || h.Count() != 0 {
		t.Errorf("empty histogram: got p50 %v max %v mean %v count %d, want zeros",
			h.Quantile(0.5), h.Max(), h.Mean(), h.Count())
	}
}

func TestRecordClampsExtremes(t *testing.T) {
	h := NewHistogram()
	h.Record(-5)
	h.Record(10 * time.Minute)
	if got := h.Quantile(0); got != 0 {
		t.Errorf("negative sample: Quantile(0) = %v, want 0", got)
	}
	if got := h.Max(); got != 10*time.Minute {
		t.Errorf("Max() = %v, want the exact 10m beyond the last bucket", got)
	}
	if got := h.Quantile(1); got != 10*time.Minute {
		t.Errorf("Quantile(1) = %v, want 10m, capped by the exact max", got)
	}
}

func TestMerge(t *testing.T) {
	a, b, all := NewHistogram(), NewHistogram(), NewHistogram()
	for i := range 1000 {
		d := time.Duration(i) * time.Microsecond
		if i%3 == 0 {
			a.Record(d)
		} else {
			b.Record(d)
		}
		all.Record(d)
	}
	a.Merge(b)
	a.Merge(NewHistogram())
	for _, q := range []float64{0, 0.5, 0.9, 0.99, 1} {
		if got, want := a.Quantile(q), all.Quantile(q); got != want {
			t.Errorf("merged Quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if a.Count() != all.Count() || a.Max() != all.Max() || a.Mean() != all.Mean() {
		t.Errorf("merged count/max/mean = %d/%v/%v, want %d/%v/%v",
			a.Count(), a.Max(), a.Mean(), all.Count(), all.Max(), all.Mean())
	}
}

func TestRecordConcurrently(t *testing.T) {
	h := NewHistogram()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				h.Record(time.Duration(g*1000+i+1) * time.Microsecond)
			}
		}()
	}
	wg.Wait()
	if got := h.Count(); got != 8000 {
		t.Errorf("Count() = %d, want 8000", got)
	}
	if got := h.Max(); got != 8000*time.Microsecond {
		t.Errorf("Max() = %v, want 8ms", got)
	}
	if got := h.Quantile(0); got != time.Microsecond {
		t.Errorf("Quantile(0) = %v, want the exact 1µs minimum", got)
	}
}
