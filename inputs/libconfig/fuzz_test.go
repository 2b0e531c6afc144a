package libconfig

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/internal/fuzzseed"
)

var nameRE = regexp.MustCompile(`^[A-Za-z*][-A-Za-z0-9_*]*$`)

func FuzzParse(f *testing.F) {
	for _, glob := range []string{"*.cfg", "inc/*.inc"} {
		fuzzseed.AddFiles(f, filepath.Join("testdata", glob)) // every fixture is a seed
	}
	for _, s := range []string{
		"", "a", "a=", "a=1", "a=1;", "#", "//", "/", "/*", "*/", "\"", "\"\\", "\\", "@", "@include", "@include \"",
		"@include \"self\"\n", "@include \"inc\"\n", "@include \"inc\" a = 2;\n", "a = \n@include \"inc\"\n;", "@include \"missing\"\n",
		"  @include\t\"self\"", "@include \"a\\\"b\\\\c\\d\"\n", "a = (\n@include \"self\"\n);",
		"a = (", "a = [", "a = {", "a = )", "a = (1,,,)", "a = [,]", "a = [1,\"x\"]", "a = [1, 1L]", "a = ((((((((((", "a = [[",
		"a = 0x", "a = 0xFFFFFFFFFFFFFFFFFFFF", "a = 0x1LLL", "a = -", "a = +.", "a = .e5", "a = 1e999", "a = 08", "a = 0777",
		"a = 99999999999999999999", "a = -9223372036854775808", "a = 9223372036854775808L", "a = trueX", "TRUE = 1",
		"a = \"\\x0\"", "a = \"\\x00\" \"b\"", "a = \"x\x00y\"", "a = \"\\", "a = \"é\" é", "\xef\xbb\xbfa = 1;", "a = 1\r\n\f\v",
		"a = 1; a = 2;", "a = { b = 1; b = 2 }", "* = 1", "a-b_c* = 1", "a = \"x\"\n\n,", "a : 1 , b : 2 ,", "\xff\xfe",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		files := map[string][]byte{"fuzz.cfg": src, "self.cfg": src, "inc.cfg": []byte("x = 1;\n\"open")}
		include := func(name string) (string, []byte, error) {
			switch name {
			case "self":
				return "self.cfg", src, nil
			case "inc":
				return "inc.cfg", files["inc.cfg"], nil
			}
			return "", nil, os.ErrNotExist
		}
		start := time.Now()
		file, err := Parse("fuzz.cfg", src, include) // must not panic or hang
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Parse() took %v for %d bytes", d, len(src))
		}
		if file == nil || file.Root == nil || file.Root.Kind != Group || file.Root.Name != "" {
			t.Fatalf("Parse() returned file %+v", file)
		}

		// The rune length of every line of every file, to bound positions.
		lineRunes := map[string][]int{}
		for name, b := range files {
			for line := range bytes.SplitSeq(b, []byte("\n")) {
				lineRunes[name] = append(lineRunes[name], utf8.RuneCount(line))
			}
		}
		check := func(what string, p source.Pos) {
			t.Helper()
			lines, ok := lineRunes[p.Path]
			// Col may be one past the line's end: the end of the file, or a
			// line's end where the file ends without a newline.
			if !ok || p.Line < 1 || p.Line > len(lines) || p.Col < 1 || p.Col > lines[p.Line-1]+1 {
				t.Errorf("%s at %v: out of bounds", what, p)
			}
		}
		if err != nil {
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse() error is not a *source.Error: %#v", err)
			}
			check("error", se.Pos)
		}
		var walkCheck func(parent *Setting)
		walkCheck = func(parent *Setting) {
			seen := map[string]bool{}
			for i, s := range parent.Children {
				check("value", s.Pos)
				switch parent.Kind {
				case Group:
					check("name", s.NamePos)
					if !nameRE.MatchString(s.Name) || seen[s.Name] {
						t.Errorf("setting %q at %v: bad or duplicate name", s.Name, s.NamePos)
					}
					seen[s.Name] = true
				case Array:
					if s.Kind.isAggregate() || s.Kind != parent.Children[0].Kind {
						t.Errorf("array element %d at %v is a %s after a %s", i, s.Pos, s.Kind, parent.Children[0].Kind)
					}
					fallthrough
				default:
					if s.Name != "" || s.NamePos != (source.Pos{}) {
						t.Errorf("element at %v has a name %q", s.Pos, s.Name)
					}
				}
				if s.Kind < Group || s.Kind > String || (!s.Kind.isAggregate() && s.Children != nil) {
					t.Errorf("setting at %v: kind %v with %d children", s.Pos, s.Kind, len(s.Children))
				}
				if s.Kind == Int && (s.Int < math.MinInt32 || s.Int > math.MaxInt32) {
					t.Errorf("setting at %v: Int %d outside 32 bits", s.Pos, s.Int)
				}
				walkCheck(s)
			}
		}
		walkCheck(file.Root)
		for _, c := range file.Comments {
			check("comment", c.Pos)
		}
		// Parsing is deterministic.
		again, err2 := Parse("fuzz.cfg", src, include)
		if goldenDump(again, err2) != goldenDump(file, err) {
			t.Errorf("Parse() is not deterministic")
		}
	})
}
