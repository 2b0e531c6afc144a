package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/urfave/cli/v2"

	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
	"github.com/conncap/conncap/planner"
)

// twoServers is a repository that describes two servers, each a target,
// with a directory every run must skip.
func twoServers(t *testing.T) string {
	return sysroottest.Dir(t, map[string]string{
		".conncap.yaml": "nofile: \"65535\"\npaths_ignore: [\"**/old\"]\n" +
			"targets:\n" +
			"  - name: orders\n    paths: [orders]\n    services:\n      - {name: api, instances: 20, pool: 10}\n" +
			"  - name: billing\n    paths: [billing]\n    server: mariadb-10.11\n    services:\n      - {name: worker, instances: 2, pool: 5}\n",
		"orders/etc/mysql/my.cnf":     "[mysqld]\nmax_connections = 151\nwait_timeout = 300\n",
		"orders/old/etc/mysql/my.cnf": "[mysqld]\nmax_connections = 10\n",
		"billing/etc/mysql/my.cnf":    "[mysqld]\nmax_connections = 100\nwait_timeout = 28800\n",
		"billing/old/k8s/broken.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: [\n",
	})
}

func TestTargets(t *testing.T) {
	t.Chdir(twoServers(t))
	out, errOut, code := conncap(t, "lint", "--no-color")
	if code != exitFindings {
		t.Fatalf("lint: exit %d, stderr %s", code, errOut)
	}
	var got []string
	for _, line := range strings.Split(out, "\n") {
		if m := regexp.MustCompile(`^(\S+):\d+:\d+: \w+: .*\[(\S+)\]$`).FindStringSubmatch(line); m != nil {
			got = append(got, m[1]+" "+m[2])
		}
	}
	want := []string{
		".conncap.yaml demand-exceeds-max-connections",
		"billing/etc/mysql/my.cnf wait-timeout-long",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings of both targets (-want +got):\n%s\n%s", diff, out)
	}
	if !strings.Contains(out, "3 | wait_timeout = 28800") {
		t.Errorf("the billing snippet must come from billing's own file:\n%s", out)
	}

	out, errOut, code = conncap(t, "plan", "--target", "billing", "--no-color")
	if code != exitClean || !strings.Contains(out, "== target billing (paths under billing) ==\nserver: mariadb-10.11, max_connections 100") || strings.Contains(out, "orders") {
		t.Errorf("plan --target billing: exit %d\n%s%s", code, out, errOut)
	}

	out, _, code = conncap(t, "plan", "--format", "json")
	var doc struct {
		Targets []struct {
			Target string  `json:"target"`
			Plan   planDoc `json:"plan"`
		} `json:"targets"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitClean || len(doc.Targets) != 2 {
		t.Fatalf("plan --format json: exit %d, %v\n%s", code, err, out)
	}
	if doc.Targets[0].Target != "orders" || doc.Targets[0].Plan.Server.MaxConnections != 151 || doc.Targets[1].Plan.Services[0].Name != "worker" {
		t.Errorf("plan json targets: %+v", doc.Targets)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"lint", "--target", "nope"}, `--target "nope": no such target (the configuration declares orders, billing)`},
		{[]string{"lint", "--target", "orders", "orders"}, `give no paths with it`},
	} {
		_, errOut, code := conncap(t, tc.args...)
		if code != exitBadInput || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errOut, tc.want)
		}
	}
	// Paths on the command line bypass the targets (but not paths_ignore).
	out, _, _ = conncap(t, "show", "--verbose", "orders")
	if !strings.Contains(out, "max_connections") || strings.Contains(out, "target") {
		t.Errorf("show orders: want the plain run\n%s", out)
	}
}

func TestPathsIgnore(t *testing.T) {
	t.Chdir(twoServers(t))
	// Without the ignore the broken manifest under billing/old is an error.
	_, errOut, code := conncap(t, "lint", "--config", "/dev/null", "--nofile=65535", "billing")
	if code != exitBadInput || !strings.Contains(errOut, "broken.yaml") {
		t.Fatalf("unignored: exit %d, stderr %s", code, errOut)
	}
	_, errOut, code = conncap(t, "lint", "--verbose", "--target", "billing")
	if code == exitBadInput || !strings.Contains(errOut, "skipped old: paths_ignore") {
		t.Errorf("ignored: exit %d, stderr %s", code, errOut)
	}
}

func TestPlanColours(t *testing.T) {
	t.Chdir(sysroottest.Dir(t, map[string]string{
		"etc/mysql/my.cnf": "[mysqld]\nmax_connections = 151\nwait_timeout = 300\n",
		".conncap.yaml":    "services:\n  - {name: api, instances: 12, max_instances: 20, pool: 10}\n",
	}))
	l, err := loadForTest(t, "--nofile=65535")
	if err != nil {
		t.Fatal(err)
	}
	var plain, colour strings.Builder
	if err := writePlanText(&plain, l, false); err != nil {
		t.Fatal(err)
	}
	if err := writePlanText(&colour, l, true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("plain output has escape codes")
	}
	if got := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(colour.String(), ""); got != plain.String() {
		t.Errorf("colour output without its escapes differs from the plain one:\n%s\n---\n%s", got, plain.String())
	}
	c := colour.String()
	for _, want := range []string{
		ansiBoldRed + "autoscale" + ansiReset, // 200 > 151 breaks first
		ansiYellow + "120" + ansiReset,        // steady 79 % is past the 75 % headroom
		ansiRed + "200" + ansiReset,
		ansiYellow + "79 %" + ansiReset,
		ansiRed + "[##########!]" + ansiReset,
	} {
		if !strings.Contains(c, want) {
			t.Errorf("colour plan lacks %q:\n%q", want, c)
		}
	}
}

// loadForTest analyses the working directory as `conncap plan FLAGS .` does.
func loadForTest(t *testing.T, flags ...string) (*planner.Analysis, error) {
	t.Helper()
	var got *planner.Analysis
	app := newApp(strings.NewReader(""), new(strings.Builder), new(strings.Builder))
	for _, c := range app.Commands {
		if c.Name == "plan" {
			c.Action = func(ctx *cli.Context) error {
				ls, err := loadAll(ctx)
				if err == nil {
					got = ls[0].analysis
				}
				return err
			}
		}
	}
	err := app.Run(append(append([]string{"conncap", "plan"}, flags...), "."))
	return got, err
}
