package accounts

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi/store"
)

// Login throttling in the store, shared by every instance. Each attempt
// reserves its failure before the password is checked, as a document of its
// own: slot n of a key is the document "<key>#n", claimed by inserting it.
// A unique _id is the one thing the embedded store applies atomically
// (concurrent $inc and conditional updates lose writes there), so two
// attempts, on one instance or two, can never take the same slot: the n-th
// concurrent guess really is the n-th failure. Past the free failures, slot
// n may be used only ThrottleDelay·2^(n-free) after slot n-1 was taken;
// otherwise the attempt gives its slot back and waits. A success deletes
// the pair's slots; the slots of a failure stay and are its record.
//
// A key's head document ("<key>") holds a hint of the next slot, the time
// of the last failure and, for admins, whose account it is. Keys are keyed
// hashes: the collection names no address, and no login that is not a user.

const (
	kindPair   = "account_client" // one login from one client
	kindClient = "client"         // one client, any login
)

// throttleKey is one counter: a login and client pair, or a client.
type throttleKey struct {
	id   string
	kind string
	free int // failures before delays start
}

func (s *Store) pairKey(login, client string) throttleKey {
	return throttleKey{id: "lp:" + s.keys.Hash("login-pair", NormalizeLogin(login)+"\x00"+client)[:40], kind: kindPair, free: s.policy.AccountFailures}
}

func (s *Store) clientKey(client string) throttleKey {
	return throttleKey{id: "lc:" + client, kind: kindClient, free: s.policy.ClientFailures}
}

// throttleDoc is a head ("<key>") or a slot ("<key>#n") document.
type throttleDoc struct {
	ID     string    `bson:"_id"`
	Key    string    `bson:"key"`
	At     time.Time `bson:"at"` // slot: when it was taken; head: the last failure
	Kind   string    `bson:"kind,omitempty"`
	Next   int       `bson:"next,omitempty"` // head: the next free slot, a hint
	UserID string    `bson:"user_id,omitempty"`
	Login  string    `bson:"login,omitempty"` // only a login that names a user
}

func slotID(key string, n int) string { return key + "#" + strconv.Itoa(n) }

// delayAfter is how long after failure n-1 the attempt taking slot n must
// come: nothing for the free failures, then doubling up to the maximum.
func (s *Store) delayAfter(n, free int) time.Duration {
	if n < free {
		return 0
	}
	d := s.policy.ThrottleDelay
	for i := free; i < n && d < s.policy.ThrottleMaxDelay; i++ {
		d *= 2
	}
	return min(d, s.policy.ThrottleMaxDelay)
}

// reservation is a slot taken by an attempt.
type reservation struct {
	key  throttleKey
	slot int
}

// reserve takes the next slot of k, or returns how long to wait.
func (s *Store) reserve(ctx context.Context, k throttleKey) (reservation, time.Duration, error) {
	c := s.db.Collection(collThrottle)
	now := s.now().UTC()
	var head throttleDoc
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: k.id}}).Decode(&head)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
	case err != nil:
		return reservation{}, 0, fmt.Errorf("login throttle: %w", err)
	case now.Sub(head.At) >= s.policy.ThrottleReset:
		if err := s.clearKey(ctx, k.id); err != nil { // forgotten: start over
			return reservation{}, 0, err
		}
		head = throttleDoc{}
	}
	n := head.Next
	if wait := head.At.Add(s.delayAfter(n, k.free)).Sub(now); head.Next > 0 && wait > 0 {
		return reservation{}, wait, nil // known to be early: no slot taken
	}
	for tries := 0; ; tries++ {
		_, err := c.InsertOne(ctx, throttleDoc{ID: slotID(k.id, n), Key: k.id, At: now})
		if err == nil {
			break
		}
		if !store.IsDuplicate(err) {
			return reservation{}, 0, fmt.Errorf("login throttle: %w", err)
		}
		if tries == 50 { // a storm of attempts on one key: let it wait
			return reservation{}, s.delayAfter(max(n, k.free), k.free), nil
		}
		n++
	}
	r := reservation{key: k, slot: n}
	if n < k.free {
		return r, 0, nil
	}
	var prev throttleDoc
	err = c.FindOne(ctx, bson.D{{Key: "_id", Value: slotID(k.id, n-1)}}).Decode(&prev)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		_ = s.release(context.WithoutCancel(ctx), r)
		return reservation{}, 0, fmt.Errorf("login throttle: %w", err)
	}
	// The delay runs from the later of slot n-1 and the last recorded
	// failure; a missing slot n-1 is being taken or given back right now.
	wait := s.delayAfter(n, k.free)
	if err == nil {
		last := prev.At
		if head.At.After(last) {
			last = head.At
		}
		wait = last.Add(wait).Sub(now)
	}
	if wait > 0 {
		if err := s.release(context.WithoutCancel(ctx), r); err != nil {
			return reservation{}, 0, err
		}
		return reservation{}, wait, nil
	}
	return r, 0, nil
}

// release gives a slot back: the attempt was not a failure (it succeeded,
// or it never got to check the password).
func (s *Store) release(ctx context.Context, r reservation) error {
	if _, err := s.db.Collection(collThrottle).DeleteOne(ctx, bson.D{{Key: "_id", Value: slotID(r.key.id, r.slot)}}); err != nil {
		return fmt.Errorf("login throttle: %w", err)
	}
	return nil
}

// failed records a failure on the key's head (the slot is already stored).
func (s *Store) failed(ctx context.Context, r reservation, u *User) error {
	set := bson.D{{Key: "key", Value: r.key.id}, {Key: "kind", Value: r.key.kind}, {Key: "next", Value: r.slot + 1}, {Key: "at", Value: s.now().UTC()}}
	if u != nil && r.key.kind == kindPair {
		set = append(set, bson.E{Key: "user_id", Value: u.ID}, bson.E{Key: "login", Value: u.Login})
	}
	err := store.Upserted(func() error { // two instances may create the head at once
		_, err := s.db.Collection(collThrottle).UpdateOne(ctx, bson.D{{Key: "_id", Value: r.key.id}},
			bson.D{{Key: "$set", Value: set}}, options.UpdateOne().SetUpsert(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("login throttle: %w", err)
	}
	return nil
}

// clearKey forgets every failure of a key.
func (s *Store) clearKey(ctx context.Context, id string) error {
	if _, err := s.db.Collection(collThrottle).DeleteMany(ctx, bson.D{{Key: "key", Value: id}}); err != nil {
		return fmt.Errorf("login throttle: %w", err)
	}
	return nil
}

// sweepThrottle removes failures already forgotten (heads and slots alike
// carry "at"). Successful logins run it: they are rare, and the embedded
// store has no TTL indexes.
func (s *Store) sweepThrottle(ctx context.Context) error {
	cutoff := s.now().UTC().Add(-s.policy.ThrottleReset)
	if _, err := s.db.Collection(collThrottle).DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: cutoff}}}}); err != nil {
		return fmt.Errorf("login throttle: %w", err)
	}
	return nil
}

// Throttle is a key whose logins are being slowed down, for admins.
type Throttle struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`              // "account_client" or "client"
	UserID      string    `json:"user_id,omitempty"` // the account, when the login names a user
	Login       string    `json:"login,omitempty"`
	Failures    int       `json:"failures"`
	LastFailure time.Time `json:"last_failure"`
	RetryAt     time.Time `json:"retry_at"` // the next attempt is refused before this
}

// ListThrottles lists the keys past their free failures whose failures
// are not yet forgotten, the most recent failure first.
func (s *Store) ListThrottles(ctx context.Context) ([]Throttle, error) {
	now := s.now().UTC()
	heads, err := store.FindAll[throttleDoc](ctx, s.db.Collection(collThrottle),
		bson.D{{Key: "kind", Value: bson.D{{Key: "$in", Value: bson.A{kindPair, kindClient}}}}, {Key: "at", Value: bson.D{{Key: "$gt", Value: now.Add(-s.policy.ThrottleReset)}}}},
		"list login throttles", options.Find().SetSort(bson.D{{Key: "at", Value: -1}}).SetLimit(1000))
	if err != nil {
		return nil, err
	}
	out := []Throttle{}
	for _, h := range heads {
		free := s.policy.AccountFailures
		if h.Kind == kindClient {
			free = s.policy.ClientFailures
		}
		if h.Next < free {
			continue
		}
		out = append(out, Throttle{ID: h.ID, Kind: h.Kind, UserID: h.UserID, Login: h.Login, Failures: h.Next,
			LastFailure: h.At, RetryAt: h.At.Add(s.delayAfter(h.Next, free))})
	}
	return out, nil
}

// ClearThrottle forgets the failures of the key with id (from
// ListThrottles): its next login is checked at once.
func (s *Store) ClearThrottle(ctx context.Context, id string) error {
	if len(id) < 4 || (id[:3] != "lp:" && id[:3] != "lc:") {
		return errThrottleNotFound
	}
	res, err := s.db.Collection(collThrottle).DeleteMany(ctx, bson.D{{Key: "key", Value: id}})
	if err != nil {
		return fmt.Errorf("login throttle: %w", err)
	}
	if res.DeletedCount == 0 {
		return errThrottleNotFound
	}
	return nil
}
