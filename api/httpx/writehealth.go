package httpx

import (
	"errors"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/store"
)

// WriteHealthHold is how long one failed write keeps /readyz at 503 when no
// write succeeds after it.
const WriteHealthHold = 30 * time.Second

// WriteHealth remembers whether the store has been failing writes, so that
// /readyz turns 503 (and a load balancer stops sending) while it does, even
// when the store still answers pings. A failure counts until a write
// succeeds or Hold has passed.
type WriteHealth struct {
	Now  func() time.Time
	Hold time.Duration

	mu     sync.Mutex
	failed time.Time // when the last write failed; zero once one succeeded
}

// Failed records a write the store failed.
func (h *WriteHealth) Failed() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failed = h.Now()
}

// Succeeded records a write the store took.
func (h *WriteHealth) Succeeded() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failed = time.Time{}
}

// Failing reports whether writes have been failing within Hold.
func (h *WriteHealth) Failing() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return !h.failed.IsZero() && h.Now().Sub(h.failed) < h.Hold
}

// storeFailedKey marks, in the gin context, a request answered with a
// store failure.
const storeFailedKey = "minyi.store_failed"

// IsStoreFailure reports whether err is the store failing rather than
// refusing: unreachable, timed out, or a server error (a full disk, a
// failed write) that no store method translated into a domain error.
func IsStoreFailure(err error) bool {
	if err == nil {
		return false
	}
	var de *minyi.Error
	if errors.As(err, &de) {
		return false
	}
	return store.IsUnavailable(err) || store.IsServerFailure(err)
}

// NoteStoreFailure marks c as answered with a store failure, for the
// edge's write health.
func NoteStoreFailure(c *gin.Context, err error) {
	if IsStoreFailure(err) {
		c.Set(storeFailedKey, true)
	}
}

// StoreFailed reports whether c was answered with a store failure.
func StoreFailed(c *gin.Context) bool { return c.GetBool(storeFailedKey) }
