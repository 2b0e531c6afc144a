package config_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/config"
	"github.com/conncap/conncap/inputs/source"
)

func TestParse(t *testing.T) {
	src := "server: mariadb-10.11\nthresholds:\n  headroom: 0.8\nservices:\n  - name: api\n    instances: 24\n    pool: 10\n    account: appuser\nconsumers:\n  - name: replication\n    connections: 2\n"
	got, err := config.Parse(".conncap.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &config.Config{
		Path: ".conncap.yaml", Server: "mariadb-10.11", Thresholds: config.Thresholds{Headroom: 0.8},
		Services:  []config.Service{{Name: "api", Instances: 24, Pool: 10, Account: "appuser", Pos: source.Pos{Path: ".conncap.yaml", Line: 5, Col: 5}}},
		Consumers: []config.Consumer{{Name: "replication", Connections: 2, Pos: source.Pos{Path: ".conncap.yaml", Line: 10, Col: 5}}},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(config.Config{})); diff != "" {
		t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
	}
}

func TestTargets(t *testing.T) {
	src := "server: mysql-8.4\nmemory: 8G\npaths_ignore: [legacy]\nservices:\n  - name: api\n    pool: 10\n" +
		"targets:\n  - name: orders\n    paths: [orders/db, orders/k8s]\n    nofile: \"65535\"\n" +
		"  - name: billing\n    paths: [billing]\n    server: mariadb-10.11\n    paths_ignore: [\"billing/**/old-*.yaml\"]\n    services:\n      - name: worker\n        pool: 4\n"
	c, err := config.Parse(".conncap.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	type view struct {
		Name, Server, NoFile, Memory string
		Ignore                       []string
		Services                     []string
		Pos                          string
	}
	var got []view
	for _, tg := range c.Targets {
		tc := c.ForTarget(tg)
		v := view{Name: tg.Name, Server: tc.Server, NoFile: tc.NoFile, Memory: tc.Memory, Ignore: tc.PathsIgnore, Pos: tg.Pos.String()}
		for _, s := range tc.Services {
			v.Services = append(v.Services, s.Name+"@"+s.Pos.String())
		}
		if tc.Targets != nil {
			t.Errorf("ForTarget(%s) keeps targets", tg.Name)
		}
		got = append(got, v)
	}
	want := []view{
		{"orders", "mysql-8.4", "65535", "8G", []string{"legacy"}, []string{"api@.conncap.yaml:5:5"}, ".conncap.yaml:8:5"},
		{"billing", "mariadb-10.11", "", "8G", []string{"legacy", "billing/**/old-*.yaml"}, []string{"worker@.conncap.yaml:16:9"}, ".conncap.yaml:11:5"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("targets mismatch (-want +got):\n%s", diff)
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		match   []string
		miss    []string
	}{
		{"legacy", []string{"legacy", "a/legacy", "a/legacy/b.yaml"}, []string{"legacy2", "a/b"}},
		{"*.bak", []string{"x.bak", "etc/mysql/my.cnf.bak"}, []string{"x.bak2"}},
		{"k8s/staging", []string{"k8s/staging", "k8s/staging/api.yaml"}, []string{"a/k8s/staging", "k8s/stagingx"}},
		{"k8s/**/test-*.yaml", []string{"k8s/test-a.yaml", "k8s/a/b/test-c.yaml"}, []string{"k8s/a/prod.yaml", "x/k8s/test-a.yaml"}},
		{"**/charts", []string{"charts", "a/b/charts/x.yaml"}, []string{"a/chartsx"}},
		{"/etc/mysql/conf.d/", []string{"etc/mysql/conf.d/x.cnf"}, []string{"etc/mysql/my.cnf"}},
	} {
		g, err := config.CompileGlob(tc.pattern)
		if err != nil {
			t.Fatalf("CompileGlob(%q): %v", tc.pattern, err)
		}
		for _, m := range tc.match {
			if !g.Match(m) {
				t.Errorf("%q does not match %q", tc.pattern, m)
			}
		}
		for _, m := range tc.miss {
			if g.Match(m) {
				t.Errorf("%q matches %q", tc.pattern, m)
			}
		}
	}
	for _, bad := range []string{"", "/", "a/[b"} {
		if _, err := config.CompileGlob(bad); err == nil {
			t.Errorf("CompileGlob(%q): want an error", bad)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"unknown key", "thresholds:\n  headrom: 0.8\n", ".conncap.yaml:2: field headrom not found in type config.Thresholds"},
		{"wrong type", "services:\n  - name: api\n    pool: ten\n", ".conncap.yaml:3: cannot unmarshal !!str `ten` into int"},
		{"syntax", "services: [\n", ".conncap.yaml:1: did not find expected node content"},
		{"headroom range", "thresholds:\n  headroom: 75\n", ".conncap.yaml:1: thresholds.headroom 75 must be a fraction between 0 and 1"},
		{"no name", "services:\n  - pool: 3\n", ".conncap.yaml:2:5: service without a name"},
		{"bad glob", "paths_ignore:\n  - ok\n  - \"a/[b\"\n", ".conncap.yaml:3:5: paths_ignore: bad pattern \"a/[b\": syntax error in pattern"},
		{"target without paths", "targets:\n  - name: a\n", ".conncap.yaml:2:5: target \"a\" has no paths"},
		{"target twice", "targets:\n  - {name: a, paths: [x]}\n  - {name: a, paths: [y]}\n", ".conncap.yaml:3:5: target \"a\" is declared twice"},
		{"target unknown key", "targets:\n  - name: a\n    path: [x]\n", ".conncap.yaml:3: field path not found in type config.Target"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse(".conncap.yaml", []byte(tc.src))
			if err == nil || err.Error() != tc.want {
				t.Errorf("Parse() error = %v, want %q", err, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("services:\n  - name: api\n    pool: 10\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := config.Parse("f.yaml", src)
		if se, ok := err.(*source.Error); ok && se.Pos.Line < 1 {
			t.Fatalf("error without a line: %v", err)
		}
	})
}
