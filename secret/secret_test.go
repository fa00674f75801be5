package secret

import (
	"errors"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	k := New("a-test-master-key-of-enough-length-0123456789")
	sealed, err := k.Seal("phone", "13812345678")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "13812345678") {
		t.Fatal("sealed value contains the plaintext")
	}
	again, _ := k.Seal("phone", "13812345678")
	if again == sealed {
		t.Fatal("two seals of one value are equal: nonce reused")
	}
	got, err := k.Open("phone", sealed)
	if err != nil || got != "13812345678" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := k.Open("code", sealed); !errors.Is(err, ErrOpen) {
		t.Fatalf("open with another purpose: %v, want ErrOpen", err)
	}
	if _, err := New("another-key").Open("phone", sealed); !errors.Is(err, ErrOpen) {
		t.Fatalf("open with another key: %v, want ErrOpen", err)
	}
	if _, err := k.Open("phone", "!!"); !errors.Is(err, ErrOpen) {
		t.Fatalf("open garbage: %v", err)
	}
}

func TestHash(t *testing.T) {
	k := New("k1")
	if a, b := k.Hash("phone", "1"), New("k1").Hash("phone", "1"); a != b {
		t.Fatal("hash not stable across keyrings of one key")
	}
	if k.Hash("phone", "1") == k.Hash("code", "1") {
		t.Fatal("purposes share a hash")
	}
	if k.Hash("phone", "1") == New("k2").Hash("phone", "1") {
		t.Fatal("keys share a hash")
	}
	if len(k.Hash("x", "y")) != 64 {
		t.Fatal("want 64 hex chars")
	}
}

// TestNoBuiltInKey: without a configured key there is no shared default
// that anyone could read in the source: two keyrings differ.
func TestNoBuiltInKey(t *testing.T) {
	a, b := New(""), New("")
	if a.Hash("p", "v") == b.Hash("p", "v") {
		t.Fatal("two keyrings without a key agree: a fixed default key is in use")
	}
	if g := Generate(); len(g) < 32 || g == Generate() {
		t.Fatalf("Generate: %q", g)
	}
}
