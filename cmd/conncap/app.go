package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// version is conncap's version, set at build time with
// -ldflags "-X main.version=…".
var version = "dev"

// Exit codes, decided here and nowhere else.
const (
	exitClean    = 0 // no finding at or above --fail-on
	exitFindings = 1 // findings at or above --fail-on
	exitBadInput = 2 // bad input or usage
)

// findingsError carries the "findings at or above --fail-on" outcome to run.
type findingsError struct{ n int }

func (e findingsError) Error() string { return fmt.Sprintf("%d findings at or above --fail-on", e.n) }

// usageError marks a command-line mistake.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// run is the whole program: it builds the app, runs it and maps the outcome
// to an exit code. Tests call it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	err := app.RunContext(ctx, args)
	var fe findingsError
	switch {
	case err == nil:
		return exitClean
	case errors.As(err, &fe):
		return exitFindings
	default:
		fmt.Fprintf(stderr, "conncap: %v\n", err)
		return exitBadInput
	}
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "conncap",
		Version:   version,
		Usage:     "check MySQL/MariaDB connection capacity from config files, before it breaks",
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		// Without this, a cli.ExitCoder error makes Run call os.Exit itself.
		ExitErrHandler:  func(*cli.Context, error) {},
		HideHelpCommand: true,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err.Error()}
		},
		Commands: []*cli.Command{lintCommand(), planCommand(), showCommand(), rulesCommand(), explainCommand(),
			versionCommand(), completionCommand()},
	}
}

// versionCommand prints the version, as --version does.
func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print conncap's version",
		Action: func(c *cli.Context) error {
			_, err := fmt.Fprintf(c.App.Writer, "conncap version %s\n", version)
			return err
		},
	}
}

// commonFlags are the flags every reading command takes.
func commonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "target", Usage: "check only the configuration's target called `NAME` (without paths, every target is checked)"},
		&cli.StringFlag{Name: "config", Usage: "configuration `FILE` (default: .conncap.yaml in the working directory or the nearest parent)"},
		&cli.StringFlag{Name: "root", Usage: "sysroot: absolute paths in configs resolve under `DIR`, nothing outside it is read (default: the single directory argument, else .)"},
		&cli.StringFlag{Name: "server", Usage: "server flavor and version: mysql-8.0, mysql-8.4, mariadb-10.6, mariadb-10.11, mariadb-11.4 (default: detected, else mysql-8.4)"},
		&cli.StringFlag{Name: "nofile", Usage: "RLIMIT_NOFILE of the server process as `SOFT[:HARD]` or infinity, when no unit declares it (e.g. in a container)"},
		&cli.IntFlag{Name: "cpus", Usage: "CPUs of the server host (MariaDB sizes its thread pool from it; default: assumed 2)"},
		&cli.IntFlag{Name: "nodes", Usage: "nodes a DaemonSet runs on (one pod per node; default 1)"},
		&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text or json (lint also: sarif, github, checkstyle)"},
		&cli.BoolFlag{Name: "no-color", Usage: "no colours (also when NO_COLOR is set or output is not a terminal)"},
		&cli.BoolFlag{Name: "verbose", Usage: "list the files read and skipped on stderr"},
	}
}

// checkArgs rejects flags written after a path: urfave/cli stops parsing at
// the first argument, so they would silently be taken as paths.
func checkArgs(c *cli.Context) error {
	for _, a := range c.Args().Slice() {
		if strings.HasPrefix(a, "-") && a != "-" { // "-" is stdin
			return usagef("flag %q after a path: put flags before the paths (conncap %s [flags] PATH...)", a, c.Command.Name)
		}
	}
	return nil
}

// useColor decides colours: only on a terminal, never with NO_COLOR or --no-color.
func useColor(c *cli.Context, w io.Writer) bool {
	if c.Bool("no-color") || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
