// Package linttest runs a rule on fixture trees and checks its findings
// against "want" annotations written in the fixtures, after
// golang.org/x/tools/go/analysis/analysistest.
//
// A fixture is a directory standing for a machine's "/": lint/rules/testdata/
// <rule-id>/<case>/etc/mysql/my.cnf and so on. An annotation is a comment
// `want "regexp"` (after #, ; or --) on the line a finding must be reported
// on, or `want +N "regexp"` for the N-th line below it (for formats without
// trailing comments, such as systemd units). Several quoted regexps may
// follow one want. An optional file named "args" in the case directory holds
// command-line flags (--server=…, --nofile=…, --cpus=…, --memory=…,
// --wait-timeout-threshold=…), and an optional .conncap.yaml the services,
// consumers and headroom. Every finding must match an annotation on its
// line and every annotation must be matched.
package linttest

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/config"
	"github.com/conncap/conncap/inputs/discover"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/sysroot"
	"github.com/conncap/conncap/lint"
	"github.com/conncap/conncap/planner"
	"github.com/conncap/conncap/planner/memory"
)

// Run checks rule on every case directory under dir.
func Run(t *testing.T, dir string, rule *lint.Rule) {
	t.Helper()
	cases, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("reading fixtures: %v", err)
	}
	if len(cases) == 0 {
		t.Fatalf("no fixtures in %s", dir)
	}
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		t.Run(c.Name(), func(t *testing.T) {
			caseDir := filepath.Join(dir, c.Name())
			a, cfg := Analyze(t, caseDir, readArgs(t, caseDir))
			got := lint.Run(a, []*lint.Rule{rule}, cfg)
			check(t, caseDir, got)
		})
	}
}

// Analyze reads a fixture tree with the given flags and returns its analysis
// and the lint configuration the flags imply.
func Analyze(t *testing.T, dir string, args []string) (*planner.Analysis, *lint.Config) {
	t.Helper()
	opts, cfg := parseArgs(t, args)
	if src, err := os.ReadFile(filepath.Join(dir, config.FileName)); err == nil {
		fc, err := config.Parse(config.FileName, src)
		if err != nil {
			t.Fatalf("fixture configuration: %v", err)
		}
		opts.Services, opts.Consumers = fc.Services, fc.Consumers
		if fc.Memory != "" {
			n, err := memory.ParseSize(fc.Memory)
			if err != nil {
				t.Fatalf("fixture configuration: memory: %v", err)
			}
			opts.MemoryFallback = source.Value[int64]{V: n, Origin: source.Named("memory: " + fc.Memory + " in " + config.FileName)}
		}
		if fc.Thresholds.Headroom > 0 {
			cfg.Thresholds.Headroom = fc.Thresholds.Headroom
		}
	}
	root, err := sysroot.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	facts, err := discover.Walk(context.Background(), root, []string{"."})
	if err != nil {
		t.Fatalf("discover: %v", err)
	}
	a, err := planner.Analyze(facts, opts)
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}
	return a, cfg
}

func readArgs(t *testing.T, dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "args"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(b))
}

func parseArgs(t *testing.T, args []string) (planner.Options, *lint.Config) {
	t.Helper()
	var o planner.Options
	cfg := &lint.Config{Thresholds: lint.DefaultThresholds()}
	for _, a := range args {
		k, v, _ := strings.Cut(a, "=")
		switch k {
		case "--server":
			o.Server = v
		case "--nofile":
			o.NoFile = v
		case "--cpus":
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("args: %v", err)
			}
			o.CPUs = n
		case "--memory":
			n, err := memory.ParseSize(v)
			if err != nil {
				t.Fatalf("args: %v", err)
			}
			o.Memory = n
		case "--wait-timeout-threshold":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("args: %v", err)
			}
			cfg.Thresholds.WaitTimeout = n
		default:
			t.Fatalf("args: unknown flag %q", a)
		}
	}
	return o, cfg
}

var (
	wantRE  = regexp.MustCompile(`(?:#|;|--|//)\s*want(?:\s+\+(\d+))?((?:\s+"(?:[^"\\]|\\.)*")+)`)
	quoteRE = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
)

type expectation struct {
	key     string // path:line
	re      *regexp.Regexp
	matched bool
}

// check compares findings with the annotations in the fixture files.
func check(t *testing.T, dir string, got []lint.Diagnostic) {
	t.Helper()
	var wants []*expectation
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		for i, line := range strings.Split(string(b), "\n") {
			m := wantRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			n := i + 1
			if m[1] != "" {
				off, _ := strconv.Atoi(m[1])
				n += off
			}
			for _, q := range quoteRE.FindAllStringSubmatch(m[2], -1) {
				// The text between the quotes is the regexp as written,
				// except that \" stands for a quote.
				re, err := regexp.Compile(strings.ReplaceAll(q[1], `\"`, `"`))
				if err != nil {
					return fmt.Errorf("%s:%d: bad want regexp: %v", rel, i+1, err)
				}
				wants = append(wants, &expectation{key: fmt.Sprintf("%s:%d", filepath.ToSlash(rel), n), re: re})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range got {
		key := fmt.Sprintf("%s:%d", d.Pos.Path, d.Pos.Line)
		found := false
		for _, w := range wants {
			if !w.matched && w.key == key && w.re.MatchString(d.Message) {
				w.matched, found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s: unexpected finding: %s [%s]", d.Pos, d.Message, d.Rule)
		}
	}
	for _, w := range wants {
		if !w.matched {
			t.Errorf("%s: no finding matching %q", w.key, w.re)
		}
	}
}
