package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestBaseURLChecked: QR codes need an absolute http(s) address, so a bad
// MINYI_BASE_URL stops the service at start rather than printing useless
// codes.
func TestBaseURLChecked(t *testing.T) {
	for _, bad := range []string{"minyi.example.org", "ftp://minyi.example.org", "https://", "https://x.org/?a=1"} {
		var out bytes.Buffer
		env := map[string]string{"MINYI_BASE_URL": bad}
		err := run(context.Background(), nil, func(k string) string { return env[k] }, &out, &out)
		if err == nil || !strings.Contains(err.Error(), "MINYI_BASE_URL") {
			t.Errorf("MINYI_BASE_URL=%q: %v", bad, err)
		}
	}
}
