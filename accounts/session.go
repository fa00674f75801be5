package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi"
	"minyi/store"
)

// ErrBadSecret means a session id or API token is unknown, expired or
// revoked, or its user is disabled: the caller must sign in again.
var ErrBadSecret = minyi.E(minyi.ErrUnauthorized, "invalid_credentials", "登录凭据无效或已过期，请重新登录")

// TokenPrefix starts every API token, so a bearer value that cannot be one
// is refused without a store lookup (and leaked tokens are easy to grep for).
const TokenPrefix = "mny_"

// Session is a signed-in browser. Its _id is the keyed hash of the random
// id the cookie holds: a copy of the sessions collection signs nobody in.
type Session struct {
	Hash      string    `bson:"_id"`
	UserID    string    `bson:"user_id"`
	CreatedAt time.Time `bson:"created_at"`
	SeenAt    time.Time `bson:"seen_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// Token is an API token. Like a session, it is stored as its keyed hash
// (the _id); ID is the public handle used to list and revoke it.
type Token struct {
	Hash      string    `bson:"_id" json:"-"`
	ID        string    `bson:"id" json:"id"`
	Name      string    `bson:"name" json:"name"`
	UserID    string    `bson:"user_id" json:"user_id"`
	CreatedAt time.Time `bson:"created_at" json:"created_at"`
}

func randomSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (s *Store) sessions() *mongo.Collection { return s.db.Collection(collSessions) }
func (s *Store) tokens() *mongo.Collection   { return s.db.Collection(collTokens) }

// CreateSession starts a session for user id and returns the secret id for
// the cookie. Expired sessions are swept here: logins are rare and the
// embedded store has no TTL indexes.
func (s *Store) CreateSession(ctx context.Context, userID string) (string, *Session, error) {
	id, err := randomSecret()
	if err != nil {
		return "", nil, err
	}
	now := s.now().UTC()
	sess := &Session{Hash: s.keys.Hash("session", id), UserID: userID, CreatedAt: now, SeenAt: now, ExpiresAt: s.expiry(now, now)}
	if _, err := s.sessions().InsertOne(ctx, sess); err != nil {
		return "", nil, fmt.Errorf("insert session: %w", err)
	}
	if _, err := s.sessions().DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}}); err != nil {
		return "", nil, fmt.Errorf("sweep sessions: %w", err)
	}
	return id, sess, nil
}

// expiry is the sliding idle deadline, capped by the absolute lifetime.
func (s *Store) expiry(created, seen time.Time) time.Time {
	idle, abs := seen.Add(s.policy.SessionIdle), created.Add(s.policy.SessionMax)
	if abs.Before(idle) {
		return abs
	}
	return idle
}

// SessionUser returns the live session with secret id and its user, and
// slides the session's expiry (at most once a minute, to spare the store a
// write per request).
func (s *Store) SessionUser(ctx context.Context, id string) (*User, *Session, error) {
	if id == "" || len(id) > 100 {
		return nil, nil, ErrBadSecret
	}
	var sess Session
	err := s.sessions().FindOne(ctx, bson.D{{Key: "_id", Value: s.keys.Hash("session", id)}}).Decode(&sess)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil, ErrBadSecret
	}
	if err != nil {
		return nil, nil, fmt.Errorf("find session: %w", err)
	}
	now := s.now().UTC()
	if !now.Before(sess.ExpiresAt) {
		return nil, nil, ErrBadSecret
	}
	u, err := s.liveUser(ctx, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	if now.Sub(sess.SeenAt) > time.Minute {
		sess.SeenAt, sess.ExpiresAt = now, s.expiry(sess.CreatedAt, now)
		_, err := s.sessions().UpdateOne(ctx, bson.D{{Key: "_id", Value: sess.Hash}}, bson.D{{Key: "$set", Value: bson.D{
			{Key: "seen_at", Value: sess.SeenAt}, {Key: "expires_at", Value: sess.ExpiresAt},
		}}})
		if err != nil {
			return nil, nil, fmt.Errorf("touch session: %w", err)
		}
	}
	return u, &sess, nil
}

// liveUser is the user behind a session or token; a deleted or disabled
// user's credentials stop working at once.
func (s *Store) liveUser(ctx context.Context, id string) (*User, error) {
	u, err := s.GetUser(ctx, id)
	if errors.Is(err, minyi.ErrNotFound) {
		return nil, ErrBadSecret
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, errUserDisabled
	}
	return u, nil
}

// DeleteSession ends the session with secret id (logout). Ending an
// unknown session is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.sessions().DeleteOne(ctx, bson.D{{Key: "_id", Value: s.keys.Hash("session", id)}}); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

func (s *Store) deleteSessionsOf(ctx context.Context, userID string) error {
	if _, err := s.sessions().DeleteMany(ctx, bson.D{{Key: "user_id", Value: userID}}); err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	return nil
}

// CSRFToken is the anti-forgery token of session id: derived, not stored,
// and useless without the server key.
func (s *Store) CSRFToken(sessionID string) string {
	return s.keys.Hash("csrf", sessionID)
}

// CreateToken makes an API token for user id and returns it with the
// secret, which is shown once and never stored.
func (s *Store) CreateToken(ctx context.Context, userID, name string) (*Token, string, error) {
	name = strings.TrimSpace(name)
	var fe minyi.FieldErrors
	fe.Text("name", &name, false)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		fe.Add("name", "required", "请填写令牌名称（用途）")
	case n > 50:
		fe.Add("name", "too_long", "令牌名称不能超过50个字")
	}
	if err := fe.Err(); err != nil {
		return nil, "", err
	}
	if _, err := s.liveUser(ctx, userID); err != nil {
		if errors.Is(err, minyi.ErrUnauthorized) {
			fe.Add("user_id", "unknown_user", "用户不存在或已停用")
			return nil, "", fe.Err()
		}
		return nil, "", err
	}
	sec, err := randomSecret()
	if err != nil {
		return nil, "", err
	}
	sec = TokenPrefix + sec
	t := &Token{Hash: s.keys.Hash("api-token", sec), ID: bson.NewObjectID().Hex(), Name: name, UserID: userID, CreatedAt: s.now().UTC()}
	if _, err := s.tokens().InsertOne(ctx, t); err != nil {
		return nil, "", fmt.Errorf("insert token: %w", err)
	}
	return t, sec, nil
}

// TokenUser returns the user of API token sec.
func (s *Store) TokenUser(ctx context.Context, sec string) (*User, *Token, error) {
	if !strings.HasPrefix(sec, TokenPrefix) || len(sec) > 100 {
		return nil, nil, ErrBadSecret
	}
	var t Token
	err := s.tokens().FindOne(ctx, bson.D{{Key: "_id", Value: s.keys.Hash("api-token", sec)}}).Decode(&t)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil, ErrBadSecret
	}
	if err != nil {
		return nil, nil, fmt.Errorf("find token: %w", err)
	}
	u, err := s.liveUser(ctx, t.UserID)
	if err != nil {
		return nil, nil, err
	}
	return u, &t, nil
}

// GetToken returns the token with public id.
func (s *Store) GetToken(ctx context.Context, id string) (*Token, error) {
	var t Token
	err := s.tokens().FindOne(ctx, bson.D{{Key: "id", Value: id}}).Decode(&t)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errTokenNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get token: %w", err)
	}
	return &t, nil
}

// ListTokens returns the tokens of userID ("" = everyone's) in creation
// order, paged by public id.
func (s *Store) ListTokens(ctx context.Context, userID string, limit int, after string) ([]Token, string, error) {
	filter := bson.D{}
	if userID != "" {
		filter = append(filter, bson.E{Key: "user_id", Value: userID})
	}
	if after != "" {
		filter = append(filter, bson.E{Key: "id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	opts := options.Find().SetSort(bson.D{{Key: "id", Value: 1}}).SetLimit(int64(limit) + 1)
	out, err := store.FindAll[Token](ctx, s.tokens(), filter, "list tokens", opts)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

// DeleteToken revokes the token with public id.
func (s *Store) DeleteToken(ctx context.Context, id string) error {
	res, err := s.tokens().DeleteOne(ctx, bson.D{{Key: "id", Value: id}})
	if err != nil {
		return fmt.Errorf("delete token: %w", err)
	}
	if res.DeletedCount == 0 {
		return errTokenNotFound
	}
	return nil
}
