package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// conncap runs the CLI in-process and returns stdout, stderr and the exit code.
func conncap(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"conncap"}, args...), strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), code
}

// golden compares got with the golden file, or rewrites it under -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("output differs from %s (run go test ./cmd/conncap -update to accept):\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

func transcript(stdout, stderr string, code int) string {
	return fmt.Sprintf("%s--- stderr\n%s--- exit %d\n", stdout, stderr, code)
}

// TestExamples runs lint and show on every bundled example and compares
// with cmd/conncap/testdata/golden/<example>/<command>.golden. An optional
// file "flags" there holds extra flags for the example.
func TestExamples(t *testing.T) {
	examples, err := filepath.Glob("../../examples/*")
	if err != nil || len(examples) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, ex := range examples {
		name := filepath.Base(ex)
		t.Run(name, func(t *testing.T) {
			gdir, err := filepath.Abs(filepath.Join("testdata", "golden", name))
			if err != nil {
				t.Fatal(err)
			}
			var flags []string
			if b, err := os.ReadFile(filepath.Join(gdir, "flags")); err == nil {
				flags = strings.Fields(string(b))
			}
			t.Chdir(ex)
			for _, cmd := range []struct {
				file string
				args []string
			}{
				{"lint.golden", []string{"lint"}},
				{"lint-json.golden", []string{"lint", "--format", "json"}},
				{"lint-sarif.golden", []string{"lint", "--format", "sarif"}},
				{"lint-github.golden", []string{"lint", "--format", "github"}},
				{"lint-checkstyle.golden", []string{"lint", "--format", "checkstyle"}},
				{"show.golden", []string{"show"}},
				{"show-json.golden", []string{"show", "--format", "json"}},
				{"plan.golden", []string{"plan"}},
				{"plan-json.golden", []string{"plan", "--format", "json"}},
				{"plan-emit.golden", []string{"plan", "--emit", "all"}},
			} {
				args := append(append(append([]string{}, cmd.args...), flags...), ".")
				stdout, stderr, code := conncap(t, args...)
				golden(t, filepath.Join(gdir, cmd.file), transcript(stdout, stderr, code))
				again, _, _ := conncap(t, args...)
				if again != stdout {
					t.Errorf("%s: output is not deterministic", cmd.file)
				}
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	dir := sysroottest.Dir(t, map[string]string{
		"clean/etc/mysql/my.cnf":      "[mysqld]\nwait_timeout = 120\n",
		"info/etc/mysql/my.cnf":       "[mysqld]\nwait_timeout = 100\n!includedir /etc/mysql/conf.d\n",
		"info/etc/mysql/conf.d/a.cnf": "[mysqld]\nwait_timeout = 120\n",
		"bad/etc/mysql/my.cnf":        "max_connections = 10\n[mysqld]\n",
		"badvalue/etc/mysql/my.cnf":   "[mysqld]\nmax_connections = 1.5G\n",
		"missingdir/etc/mysql/my.cnf": "[mysqld]\n!includedir /etc/mysql/nope.d\n",
		"binary/etc/mysql/my.cnf":     "[mysqld]\nx=\x00\n",
		"cycle/etc/mysql/my.cnf":      "[mysqld]\n!include /etc/mysql/my.cnf\n",
		"unknown/etc/mysql/my.cnf":    "[mysqld]\nmax_conections = 10\n",
		"badk8s/etc/mysql/my.cnf":     "[mysqld]\nwait_timeout = 120\n",
		"badk8s/k8s/api.yaml":         "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: three\n",
		"tmpl/etc/mysql/my.cnf":       "[mysqld]\nwait_timeout = 120\n",
		"tmpl/chart/templates/d.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n",
		"cfg/quiet.yaml":              "rules:\n  unknown-option: info\n  wait-timeout-long: off\n",
		"cfg/typo.yaml":               "rulez:\n  unknown-option: info\n",
		"cfg/badrule.yaml":            "rules:\n  no-such-rule: off\n",
		"cfg/threshold.yaml":          "thresholds:\n  wait_timeout: 60\n",
	})
	base := []string{"--server=mysql-8.4", "--nofile=10000"}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // substring
	}{
		{"clean", []string{"lint", "clean"}, 0, ""},
		{"info below fail-on", []string{"lint", "info"}, 0, ""},
		{"info at fail-on", []string{"lint", "--fail-on=info", "info"}, 1, ""},
		{"fail-on none", []string{"lint", "--fail-on=none", "--wait-timeout-threshold=10", "clean"}, 0, ""},
		{"findings", []string{"lint", "--wait-timeout-threshold=10", "clean"}, 1, ""},
		{"option before group", []string{"lint", "bad"}, 2, "etc/mysql/my.cnf:1:1: option without preceding group"},
		{"bad value", []string{"lint", "badvalue"}, 2, "etc/mysql/my.cnf:2:19:"},
		{"missing includedir", []string{"lint", "missingdir"}, 2, "etc/mysql/my.cnf:2:13: !includedir"},
		{"binary", []string{"lint", "binary"}, 2, "NUL byte on line 2"},
		{"include cycle", []string{"lint", "cycle"}, 2, "etc/mysql/my.cnf:2:1: !include cycle: etc/mysql/my.cnf -> etc/mysql/my.cnf"},
		{"unknown option is a finding, not bad input", []string{"lint", "unknown"}, 1, ""},
		{"flag after path", []string{"lint", "clean", "--format", "json"}, 2, "flag \"--format\" after a path"},
		{"bad format", []string{"lint", "--format", "xml", "clean"}, 2, "unknown format"},
		{"version", []string{"--version"}, 0, ""},
		{"bad fail-on", []string{"lint", "--fail-on", "loud", "clean"}, 2, "unknown severity"},
		{"bad server", []string{"lint", "--server", "postgres-16", "clean"}, 2, "--server"},
		{"bad nofile", []string{"lint", "--nofile", "lots", "clean"}, 2, "--nofile"},
		{"missing path", []string{"lint", "does-not-exist"}, 2, "does-not-exist"},
		{"outside root", []string{"lint", "--root", "clean", "bad"}, 2, "outside the root"},
		{"unknown rule", []string{"explain", "no-such-rule"}, 2, "unknown rule"},
		{"bad manifest", []string{"lint", "badk8s"}, 2, "k8s/api.yaml:5:"},
		{"unrendered template is skipped", []string{"lint", "tmpl"}, 0, ""},
		{"verbose lists skipped files", []string{"lint", "--verbose", "tmpl"}, 0, "skipped chart/templates/d.yaml: unrendered template"},
		{"config lowers a severity", []string{"lint", "--config", "cfg/quiet.yaml", "unknown"}, 0, ""},
		{"config threshold", []string{"lint", "--config", "cfg/threshold.yaml", "clean"}, 1, ""},
		{"flag beats config threshold", []string{"lint", "--config", "cfg/threshold.yaml", "--wait-timeout-threshold", "200", "clean"}, 0, ""},
		{"config unknown key", []string{"lint", "--config", "cfg/typo.yaml", "clean"}, 2, "cfg/typo.yaml:1: field rulez not found"},
		{"config unknown rule", []string{"lint", "--config", "cfg/badrule.yaml", "clean"}, 2, "unknown rule \"no-such-rule\""},
		{"missing config", []string{"lint", "--config", "cfg/none.yaml", "clean"}, 2, "--config"},
		{"explain", []string{"explain", "wait-timeout-long"}, 0, ""},
		{"rules", []string{"rules"}, 0, ""},
	}
	t.Chdir(dir)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if args[0] == "lint" {
				args = append([]string{"lint"}, append(append([]string{}, base...), args[1:]...)...)
			}
			_, stderr, code := conncap(t, args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr, tc.stderr)
			}
		})
	}
}

// TestRulesMarkdownFresh fails when docs/rules.md is stale.
func TestRulesMarkdownFresh(t *testing.T) {
	golden(t, filepath.Join("..", "..", "docs", "rules.md"), rulesMarkdown())
}

// TestImportsPointOneWay enforces cmd → lint → planner → inputs → source.
func TestImportsPointOneWay(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("SKIP: go not in PATH")
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \",\"}}", "github.com/conncap/conncap/...").Output()
	if err != nil {
		t.Fatal(err)
	}
	const mod = "github.com/conncap/conncap/"
	layer := func(p string) int {
		p = strings.TrimPrefix(p, mod)
		switch {
		case p == "inputs/source":
			return 0
		case strings.HasPrefix(p, "inputs/"):
			return 1
		case strings.HasPrefix(p, "planner/"):
			return 2
		case p == "planner":
			return 3
		case strings.HasPrefix(p, "lint"):
			return 4
		default:
			return 5
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imps, _ := strings.Cut(line, " ")
		for _, imp := range strings.Split(imps, ",") {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			if layer(imp) > layer(pkg) {
				t.Errorf("%s imports %s: imports must point down the chain cmd → lint → planner → inputs", pkg, imp)
			}
		}
	}
}

// TestStdin reads `helm template` output from stdin ("-").
func TestStdin(t *testing.T) {
	dir := sysroottest.Dir(t, map[string]string{"etc/mysql/my.cnf": "[mysqld]\nmax_connections = 151\nwait_timeout = 120\n"})
	t.Chdir(dir)
	manifests := "---\n# Source: api/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 20\n" +
		"  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers:\n" +
		"        - name: api\n          image: api:1\n          env:\n            - {name: DATABASE_URL, value: \"mysql://app@db/app?connection_limit=10\"}\n"
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"conncap", "lint", "--nofile=65535", "--root", ".", ".", "-"}, strings.NewReader(manifests), &out, &errOut)
	if code != exitFindings || !strings.Contains(out.String(), "-:8:13: error: steady demand is 200 (api: 20 × 10)") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	code = run(context.Background(), []string{"conncap", "lint", "--root", ".", "-"}, strings.NewReader("just: yaml\n"), &out, &errOut)
	if code != exitBadInput || !strings.Contains(errOut.String(), "no Kubernetes objects") {
		t.Errorf("plain YAML on stdin: exit %d, stderr %s", code, errOut.String())
	}
}

// TestBaseline records today's findings, then reports only new ones, and
// keeps accepting a finding whose line moved.
func TestBaseline(t *testing.T) {
	dir := sysroottest.Dir(t, map[string]string{"etc/mysql/my.cnf": "[mysqld]\nwait_timeout = 28800\n"})
	t.Chdir(dir)
	base := []string{"lint", "--server=mysql-8.4", "--nofile=10000"}
	if _, stderr, code := conncap(t, append(base, "--write-baseline", "b.json", ".")...); code != 0 {
		t.Fatalf("--write-baseline: exit %d: %s", code, stderr)
	}
	if out, _, code := conncap(t, append(base, "--baseline", "b.json", ".")...); code != 0 {
		t.Fatalf("baselined run: exit %d:\n%s", code, out)
	}
	// Move the line down and add a new problem.
	if err := os.WriteFile("etc/mysql/my.cnf", []byte("[mysqld]\n# tuned\n\nwait_timeout = 28800\nmax_conections = 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := conncap(t, append(base, "--baseline", "b.json", ".")...)
	if code != exitFindings || strings.Contains(out, "wait-timeout-long") || !strings.Contains(out, "unknown-option") {
		t.Errorf("after the edit: exit %d, want only the new unknown-option finding:\n%s", code, out)
	}
	if _, stderr, code := conncap(t, append(base, "--baseline", "missing.json", ".")...); code != exitBadInput || !strings.Contains(stderr, "--write-baseline") {
		t.Errorf("missing baseline: exit %d, %s", code, stderr)
	}
}

// TestWorkflowFilesParse keeps the pre-commit hook and the GitHub Action valid YAML with their keys.
func TestWorkflowFilesParse(t *testing.T) {
	for file, keys := range map[string][]string{"../../action.yml": {"name", "runs", "inputs"}, "../../.pre-commit-hooks.yaml": nil} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(src, &doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		m, _ := doc.(map[string]any)
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("%s: no %q", file, k)
			}
		}
		if keys == nil {
			hooks, ok := doc.([]any)
			if !ok || len(hooks) == 0 || hooks[0].(map[string]any)["entry"] != "conncap lint" {
				t.Errorf("%s: want one hook whose entry is conncap lint", file)
			}
		}
	}
}
