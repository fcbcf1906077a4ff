package loadtest

import (
	"math"
	"math/bits"
	"sync/atomic"
	"time"
)

// subBits sets the histogram's precision: every power of two is split into
// 2^subBits buckets, so a bucket is at most 1/128 of its values wide and a
// percentile read from its middle is within 0.4% of the true sample.
const subBits = 7

// maxTracked is the largest value with its own bucket (about 137 s in
// nanoseconds); larger values share the last bucket, though Max stays exact.
const maxTracked = 1<<37 - 1

const (
	subCount    = 1 << subBits
	bucketCount = (37-subBits)*subCount + subCount
)

// Histogram counts durations in logarithmic buckets of fixed relative
// width, like an HDR histogram. Record is safe from many goroutines at
// once and does not allocate; its memory does not grow with the samples.
type Histogram struct {
	counts [bucketCount]atomic.Uint64
	n      atomic.Uint64
	sum    atomic.Int64
	min    atomic.Int64 // valid when n > 0
	max    atomic.Int64
}

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram {
	h := &Histogram{}
	h.min.Store(math.MaxInt64)
	return h
}

// bucketOf returns the bucket a non-negative value falls in.
func bucketOf(v int64) int {
	if v < subCount {
		return int(v)
	}
	if v > maxTracked {
		v = maxTracked
	}
	k := bits.Len64(uint64(v)) - 1 // v is in [2^k, 2^(k+1))
	shift := k - subBits
	return shift*subCount + int(v>>shift)
}

// bucketRange returns the lowest value of a bucket and its width.
func bucketRange(i int) (low, width int64) {
	if i < 2*subCount {
		return int64(i), 1
	}
	shift := i/subCount - 1
	sub := int64(i%subCount + subCount)
	return sub << shift, 1 << shift
}

// Record adds one duration; negative ones count as zero.
func (h *Histogram) Record(d time.Duration) {
	v := max(int64(d), 0)
	h.counts[bucketOf(v)].Add(1)
	h.n.Add(1)
	h.sum.Add(v)
	for m := h.min.Load(); v < m && !h.min.CompareAndSwap(m, v); m = h.min.Load() {
	}
	for m := h.max.Load(); v > m && !h.max.CompareAndSwap(m, v); m = h.max.Load() {
	}
}

// Merge adds every sample of o to h. Neither may be recorded to meanwhile.
func (h *Histogram) Merge(o *Histogram) {
	if o.n.Load() == 0 {
		return
	}
	for i := range o.counts {
		if c := o.counts[i].Load(); c > 0 {
			h.counts[i].Add(c)
		}
	}
	h.n.Add(o.n.Load())
	h.sum.Add(o.sum.Load())
	h.min.Store(min(h.min.Load(), o.min.Load()))
	h.max.Store(max(h.max.Load(), o.max.Load()))
}

// Count is how many samples were recorded.
func (h *Histogram) Count() uint64 { return h.n.Load() }

// Max is the largest sample, exactly; 0 when empty.
func (h *Histogram) Max() time.Duration {
	if h.n.Load() == 0 {
		return 0
	}
	return time.Duration(h.max.Load())
}

// Mean is the average sample; 0 when empty.
func (h *Histogram) Mean() time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	return time.Duration(h.sum.Load() / int64(n))
}

// Quantile returns the sample at quantile q (0 to 1) by the nearest-rank
// method: the smallest sample with at least q of all samples at or below
// it. The lowest and highest ranks are exact; others answer with the
// middle of the sample's bucket, kept within the minimum and maximum.
// It returns 0 when empty.
func (h *Histogram) Quantile(q float64) time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	rank := nearestRank(q, int(n))
	switch {
	case rank == 1:
		return time.Duration(h.min.Load())
	case uint64(rank) == n:
		return time.Duration(h.max.Load())
	}
	var seen uint64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= uint64(rank) {
			low, width := bucketRange(i)
			v := low + (width-1)/2
			v = min(max(v, h.min.Load()), h.max.Load())
			return time.Duration(v)
		}
	}
	return time.Duration(h.max.Load())
}

// nearestRank is the 1-based rank of quantile q among n sorted samples.
func nearestRank(q float64, n int) int {
	rank := int(math.Ceil(q*float64(n) - 1e-9)) // tolerate float error at exact ranks
	return min(max(rank, 1), n)
}
