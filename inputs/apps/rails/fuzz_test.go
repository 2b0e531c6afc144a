package rails

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

// FuzzParse checks that Parse, Pools and SidekiqPools never panic or hang,
// that errors are positioned *source.Errors inside the input, and that
// every position taken from the input lies inside it. Each input is also
// read as each kind of file, so the ERB, YAML and Ruby readers all see it.
// Seeds: every fixture.
// Search: go test -run='^$' -fuzz=FuzzParse -fuzztime=30s ./inputs/apps/rails
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/config/*")
	bad, _ := filepath.Glob("testdata/bad/*")
	for _, p := range append(seeds, bad...) {
		f.Add(mustRead(f, p))
	}
	env := apps.EnvMap{
		"RAILS_MAX_THREADS": {Name: "RAILS_MAX_THREADS", Value: source.Value[string]{V: "8"}},
		"DATABASE_URL":      {Name: "DATABASE_URL", Value: source.Value[string]{V: "mysql2://u@h/d?pool=3"}},
		"SECRET":            {Name: "SECRET", Unknown: true},
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const name = "fuzz/config/database.yml"
		lines := strings.Split(string(src), "\n")
		check := func(what string, p source.Pos) {
			t.Helper()
			if p.Path != name {
				return // a Named origin or the environment
			}
			if p.Line < 1 || p.Line > len(lines) {
				t.Fatalf("%s at %v: outside the %d lines of the input", what, p, len(lines))
			}
			if n := utf8.RuneCountInString(lines[p.Line-1]); p.Col < 0 || p.Col > n+1 {
				t.Fatalf("%s at %v: column outside a line of %d runes", what, p, n)
			}
		}
		checkErr := func(err error) {
			t.Helper()
			if err == nil {
				return
			}
			var se *source.Error
			if !errors.As(err, &se) || se.Pos.Line < 1 {
				t.Fatalf("error without a position: %#v", err)
			}
			check("error", se.Pos)
		}
		_, err := Parse(name, src)
		checkErr(err)
		for _, kind := range []Kind{DatabaseYML, PumaConfig, SidekiqYML} {
			db := &File{Path: name, Kind: DatabaseYML, src: src}
			other := &File{Path: name, Kind: kind, src: src}
			for _, e := range []apps.Env{nil, env} {
				for _, pools := range []func([]*File, apps.Env) ([]apps.Pool, error){Pools, SidekiqPools} {
					ps, err := pools([]*File{db, other}, e)
					checkErr(err)
					for _, p := range ps {
						check("max", p.Max.Origin.Pos)
						check("processes", p.Processes.Origin.Pos)
						check("idle", p.IdleTimeout.Origin.Pos)
					}
				}
			}
		}
	})
}
