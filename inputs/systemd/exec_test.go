package systemd

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func cmd(prefix, path string, argv ...string) Command {
	return Command{Prefix: prefix, Path: path, Argv: argv}
}

func TestParseExec(t *testing.T) {
	tests := []struct {
		in      string
		want    []Command
		wantErr string // substring; "ignored:" prefix when ExecError.Ignored
	}{
		{in: "/usr/sbin/mysqld --max-connections=500", want: []Command{cmd("", "/usr/sbin/mysqld", "/usr/sbin/mysqld", "--max-connections=500")}},
		{in: "  /usr/sbin/mysqld\t--a   --b  ", want: []Command{cmd("", "/usr/sbin/mysqld", "/usr/sbin/mysqld", "--a", "--b")}},
		{in: "mysqld --x", want: []Command{cmd("", "mysqld", "mysqld", "--x")}},
		{in: "-/usr/sbin/mysqld", want: []Command{cmd("-", "/usr/sbin/mysqld", "/usr/sbin/mysqld")}},
		{in: "@/usr/sbin/mysqld mysqld-alt --x", want: []Command{cmd("@", "/usr/sbin/mysqld", "mysqld-alt", "--x")}},
		{in: "+@-/bin/x y", want: []Command{cmd("+@-", "/bin/x", "y")}},
		{in: "!/bin/x", want: []Command{cmd("!", "/bin/x", "/bin/x")}},
		{in: "!!/bin/x", want: []Command{cmd("!!", "/bin/x", "/bin/x")}},
		{in: ":/bin/echo $HOME", want: []Command{cmd(":", "/bin/echo", "/bin/echo", "$HOME")}},
		{in: "--/bin/x", wantErr: "ignored:neither a valid executable name nor an absolute path"}, // "-" only once
		{in: `/bin/echo "a b" 'c d' e"f g"h`, want: []Command{cmd("", "/bin/echo", "/bin/echo", "a b", "c d", "ef gh")}},
		{in: `"/bin/echo" '' ""`, want: []Command{cmd("", "/bin/echo", "/bin/echo", "", "")}},
		{in: `/bin/echo a\tb \x41 \101 \s \u00e9 "q\"q" 'it\'s'`, want: []Command{cmd("", "/bin/echo", "/bin/echo", "a\tb", "A", "A", " ", "é", `q"q`, "it's")}},
		{in: `/bin/echo \d x\;`, want: []Command{cmd("", "/bin/echo", "/bin/echo", `\d`, `x\;`)}}, // unknown escapes kept
		{in: `/bin/echo $MYSQLD_OPTS ${X} $$`, want: []Command{cmd("", "/bin/echo", "/bin/echo", "$MYSQLD_OPTS", "${X}", "$$")}},
		{in: "/bin/a 1 ; /bin/b 2", want: []Command{cmd("", "/bin/a", "/bin/a", "1"), cmd("", "/bin/b", "/bin/b", "2")}},
		{in: `/bin/a \; b;c ";"`, want: []Command{cmd("", "/bin/a", "/bin/a", ";", "b;c", ";")}},
		{in: "//usr//sbin/./mysqld", want: []Command{cmd("", "/usr/sbin/mysqld", "//usr//sbin/./mysqld")}},
		{in: "", want: nil},
		{in: "   ", want: nil},
		{in: `/bin/echo "unterminated`, wantErr: "unbalanced quoting"},
		{in: `-/bin/echo "unterminated`, wantErr: "ignored:unbalanced quoting"},
		{in: `"/bin/echo`, wantErr: "ignored:unbalanced quoting"}, // the first word: always just logged
		{in: "/bin/a ; -/bin/b 'x", want: []Command{cmd("", "/bin/a", "/bin/a")}, wantErr: "ignored:"},
		{in: "@/bin/true", wantErr: "empty executable name or zeroeth argument"},
		{in: "-", wantErr: "ignored:empty path"},
		{in: "usr/bin/x", wantErr: "neither a valid executable name nor an absolute path"},
		{in: "/usr/bin/", wantErr: "executable path specifies a directory"},
		{in: `"/bin/e\"cho" x`, wantErr: "executable name contains special characters"},
	}
	for _, tc := range tests {
		got, err := ParseExec(tc.in)
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("ParseExec(%q) mismatch (-want +got):\n%s", tc.in, diff)
		}
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("ParseExec(%q) error = %v", tc.in, err)
		case tc.wantErr != "":
			var ee *ExecError
			if !errors.As(err, &ee) {
				t.Errorf("ParseExec(%q) error = %v, want an *ExecError with %q", tc.in, err, tc.wantErr)
				break
			}
			want, ignored := strings.CutPrefix(tc.wantErr, "ignored:")
			if ee.Ignored != ignored || !strings.Contains(ee.Msg, want) {
				t.Errorf("ParseExec(%q) error = %q (ignored %v), want %q (ignored %v)", tc.in, ee.Msg, ee.Ignored, want, ignored)
			}
		}
	}
}

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"/usr/sbin/mysqld --max-connections=500", []string{"/usr/sbin/mysqld", "--max-connections=500"}},
		{"@/usr/sbin/mysqld mysqld --port=3306", []string{"/usr/sbin/mysqld", "--port=3306"}},
		{"-!!/usr/sbin/mariadbd \"--datadir=/srv/my sql\"", []string{"/usr/sbin/mariadbd", "--datadir=/srv/my sql"}},
		{"/bin/a x ; /bin/b y", []string{"/bin/a", "x"}},
	}
	for _, tc := range tests {
		got, err := SplitCommand(tc.in)
		if err != nil || !cmp.Equal(got, tc.want) {
			t.Errorf("SplitCommand(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", `/bin/x "`, "@/bin/x"} {
		if got, err := SplitCommand(in); err == nil {
			t.Errorf("SplitCommand(%q) = %q, want an error", in, got)
		}
	}
}

func TestExpandEnv(t *testing.T) {
	env := map[string]string{"OPTS": ` --a "b c"  --d `, "X": "1", "EMPTY": ""}
	c := cmd("", "/bin/x", "/bin/x", "$OPTS", "${OPTS}", "a${X}b", "$X-y", "$", "$$HOME", "${UNSET}", "$UNSET", "${X:-d}", "${X", "$EMPTY", "x$X")
	want := []string{"/bin/x", "--a", "b c", "--d", ` --a "b c"  --d `, "a1b", "$HOME", "", "${X:-d}", "${X", "x$X"}
	if diff := cmp.Diff(want, c.ExpandEnv(env)); diff != "" {
		t.Errorf("ExpandEnv mismatch (-want +got):\n%s", diff)
	}
	c.Prefix = ":"
	if diff := cmp.Diff(c.Argv, c.ExpandEnv(env)); diff != "" {
		t.Errorf("ExpandEnv with ':' changed the arguments (-want +got):\n%s", diff)
	}
}

func TestExpandSpecifiers(t *testing.T) {
	u := &Unit{Name: `mariadb-galera@db\x2d1-a.service`}
	tests := []struct{ in, want string }{
		{"%n", `mariadb-galera@db\x2d1-a.service`},
		{"%N", `mariadb-galera@db\x2d1-a`},
		{"%p", "mariadb-galera"},
		{"%P", "mariadb/galera"},
		{"%i", `db\x2d1-a`},
		{"%I", "db-1/a"},
		{"%j", "galera"},
		{"%f", "/db-1/a"},
		{"100%%", "100%"},
		{"%H and %t", "%H and %t"},
		{"end%", "end%"},
	}
	for _, tc := range tests {
		if got, err := u.Expand(tc.in); err != nil || got != tc.want {
			t.Errorf("Expand(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if got, err := u.Expand("%Z"); err == nil {
		t.Errorf("Expand(%%Z) = %q, want an unknown-specifier error", got)
	}
}
