package httpx

import (
	"errors"
	"math"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/surveys"
)

// BallotGate is what stands before the public submission path, for the
// JSON API and the ballot page alike. A ballot without a code takes a token
// of the per-address limit (a meeting room shares one address, hence a
// setting); a ballot with a code does not (the code is the proof of one
// voter), but an address whose codes keep failing is stopped by the guess
// limit, counted on failures only. A survey may refuse a second open-link
// ballot from one device; every stored open-link ballot is noted for the
// stuffing signals.
type BallotGate struct {
	Public  Throttle
	Guess   Throttle // failed codes, per address
	Signals *surveys.SignalStore
}

// ErrDeviceVoted refuses a second open-link ballot from one device.
var ErrDeviceVoted = minyi.E(minyi.ErrConflict, "device_voted", "本设备已经提交过本次测评，每台设备只能提交一次。如有疑问请联系组织者。")

// Before admits a submission carrying code (normalised, "" for none) to
// survey sv, or refuses it (429 or 409).
func (g BallotGate) Before(c *gin.Context, sv *surveys.Survey, code string) error {
	if code == "" {
		if sv != nil && sv.Access.OnePerDevice && slices.Contains(VotedOn(c), sv.ID) {
			return ErrDeviceVoted
		}
		return g.Public.Take(c)
	}
	if g.Guess.Limiter == nil {
		return nil
	}
	if ok, wait := g.Guess.Limiter.peek(g.Guess.Clients.Hash(c)); !ok {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return ErrRateLimited
	}
	return nil
}

// After counts a failed code against the address, and notes a stored
// open-link ballot (repeat: its device had submitted before).
func (g BallotGate) After(c *gin.Context, code string, r *surveys.Receipt, err error, repeat bool) {
	if err != nil {
		var ce *surveys.CheckError
		if code != "" && g.Guess.Limiter != nil && errors.As(err, &ce) && ce.UnknownCode() {
			g.Guess.Limiter.allow(g.Guess.Clients.Hash(c))
		}
		return
	}
	if code != "" || r.Replayed || g.Signals == nil {
		return
	}
	g.Signals.Note(r.Survey.ID, g.Public.Clients.Hash(c), repeat)
}
