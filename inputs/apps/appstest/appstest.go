// Package appstest holds the test helpers the application-configuration
// readers' tests share: reading and parsing fixtures, positions and
// values with origins, and checking that fuzzed positions lie inside the
// input.
package appstest

import (
	"os"
	"testing"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// MustRead reads the file p, failing the test when it cannot.
func MustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Load reads and parses each of paths, failing the test on any error.
func Load[F any](t testing.TB, parse func(string, []byte) (F, error), paths ...string) []F {
	t.Helper()
	var fs []F
	for _, p := range paths {
		f, err := parse(p, MustRead(t, p))
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	return fs
}

// Pos is line:col of p.
func Pos(p string, line, col int) source.Pos { return source.Pos{Path: p, Line: line, Col: col} }

// At is the origin at line:col of p.
func At(p string, line, col int) source.Origin { return source.At(Pos(p, line, col)) }

// Note is the origin at line:col of p with the note n.
func Note(p string, line, col int, n string) source.Origin {
	return source.Origin{Pos: Pos(p, line, col), Note: n}
}

// IVal is the int v from o.
func IVal(v int, o source.Origin) source.Value[int] { return source.Value[int]{V: v, Origin: o} }

// SVal is the string v from o.
func SVal(v string, o source.Origin) source.Value[string] {
	return source.Value[string]{V: v, Origin: o}
}

// Command is a command line of words, word i at "cmd":1:i+1, as a
// FromCommand reader takes it.
func Command(words []string) []source.Value[string] {
	var out []source.Value[string]
	for i, w := range words {
		out = append(out, SVal(w, At("cmd", 1, i+1)))
	}
	return out
}

// CheckInside fails the test when p, a position in the input named name
// whose lines are lines, lies outside it; positions in other files pass.
func CheckInside(t testing.TB, lines []string, name, what string, p source.Pos) {
	t.Helper()
	if p.Path != name {
		return
	}
	if p.Line < 1 || p.Line > len(lines) {
		t.Fatalf("%s at %v: outside the %d lines of the input", what, p, len(lines))
	}
	if n := utf8.RuneCountInString(lines[p.Line-1]); p.Col < 1 || p.Col > n+1 {
		t.Fatalf("%s at %v: column outside a line of %d runes", what, p, n)
	}
}
