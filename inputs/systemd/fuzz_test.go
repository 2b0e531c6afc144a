package systemd

import (
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

func mustGlob(t testing.TB, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil || len(m) == 0 {
		t.Fatalf("glob %s: %v (%d files)", pattern, err, len(m))
	}
	return m
}

// FuzzParse checks that Parse never panics and that every position it
// reports lies inside the input. Seeds: every file in testdata.
// Search: go test -run='^$' -fuzz=FuzzParse -fuzztime=30s ./inputs/systemd
func FuzzParse(f *testing.F) {
	for _, p := range mustGlob(f, "testdata/*") {
		f.Add([]byte(mustRead(f, p)))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse(tp, src) // must not panic or hang
		if file == nil {
			t.Fatal("Parse returned a nil File")
		}
		if (err != nil) != (file.Err != nil) {
			t.Fatalf("Parse error %v disagrees with File.Err %v", err, file.Err)
		}
		lines := splitLines(src)
		check := func(what string, p source.Pos) {
			t.Helper()
			if p.Path != tp || p.Line < 1 || p.Line > len(lines) {
				t.Fatalf("%s at %v: outside the %d lines of the input", what, p, len(lines))
			}
			text := lines[p.Line-1].text
			if p.Col != 0 && (p.Col < 1 || p.Col > utf8.RuneCountInString(text)+1) {
				t.Fatalf("%s at %v: column outside line %q", what, p, text)
			}
		}
		if file.Err != nil {
			check("error", file.Err.Pos)
		}
		for _, w := range file.Warnings {
			check("warning", w.Pos)
		}
		for _, c := range file.Comments {
			check("comment", c.Pos)
		}
		for _, a := range file.Assignments {
			check("key", a.KeyPos)
			check("value", a.ValuePos)
			if a.ValuePos.Compare(a.KeyPos) <= 0 {
				t.Fatalf("value %v before key %v", a.ValuePos, a.KeyPos)
			}
		}
	})
}

// FuzzLimit checks that ParseLimit never panics and that what it
// accepts prints back to the same limit.
func FuzzLimit(f *testing.F) {
	for _, s := range []string{"32768", "1024:524288", "infinity", "1024:infinity", "0x10", "010", "0b1", `\1`, "", ":", "-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLimit(s)
		if err != nil {
			return
		}
		if l.Soft > l.Hard {
			t.Fatalf("ParseLimit(%q) = %v: soft above hard", s, l)
		}
		back, err := ParseLimit(l.String())
		if err != nil || back != l {
			t.Fatalf("ParseLimit(%q) = %v, but ParseLimit(%q) = %v, %v", s, l, l.String(), back, err)
		}
	})
}

// FuzzExec checks that the command line and environment parsers
// never panic.
func FuzzExec(f *testing.F) {
	for _, s := range []string{`/usr/sbin/mysqld $MYSQLD_OPTS`, `@/bin/x y "a b" 'c' \x41 \; ;`, `-/bin/sh -c "exec mysqld"`, `"`, `\`, `/bin/x \u12`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cmds, _ := ParseExec(s)
		for _, c := range cmds {
			if c.Path == "" || len(c.Argv) == 0 {
				t.Fatalf("ParseExec(%q) gave an empty command %+v", s, c)
			}
			c.ExpandEnv(map[string]string{"MYSQLD_OPTS": s})
		}
		parseEnvFile("e", []byte(s))
	})
}
