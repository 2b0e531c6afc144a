package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/conncap/conncap/planner"
	"github.com/conncap/conncap/planner/emit"
)

// writeSnippets writes the recommended changes as ready-to-apply snippets.
// With a target, files go under --out/TARGET and printed ones are headed
// by its name.
func writeSnippets(c *cli.Context, a *planner.Analysis, what, target string) error {
	kinds, err := emitKinds(what)
	if err != nil {
		return err
	}
	snippets := emit.All(a.Server, a.Plan, a.AccountLimits)
	out := c.String("out")
	if out != "" && target != "" {
		out = filepath.Join(out, target)
	}
	n := 0
	for _, s := range snippets {
		if !kinds[s.Kind] {
			continue
		}
		n++
		if out == "" {
			if target != "" {
				fmt.Fprintf(c.App.Writer, "# --- %s: %s\n%s\n", target, s.Name, s.Text)
			} else {
				fmt.Fprintf(c.App.Writer, "# --- %s\n%s\n", s.Name, s.Text)
			}
			continue
		}
		p := filepath.Join(out, filepath.FromSlash(s.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(s.Text), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(c.App.Writer, "wrote %s\n", p)
	}
	if n == 0 {
		_, err := io.WriteString(c.App.Writer, "nothing to change: no recommendation of that kind\n")
		return err
	}
	return nil
}

func emitKinds(what string) (map[emit.Kind]bool, error) {
	all := map[emit.Kind]bool{emit.MyCnf: true, emit.Systemd: true, emit.SQL: true, emit.Pools: true, emit.ProxySQL: true}
	if what == "all" {
		return all, nil
	}
	kinds := map[emit.Kind]bool{}
	for _, k := range strings.Split(what, ",") {
		if !all[emit.Kind(k)] {
			return nil, usagef("--emit: unknown kind %q (want mycnf, systemd, sql, pools, proxysql or all)", k)
		}
		kinds[emit.Kind(k)] = true
	}
	return kinds, nil
}
