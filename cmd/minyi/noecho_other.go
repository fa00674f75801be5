//go:build !linux

package main

import "io"

// noEcho is a no-op where terminal control is not implemented: pipe the
// password in.
func noEcho(io.Reader) func() { return nil }
