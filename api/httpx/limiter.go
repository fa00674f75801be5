package httpx

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Hash identifies the client without keeping its address: a keyed
// hash of the IP salted with the UTC date, so it rotates daily and cannot be
// reversed or linked across days. No raw IP is stored or logged anywhere.
func (s Clients) Hash(c *gin.Context) string {
	day := s.Now().UTC().Format("2006-01-02")
	return s.Keys.Hash("client-ip:"+day, c.ClientIP())[:32]
}

// Limiter is a token bucket per key, in memory: it guards hot public paths
// (ballots, online opinions) without a store round trip. Each instance
// limits on its own; behind a load balancer the effective limit is the sum.
type Limiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewLimiter allows n requests per period to each key, burst at once.
func NewLimiter(n int, per time.Duration, burst int, now func() time.Time) *Limiter {
	return &Limiter{rate: float64(n) / per.Seconds(), burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// Throttle takes a token of l for the calling client, or answers 429 with
// Retry-After in whole seconds, rounded up.
func (s Clients) Throttle(c *gin.Context, l *Limiter) error {
	ok, wait := l.allow(s.Hash(c))
	if ok {
		return nil
	}
	c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	return ErrRateLimited
}

// allow takes a token for key; when none is left it says how long to wait.
func (l *Limiter) allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// sweep forgets buckets that have refilled, once a minute, so memory is
// bounded by the clients of the last minutes.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.last) > full {
			delete(l.buckets, k)
		}
	}
}

// Throttle is a limiter applied per client.
type Throttle struct {
	Clients Clients
	Limiter *Limiter
}

// Take takes a token for the calling client, or answers 429.
func (t Throttle) Take(c *gin.Context) error { return t.Clients.Throttle(c, t.Limiter) }

// peek says whether key has a token left, without taking it, and if not
// how long until it has.
func (l *Limiter) peek(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		return true, 0
	}
	tokens := math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	if tokens >= 1 {
		return true, 0
	}
	return false, time.Duration((1 - tokens) / l.rate * float64(time.Second))
}
