package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"minyi"
	"minyi/accounts"
)

// userCmd runs `minyi user add`: it creates a user directly in the store,
// which is how the first administrator comes to exist. The password is read
// from stdin (first line), never from a flag, so it stays out of the shell
// history and the process list.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "usage: minyi user add -login NAME -name 姓名 -role admin|leader|operator|secretary [-org ORG_ID] [-password-stdin] < password")
		return errUsage
	}
	var cfg config
	fs := newFlagSet("minyi user add", getenv, stderr, &cfg)
	login := fs.String("login", "", "login name (required)")
	name := fs.String("name", "", "the person's name (required)")
	role := fs.String("role", "", "admin, leader, operator or secretary (required)")
	org := fs.String("org", "", "org id; required for a secretary")
	_ = fs.Bool("password-stdin", true, "read the password from the first line of stdin (the default; a terminal is prompted without echo)")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "minyi user add: unexpected arguments %q\n", fs.Args())
		return errUsage
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	a, closeApp, err := openCommand(ctx, cfg, log, "before running `minyi user add`, then start it again")
	if err != nil {
		return err
	}
	defer closeApp()
	u := accounts.User{Login: *login, Name: *name, Role: accounts.Role(*role), OrgID: strings.TrimSpace(*org)}
	if u.OrgID != "" {
		if _, err := a.app.Orgs.Get(ctx, u.OrgID); err != nil {
			return fmt.Errorf("org %q: %w", u.OrgID, err)
		}
	}
	if err := a.app.Accounts.CreateUser(ctx, &u, password); err != nil {
		return describe(err)
	}
	if err := a.app.Accounts.Audit(ctx, &accounts.AuditEntry{Actor: "cli", Action: "user.create", ObjectType: "user", ObjectID: u.ID,
		Summary: "命令行创建用户 " + u.Login + "（" + u.Name + "，" + u.Role.Label() + "）"}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %s (%s, %s) id %s\n", u.Login, u.Name, u.Role, u.ID)
	return nil
}

// describe spells out validation errors field by field for a terminal.
func describe(err error) error {
	var de *minyi.Error
	if !errors.As(err, &de) {
		return err
	}
	if len(de.Fields) == 0 {
		return fmt.Errorf("%s", de.Message)
	}
	var b strings.Builder
	b.WriteString(de.Message)
	for _, f := range de.Fields {
		fmt.Fprintf(&b, "\n  -%s: %s", flagOf(f.Field), f.Message)
	}
	return errors.New(b.String())
}

func flagOf(field string) string {
	if field == "org_id" {
		return "org"
	}
	return field
}

// readPassword reads the first line of stdin; on a terminal it prompts and
// turns echo off while the password is typed.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	restore := noEcho(stdin)
	if restore != nil {
		fmt.Fprint(stderr, "密码：")
		defer func() { restore(); fmt.Fprintln(stderr) }()
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on stdin: pipe it in, e.g. `printf '%s\\n' \"$PW\" | minyi user add ...`")
	}
	return pw, nil
}

// userMain is userCmd reading the process's stdin.
func userMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return userCmd(ctx, args, getenv, os.Stdin, stdout, stderr)
}

// hintFirstAdmin logs how to create the first administrator while no user
// exists (the login page says the same).
func (a *service) hintFirstAdmin(ctx context.Context) {
	n, err := a.app.Accounts.CountUsers(ctx)
	if err != nil {
		a.log.Warn("count users", "err", err)
		return
	}
	if n > 0 {
		return
	}
	how := "minyi user add -login admin -name 管理员 -role admin (reads the password from stdin)"
	if !a.store.Embedded() {
		a.log.Warn("no users yet: create the first administrator with: " + how)
		return
	}
	a.log.Warn("no users yet: stop this server, create the first administrator with: " + how + " -data-dir " + a.cfg.DataDir + ", then start it again; MINYI_ADMIN_TOKEN also works as an administrator's token")
}
