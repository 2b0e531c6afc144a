package phpfpm

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// FuzzParse checks that Parse never panics, that its errors are
// positioned inside the input, that every position it reports lies inside
// the input, and that the second pass agrees with ini.v1 (see
// checkAgreement). Seeds: every fixture.
// Search: go test -run='^$' -fuzz=FuzzParse -fuzztime=30s ./inputs/apps/phpfpm
func FuzzParse(f *testing.F) {
	for _, p := range append(iniFixtures(f), mustGlob(f, "testdata/*.php")...) {
		f.Add(mustRead(f, p))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const name = "fuzz.conf"
		lines := splitKeepNL(trimBOM(src))
		inBounds := func(what string, p source.Pos) {
			t.Helper()
			if p.Line == 0 && p.Col == 0 {
				return // the default section
			}
			if p.Path != name || p.Line < 1 || p.Line > len(lines) {
				t.Fatalf("%s at %v: outside the %d lines of the input", what, p, len(lines))
			}
			if n := utf8.RuneCount(lines[p.Line-1]); p.Col < 1 || p.Col > n+1 {
				t.Fatalf("%s at %v: column outside a line of %d runes", what, p, n)
			}
		}
		file, err := Parse(name, src)
		if err != nil {
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse() error is not a *source.Error: %#v", err)
			}
			inBounds("error", se.Pos)
		} else {
			for _, s := range file.Sections {
				inBounds("section", s.Pos)
				for _, k := range s.Keys {
					inBounds("key", k.Pos)
					inBounds("value", k.ValuePos)
				}
			}
			if _, err := Pools([]*File{file}, nil); err != nil {
				var list source.ErrorList
				if !errors.As(err, &list) {
					t.Fatalf("Pools() error is not a source.ErrorList: %#v", err)
				}
				for _, e := range list {
					inBounds("pool error", e.Pos)
				}
			}
		}
		checkAgreement(t, name, src)
	})
}
