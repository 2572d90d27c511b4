package par

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestEach: every index is handed out once, and never more workers run at
// once than asked for.
func TestEach(t *testing.T) {
	for _, c := range []struct{ n, workers int }{{0, 0}, {1, 0}, {100, 0}, {100, 1}, {100, 3}, {5, 50}} {
		seen := make([]int32, c.n)
		var running, most atomic.Int32
		Each(c.n, c.workers, func(i int) {
			now := running.Add(1)
			for {
				m := most.Load()
				if now <= m || most.CompareAndSwap(m, now) {
					break
				}
			}
			time.Sleep(100 * time.Microsecond)
			atomic.AddInt32(&seen[i], 1)
			running.Add(-1)
		})
		for i, k := range seen {
			if k != 1 {
				t.Errorf("n=%d workers=%d: index %d ran %d times", c.n, c.workers, i, k)
			}
		}
		if c.workers > 0 && int(most.Load()) > c.workers {
			t.Errorf("n=%d workers=%d: %d ran at once", c.n, c.workers, most.Load())
		}
	}
}

// TestAsync: the result is fn's, however many times it is asked for.
func TestAsync(t *testing.T) {
	var calls atomic.Int32
	get := Async(func() int { calls.Add(1); return 42 })
	if get() != 42 || get() != 42 || calls.Load() != 1 {
		t.Errorf("got %d, %d calls", get(), calls.Load())
	}
}
