package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"minyi"
)

// Argon2Params are the argon2id cost parameters. They are stored with each
// hash so that raising them later does not lock out existing users.
type Argon2Params struct {
	Time    uint32 `bson:"t"`
	Memory  uint32 `bson:"m"` // KiB
	Threads uint8  `bson:"p"`
	KeyLen  uint32 `bson:"k"`
}

// DefaultArgon2 follows the OWASP recommendation for argon2id (19 MiB, two
// passes, one lane): strong enough against offline guessing and cheap
// enough for a small server shared with the survey traffic.
var DefaultArgon2 = Argon2Params{Time: 2, Memory: 19 * 1024, Threads: 1, KeyLen: 32}

// PasswordHash is a stored argon2id hash with its salt and parameters. It
// never leaves the server: its JSON is nothing and its log value is a
// placeholder.
type PasswordHash struct {
	Algo   string       `bson:"algo"`
	Params Argon2Params `bson:"params"`
	Salt   []byte       `bson:"salt"`
	Hash   []byte       `bson:"hash"`
}

// String keeps the hash out of fmt output.
func (*PasswordHash) String() string { return "[password hash]" }

// LogValue keeps the hash out of slog output.
func (*PasswordHash) LogValue() slog.Value { return slog.StringValue("[password hash]") }

// MarshalJSON keeps the hash out of every JSON answer, even if a struct
// holding it forgets the json:"-" tag.
func (*PasswordHash) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

// HashPassword hashes pw with a fresh random salt.
func HashPassword(pw string, p Argon2Params) (*PasswordHash, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("password salt: %w", err)
	}
	return &PasswordHash{
		Algo:   "argon2id",
		Params: p,
		Salt:   salt,
		Hash:   argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen),
	}, nil
}

// Matches reports whether pw is the password, comparing in constant time.
func (h *PasswordHash) Matches(pw string) bool {
	if h == nil || h.Algo != "argon2id" || len(h.Hash) == 0 {
		return false
	}
	p := h.Params
	got := argon2.IDKey([]byte(pw), h.Salt, p.Time, p.Memory, p.Threads, uint32(len(h.Hash)))
	return subtle.ConstantTimeCompare(got, h.Hash) == 1
}

// Password length limits: long passphrases are welcome, but an unbounded
// input would let one request burn CPU in the hash.
const (
	minPassword = 8
	maxPassword = 128
)

// ValidatePassword checks a new password; field is where to report it.
func ValidatePassword(field, pw string) error {
	var fe minyi.FieldErrors
	switch n := utf8.RuneCountInString(pw); {
	case n < minPassword:
		fe.Addf(field, "too_short", "密码至少需要%d个字符", minPassword)
	case n > maxPassword || len(pw) > 4*maxPassword:
		fe.Addf(field, "too_long", "密码不能超过%d个字符", maxPassword)
	}
	return fe.Err()
}
