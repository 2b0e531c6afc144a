package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
)

// capacityRules are the findings the emitted snippets must make go away.
var capacityRules = map[string]bool{
	"demand-exceeds-max-connections": true, "demand-near-limit": true,
	"max-connections-lowered": true, "table-open-cache-lowered": true, "fd-overcommit": true,
}

// scenario is a generated system: a server with a unit and services with pools.
type scenario struct {
	server   string
	mc       int
	nofile   int
	services []genService
}

type genService struct {
	name            string
	instances, pool int
}

func (s scenario) files() map[string]string {
	files := map[string]string{
		"etc/mysql/my.cnf":        fmt.Sprintf("[mysqld]\nmax_connections = %d\nwait_timeout = 300\n!includedir /etc/mysql/conf.d/\n", s.mc),
		"etc/mysql/conf.d/00.cnf": "[mysqld]\n",
	}
	bin, unit := "mysqld", "mysql.service"
	if strings.HasPrefix(s.server, "mariadb") {
		bin, unit = "mariadbd", "mariadb.service"
	}
	files["lib/systemd/system/"+unit] = fmt.Sprintf("[Service]\nUser=mysql\nExecStart=/usr/sbin/%s\nLimitNOFILE=%d\n", bin, s.nofile)
	files[".conncap.yaml"] = s.config(nil)
	return files
}

// config writes .conncap.yaml, with pools overridden by name.
func (s scenario) config(pools map[string]int) string {
	var b strings.Builder
	b.WriteString("services:\n")
	for _, svc := range s.services {
		pool := svc.pool
		if n, ok := pools[svc.name]; ok {
			pool = n
		}
		fmt.Fprintf(&b, "  - name: %s\n    instances: %d\n    pool: %d\n", svc.name, svc.instances, pool)
	}
	return b.String()
}

func generate(r *rand.Rand) scenario {
	servers := []string{"mysql-8.4", "mysql-8.0", "mariadb-10.11", "mariadb-10.6"}
	nofiles := []int{1024, 4096, 10000, 32768, 65535}
	s := scenario{server: servers[r.IntN(len(servers))], mc: 50 + r.IntN(1500), nofile: nofiles[r.IntN(len(nofiles))]}
	for i := range 1 + r.IntN(3) {
		s.services = append(s.services, genService{name: fmt.Sprintf("svc%d", i), instances: 1 + r.IntN(30), pool: 1 + r.IntN(20)})
	}
	return s
}

// lintFindings runs lint in dir and returns the capacity findings.
func lintFindings(t *testing.T, dir, server string) []string {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"conncap", "lint", "--format", "json", "--fail-on", "none", "--cpus", "2", "--server", server, "--root", dir, "--config", filepath.Join(dir, ".conncap.yaml"), dir}, strings.NewReader(""), &out, &errOut)
	if code != exitClean {
		t.Fatalf("lint exit %d: %s", code, errOut.String())
	}
	var doc struct {
		Findings []struct{ Rule, Message string }
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range doc.Findings {
		if capacityRules[f.Rule] {
			got = append(got, f.Rule+": "+f.Message)
		}
	}
	return got
}

var poolLine = regexp.MustCompile(`(?m)^(\w+): pool: (\d+)`)

// TestEmitRoundTrip is a property test: for generated systems, applying the
// snippets `plan --emit` writes — either the server ones (my.cnf and the
// systemd drop-in) or the pool sizes — and linting again leaves no capacity
// finding, unless the plan itself says only a proxy can help.
func TestEmitRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 11))
	n := 40
	if testing.Short() {
		n = 8
	}
	for i := range n {
		s := generate(r)
		for _, way := range []string{"server", "pools"} {
			t.Run(fmt.Sprintf("%02d-%s-%s", i, s.server, way), func(t *testing.T) {
				dir := sysroottest.Dir(t, s.files())
				var out, errOut bytes.Buffer
				args := []string{"conncap", "plan", "--cpus", "2", "--server", s.server, "--root", dir, "--config", filepath.Join(dir, ".conncap.yaml")}
				kinds := "mycnf,systemd"
				if way == "pools" {
					kinds = "pools"
				}
				emitDir := t.TempDir()
				if code := run(context.Background(), append(args, "--emit", kinds, "--out", emitDir, dir), strings.NewReader(""), &out, &errOut); code != exitClean {
					t.Fatalf("plan --emit exit %d: %s", code, errOut.String())
				}
				var plan bytes.Buffer
				run(context.Background(), append(args, dir), strings.NewReader(""), &plan, &errOut)
				proxy := strings.Contains(plan.String(), "multiplexing proxy")
				err := filepath.WalkDir(emitDir, func(p string, d os.DirEntry, err error) error {
					if err != nil || d.IsDir() {
						return err
					}
					rel, _ := filepath.Rel(emitDir, p)
					src, err := os.ReadFile(p)
					if err != nil {
						return err
					}
					if rel == "conncap-pools.txt" {
						pools := map[string]int{}
						for _, m := range poolLine.FindAllStringSubmatch(string(src), -1) {
							var v int
							fmt.Sscan(m[2], &v)
							pools[m[1]] = v
						}
						return os.WriteFile(filepath.Join(dir, ".conncap.yaml"), []byte(s.config(pools)), 0o644)
					}
					dst := filepath.Join(dir, rel)
					if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
						return err
					}
					return os.WriteFile(dst, src, 0o644)
				})
				if err != nil {
					t.Fatal(err)
				}
				got := lintFindings(t, dir, s.server)
				if way == "pools" {
					// Pool sizes fix demand, not the server's own limits.
					got = filterOut(got, "max-connections-lowered", "table-open-cache-lowered", "fd-overcommit")
				}
				if len(got) > 0 && !proxy {
					t.Errorf("scenario %+v: after applying the %s snippets, still:\n%s\nplan:\n%s", s, way, strings.Join(got, "\n"), plan.String())
				}
			})
		}
	}
}

func filterOut(fs []string, rules ...string) []string {
	var out []string
	for _, f := range fs {
		keep := true
		for _, r := range rules {
			if strings.HasPrefix(f, r+":") {
				keep = false
			}
		}
		if keep {
			out = append(out, f)
		}
	}
	return out
}
