// Command minyi runs the Minyi service and its tools.
//
//	minyi [serve] [flags]   run the HTTP service (default)
//	minyi user add -login L -name N -role R [-org ID] < password   create a user (the first admin)
//	minyi export -survey ID -o file.xlsx [-kind survey_report|ballots]   write a workbook from the store
//	minyi bench [-ballots N] [-clients 32,128]   measure the ballot submission path
//	minyi bench scale [-orders N] [-ballots N]   seed a street's year and time every page and write
//	minyi store [-addr 127.0.0.1:27017] [-data-dir DIR]   serve the embedded store to several instances
//
// Every flag can also be set with the MINYI_* environment variable named in
// `minyi -h`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	privateFiles()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if err != errUsage {
			fmt.Fprintln(os.Stderr, "minyi:", err)
		}
		os.Exit(1)
	}
}
