package main

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// noEcho turns off terminal echo when r is a terminal and returns how to
// restore it; nil when r is not a terminal (a pipe or a file).
func noEcho(r io.Reader) func() {
	f, ok := r.(*os.File)
	if !ok {
		return nil
	}
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil
	}
	t := *old
	t.Lflag &^= unix.ECHO
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &t); err != nil {
		return nil
	}
	return func() { _ = unix.IoctlSetTermios(fd, unix.TCSETS, old) }
}
