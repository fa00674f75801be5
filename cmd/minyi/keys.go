package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"minyi/secret"
)

// devKeyFile holds the development secret key inside the data directory.
const devKeyFile = "secret.key"

// minAdminToken is the shortest MINYI_ADMIN_TOKEN accepted: it is an
// administrator's password that never expires.
const minAdminToken = 32

// resolveSecretKey fills cfg.SecretKey when it is not set. Production
// refuses to start without one (check); development reads the key from
// <data-dir>/secret.key, generating it (0600) on first start, so that
// there is no public default key and a restart keeps sealed phone numbers
// and sessions readable.
func resolveSecretKey(cfg *config, log *slog.Logger) error {
	if cfg.SecretKey != "" {
		return nil
	}
	if cfg.Env != "development" {
		return errors.New("MINYI_SECRET_KEY must be set outside development")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	path := filepath.Join(cfg.DataDir, devKeyFile)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		cfg.SecretKey = strings.TrimSpace(string(b))
		if len(cfg.SecretKey) < 32 {
			return fmt.Errorf("development key %s is shorter than 32 characters: remove it to generate a new one", path)
		}
		_ = os.Chmod(path, 0o600)
	case errors.Is(err, fs.ErrNotExist):
		key := secret.Generate()
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("create development key: %w", err)
		}
		_, werr := f.WriteString(key + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			_ = os.Remove(path)
			return fmt.Errorf("write development key: %w", werr)
		}
		cfg.SecretKey = key
	default:
		return fmt.Errorf("read development key: %w", err)
	}
	log.Warn("MINYI_SECRET_KEY is not set: using the development key in " + path + "; set MINYI_SECRET_KEY and MINYI_ENV=production before real use")
	return nil
}
