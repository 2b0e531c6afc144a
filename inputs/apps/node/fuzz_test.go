package node

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/appstest"
	"github.com/conncap/conncap/inputs/source"
)

// FuzzParse checks that Parse and Pools never panic or hang, that errors
// are positioned inside the input, and that every position taken from
// the input lies inside it. Each input is read as a source file, a PM2
// file, a Prisma schema and a .env file. Seeds: every fixture.
// Search: go test -run='^$' -fuzz=FuzzParse -fuzztime=30s ./inputs/apps/node
func FuzzParse(f *testing.F) {
	var seeds []string
	filepath.Walk("testdata", func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && !strings.Contains(p, "/fuzz/") {
			seeds = append(seeds, p)
		}
		return nil
	})
	if len(seeds) < 5 {
		f.Fatalf("too few seeds: %v", seeds)
	}
	for _, p := range seeds {
		f.Add(mustRead(f, p))
	}
	env := apps.EnvMap{
		"DATABASE_URL": {Name: "DATABASE_URL", Value: source.Value[string]{V: "mysql://u@h/d?connection_limit=4&connectionLimit=5"}},
		"NODE_ENV":     {Name: "NODE_ENV", Value: source.Value[string]{V: "production"}},
		"SECRET":       {Name: "SECRET", Unknown: true},
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := strings.Split(string(src), "\n")
		var name string
		check := func(what string, p source.Pos) {
			t.Helper()
			appstest.CheckInside(t, lines, name, what, p)
		}
		for _, name = range []string{"src/knexfile.ts", "ecosystem.config.js", "schema.prisma", ".env", "pm2.json"} {
			file, err := Parse(name, src)
			if err != nil {
				var list source.ErrorList
				var se *source.Error
				switch {
				case errors.As(err, &list):
					for _, e := range list {
						check("error", e.Pos)
					}
				case errors.As(err, &se):
					check("error", se.Pos)
				default:
					t.Fatalf("Parse() error is not positioned: %#v", err)
				}
				continue
			}
			if file.Kind == 0 {
				file.Kind = Source
			}
			for _, e := range []apps.Env{nil, env} {
				ps, err := Pools([]*File{file, file}, e)
				if err != nil {
					t.Fatalf("Pools() error: %v", err)
				}
				for _, p := range ps {
					check("max", p.Max.Origin.Pos)
					check("processes", p.Processes.Origin.Pos)
					check("min idle", p.MinIdle.Origin.Pos)
				}
			}
		}
	})
}
