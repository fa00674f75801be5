package store

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// restrict makes the data directory private: directories 0700, files 0600.
// SQLite creates its files with 0644 less the umask, and there is no option
// to ask for less; the 0700 directory already keeps other users out while
// the server runs, and this sweep at start and stop fixes the files' own
// modes (the binary also sets umask 077, so its files start private).
func restrict(dir string) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := fs.FileMode(0o600)
		if d.IsDir() {
			mode = 0o700
		} else if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode().Perm() != mode {
			return os.Chmod(path, mode)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("restrict data directory: %w", err)
	}
	return nil
}
