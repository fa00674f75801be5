// Package secret derives the service's keys from MINYI_SECRET_KEY and uses
// them for the two things personal data needs: sealing a value so a leaked
// database does not reveal it (AES-256-GCM), and a keyed hash (HMAC-SHA256)
// so the sealed value can still be looked up by equality.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
)

// Keyring holds the master key; purposes derive independent subkeys, so a
// ballot-code hash can never be confused with a phone-number hash.
type Keyring struct {
	master []byte
}

// New returns a keyring over master. There is no built-in key: an empty
// master gives a random key that lives as long as the keyring (what is
// sealed with it cannot be opened by another process), so a forgotten
// setting never falls back to a key anyone can read in the source.
func New(master string) *Keyring {
	if master == "" {
		master = Generate()
	}
	return &Keyring{master: []byte(master)}
}

// Generate returns a new random master key as text (256 bits and more).
func Generate() string { return rand.Text() + rand.Text() }

func (k *Keyring) derive(purpose string) []byte {
	key, err := hkdf.Key(sha256.New, k.master, nil, "minyi:"+purpose, 32)
	if err != nil {
		panic(fmt.Sprintf("secret: derive key: %v", err)) // only for impossible lengths
	}
	return key
}

// Hash is a keyed hash of value for purpose, hex encoded: stable for
// lookups, useless without the key.
func (k *Keyring) Hash(purpose, value string) string {
	m := hmac.New(sha256.New, k.derive("hash:"+purpose))
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// Seal encrypts plaintext for purpose; the result is base64 text.
func (k *Keyring) Seal(purpose, plaintext string) (string, error) {
	aead, err := k.aead(purpose)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	out := aead.Seal(nonce, nonce, []byte(plaintext), []byte(purpose))
	return base64.RawStdEncoding.EncodeToString(out), nil
}

// ErrOpen means a sealed value could not be opened: wrong key or tampered.
var ErrOpen = errors.New("secret: cannot open sealed value")

// Open decrypts what Seal produced for the same purpose.
func (k *Keyring) Open(purpose, sealed string) (string, error) {
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil {
		return "", ErrOpen
	}
	aead, err := k.aead(purpose)
	if err != nil {
		return "", err
	}
	if len(raw) < aead.NonceSize() {
		return "", ErrOpen
	}
	pt, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(purpose))
	if err != nil {
		return "", ErrOpen
	}
	return string(pt), nil
}

func (k *Keyring) aead(purpose string) (cipher.AEAD, error) {
	block, err := aes.NewCipher(k.derive("seal:" + purpose))
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return cipher.NewGCM(block)
}
