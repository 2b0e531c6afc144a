package mycnf_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/mycnf"
	"github.com/conncap/conncap/inputs/source"
)

const testPath = "etc/mysql/my.cnf"

func at(line, col int) source.Pos { return source.Pos{Path: testPath, Line: line, Col: col} }

// group and opt build expected lines; opt fills the fields every option has.
func group(line, col int, name string) mycnf.Line {
	return mycnf.Line{Kind: mycnf.GroupLine, Pos: at(line, col), Group: name}
}

func opt(line, col int, name string, grp mycnf.Line) mycnf.Line {
	return mycnf.Line{Kind: mycnf.OptionLine, Pos: at(line, col), Name: name, InGroup: grp.Group, GroupPos: grp.Pos}
}

// val adds a value to an option line.
func val(l mycnf.Line, raw, value string, vline, vcol int) mycnf.Line {
	l.HasValue, l.RawValue, l.Value, l.ValuePos = true, raw, value, at(vline, vcol)
	return l
}

func TestParse(t *testing.T) {
	mysqld := group(1, 1, "mysqld")
	tests := []struct {
		name string
		in   string
		want []mycnf.Line
	}{
		{
			name: "plain option",
			in:   "[mysqld]\nmax_connections = 500\n",
			want: []mycnf.Line{mysqld, val(opt(2, 1, "max_connections", mysqld), "500", "500", 2, 19)},
		},
		{
			name: "no blanks",
			in:   "[mysqld]\nmax_connections=500",
			want: []mycnf.Line{mysqld, val(opt(2, 1, "max_connections", mysqld), "500", "500", 2, 17)},
		},
		{
			// Col counts runes: "kéy = " is 6 runes (7 bytes), so the value is at col 7.
			name: "non-ASCII key before the value",
			in:   "[mysqld]\nkéy = välue # c\n",
			want: []mycnf.Line{mysqld, val(opt(2, 1, "kéy", mysqld), "välue", "välue", 2, 7)},
		},
		{
			name: "non-ASCII value before a quoted value in the same line",
			in:   "[mysqld]\n\t\"é\" = 'ü#x' # c\n",
			want: []mycnf.Line{mysqld, val(opt(2, 2, `"é"`, mysqld), "'ü#x'", "ü#x", 2, 8)},
		},
		{
			name: "tabs count as one column",
			in:   "[mysqld]\n\t\tk\t=\tv\t\n",
			want: []mycnf.Line{mysqld, val(opt(2, 3, "k", mysqld), "v", "v", 2, 7)},
		},
		{
			name: "key alone",
			in:   "[mysqld]\n  skip-name-resolve   # why\n",
			want: []mycnf.Line{mysqld, opt(2, 3, "skip-name-resolve", mysqld)},
		},
		{
			name: "blanks inside the key are kept",
			in:   "[mysqld]\nspaces in key = 5\n",
			want: []mycnf.Line{mysqld, val(opt(2, 1, "spaces in key", mysqld), "5", "5", 2, 17)},
		},
		{
			// The value is empty; it sits right after "k =" (col 4) whether
			// or not a newline follows.
			name: "empty value at end of file",
			in:   "[mysqld]\nk =",
			want: []mycnf.Line{mysqld, val(opt(2, 1, "k", mysqld), "", "", 2, 4)},
		},
		{
			name: "empty value before a newline",
			in:   "[mysqld]\nk =\n",
			want: []mycnf.Line{mysqld, val(opt(2, 1, "k", mysqld), "", "", 2, 4)},
		},
		{
			name: "empty value before a comment",
			in:   "[mysqld]\nk = # nothing\n",
			want: []mycnf.Line{mysqld, val(opt(2, 1, "k", mysqld), "", "", 2, 5)},
		},
		{
			name: "inline comment outside quotes only",
			in:   "[mysqld]\na = \"va#lue\" # c\nb = ab#c\nc = x ; not a comment\n",
			want: []mycnf.Line{
				mysqld,
				val(opt(2, 1, "a", mysqld), `"va#lue"`, "va#lue", 2, 5),
				val(opt(3, 1, "b", mysqld), "ab", "ab", 3, 5),
				val(opt(4, 1, "c", mysqld), "x ; not a comment", "x ; not a comment", 4, 5),
			},
		},
		{
			name: "a quote in the key hides the comment",
			in:   "[mysqld]\nk\"ey = 1 # c\n",
			want: []mycnf.Line{mysqld, val(opt(2, 1, `k"ey`, mysqld), "1 # c", "1 # c", 2, 8)},
		},
		{
			name: "escaped quote inside quotes",
			in:   "[mysqld]\nk = \"a\\\" # c\n",
			want: []mycnf.Line{mysqld, val(opt(2, 1, "k", mysqld), `"a\" # c`, `"a" # c`, 2, 5)},
		},
		{
			name: "quote stripping",
			in:   "[mysqld]\na = 'it''s'\nb = \"abc'\nc = '\nd = \"\"\n",
			want: []mycnf.Line{
				mysqld,
				val(opt(2, 1, "a", mysqld), "'it''s'", "it''s", 2, 5),
				val(opt(3, 1, "b", mysqld), `"abc'`, `"abc'`, 3, 5),
				val(opt(4, 1, "c", mysqld), "'", "'", 4, 5),
				val(opt(5, 1, "d", mysqld), `""`, "", 5, 5),
			},
		},
		{
			name: "escapes",
			in:   "[mysqld]\nk = \\n\\t\\s\\\\\\\"\\'\\x\\r\\b\\\n",
			want: []mycnf.Line{mysqld, val(opt(2, 1, "k", mysqld), `\n\t\s\\\"\'\x\r\b\`, "\n\t \\\"'\\x\r\b\\", 2, 5)},
		},
		{
			name: "first equals sign splits",
			in:   "[mysqld]\nk==v\n",
			want: []mycnf.Line{mysqld, val(opt(2, 1, "k", mysqld), "=v", "=v", 2, 3)},
		},
		{
			name: "CRLF",
			in:   "[mysqld]\r\nk = v\r\nflag\r\n",
			want: []mycnf.Line{mysqld, val(opt(2, 1, "k", mysqld), "v", "v", 2, 5), opt(3, 1, "flag", mysqld)},
		},
		{
			name: "group names keep case and leading blanks, lose trailing blanks and junk",
			in:   "  [MySqld-10.11 \t] junk\nk=1\n[ mysqld]\n[]\n",
			want: []mycnf.Line{
				group(1, 3, "MySqld-10.11"),
				val(opt(2, 1, "k", group(1, 3, "MySqld-10.11")), "1", "1", 2, 3),
				group(3, 1, " mysqld"),
				group(4, 1, ""),
			},
		},
		{
			name: "comments are dropped unless they are conncap: directives",
			in:   "# plain\n; conncap:ignore wait-timeout-long legacy app\n\t#conncap:x  \n[mysqld]\n",
			want: []mycnf.Line{
				{Kind: mycnf.CommentLine, Pos: at(2, 1), Comment: "conncap:ignore wait-timeout-long legacy app"},
				{Kind: mycnf.CommentLine, Pos: at(3, 2), Comment: "conncap:x"},
				group(4, 1, "mysqld"),
			},
		},
		{
			name: "include directives",
			in:   "!include /etc/mysql/x.cnf\n  ! \tincludedir\t conf.d/  \t\n[mysqld]\n!include a.cnf # c\n",
			want: []mycnf.Line{
				{Kind: mycnf.IncludeLine, Pos: at(1, 1), Arg: "/etc/mysql/x.cnf", ArgPos: at(1, 10)},
				{Kind: mycnf.IncludeDirLine, Pos: at(2, 3), Arg: "conf.d/", ArgPos: at(2, 18)},
				group(3, 1, "mysqld"),
				{Kind: mycnf.IncludeLine, Pos: at(4, 1), Arg: "a.cnf # c", ArgPos: at(4, 10)},
			},
		},
		{
			name: "include on the last line without a newline loses its last character",
			in:   "[mysqld]\n!include inc.cnf",
			want: []mycnf.Line{mysqld, {Kind: mycnf.IncludeLine, Pos: at(2, 1), Arg: "inc.cn", ArgPos: at(2, 10)}},
		},
		{
			name: "unknown directives are ignored",
			in:   "!includex a\n!INCLUDE a\n!\n!include_dir a\n! foo\n!includedir",
			want: nil,
		},
		{
			name: "empty file",
			in:   "",
			want: nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := mycnf.Parse(testPath, []byte(tc.in))
			if err != nil {
				t.Fatalf("Parse() error: %v", err)
			}
			if f.Path != testPath || f.Text == nil || string(f.Text.Src) != tc.in {
				t.Errorf("Parse() File = {Path %q, Text %v}, want the path and the source", f.Path, f.Text)
			}
			if diff := cmp.Diff(tc.want, f.Lines, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	const noGroup = `option without preceding group: the server aborts with "Found option without preceding group in config file"`
	const noBracket = "wrong group definition: no closing ']' (the server aborts)"
	tests := []struct {
		name string
		in   string
		want []source.Error
	}{
		{"option before any group", "# c\n\n  k = 1\n[mysqld]\n", []source.Error{{Pos: at(3, 3), Msg: noGroup}}},
		{"UTF-8 BOM", "\ufeff[mysqld]\nk=1\n", []source.Error{{Pos: at(1, 1), Msg: noGroup}, {Pos: at(2, 1), Msg: noGroup}}},
		{"group without ]", "[mysqld]\n  [mysqld # ]\n[server\n", []source.Error{{Pos: at(3, 1), Msg: noBracket}}},
		{"group without ] and CRLF", "[mysqld\r\n", []source.Error{{Pos: at(1, 1), Msg: noBracket}}},
		{
			name: "every error is reported, in line order (a directive without a path is the loader's to judge)",
			in:   "a=1\n[b\nc=2\n[d]\n!include \n",
			want: []source.Error{
				{Pos: at(1, 1), Msg: noGroup},
				{Pos: at(2, 1), Msg: noBracket},
				{Pos: at(3, 1), Msg: noGroup},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := mycnf.Parse(testPath, []byte(tc.in))
			if f == nil {
				t.Fatal("Parse() returned a nil File with its error")
			}
			var list source.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Parse() error = %v (%T), want a source.ErrorList", err, err)
			}
			got := make([]source.Error, len(list))
			for i, e := range list {
				got[i] = *e
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse() errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOptionArg(t *testing.T) {
	tests := []struct {
		opt  mycnf.Option
		want string
	}{
		{mycnf.Option{Line: mycnf.Line{Name: "skip-name-resolve"}}, "--skip-name-resolve"},
		{mycnf.Option{Line: mycnf.Line{Name: "k", HasValue: true}}, "--k="},
		{mycnf.Option{Line: mycnf.Line{Name: "max_connections", HasValue: true, Value: "500", RawValue: "'500'"}}, "--max_connections=500"},
	}
	for _, tc := range tests {
		if got := tc.opt.Arg(); got != tc.want {
			t.Errorf("Arg() = %q, want %q", got, tc.want)
		}
	}
}

// TestParseServerByteQuirks pins two byte-level behaviours of the server's
// reader that my_print_defaults shows (fixtures latin1-nbsp, line-4k-split);
// positions are left out.
func TestParseServerByteQuirks(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	mysqld, client := group(1, 1, "mysqld"), group(1, 1, "client")
	tests := []struct {
		name string
		in   string
		want []mycnf.Line
	}{
		{
			// my_isspace(&my_charset_latin1, 0xA0) is true: the server trims a
			// trailing 0xA0 byte, which cuts "à" (C3 A0) and U+00A0 (C2 A0).
			name: "0xA0 is a blank for the server",
			in:   "[mysqld]\nfr = voilà\nnbsp = 500\u00a0\nkey\u00a0= 1\n",
			want: []mycnf.Line{
				mysqld,
				val(opt(2, 1, "fr", mysqld), "voil\xc3", "voil\xc3", 0, 0),
				val(opt(3, 1, "nbsp", mysqld), "500\xc2", "500\xc2", 0, 0),
				val(opt(4, 1, "key\xc2", mysqld), "1", "1", 0, 0),
			},
		},
		{
			// fgets(buff, 4095) reads at most 4094 bytes: the rest of a longer
			// line is read as a line of its own.
			name: "a line longer than 4094 bytes is split",
			in:   "[mysqld]\nk=" + long(4093) + "\nj=" + long(4092) + "\n",
			want: []mycnf.Line{
				mysqld,
				val(opt(2, 1, "k", mysqld), long(4092), long(4092), 0, 0),
				opt(2, 1, "a", mysqld),
				val(opt(3, 1, "j", mysqld), long(4092), long(4092), 0, 0),
			},
		},
		{
			name: "the tail of a split line can open a group",
			in:   "[mysqld]\nk=" + long(4092) + "[client]\nz=1\n",
			want: []mycnf.Line{
				mysqld,
				val(opt(2, 1, "k", mysqld), long(4092), long(4092), 0, 0),
				client,
				val(opt(3, 1, "z", client), "1", "1", 0, 0),
			},
		},
	}
	ignorePos := cmpopts.IgnoreFields(mycnf.Line{}, "Pos", "ValuePos", "GroupPos")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := mycnf.Parse(testPath, []byte(tc.in))
			if err != nil {
				t.Fatalf("Parse() error: %v", err)
			}
			if diff := cmp.Diff(tc.want, f.Lines, ignorePos); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
