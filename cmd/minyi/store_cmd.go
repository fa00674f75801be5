package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"minyi/store"
)

// storeMain serves the embedded store (FerretDB over SQLite, the same one
// `serve` embeds) on a loopback port over a data directory, so that several
// Minyi processes on one machine can share it through MONGODB_URI. It runs
// until ctx ends. FerretDB's own command cannot do this: built from the
// module it panics at start for want of a version file.
func storeMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("minyi store", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := getenv("MINYI_DATA_DIR")
	if dataDir == "" {
		dataDir = "./data"
	}
	fs.StringVar(&cfg.DataDir, "data-dir", dataDir, "data directory of the store ($MINYI_DATA_DIR)")
	addr := fs.String("addr", "127.0.0.1:27017", "loopback address to listen on (port 0: any free port)")
	fs.StringVar(&cfg.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&cfg.LogFormat, "log-format", "text", "text or json")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "minyi store: unexpected arguments %q\n", fs.Args())
		return errUsage
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	e, err := store.StartEmbeddedOn(ctx, cfg.DataDir, *addr, log)
	if err != nil {
		return err
	}
	log.Info("store listening", "uri", e.URI(), "data_dir", cfg.DataDir)
	fmt.Fprintf(stdout, "minyi store listening on %s\n", e.URI())
	<-ctx.Done()
	e.Stop()
	return nil
}
