package store

import (
	"context"
	"sync"
	"sync/atomic"
)

// Parallel calls fn(ctx, i) for i in [0, n) on at most width goroutines and
// returns the first error; after one, the calls not yet started are
// skipped and ctx (passed to fn) is cancelled. It is how a request reads a
// handful of documents by _id at once: each find is one index lookup, and
// a page's dozens of them need not wait for one another.
func Parallel(ctx context.Context, n, width int, fn func(context.Context, int) error) error {
	if n == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next  atomic.Int64
		once  sync.Once
		first error
		wg    sync.WaitGroup
	)
	for range min(width, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		// The caller's context ended (ours is only cancelled after an
		// error, which would be first).
		return context.Cause(ctx)
	}
	return first
}
