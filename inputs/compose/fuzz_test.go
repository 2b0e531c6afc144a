package compose

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

// FuzzParse checks that Parse, Interpolate, Merge and ParseDotEnv never
// panic, that their errors are positioned source.Errors, and that every
// position they report lies inside the input. Seeds: every fixture.
// Search: go test -run='^$' -fuzz=FuzzParse -fuzztime=30s ./inputs/compose
func FuzzParse(f *testing.F) {
	var seeds []string
	for _, g := range []string{"testdata/*.y*ml", "testdata/bad/*.yaml", "testdata/.env"} {
		m, _ := filepath.Glob(g)
		seeds = append(seeds, m...)
	}
	if len(seeds) < 5 {
		f.Fatalf("too few seeds: %v", seeds)
	}
	for _, p := range seeds {
		f.Add(mustRead(f, p))
	}
	env := apps.EnvMap{
		"SET":    {Name: "SET", Value: source.Value[string]{V: "7"}},
		"SECRET": {Name: "SECRET", Unknown: true},
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const name = "fuzz.yaml"
		lines := strings.Split(string(src), "\n")
		check := func(what string, p source.Pos) {
			t.Helper()
			if !p.IsValid() {
				return // a Named origin
			}
			if p.Path != name || p.Line < 1 || p.Line > len(lines) {
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
			var list source.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty source.ErrorList: %#v", err)
			}
			for _, e := range list {
				if e.Pos.Line < 1 {
					t.Fatalf("error without a line: %v", e)
				}
				check("error", e.Pos)
			}
		}
		checkFile := func(file *File) {
			for _, s := range file.Services {
				check("service", s.Pos)
				for _, v := range []source.Value[int]{s.Replicas, s.NofileSoft, s.NofileHard} {
					check("value", v.Origin.Pos)
				}
				for _, ev := range s.Environment {
					check("env", ev.Value.Origin.Pos)
				}
				for _, w := range append(append([]source.Value[string]{}, s.Command...), s.Entrypoint...) {
					check("word", w.Origin.Pos)
				}
			}
		}
		file, err := Parse(name, src)
		checkErr(err)
		if err == nil {
			checkFile(file)
			g, err := file.Interpolate(env)
			checkErr(err)
			if err == nil {
				checkFile(g)
				Merge([]*File{file, g, file})
			}
		}
		de, err := ParseDotEnv(name, src)
		checkErr(err)
		for _, v := range de {
			check("dotenv", v.Value.Origin.Pos)
		}
	})
}
