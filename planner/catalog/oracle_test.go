package catalog

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/conncap/conncap/internal/oracletest"
)

// The oracle is the installed mariadbd: "mariadbd --no-defaults ARGS
// --verbose --help" parses the options exactly as a starting server would,
// prints every value in its "Variables" table and exits. It starts no
// server and writes nothing.

// mariadbd returns the path of the oracle binary, or skips the test loudly
// (fails it when CONNCAP_REQUIRE_ORACLES=1).
func mariadbd(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("mariadbd")
	if err != nil {
		if _, statErr := os.Stat("/usr/sbin/mariadbd"); statErr == nil {
			path, err = "/usr/sbin/mariadbd", nil
		}
	}
	if err != nil {
		oracletest.Unavailable(t, "mariadbd not in PATH")
	}
	return path
}

// oracleRun is what mariadbd printed for one set of options.
type oracleRun struct {
	ok       bool              // exit status 0
	options  []string          // the options the help text lists, as spelled there
	vars     map[string]string // the Variables table, by dashed name
	messages []string          // warnings and errors, without time stamps and program name
}

var helpOption = regexp.MustCompile(`^  (?:-\S, )?--([A-Za-z0-9_.-]+)`)

func runOracle(t *testing.T, bin string, args ...string) oracleRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	argv := append([]string{"--no-defaults"}, args...)
	argv = append(argv, "--verbose", "--help")
	cmd := exec.CommandContext(ctx, bin, argv...)
	cmd.Dir = t.TempDir()
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + cmd.Dir, "LANG=C"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("mariadbd %v: %v", argv, ctx.Err())
	}
	run := oracleRun{ok: err == nil, vars: map[string]string{}}
	inTable, inOptions := false, false
	for _, line := range strings.Split(stdout.String(), "\n") {
		switch {
		case strings.HasPrefix(line, "--defaults-group-suffix"):
			inOptions = true
		case strings.HasPrefix(line, "Variables (--variable-name=value)"):
			inOptions = false
		case inOptions:
			if m := helpOption.FindStringSubmatch(line); m != nil {
				run.options = append(run.options, m[1])
			}
		case strings.HasPrefix(line, "-------"):
			inTable = true
		case inTable && strings.TrimSpace(line) == "":
			inTable = false
		case inTable:
			name, _, _ := strings.Cut(line, " ")
			val := ""
			if len(line) > 61 && len(name) < 61 {
				val = line[61:]
			}
			run.vars[name] = strings.TrimRight(val, " ")
		}
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if i := strings.Index(line, "] "); i >= 0 && strings.HasPrefix(line, "20") {
			line = line[i+2:]
		}
		line = strings.TrimPrefix(line, "Buffered warning: ")
		line = strings.TrimPrefix(line, "Buffered error: ")
		line = strings.TrimPrefix(line, bin+": ")
		if line != "" {
			run.messages = append(run.messages, line)
		}
	}
	return run
}

func (r oracleRun) said(msg string) bool {
	for _, m := range r.messages {
		if strings.EqualFold(m, msg) || (len(m) > 0 && len(msg) > 0 && strings.EqualFold(m[:1], msg[:1]) && m[1:] == msg[1:]) {
			return true
		}
	}
	return false
}

// printed formats a parsed value the way the Variables table shows it.
func printed(v Var, p Parsed) string {
	switch v.Kind {
	case KindUint:
		return strconv.FormatUint(p.Unsigned, 10)
	case KindInt:
		return strconv.FormatInt(p.Num, 10)
	case KindFloat:
		return strconv.FormatFloat(p.Float, 'g', -1, 64)
	case KindBool:
		if p.Bool {
			return "TRUE"
		}
		return "FALSE"
	}
	return p.Str
}

func TestOracleMariaDBOptions(t *testing.T) {
	bin := mariadbd(t)
	s := mustServer(t, "mariadb-10.11")
	tests := []struct {
		arg       string // as written after "--"
		skipValue bool   // the server resizes this value at startup: compare messages only
	}{
		{arg: "max-connections=200000", skipValue: true},
		{arg: "max-conn=500"},
		{arg: "max=5"},
		{arg: "MAX-CONNECTIONS=300"},
		{arg: "table-open=100"},
		{arg: "table-open-cache-i=4", skipValue: true},
		{arg: "wait-timeout=1e3"},
		{arg: "wait_timeout=0"},
		{arg: "join-buffer-size=1000"},
		{arg: "read-buffer-size=200000"},
		{arg: "tmp-table-size=20000"},
		{arg: "max-allowed-packet=16MB"},
		{arg: "max-connections=1.5G"},
		{arg: "max-connections=0x10"},
		{arg: "max-connections=+200"},
		{arg: "thread-cache-size=-5"},
		{arg: "max-connections="},
		{arg: "skip-max-connections"},
		{arg: "loose-skip-max-connections=0"},
		{arg: "max-user-connections=-5"},
		{arg: "max-user-connections=1e3"},
		{arg: "performance-schema=yes"},
		{arg: "long-query-time=0.5"},
		{arg: "long-query-time=abc"},
		{arg: "thread-handling=pool"},
		{arg: "thread-handling=9"},
		{arg: "sql-mode=ANSI_QUOTE,ANSI"},
		{arg: "sql-mode=7"},
		{arg: "old-mode=ALL"},
		{arg: "skip-name"},
		{arg: "bootstrap=1"},
		{arg: "foo-bar=1"},
		{arg: "loose-foo-bar=1"},
		{arg: "sort-buffer-size=99999999999999999999"},
		{arg: "maximum-max-connections=100"},
		{arg: "autoset-back-log=5"},
	}
	for _, tc := range tests {
		t.Run(tc.arg, func(t *testing.T) {
			name, value, hasValue := strings.Cut(tc.arg, "=")
			r := s.Resolve(name)
			run := runOracle(t, bin, "--"+tc.arg)
			warning, err := r.Diagnose(value, hasValue)
			if err != nil {
				want := err.Error()
				if len(r.Ambiguous) > 0 {
					want, _, _ = strings.Cut(want, " (")
					for _, m := range run.messages {
						if strings.HasPrefix(m, want+" (") {
							want = m
						}
					}
				}
				if run.ok || !run.said(want) {
					t.Fatalf("catalog: %v; mariadbd ok=%v said %q", err, run.ok, run.messages)
				}
				return
			}
			if warning != "" {
				if !run.ok || !run.said(warning) {
					t.Fatalf("catalog: warning %q; mariadbd ok=%v said %q", warning, run.ok, run.messages)
				}
				return
			}
			p, err := s.ParseValue(r.Var, r.Prefix, value, hasValue)
			if err != nil {
				if run.ok || !run.said(err.Error()) {
					t.Fatalf("catalog: %v; mariadbd ok=%v said %q", err, run.ok, run.messages)
				}
				return
			}
			if !run.ok {
				t.Fatalf("catalog accepts %s = %+v; mariadbd failed: %q", tc.arg, p, run.messages)
			}
			if p.Warning != "" && !run.said(p.Warning) {
				t.Errorf("catalog warns %q; mariadbd said %q", p.Warning, run.messages)
			}
			if tc.skipValue {
				return
			}
			got, want := run.vars[strings.ReplaceAll(r.Var.OptName, "_", "-")], printed(r.Var, p)
			if got != want {
				t.Errorf("%s: mariadbd prints %s = %q, catalog says %q", tc.arg, r.Var.Name, got, want)
			}
		})
	}
}

// TestOracleMariaDBNamesKnown checks that every option mariadbd lists in its
// help resolves, exactly, to a known option of the same name (a false
// "unknown option" is the worst mistake conncap can make), and that the
// read-only variables it prints but does not take as options are unknown.
func TestOracleMariaDBNamesKnown(t *testing.T) {
	bin := mariadbd(t)
	s := mustServer(t, "mariadb-10.11")
	run := runOracle(t, bin)
	if !run.ok || len(run.options) < 500 {
		t.Fatalf("mariadbd --verbose --help: ok=%v, %d options, %q", run.ok, len(run.options), run.messages)
	}
	listed := map[string]bool{}
	for _, name := range run.options {
		listed[Canonical(name)] = true
		r := s.Resolve(name)
		if !r.Known || r.PrefixMatch || r.Var.Name != Canonical(name) {
			t.Errorf("mariadbd lists --%s, catalog resolves it to %+v", name, project(r))
		}
	}
	for name := range run.vars {
		if listed[Canonical(name)] {
			continue
		}
		if r := s.Resolve(name); r.Known {
			t.Errorf("mariadbd prints %s but does not list it as an option; catalog knows it as %s", name, r.Var.Name)
		}
		if name == "version-comment" {
			if again := runOracle(t, bin, "--version-comment=x"); again.ok {
				t.Errorf("mariadbd accepts --version-comment: it is an option after all")
			}
		}
	}
	// And the other way round: every option of the table that is neither
	// hidden nor a loadable plugin's is in the help.
	for _, v := range s.Vars() {
		if !v.Hidden && v.Plugin == "" && !v.OnlyLeading && !listed[v.Name] {
			t.Errorf("catalog has %s, mariadbd does not list it", v.Name)
		}
	}
}
