package libconfig

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/source"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.want golden files")

// fixtures returns the names of the testdata/*.cfg fixtures.
func fixtures(tb testing.TB) []string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.cfg"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no fixtures in testdata: %v", err)
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	return names
}

// testInclude resolves @include names as libconfig does without an include
// directory, relative to the working directory, which for the oracle is
// testdata.
func testInclude(name string) (string, []byte, error) {
	if !filepath.IsLocal(name) {
		return "", nil, fmt.Errorf("%q is outside testdata", name)
	}
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		return "", nil, errors.Unwrap(err) // the *fs.PathError's path is testdata/…
	}
	return name, b, nil
}

// parseFixture parses testdata/name.
func parseFixture(tb testing.TB, name string) ([]byte, *File, error) {
	tb.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	f, err := Parse(name, src, testInclude)
	if f == nil {
		tb.Fatalf("Parse(%s) returned a nil File", name)
	}
	return src, f, err
}

// walk calls fn for every setting below root, depth-first in file order,
// with its libconfig path ("a.b", "l[0].c").
func walk(root *Setting, fn func(path string, s *Setting)) {
	var rec func(parent *Setting, path string)
	rec = func(parent *Setting, path string) {
		for i, s := range parent.Children {
			p := fmt.Sprintf("%s[%d]", path, i)
			if parent.Kind == Group {
				p = s.Name
				if path != "" {
					p = path + "." + s.Name
				}
			}
			fn(p, s)
			rec(s, p)
		}
	}
	rec(root, "")
}

// dumpValue formats a setting's value as testdata/dump.c does.
func dumpValue(s *Setting) string {
	switch s.Kind {
	case Int, Int64:
		return fmt.Sprint(s.Int)
	case Float:
		return fmt.Sprintf("%016x", math.Float64bits(s.Float))
	case Bool:
		return fmt.Sprint(s.Bool)
	case String:
		return dumpString(s.Str)
	default:
		return fmt.Sprint(len(s.Children))
	}
}

func dumpString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\x%02x", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// goldenDump is the full reading of a fixture, positions included: the
// settings (those completed before an error), the comments, the error.
func goldenDump(f *File, err error) string {
	var b strings.Builder
	walk(f.Root, func(path string, s *Setting) {
		fmt.Fprintf(&b, "%s %s %s", path, s.Kind, dumpValue(s))
		if s.Name != "" {
			fmt.Fprintf(&b, " name=%s", s.NamePos)
		}
		fmt.Fprintf(&b, " value=%s\n", s.Pos)
	})
	for _, c := range f.Comments {
		fmt.Fprintf(&b, "comment %s %q\n", c.Pos, c.Text)
	}
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	return b.String()
}

// TestGolden compares the reading of every fixture with its .want file
// (go test -update rewrites them). The oracle test checks the same readings
// against libconfig itself.
func TestGolden(t *testing.T) {
	for _, name := range fixtures(t) {
		t.Run(name, func(t *testing.T) {
			_, f, err := parseFixture(t, name)
			got := goldenDump(f, err)
			wantPath := filepath.Join("testdata", strings.TrimSuffix(name, ".cfg")+".want")
			if *update {
				if err := os.WriteFile(wantPath, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, rerr := os.ReadFile(wantPath)
			if rerr != nil {
				t.Fatalf("%v (run go test -update to create it)", rerr)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", name, diff)
			}
		})
	}
}

// lexAll returns every token of a file (includes expanded) up to the end
// of the file or the first @include error.
func lexAll(name string, src []byte, include func(string) (string, []byte, error)) []token {
	lx := newLexer(name, src, Offset{}, include)
	var toks []token
	for {
		t, err := lx.next()
		if err != nil || t.kind == tEOF {
			return append(toks, t)
		}
		toks = append(toks, t)
	}
}

// sourceLine returns the file and line libconfig gives a setting or an
// error whose token starts at pos: the line where that token ends, and for
// a string element (stringElem) the line of the token after its literals,
// which bison has read by the time it stores the element.
func sourceLine(toks []token, pos source.Pos, stringElem bool) (string, int) {
	for i, t := range toks {
		if t.pos != pos {
			continue
		}
		if stringElem && t.kind == tString {
			for i < len(toks)-1 && toks[i].kind == tString {
				i++
			}
			t = toks[i]
		}
		return t.end.Path, t.end.Line
	}
	return pos.Path, pos.Line
}

// libconfigTexts are libconfig's error messages; Parse's start with one of
// them and may add ": detail".
var libconfigTexts = []string{
	"syntax error", "duplicate setting name", "mismatched element type in array",
	"cannot open include file", "include file nesting too deep",
}

// oracleDump is a fixture's reading in the form testdata/dump.c prints
// libconfig's: settings with libconfig's source lines, or one ERROR line.
func oracleDump(tb testing.TB, name string) []string {
	tb.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return oracleReading(tb, name, src, testInclude)
}

// oracleReading parses src and formats the reading as testdata/dump.c
// prints libconfig's.
func oracleReading(tb testing.TB, name string, src []byte, include func(string) (string, []byte, error)) []string {
	tb.Helper()
	f, err := Parse(name, src, include)
	toks := lexAll(name, src, include)
	if err != nil {
		var se *source.Error
		if !errors.As(err, &se) {
			tb.Fatalf("Parse(%s) error is not a *source.Error: %v", name, err)
		}
		msg := se.Msg
		for _, text := range libconfigTexts {
			if msg == text || strings.HasPrefix(msg, text+":") || strings.HasPrefix(msg, text+" ") {
				msg = text
			}
		}
		file, line := sourceLine(toks, se.Pos, msg == "mismatched element type in array")
		return []string{fmt.Sprintf("ERROR %d %s @%s", line, msg, file)}
	}
	var out []string
	walk(f.Root, func(path string, s *Setting) {
		file, line := s.NamePos.Path, s.NamePos.Line
		if s.Name == "" {
			file, line = sourceLine(toks, s.Pos, s.Kind == String)
		}
		out = append(out, fmt.Sprintf("%s %s %s @%s:%d", path, s.Kind, dumpValue(s), file, line))
	})
	return out
}
