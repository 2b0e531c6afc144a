package python

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/appstest"
	"github.com/conncap/conncap/inputs/source"
)

// FuzzParse checks that Parse, Pools and CeleryPools never panic or hang,
// that errors are positioned inside the input, and that every position
// taken from the input lies inside it. Each input is read as a module, a
// gunicorn.conf.py and a Procfile. Seeds: every fixture.
// Search: go test -run='^$' -fuzz=FuzzParse -fuzztime=30s ./inputs/apps/python
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*")
	if len(seeds) < 5 {
		f.Fatalf("too few seeds: %v", seeds)
	}
	for _, p := range seeds {
		f.Add(mustRead(f, p))
	}
	env := apps.EnvMap{
		"DATABASE_URL":      {Name: "DATABASE_URL", Value: source.Value[string]{V: "mysql://u@h/d"}},
		"GUNICORN_CMD_ARGS": {Name: "GUNICORN_CMD_ARGS", Value: source.Value[string]{V: "-w 3 --threads=2"}},
		"SECRET":            {Name: "SECRET", Unknown: true},
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := strings.Split(string(src), "\n")
		var name string
		check := func(what string, p source.Pos) {
			t.Helper()
			appstest.CheckInside(t, lines, name, what, p)
		}
		for _, name = range []string{"app/settings.py", "gunicorn.conf.py", "Procfile"} {
			file, err := Parse(name, src)
			if err != nil {
				var list source.ErrorList
				if !errors.As(err, &list) || len(list) == 0 {
					t.Fatalf("Parse() error is not a source.ErrorList: %#v", err)
				}
				for _, e := range list {
					check("error", e.Pos)
				}
				continue
			}
			for _, e := range []apps.Env{nil, env} {
				for _, pools := range []func([]*File, apps.Env) ([]apps.Pool, error){Pools, CeleryPools} {
					ps, err := pools([]*File{file, file}, e)
					if err != nil {
						t.Fatalf("pools error: %v", err)
					}
					for _, p := range ps {
						check("max", p.Max.Origin.Pos)
						check("processes", p.Processes.Origin.Pos)
						check("lifetime", p.MaxLifetime.Origin.Pos)
					}
				}
			}
		}
	})
}
