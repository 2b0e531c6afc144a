package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
)

// proxyScenario is a generated system with a ProxySQL tier: a server, a
// ProxySQL Deployment whose rows cap (or do not cap) its backend
// connections, an api behind it and a direct worker.
type proxyScenario struct {
	mc, proxies    int
	caps           []int // per hostgroup row to mysql-0; 0: unset (ProxySQL's default 1000)
	api, apiPool   int
	worker, wkPool int
}

func (s proxyScenario) cnf(caps []int) string {
	var b strings.Builder
	b.WriteString("mysql_servers = (\n")
	for i, c := range caps {
		sep := ","
		if i == len(caps)-1 {
			sep = ""
		}
		if c == 0 {
			fmt.Fprintf(&b, "  { address = \"mysql-0.mysql\"; port = 3306; hostgroup = %d; }%s\n", 10+i, sep)
		} else {
			fmt.Fprintf(&b, "  { address = \"mysql-0.mysql\"; port = 3306; hostgroup = %d; max_connections = %d; }%s\n", 10+i, c, sep)
		}
	}
	b.WriteString(")\n")
	return b.String()
}

func (s proxyScenario) files() map[string]string {
	deploy := func(name, image string, n int, env string) string {
		return fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: %s}\nspec:\n  replicas: %d\n  strategy: {type: Recreate}\n  template:\n    spec:\n"+
			"      containers:\n        - name: %s\n          image: %s\n%s", name, n, name, image, env)
	}
	url := func(host string, pool int) string {
		return fmt.Sprintf("          env: [{name: DATABASE_URL, value: \"mysql://app@%s/db?connectionLimit=%d\"}]\n", host, pool)
	}
	return map[string]string{
		"etc/mysql/my.cnf":  fmt.Sprintf("[mysqld]\nmax_connections = %d\nwait_timeout = 300\n", s.mc),
		"k8s/mysql.yaml":    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: mysql}\nspec:\n  template:\n    spec:\n      containers: [{name: mysql, image: \"mysql:8.4\"}]\n",
		"k8s/proxysql.yaml": deploy("proxysql", "proxysql/proxysql:2.7.1", s.proxies, ""),
		"k8s/proxysql.cnf":  s.cnf(s.caps),
		"k8s/api.yaml":      deploy("api", "api:1", s.api, url("proxysql:6033", s.apiPool)),
		"k8s/worker.yaml":   deploy("worker", "worker:1", s.worker, url("mysql-0.mysql:3306", s.wkPool)),
	}
}

var adminUpdate = regexp.MustCompile(`UPDATE mysql_servers SET max_connections = (\d+) WHERE hostgroup_id = (\d+) AND hostname = 'mysql-0.mysql' AND port = 3306;`)

// TestEmitRoundTripProxy is a property test: for generated ProxySQL tiers,
// applying the backend caps `plan --emit proxysql` writes to the rows and
// linting again leaves no capacity finding and no ProxySQL backend
// finding — unless the clients that bypass the proxy leave it no room,
// which the plan then does not pretend to fix.
func TestEmitRoundTripProxy(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 1122))
	capped := 0 // scenarios the plan capped: the property must not hold vacuously
	defer func() {
		if capped == 0 && !t.Failed() {
			t.Error("no generated scenario needed a cap: the test checks nothing")
		}
	}()
	n := 30
	if testing.Short() {
		n = 6
	}
	for i := range n {
		s := proxyScenario{mc: 100 + r.IntN(900), proxies: 1 + r.IntN(4), api: 5 + r.IntN(60), apiPool: 1 + r.IntN(20),
			worker: r.IntN(4), wkPool: 1 + r.IntN(5)}
		for range 1 + r.IntN(3) {
			s.caps = append(s.caps, []int{0, 50, 200, 500}[r.IntN(4)])
		}
		t.Run(fmt.Sprintf("%02d", i), func(t *testing.T) {
			dir := sysroottest.Dir(t, s.files())
			args := []string{"conncap", "plan", "--nofile", "65535", "--root", dir, "--config", os.DevNull}
			var out, errOut bytes.Buffer
			if code := run(context.Background(), append(args, "--emit", "proxysql", dir), strings.NewReader(""), &out, &errOut); code != exitClean {
				t.Fatalf("plan --emit exit %d: %s", code, errOut.String())
			}
			caps := append([]int(nil), s.caps...)
			updates := adminUpdate.FindAllStringSubmatch(out.String(), -1)
			if len(updates) > 0 {
				capped++
			}
			for _, m := range updates {
				var v, hg int
				fmt.Sscan(m[1], &v)
				fmt.Sscan(m[2], &hg)
				caps[hg-10] = v
			}
			if err := os.WriteFile(filepath.Join(dir, "k8s", "proxysql.cnf"), []byte(s.cnf(caps)), 0o644); err != nil {
				t.Fatal(err)
			}
			direct := s.worker * s.wkPool
			var lint bytes.Buffer
			run(context.Background(), []string{"conncap", "lint", "--no-color", "--fail-on", "none", "--nofile", "65535", "--root", dir, "--config", os.DevNull, dir},
				strings.NewReader(""), &lint, &errOut)
			var left []string
			for _, rule := range []string{"demand-exceeds-max-connections", "demand-near-limit", "proxysql-backend-over-max-connections"} {
				if strings.Contains(lint.String(), "["+rule+"]") {
					left = append(left, rule)
				}
			}
			// With no room for the proxy at all the plan recommends growing
			// instead; with room, every capacity finding must be gone.
			room := int(float64(s.mc)*0.75) - direct
			if len(left) > 0 && room/s.proxies/len(s.caps) >= 1 {
				t.Errorf("scenario %+v: after applying the caps %v, still %v\nemitted:\n%s\nlint:\n%s", s, caps, left, out.String(), lint.String())
			}
		})
	}
}
