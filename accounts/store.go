package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi"
	"minyi/secret"
	"minyi/store"
)

// Collections of this package.
const (
	collUsers    = "users"
	collSessions = "sessions"
	collTokens   = "tokens"
	collThrottle = "login_throttle"
	collAudit    = "audit"
)

var (
	errLoginTaken    = minyi.E(minyi.ErrConflict, "login_taken", "登录名已被使用").At("login")
	errUserNotFound  = minyi.NotFound("user_not_found", "用户")
	errBadLogin      = minyi.E(minyi.ErrUnauthorized, "invalid_login", "登录名或密码错误")
	errUserDisabled  = minyi.E(minyi.ErrUnauthorized, "user_disabled", "该账户已停用，请联系管理员")
	errTokenNotFound = minyi.NotFound("token_not_found", "令牌")

	errThrottleNotFound = minyi.NotFound("throttle_not_found", "登录限制")
)

// Store keeps users, sessions, API tokens, login throttling and the audit
// log. Secrets (session ids, API tokens) are stored only as keyed hashes,
// and that hash is the document's _id, so authenticating a request is one
// find by _id.
type Store struct {
	auditLog *store.Timeline // the audit log newest first (audit.go)
	db       *mongo.Database
	keys     *secret.Keyring
	now      func() time.Time
	argon    Argon2Params
	policy   Policy
	logins   *loginGate // this process's logins in flight and password checks
}

// NewStore returns a store over db; keys hashes secrets, now is the clock.
func NewStore(db *mongo.Database, keys *secret.Keyring, now func() time.Time) *Store {
	return &Store{db: db, keys: keys, now: now, argon: DefaultArgon2, policy: DefaultPolicy, logins: newLoginGate(DefaultPolicy),
		auditLog: store.NewTimeline(db.Collection(collAuditIndex), "audit", time.UTC)}
}

// WithArgon2 sets the cost of new password hashes (tests use a cheap one).
func (s *Store) WithArgon2(p Argon2Params) *Store { s.argon = p; return s }

// WithPolicy sets session lifetimes and login throttling limits. Call it
// before the store is used.
func (s *Store) WithPolicy(p Policy) *Store { s.policy = p; s.logins = newLoginGate(p); return s }

// Policy is how long sessions live and how failed logins are slowed down.
type Policy struct {
	SessionIdle time.Duration // a session unused this long expires (sliding)
	SessionMax  time.Duration // and none lives longer than this

	// Failed logins are counted per account and client pair and per client;
	// past its free failures a key waits ThrottleDelay after its last
	// failure, doubling with every further failure up to ThrottleMaxDelay.
	// Failures are forgotten ThrottleReset after the last one.
	AccountFailures  int // free failures of one login from one client
	ClientFailures   int // free failures from one client, whatever the login
	ThrottleDelay    time.Duration
	ThrottleMaxDelay time.Duration
	ThrottleReset    time.Duration

	// Password checks (argon2id, 19 MiB each) run at most PasswordChecks at
	// a time in a process; a login that waits longer than PasswordWait for
	// one is answered 429.
	PasswordChecks int
	PasswordWait   time.Duration
}

// DefaultPolicy: 12 h sliding sessions capped at 7 days; 5 free wrong
// passwords per account and client (then 2 s, 4 s, … up to 15 minutes
// between attempts), 50 per client; failures forgotten an hour after the
// last; two password checks at a time.
var DefaultPolicy = Policy{
	SessionIdle:      12 * time.Hour,
	SessionMax:       7 * 24 * time.Hour,
	AccountFailures:  5,
	ClientFailures:   50,
	ThrottleDelay:    2 * time.Second,
	ThrottleMaxDelay: 15 * time.Minute,
	ThrottleReset:    time.Hour,
	PasswordChecks:   2,
	PasswordWait:     2 * time.Second,
}

// Indexes are the indexes the accounts collections need.
func Indexes() []store.Index {
	return []store.Index{
		{Collection: collUsers, Name: "login_unique", Keys: bson.D{{Key: "login", Value: 1}}, Unique: true},
		{Collection: collSessions, Name: "user", Keys: bson.D{{Key: "user_id", Value: 1}}},
		{Collection: collSessions, Name: "expires", Keys: bson.D{{Key: "expires_at", Value: 1}}},
		{Collection: collThrottle, Name: "key", Keys: bson.D{{Key: "key", Value: 1}}},
		{Collection: collThrottle, Name: "at", Keys: bson.D{{Key: "at", Value: 1}}},
		{Collection: collTokens, Name: "id_unique", Keys: bson.D{{Key: "id", Value: 1}}, Unique: true},
		{Collection: collTokens, Name: "user", Keys: bson.D{{Key: "user_id", Value: 1}}},
		{Collection: collAudit, Name: "actor", Keys: bson.D{{Key: "actor", Value: 1}}},
		{Collection: collAudit, Name: "action", Keys: bson.D{{Key: "action", Value: 1}}},
		{Collection: collAudit, Name: "object", Keys: bson.D{{Key: "object_id", Value: 1}}},
	}
}

func (s *Store) users() *mongo.Collection { return s.db.Collection(collUsers) }

// CreateUser validates u and password, hashes the password and stores u.
func (s *Store) CreateUser(ctx context.Context, u *User, password string) error {
	err := u.Validate()
	if perr := ValidatePassword("password", password); perr != nil {
		err = joinFieldErrors(err, perr)
	}
	if err != nil {
		return err
	}
	h, err := HashPassword(password, s.argon)
	if err != nil {
		return err
	}
	u.Password = h
	u.ID = bson.NewObjectID().Hex()
	u.CreatedAt = s.now().UTC()
	u.UpdatedAt = u.CreatedAt
	if _, err := s.users().InsertOne(ctx, u); err != nil {
		if store.IsDuplicate(err) {
			return errLoginTaken
		}
		return fmt.Errorf("insert user: %w", err)
	}
	return nil
}

// joinFieldErrors merges two validation errors into one 422.
func joinFieldErrors(a, b error) error {
	var fe minyi.FieldErrors
	for _, err := range []error{a, b} {
		var de *minyi.Error
		if errors.As(err, &de) {
			fe = append(fe, de.Fields...)
		}
	}
	return fe.Err()
}

// GetUser returns the user with id.
func (s *Store) GetUser(ctx context.Context, id string) (*User, error) {
	var u User
	err := s.users().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&u)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errUserNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get user: %w", err)
	}
	return &u, nil
}

// ListUsers returns up to limit users after the cursor, in creation order,
// and the cursor of the next page ("" at the end).
func (s *Store) ListUsers(ctx context.Context, limit int, after string) ([]User, string, error) {
	return store.FindPage(ctx, s.users(), bson.D{}, after, limit, false, func(u *User) string { return u.ID }, "users")
}

// CountUsers reports how many users exist (the server tells how to create
// the first admin when there is none).
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	n, err := s.users().CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// UpdateUser applies p to user id. A new password or disabling the user
// ends every session and deletes every API token of the user: whoever knew
// the old password is out, and re-enabling brings nothing back.
func (s *Store) UpdateUser(ctx context.Context, id string, p UserPatch) (*User, error) {
	u, err := s.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Name != nil {
		u.Name = *p.Name
	}
	if p.Role != nil {
		u.Role = *p.Role
	}
	if p.OrgID != nil {
		u.OrgID = *p.OrgID
	}
	if p.Disabled != nil {
		u.Disabled = *p.Disabled
	}
	if p.MemberID != nil {
		u.MemberID = *p.MemberID
	}
	err = u.Validate()
	if p.Password != nil {
		if perr := ValidatePassword("password", *p.Password); perr != nil {
			err = joinFieldErrors(err, perr)
		}
	}
	if err != nil {
		return nil, err
	}
	if p.Password != nil {
		if u.Password, err = HashPassword(*p.Password, s.argon); err != nil {
			return nil, err
		}
	}
	u.UpdatedAt = s.now().UTC()
	if _, err := s.users().ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, u); err != nil {
		return nil, fmt.Errorf("update user: %w", err)
	}
	if p.Password != nil || u.Disabled {
		if err := s.revokeCredentials(ctx, id); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// dummyHash is verified against when a login does not exist, so that an
// unknown login takes as long as a wrong password and logins cannot be
// enumerated by timing.
func (s *Store) dummyHash() *PasswordHash {
	return &PasswordHash{Algo: "argon2id", Params: s.argon, Salt: make([]byte, 16), Hash: make([]byte, s.argon.KeyLen)}
}

// CheckPassword returns the user whose login and password these are.
// Unknown login and wrong password give the same error; a disabled user
// learns so only after giving the right password.
func (s *Store) CheckPassword(ctx context.Context, login, password string) (*User, error) {
	var u User
	err := s.users().FindOne(ctx, bson.D{{Key: "login", Value: NormalizeLogin(login)}}).Decode(&u)
	if errors.Is(err, mongo.ErrNoDocuments) || len(password) > 4*maxPassword {
		s.dummyHash().Matches(password)
		return nil, errBadLogin
	}
	if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	if !u.Password.Matches(password) {
		return &u, errBadLogin
	}
	if u.Disabled {
		return &u, errUserDisabled
	}
	return &u, nil
}
