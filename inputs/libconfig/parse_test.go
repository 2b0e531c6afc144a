package libconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/source"
)

func at(line, col int) source.Pos { return source.Pos{Path: "t.cfg", Line: line, Col: col} }

func atIn(path string, line, col int) source.Pos {
	return source.Pos{Path: path, Line: line, Col: col}
}

// mapInclude serves @include names from a map, with the name as the path.
func mapInclude(files map[string]string) func(string) (string, []byte, error) {
	return func(name string) (string, []byte, error) {
		src, ok := files[name]
		if !ok {
			return "", nil, fs.ErrNotExist
		}
		return name, []byte(src), nil
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		files map[string]string // for @include
		want  []*Setting        // the root's children
	}{
		{
			name: "positions of names and values",
			in:   "a = 1;\n  b : \"x\"\nc=true",
			want: []*Setting{
				{Name: "a", NamePos: at(1, 1), Pos: at(1, 5), Kind: Int, Int: 1},
				{Name: "b", NamePos: at(2, 3), Pos: at(2, 7), Kind: String, Str: "x"},
				{Name: "c", NamePos: at(3, 1), Pos: at(3, 3), Kind: Bool, Bool: true},
			},
		},
		{
			name: "columns count runes, a tab is one",
			in:   "s = \"é✓\"; t = 2;\n\tu = 3;",
			want: []*Setting{
				{Name: "s", NamePos: at(1, 1), Pos: at(1, 5), Kind: String, Str: "é✓"},
				{Name: "t", NamePos: at(1, 11), Pos: at(1, 15), Kind: Int, Int: 2},
				{Name: "u", NamePos: at(2, 2), Pos: at(2, 6), Kind: Int, Int: 3},
			},
		},
		{
			name: "aggregates: the value is the bracket, elements have no name",
			in:   "l = ( { x = 1 }, [ 2, 3 ], ( ) );",
			want: []*Setting{{
				Name: "l", NamePos: at(1, 1), Pos: at(1, 5), Kind: List, Children: []*Setting{
					{Pos: at(1, 7), Kind: Group, Children: []*Setting{
						{Name: "x", NamePos: at(1, 9), Pos: at(1, 13), Kind: Int, Int: 1},
					}},
					{Pos: at(1, 18), Kind: Array, Children: []*Setting{
						{Pos: at(1, 20), Kind: Int, Int: 2},
						{Pos: at(1, 23), Kind: Int, Int: 3},
					}},
					{Pos: at(1, 28), Kind: List},
				},
			}},
		},
		{
			name: "a string's position is its first literal",
			in:   "s =\n  \"a\"\n  \"b\";",
			want: []*Setting{{Name: "s", NamePos: at(1, 1), Pos: at(2, 3), Kind: String, Str: "ab"}},
		},
		{
			name: "integers: int32 range, promotion, octal, L suffix, hex truncation",
			in:   "a = 2147483647; b = 2147483648; c = -2147483648; d = -2147483649; e = 010; f = 010L; g = 0xFFFFFFFF; h = 0xFFFFFFFFL; i = -0;",
			want: []*Setting{
				{Name: "a", NamePos: at(1, 1), Pos: at(1, 5), Kind: Int, Int: math.MaxInt32},
				{Name: "b", NamePos: at(1, 17), Pos: at(1, 21), Kind: Int64, Int: math.MaxInt32 + 1},
				{Name: "c", NamePos: at(1, 33), Pos: at(1, 37), Kind: Int, Int: math.MinInt32},
				{Name: "d", NamePos: at(1, 50), Pos: at(1, 54), Kind: Int64, Int: math.MinInt32 - 1},
				{Name: "e", NamePos: at(1, 67), Pos: at(1, 71), Kind: Int, Int: 8},
				{Name: "f", NamePos: at(1, 76), Pos: at(1, 80), Kind: Int64, Int: 10},
				{Name: "g", NamePos: at(1, 86), Pos: at(1, 90), Kind: Int, Int: -1},
				{Name: "h", NamePos: at(1, 102), Pos: at(1, 106), Kind: Int64, Int: 0xFFFFFFFF},
				{Name: "i", NamePos: at(1, 119), Pos: at(1, 123), Kind: Int, Int: 0},
			},
		},
		{
			name: "floats",
			in:   "a = .5; b = 5.; c = 1e3; d = .; e = 1e999;",
			want: []*Setting{
				{Name: "a", NamePos: at(1, 1), Pos: at(1, 5), Kind: Float, Float: 0.5},
				{Name: "b", NamePos: at(1, 9), Pos: at(1, 13), Kind: Float, Float: 5},
				{Name: "c", NamePos: at(1, 17), Pos: at(1, 21), Kind: Float, Float: 1000},
				{Name: "d", NamePos: at(1, 26), Pos: at(1, 30), Kind: Float, Float: 0},
				{Name: "e", NamePos: at(1, 33), Pos: at(1, 37), Kind: Float, Float: math.Inf(1)},
			},
		},
		{
			name: "string escapes, unknown ones kept, \\x00 ends the literal",
			in:   `a = "\t\"\\\x41\d\a"; b = "x\x00y" "z";`,
			want: []*Setting{
				{Name: "a", NamePos: at(1, 1), Pos: at(1, 5), Kind: String, Str: "\t\"\\A\\d\\a"},
				{Name: "b", NamePos: at(1, 23), Pos: at(1, 27), Kind: String, Str: "xz"},
			},
		},
		{
			name: "runs of commas in lists and arrays",
			in:   "l = (1,,2,); a = [\"x\",];",
			want: []*Setting{
				{Name: "l", NamePos: at(1, 1), Pos: at(1, 5), Kind: List, Children: []*Setting{
					{Pos: at(1, 6), Kind: Int, Int: 1},
					{Pos: at(1, 9), Kind: Int, Int: 2},
				}},
				{Name: "a", NamePos: at(1, 14), Pos: at(1, 18), Kind: Array, Children: []*Setting{
					{Pos: at(1, 19), Kind: String, Str: "x"},
				}},
			},
		},
		{
			name:  "included settings carry the included file's path",
			in:    "a = 1;\n  @include \"inc.cfg\" b = 2;\n",
			files: map[string]string{"inc.cfg": "\n x = \"y\";\n"},
			want: []*Setting{
				{Name: "a", NamePos: at(1, 1), Pos: at(1, 5), Kind: Int, Int: 1},
				{Name: "x", NamePos: atIn("inc.cfg", 2, 2), Pos: atIn("inc.cfg", 2, 6), Kind: String, Str: "y"},
				{Name: "b", NamePos: at(2, 22), Pos: at(2, 26), Kind: Int, Int: 2},
			},
		},
		{
			name:  "an include is inlined inside a value",
			in:    "l = ( 1,\n@include \"inc.cfg\"\n);",
			files: map[string]string{"inc.cfg": "2, { g = 3 }"},
			want: []*Setting{{
				Name: "l", NamePos: at(1, 1), Pos: at(1, 5), Kind: List, Children: []*Setting{
					{Pos: at(1, 7), Kind: Int, Int: 1},
					{Pos: atIn("inc.cfg", 1, 1), Kind: Int, Int: 2},
					{Pos: atIn("inc.cfg", 1, 4), Kind: Group, Children: []*Setting{
						{Name: "g", NamePos: atIn("inc.cfg", 1, 6), Pos: atIn("inc.cfg", 1, 10), Kind: Int, Int: 3},
					}},
				},
			}},
		},
		{
			name:  "include names: only \\\\ and \\\" are escapes",
			in:    "@include \"a\\\\b\\\"c\\d\"\n",
			files: map[string]string{`a\b"cd`: "ok = true;"},
			want: []*Setting{
				{Name: "ok", NamePos: atIn(`a\b"cd`, 1, 1), Pos: atIn(`a\b"cd`, 1, 6), Kind: Bool, Bool: true},
			},
		},
		{
			name: "an unterminated string or comment at the end is dropped",
			in:   "a = 1;\n\"open",
			want: []*Setting{{Name: "a", NamePos: at(1, 1), Pos: at(1, 5), Kind: Int, Int: 1}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("t.cfg", []byte(tc.in), mapInclude(tc.files))
			if err != nil {
				t.Fatalf("Parse() error: %v", err)
			}
			if f.Path != "t.cfg" || f.Root.Kind != Group || f.Root.Name != "" || f.Root.Pos != (source.Pos{Path: "t.cfg"}) {
				t.Errorf("Parse() file %q, root %+v", f.Path, *f.Root)
			}
			if diff := cmp.Diff(tc.want, f.Root.Children); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNestingLimit checks that maxDepth levels are read and one more is
// an error (TestParseErrors).
func TestNestingLimit(t *testing.T) {
	in := "a = " + strings.Repeat("(", maxDepth) + strings.Repeat(")", maxDepth)
	f, err := Parse("t.cfg", []byte(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	depth := 0
	for s := f.Root.Lookup("a"); s != nil; depth++ {
		if s.Kind != List || s.Pos != at(1, 5+depth) || len(s.Children) > 1 {
			t.Fatalf("level %d: %s at %v with %d children, want a list at %v with at most one", depth, s.Kind, s.Pos, len(s.Children), at(1, 5+depth))
		}
		if len(s.Children) == 0 {
			s = nil
		} else {
			s = s.Children[0]
		}
	}
	if depth != maxDepth {
		t.Errorf("read %d levels, want %d", depth, maxDepth)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		files map[string]string
		nilFn bool // pass a nil include function
		want  string
	}{
		{"syntax error at the token", "a = 1;\nb 2;", nil, false,
			`t.cfg:2:3: syntax error: unexpected "2", expecting "=" or ":" after the setting name`},
		{"syntax error at the end of the file", "a = (1,\n", nil, false,
			`t.cfg:2:1: syntax error: unexpected end of file, expecting a value or ")"`},
		{"an unclosed string is named at the end of the file", "a = \"x\n\n", nil, false,
			`t.cfg:3:1: syntax error: unexpected end of file (the string at t.cfg:1:5 is not closed), expecting a value`},
		{"a comment on the last line needs a newline", "a = 1; // no newline", nil, false,
			`t.cfg:1:8: syntax error: unexpected "/": libconfig ends a // comment at a newline, and this file ends without one`},
		{"duplicate", "g = { a = 1; b = 2; a = 3 }", nil, false,
			`t.cfg:1:21: duplicate setting name "a": already set at t.cfg:1:7`},
		{"names are case-sensitive but the duplicate check is not fooled by groups", "a = { a = 1 }; a = 2;", nil, false,
			`t.cfg:1:16: duplicate setting name "a": already set at t.cfg:1:1`},
		{"duplicate before the next token is read", "a = 1; a @", nil, false,
			`t.cfg:1:8: duplicate setting name "a": already set at t.cfg:1:1`},
		{"array of mixed kinds", "a = [ 1, 2.0 ];", nil, false,
			`t.cfg:1:10: mismatched element type in array: float after int`},
		{"int then int64 in an array", "a = [ 1, 1L ];", nil, false,
			`t.cfg:1:10: mismatched element type in array: int64 after int`},
		{"aggregates in an array", "a = [ ( ) ];", nil, false,
			`t.cfg:1:7: syntax error: unexpected "(", expecting a scalar value or "]"`},
		{"integer out of range", "a = -9223372036854775809;", nil, false,
			`t.cfg:1:5: syntax error: integer -9223372036854775809 is out of the 64-bit range`},
		{"a bad octal integer", "a = 0129;", nil, false,
			`t.cfg:1:5: syntax error: 0129 is not a valid integer: the leading 0 makes it octal, and 9 is not an octal digit`},
		{"a control character", "a = 1\v;", nil, false,
			`t.cfg:1:6: syntax error: unexpected character "\v"`},
		{"invalid UTF-8", "a = \xff;", nil, false,
			`t.cfg:1:5: syntax error: unexpected byte 0xff`},
		{"binary integers are 1.8 only", "a = 0b101;", nil, false,
			`t.cfg:1:10: syntax error: unexpected ";", expecting "=" or ":" after the setting name`},
		{"nesting too deep", "a = " + strings.Repeat("(", maxDepth+1), nil, false,
			fmt.Sprintf("t.cfg:1:%d: nesting too deep: more than 1000 levels of groups, lists and arrays", 5+maxDepth)},
		{"@include without an include function", "@include \"x\"\n", nil, true,
			`t.cfg:1:1: cannot open include file "x": @include is not followed here`},
		{"@include of a missing file", "a = 1;\n  @include \"x\"\n", nil, false,
			`t.cfg:2:3: cannot open include file "x": file does not exist`},
		{"@include not at the start of a line", "a = 1; @include \"x\"\n", nil, false,
			`t.cfg:1:8: syntax error: unexpected character "@"`},
		{"error inside an included file", "@include \"x\"\n", map[string]string{"x": "\n a = ;"}, false,
			`x:2:6: syntax error: unexpected ";", expecting a value`},
		{"include nesting", "@include \"x\"\n", map[string]string{"x": "@include \"x\"\n"}, false,
			`x:1:1: include file nesting too deep: "x" would be the 11th nested @include; libconfig allows 10`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			include := mapInclude(tc.files)
			if tc.nilFn {
				include = nil
			}
			f, err := Parse("t.cfg", []byte(tc.in), include)
			if f == nil {
				t.Fatal("Parse() returned a nil File")
			}
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse() error = %#v, want a *source.Error", err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("Parse() error mismatch:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestParseKeepsCompletedSettings checks what Parse returns with an error:
// the settings completed before it, and the comments read.
func TestParseKeepsCompletedSettings(t *testing.T) {
	f, err := Parse("t.cfg", []byte("# c1\na = 1;\ng = { b = 2; c = [1, \"x\"] };"), nil)
	if err == nil {
		t.Fatal("Parse() error = nil, want a mismatch")
	}
	want := []*Setting{{Name: "a", NamePos: at(2, 1), Pos: at(2, 5), Kind: Int, Int: 1}}
	if diff := cmp.Diff(want, f.Root.Children); diff != "" {
		t.Errorf("Parse() settings mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Comment{{Pos: at(1, 1), Text: "c1"}}, f.Comments); diff != "" {
		t.Errorf("Parse() comments mismatch (-want +got):\n%s", diff)
	}
}

func TestComments(t *testing.T) {
	in := "#  conncap:ignore r1 why \na = 1; // two\n/* three\n   lines */ b = /**/ 2;\n"
	f, err := Parse("t.cfg", []byte(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Comment{
		{Pos: at(1, 1), Text: "conncap:ignore r1 why"},
		{Pos: at(2, 8), Text: "two"},
		{Pos: at(3, 1), Text: "three\n   lines"},
		{Pos: at(4, 17), Text: ""},
	}
	if diff := cmp.Diff(want, f.Comments); diff != "" {
		t.Errorf("Parse() comments mismatch (-want +got):\n%s", diff)
	}
}

func TestFloatSigns(t *testing.T) {
	f, err := Parse("t.cfg", []byte("a = -.; b = -0.; c = -.e5;"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// atof("-.") reads nothing and returns +0; atof("-0.") returns -0.
	for name, neg := range map[string]bool{"a": false, "b": true, "c": false} {
		s := f.Root.Lookup(name)
		if s == nil || s.Kind != Float || s.Float != 0 || math.Signbit(s.Float) != neg {
			t.Errorf("%s = %+v, want a float zero with sign bit %v", name, s, neg)
		}
	}
}

func TestLookup(t *testing.T) {
	f, err := Parse("t.cfg", []byte("Threads = 1; threads = 2; l = ( 3 );"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := f.Root.Lookup("threads"); s == nil || s.Int != 2 {
		t.Errorf(`Lookup("threads") = %+v, want the setting with 2`, s)
	}
	if s := f.Root.Lookup("Threads"); s == nil || s.Int != 1 {
		t.Errorf(`Lookup("Threads") = %+v, want the setting with 1`, s)
	}
	if s := f.Root.Lookup("THREADS"); s != nil {
		t.Errorf(`Lookup("THREADS") = %+v, want nil`, s)
	}
	if s := f.Root.Lookup("l").Lookup(""); s != nil {
		t.Errorf(`Lookup("") on a list = %+v, want nil`, s)
	}
	var none *Setting
	if s := none.Lookup("x"); s != nil {
		t.Errorf("nil.Lookup() = %+v, want nil", s)
	}
}

func TestKindString(t *testing.T) {
	want := []string{"group", "array", "list", "int", "int64", "float", "bool", "string", "Kind(8)", "Kind(-1)"}
	for i, k := range []Kind{Group, Array, List, Int, Int64, Float, Bool, String, 8, -1} {
		if got := k.String(); got != want[i] {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want[i])
		}
	}
}

// TestScanNumber pins the longest-match choice between libconfig's number
// rules.
func TestScanNumber(t *testing.T) {
	tests := []struct {
		in   string
		kind tokKind
		n    int
	}{
		{"123", tInt, 3}, {"-5,", tInt, 2}, {"+0", tInt, 2}, {"5L", tInt64, 2}, {"5LLL", tInt64, 3},
		{"0x1F;", tHex, 4}, {"0X1fL", tHex64, 5}, {"0x", tInt, 1}, {"0xg", tInt, 1},
		{"1.5.3", tFloat, 3}, {".", tFloat, 1}, {"-.", tFloat, 2}, {".e5", tFloat, 3}, {"1e5L", tFloat, 3},
		{"1e", tInt, 1}, {"1.e", tFloat, 2}, {"0e5", tFloat, 3}, {"0x1e5", tHex, 5}, {"-", tFloat, 0}, {"+x", tFloat, 0},
	}
	for _, tc := range tests {
		if k, n := scanNumber([]byte(tc.in)); n != tc.n || (n > 0 && k != tc.kind) {
			t.Errorf("scanNumber(%q) = %d, %d; want %d, %d", tc.in, k, n, tc.kind, tc.n)
		}
	}
}

// TestParseAt: text embedded at an offset (a ConfigMap's block scalar)
// reports positions in the enclosing file; files it includes do not move.
func TestParseAt(t *testing.T) {
	src := "a = 1;\nb = ( { c = \"x\" } )\n# conncap:ignore x y\n@include \"inc\"\n"
	include := func(name string) (string, []byte, error) { return "inc.cfg", []byte("d = 2;\n"), nil }
	f, err := ParseAt("k8s/cm.yaml", []byte(src), Offset{Lines: 10, Cols: 4}, include)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range f.Root.Children {
		got = append(got, s.Name+"@"+s.NamePos.String()+" value@"+s.Pos.String())
	}
	got = append(got, "comment@"+f.Comments[0].Pos.String())
	want := []string{
		"a@k8s/cm.yaml:11:5 value@k8s/cm.yaml:11:9",
		"b@k8s/cm.yaml:12:5 value@k8s/cm.yaml:12:9",
		"d@inc.cfg:1:1 value@inc.cfg:1:5",
		"comment@k8s/cm.yaml:13:5",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseAt positions (-want +got):\n%s", diff)
	}
	_, err = ParseAt("k8s/cm.yaml", []byte("a = ;\n"), Offset{Lines: 10, Cols: 4}, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "k8s/cm.yaml:11:9: ") {
		t.Errorf("error = %v, want it at k8s/cm.yaml:11:9", err)
	}
}
