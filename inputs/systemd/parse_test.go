package systemd

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/source"
)

const tp = "u.service" // the path used in Parse tests

func pos(line, col int) source.Pos { return source.Pos{Path: tp, Line: line, Col: col} }

func asg(section, key, value string, kl, kc, vl, vc int) Assignment {
	return Assignment{Section: section, Key: key, Value: value, KeyPos: pos(kl, kc), ValuePos: pos(vl, vc)}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want File
	}{{
		name: "sections and trimming",
		in:   "[Unit]\nDescription=MariaDB server\n\n[Service]\n  LimitNOFILE = 32768 \t\nUser=mysql\n",
		want: File{Assignments: []Assignment{
			asg("Unit", "Description", "MariaDB server", 2, 1, 2, 13),
			asg("Service", "LimitNOFILE", "32768", 5, 3, 5, 17),
			asg("Service", "User", "mysql", 6, 1, 6, 6),
		}},
	}, {
		name: "comments are whole lines only",
		in:   "# top\n; semi\n   # indented\n[Service]\nExecStart=/usr/sbin/mariadbd # not a comment\nX=a;b\n",
		want: File{Assignments: []Assignment{
			asg("Service", "ExecStart", "/usr/sbin/mariadbd # not a comment", 5, 1, 5, 11),
			asg("Service", "X", "a;b", 6, 1, 6, 3),
		}},
	}, {
		name: "conncap comments kept",
		in:   "[Service]\n# conncap:ignore nofile-low staging box\n  ;conncap:ignore x y  \n# other\nLimitNOFILE=1024\n",
		want: File{
			Assignments: []Assignment{asg("Service", "LimitNOFILE", "1024", 5, 1, 5, 13)},
			Comments: []Comment{
				{Pos: pos(2, 1), Text: "conncap:ignore nofile-low staging box"},
				{Pos: pos(3, 3), Text: "conncap:ignore x y"},
			},
		},
	}, {
		name: "continuation replaces backslash and newline with a space",
		in:   "[Service]\nExecStart=/usr/sbin/mysqld \\\n    --max-connections=500\nUser=mysql\n",
		want: File{Assignments: []Assignment{
			asg("Service", "ExecStart", "/usr/sbin/mysqld      --max-connections=500", 2, 1, 2, 11),
			asg("Service", "User", "mysql", 4, 1, 4, 6),
		}},
	}, {
		name: "comment lines inside a continued value are dropped",
		in:   "[Service]\nExecStart=/bin/echo a \\\n# a comment \\\n; another\n  b\nUser=x\n",
		want: File{Assignments: []Assignment{
			asg("Service", "ExecStart", "/bin/echo a    b", 2, 1, 2, 11),
			asg("Service", "User", "x", 6, 1, 6, 6),
		}},
	}, {
		name: "value starting on the continuation line",
		in:   "[Service]\nEnvironment=\\\n  MYSQLD_OPTS=--x\n",
		want: File{Assignments: []Assignment{asg("Service", "Environment", "MYSQLD_OPTS=--x", 2, 1, 3, 3)}},
	}, {
		name: "escaped backslash does not continue",
		in:   "[Service]\nA=x\\\\\nB=y\n",
		want: File{Assignments: []Assignment{
			asg("Service", "A", `x\\`, 2, 1, 2, 3),
			asg("Service", "B", "y", 3, 1, 3, 3),
		}},
	}, {
		name: "continuation into an empty line",
		in:   "[Service]\nLimitNOFILE=100\\\n\n[Unit]\nX=1\n",
		want: File{Assignments: []Assignment{
			asg("Service", "LimitNOFILE", "100", 2, 1, 2, 13),
			asg("Unit", "X", "1", 5, 1, 5, 3),
		}},
	}, {
		name: "continuation at end of file",
		in:   "[Service]\nLimitNOFILE=9\\",
		want: File{Assignments: []Assignment{asg("Service", "LimitNOFILE", "9", 2, 1, 2, 13)}},
	}, {
		name: "CRLF",
		in:   "[Service]\r\nLimitNOFILE=1\r\nUser=a b\r\n",
		want: File{Assignments: []Assignment{
			asg("Service", "LimitNOFILE", "1", 2, 1, 2, 13),
			asg("Service", "User", "a b", 3, 1, 3, 6),
		}},
	}, {
		name: "lone CR, LF CR and NUL end lines",
		in:   "[Service]\rA=1\n\rB=2\x00C=3\n\nD=4",
		want: File{Assignments: []Assignment{
			asg("Service", "A", "1", 2, 1, 2, 3),
			asg("Service", "B", "2", 3, 1, 3, 3),
			asg("Service", "C", "3", 4, 1, 4, 3),
			asg("Service", "D", "4", 6, 1, 6, 3),
		}},
	}, {
		name: "non-ASCII columns count runes",
		in:   "[Service]\n  Ключ = значение\nDescription=Größe — ü\nX=日本=語\n",
		want: File{Assignments: []Assignment{
			asg("Service", "Ключ", "значение", 2, 3, 2, 10),
			asg("Service", "Description", "Größe — ü", 3, 1, 3, 13),
			asg("Service", "X", "日本=語", 4, 1, 4, 3),
		}},
	}, {
		name: "byte order mark",
		in:   "\ufeff[Service]\nA=1\n",
		want: File{Assignments: []Assignment{asg("Service", "A", "1", 2, 1, 2, 3)}},
	}, {
		name: "byte order mark hides a first-line comment",
		in:   "\ufeff# hi\n[Service]\nA=1\n",
		want: File{
			Assignments: []Assignment{asg("Service", "A", "1", 3, 1, 3, 3)},
			Warnings:    []Warning{{Pos: pos(1, 2), Msg: "assignment outside of section, ignoring"}},
		},
	}, {
		name: "empty value",
		in:   "[Service]\nExecStart=\nLimitNOFILE=  \n",
		want: File{Assignments: []Assignment{
			asg("Service", "ExecStart", "", 2, 1, 2, 11),
			asg("Service", "LimitNOFILE", "", 3, 1, 3, 13),
		}},
	}, {
		name: "section names are kept as written",
		in:   "[ Service ]\nA=1\n[X-Custom]\nB=2\n[]\nC=3\n",
		want: File{Assignments: []Assignment{
			asg(" Service ", "A", "1", 2, 1, 2, 3),
			asg("X-Custom", "B", "2", 4, 1, 4, 3),
			asg("", "C", "3", 6, 1, 6, 3),
		}},
	}, {
		name: "lines systemd ignores with a warning",
		in:   "LimitNOFILE=5\n[Service]\nLimitNOFILE\n  =400\nOK=1\n",
		want: File{
			Assignments: []Assignment{asg("Service", "OK", "1", 5, 1, 5, 4)},
			Warnings: []Warning{
				{Pos: pos(1, 1), Msg: "assignment outside of section, ignoring"},
				{Pos: pos(3, 1), Msg: "missing '=', ignoring line"},
				{Pos: pos(4, 3), Msg: "missing key name before '=', ignoring line"},
			},
		},
	}, {
		name: "section header without closing bracket stops the file",
		in:   "[Service]\nLimitNOFILE=100\n[Service\nLimitNOFILE=200\n",
		want: File{
			Assignments: []Assignment{asg("Service", "LimitNOFILE", "100", 2, 1, 2, 13)},
			Err:         &source.Error{Pos: pos(3, 1), Msg: `invalid section header "[Service"`},
		},
	}, {
		name: "comment after a section header is not a comment",
		in:   "[Service] # main\nA=1\n",
		want: File{Err: &source.Error{Pos: pos(1, 1), Msg: `invalid section header "[Service] # main"`}},
	}, {
		name: "quotes in a section name stop the file",
		in:   "[Service]\nA=1\n  [Ser\"vice]\nB=2\n",
		want: File{
			Assignments: []Assignment{asg("Service", "A", "1", 2, 1, 2, 3)},
			Err:         &source.Error{Pos: pos(3, 3), Msg: `bad characters in section header "[Ser\"vice]"`},
		},
	}, {
		name: "invalid UTF-8 stops the file",
		in:   "[Service]\nA=1\nDescription=\xff\nB=2\n",
		want: File{
			Assignments: []Assignment{asg("Service", "A", "1", 2, 1, 2, 3)},
			Err:         &source.Error{Pos: pos(3, 1), Msg: "line is not valid UTF-8"},
		},
	}, {
		name: "a noncharacter is invalid UTF-8 for systemd",
		in:   "[Service]\nEnvironment=A=\uFFFE\n",
		want: File{Err: &source.Error{Pos: pos(2, 1), Msg: "line is not valid UTF-8"}},
	}, {
		name: "invalid UTF-8 in a comment is fine",
		in:   "[Service]\n# \xff\nA=1\n",
		want: File{Assignments: []Assignment{asg("Service", "A", "1", 3, 1, 3, 3)}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tp, []byte(tc.in))
			if got == nil {
				t.Fatal("Parse returned a nil File")
			}
			tc.want.Path = tp
			if diff := cmp.Diff(&tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
			if (err != nil) != (tc.want.Err != nil) {
				t.Errorf("Parse() error = %v, want error %v", err, tc.want.Err)
			}
		})
	}
}

func TestParseLongLine(t *testing.T) {
	src := []byte("[Service]\nA=1\nB=" + repeat('x', longLineMax) + "\nC=3\n")
	f, err := Parse(tp, src)
	if err == nil || f.Err == nil || f.Err.Pos.Line != 3 {
		t.Fatalf("Parse(long line) = %v, %v; want an error on line 3", f.Err, err)
	}
	if len(f.Assignments) != 1 {
		t.Errorf("Parse(long line) kept %d assignments, want 1", len(f.Assignments))
	}
	// A continued line that grows past the limit fails too.
	half := repeat('y', longLineMax/2+10)
	f, _ = Parse(tp, []byte("[Service]\nA="+half+"\\\n"+half+"\n"))
	if f.Err == nil || f.Err.Msg != "continuation line too long" {
		t.Errorf("Parse(long continuation) error = %v, want continuation line too long", f.Err)
	}
}

func repeat(c byte, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return string(b)
}

func TestSplitLinesMatchesSourceFile(t *testing.T) {
	// For files with only LF or CRLF endings, systemd's line numbers are
	// source.File's, so snippets under findings show the right line.
	for _, in := range []string{"", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n\n", "a\n\nb\n"} {
		sf := source.NewFile(tp, []byte(in))
		lines := splitLines([]byte(in))
		if len(lines) != sf.LineCount() {
			t.Errorf("splitLines(%q) has %d lines, source.File %d", in, len(lines), sf.LineCount())
			continue
		}
		for _, l := range lines {
			if got := sf.Line(l.num); got != l.text {
				t.Errorf("splitLines(%q) line %d = %q, source.File %q", in, l.num, l.text, got)
			}
		}
	}
}
