// Package par runs independent pieces of work on several goroutines: load
// parsing files, the writer laying out a long list, status reading
// databases, the squash planner working ahead of itself.
//
// Invariants: results never depend on the order goroutines finish in (Each
// hands out indexes; callers write to their own slot); nothing here keeps
// state between calls.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Each calls fn(i) for every i in [0, n) on at most workers goroutines
// (GOMAXPROCS when workers < 1) and returns when all calls have. Workers
// take the next index from an atomic counter: a channel per item made each
// worker park and wake once per item.
func Each(n, workers int, fn func(i int)) {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// Async starts fn on another goroutine and returns a function that waits
// for its result; it may be called any number of times.
func Async[T any](fn func() T) func() T {
	done := make(chan T, 1)
	go func() { done <- fn() }()
	return sync.OnceValue(func() T { return <-done })
}
