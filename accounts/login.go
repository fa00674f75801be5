package accounts

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"minyi"
)

// Signing in, so that it can be neither raced nor turned into a weapon:
//   - in this process, one attempt per login and client at a time (and a
//     few per client) is in flight; the others are answered 429 at once;
//   - in the store, every attempt reserves its failure before the password
//     is checked (throttle.go), so concurrent guesses on any instance count
//     one by one, and past the free failures each further attempt waits
//     twice as long as the one before;
//   - what is slowed down is one login from one client and, far more
//     leniently, one client: the real owner signing in from elsewhere, or a
//     colleague behind the same NAT signing in to their own account, is not
//     locked out by someone else's guesses;
//   - password checks (argon2id, 19 MiB each) run behind a small semaphore,
//     so memory is bounded whatever the number of requests; a login that
//     cannot get a check in time is answered 429;
//   - an unknown login is checked against a dummy hash, through the same
//     steps, so it costs what a known one costs.

// clientInFlight is how many logins of one client may be checked at once.
const clientInFlight = 8

// loginGate is this process's part: logins in flight and the password
// check semaphore.
type loginGate struct {
	checks chan struct{}
	wait   time.Duration

	mu       sync.Mutex
	inFlight map[string]int
}

func newLoginGate(p Policy) *loginGate {
	return &loginGate{checks: make(chan struct{}, max(p.PasswordChecks, 1)), wait: p.PasswordWait, inFlight: map[string]int{}}
}

// enter admits an attempt for the pair and client, or refuses it when
// another attempt of the pair (or too many of the client) is in flight.
func (g *loginGate) enter(pair, client string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.inFlight[pair] > 0 || g.inFlight[client] >= clientInFlight {
		return false
	}
	g.inFlight[pair]++
	g.inFlight[client]++
	return true
}

func (g *loginGate) leave(pair, client string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range []string{pair, client} {
		if g.inFlight[k]--; g.inFlight[k] <= 0 {
			delete(g.inFlight, k)
		}
	}
}

// check runs fn when a password check slot is free within the wait.
func (g *loginGate) check(ctx context.Context, fn func()) bool {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.checks <- struct{}{}:
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
	defer func() { <-g.checks }()
	fn()
	return true
}

// ThrottleError is a login refused for now; Wait is how long to wait.
type ThrottleError struct {
	Wait time.Duration
	err  *minyi.Error
}

func (e *ThrottleError) Error() string { return e.err.Error() }

// Unwrap makes it a *minyi.Error of kind ErrRateLimited (429).
func (e *ThrottleError) Unwrap() error { return e.err }

// RetryAfter is how long a refused login must wait, when err is a
// throttled or busy login.
func RetryAfter(err error) (time.Duration, bool) {
	var te *ThrottleError
	if errors.As(err, &te) {
		return te.Wait, true
	}
	return 0, false
}

func throttled(wait time.Duration) error {
	when := fmt.Sprintf("%d秒", int(math.Ceil(wait.Seconds())))
	if wait > time.Minute {
		when = fmt.Sprintf("%d分钟", int(math.Ceil(wait.Minutes())))
	}
	return &ThrottleError{Wait: wait, err: minyi.E(minyi.ErrRateLimited, "login_throttled", "登录失败次数过多，请"+when+"后再试")}
}

func busy() error {
	return &ThrottleError{Wait: time.Second, err: minyi.E(minyi.ErrRateLimited, "login_busy", "登录请求过多，请稍后再试")}
}

// Login checks login and password for a client (an already salted hash of
// its address) under the throttle and returns the user. Wrong password and
// unknown login give the same error; the user is returned with a wrong
// password (for the audit log); a throttled or busy attempt is a
// *ThrottleError (429, see RetryAfter).
func (s *Store) Login(ctx context.Context, login, password, client string) (*User, error) {
	pair, cli := s.pairKey(login, client), s.clientKey(client)
	if !s.logins.enter(pair.id, cli.id) {
		return nil, busy()
	}
	defer s.logins.leave(pair.id, cli.id)

	rp, wait, err := s.reserve(ctx, pair)
	if err != nil || wait > 0 {
		return nil, orThrottled(err, wait)
	}
	rc, wait, err := s.reserve(ctx, cli)
	if err != nil || wait > 0 {
		s.releaseAll(ctx, rp)
		return nil, orThrottled(err, wait)
	}
	var u *User
	var cerr error
	if !s.logins.check(ctx, func() { u, cerr = s.CheckPassword(ctx, login, password) }) {
		s.releaseAll(ctx, rp, rc)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, busy()
	}
	switch {
	case cerr == nil:
		// The pair starts afresh; the client keeps its other failures, so
		// signing in to one's own account does not renew a guessing budget.
		s.releaseAll(ctx, rc)
		if err := s.clearKey(context.WithoutCancel(ctx), pair.id); err != nil {
			return nil, err
		}
		if err := s.sweepThrottle(context.WithoutCancel(ctx)); err != nil {
			return nil, err
		}
		return u, nil
	case errors.Is(cerr, minyi.ErrUnauthorized):
		for _, r := range []reservation{rp, rc} {
			if err := s.failed(context.WithoutCancel(ctx), r, u); err != nil {
				return nil, err
			}
		}
		return u, cerr
	default:
		s.releaseAll(ctx, rp, rc)
		return nil, cerr
	}
}

func orThrottled(err error, wait time.Duration) error {
	if err != nil {
		return err
	}
	return throttled(wait)
}

// releaseAll gives slots back, even when the request is gone: a slot kept
// by mistake would count as a failure.
func (s *Store) releaseAll(ctx context.Context, rs ...reservation) {
	for _, r := range rs {
		_ = s.release(context.WithoutCancel(ctx), r)
	}
}
