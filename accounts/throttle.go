package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Login throttling counts failed logins per account and per client in
// fixed windows that start at the first failure. Counters live in the store,
// not in memory, so several instances behind a load balancer share them.
// Keys are keyed hashes: the collection names neither logins nor addresses.

// ThrottleKey is one counter: an account or a client.
type ThrottleKey struct {
	ID    string
	limit int
}

// AccountKey is the counter of a login name.
func (s *Store) AccountKey(login string) ThrottleKey {
	return ThrottleKey{ID: "a:" + s.keys.Hash("login-account", NormalizeLogin(login)), limit: s.policy.AccountFailures}
}

// ClientKey is the counter of a client, given as an already salted hash of
// its address (the api package rotates the salt daily).
func (s *Store) ClientKey(clientHash string) ThrottleKey {
	return ThrottleKey{ID: "c:" + clientHash, limit: s.policy.ClientFailures}
}

type throttleDoc struct {
	ID    string    `bson:"_id"`
	Fails int       `bson:"fails"`
	Since time.Time `bson:"since"`
}

// LoginBlocked returns how long the caller must wait when any key has used
// up its failures in the current window, else 0.
func (s *Store) LoginBlocked(ctx context.Context, keys ...ThrottleKey) (time.Duration, error) {
	now := s.now()
	var wait time.Duration
	for _, k := range keys {
		var d throttleDoc
		err := s.db.Collection(collThrottle).FindOne(ctx, bson.D{{Key: "_id", Value: k.ID}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("login throttle: %w", err)
		}
		end := d.Since.Add(s.policy.ThrottleWindow)
		if d.Fails >= k.limit && now.Before(end) {
			wait = max(wait, end.Sub(now))
		}
	}
	return wait, nil
}

// LoginFailed counts one failure against every key.
func (s *Store) LoginFailed(ctx context.Context, keys ...ThrottleKey) error {
	now := s.now().UTC()
	c := s.db.Collection(collThrottle)
	cutoff := now.Add(-s.policy.ThrottleWindow) // a window that started after this still runs
	for _, k := range keys {
		res, err := c.UpdateOne(ctx,
			bson.D{{Key: "_id", Value: k.ID}, {Key: "since", Value: bson.D{{Key: "$gt", Value: cutoff}}}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "fails", Value: 1}}}})
		if err == nil && res.MatchedCount == 0 {
			// No window yet, or the last one is over: start a new one.
			_, err = c.UpdateOne(ctx, bson.D{{Key: "_id", Value: k.ID}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "fails", Value: 1}, {Key: "since", Value: now}}}},
				options.UpdateOne().SetUpsert(true))
		}
		if err != nil {
			return fmt.Errorf("login throttle: %w", err)
		}
	}
	return nil
}

// LoginSucceeded clears the account's counter. The client's counter stays:
// signing in to one's own account must not reset a guessing budget.
func (s *Store) LoginSucceeded(ctx context.Context, account ThrottleKey) error {
	if _, err := s.db.Collection(collThrottle).DeleteOne(ctx, bson.D{{Key: "_id", Value: account.ID}}); err != nil {
		return fmt.Errorf("login throttle: %w", err)
	}
	return nil
}
