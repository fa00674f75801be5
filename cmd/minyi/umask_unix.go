//go:build unix

package main

import "syscall"

// privateFiles makes every file and directory the process creates private
// to its user (the embedded store's SQLite files, exports, the key file):
// SQLite offers no mode of its own.
func privateFiles() { syscall.Umask(0o077) }
