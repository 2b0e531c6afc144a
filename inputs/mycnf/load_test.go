package mycnf_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/mycnf"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/sysroot"
	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
)

// tree builds a sysroot (see sysroottest.Dir for the notation).
func tree(t *testing.T, files map[string]string) *sysroot.Root { return sysroottest.Root(t, files) }

func rootPos(path string, line, col int) source.Pos {
	return source.Pos{Path: path, Line: line, Col: col}
}

// gotOption is the part of an Option these tests pin.
type gotOption struct {
	Arg   string
	Group string
	Pos   source.Pos
	File  string
	Depth int
}

func options(opts []mycnf.Option) []gotOption {
	var out []gotOption
	for _, o := range opts {
		out = append(out, gotOption{Arg: o.Arg(), Group: o.InGroup, Pos: o.Pos, File: o.File, Depth: o.Depth})
	}
	return out
}

func filePaths(s *mycnf.Set) []string {
	var out []string
	for _, f := range s.Files {
		out = append(out, f.Path)
	}
	return out
}

func load(t *testing.T, root *sysroot.Root, entries ...mycnf.Entry) (*mycnf.Set, error) {
	t.Helper()
	return mycnf.NewLoader(root).Load(context.Background(), entries)
}

func required(p string) mycnf.Entry {
	return mycnf.Entry{Path: p, Required: true, Origin: source.Named("flag --defaults-file")}
}

func TestLoadFollowsIncludesInOrder(t *testing.T) {
	root := tree(t, map[string]string{
		"my.cnf": "[mysqld]\na=1\n# conncap:ignore some-rule legacy\n!include missing.cnf\n" +
			"!includedir conf.d\n!include inc.cnf\n[client]\nz=9\n",
		"conf.d/b.cnf":      "[mysqld]\nb=2\n",
		"conf.d/a.cnf":      "[client]\nc=3\n; conncap:ignore other-rule why\n",
		"conf.d/README":     "not an option file\n",
		"conf.d/x.cnf.bak":  "[mysqld]\nbak=1\n",
		"conf.d/sub/s.cnf":  "[mysqld]\nsub=1\n",
		"inc.cnf":           "[server]\nd=4\n",
		"conf.d/dir.cnf/in": "x\n",
	})
	set, err := load(t, root, required("my.cnf"))
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	wantOpts := []gotOption{
		{"--a=1", "mysqld", rootPos("my.cnf", 2, 1), "my.cnf", 0},
		{"--c=3", "client", rootPos("conf.d/a.cnf", 2, 1), "conf.d/a.cnf", 1},
		{"--b=2", "mysqld", rootPos("conf.d/b.cnf", 2, 1), "conf.d/b.cnf", 1},
		{"--d=4", "server", rootPos("inc.cnf", 2, 1), "inc.cnf", 1},
		{"--z=9", "client", rootPos("my.cnf", 8, 1), "my.cnf", 0},
	}
	if diff := cmp.Diff(wantOpts, options(set.Options)); diff != "" {
		t.Errorf("Load() options mismatch (-want +got):\n%s", diff)
	}
	selected := set.Select(func(g string) bool { return g == "mysqld" || g == "server" })
	if diff := cmp.Diff([]string{"--a=1", "--b=2", "--d=4"}, args(selected)); diff != "" {
		t.Errorf("Select() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"my.cnf", "conf.d/a.cnf", "conf.d/b.cnf", "inc.cnf"}, filePaths(set)); diff != "" {
		t.Errorf("Load() files mismatch (-want +got):\n%s", diff)
	}
	if f := set.File("inc.cnf"); f == nil || len(f.Lines) != 2 {
		t.Errorf("Set.File(inc.cnf) = %+v, want the parsed file", f)
	}
	if f := set.File("missing.cnf"); f != nil {
		t.Errorf("Set.File(missing.cnf) = %+v, want nil", f)
	}
	wantComments := []mycnf.Comment{
		{Pos: rootPos("my.cnf", 3, 1), Text: "conncap:ignore some-rule legacy"},
		{Pos: rootPos("conf.d/a.cnf", 3, 1), Text: "conncap:ignore other-rule why"},
	}
	if diff := cmp.Diff(wantComments, set.Comments); diff != "" {
		t.Errorf("Load() comments mismatch (-want +got):\n%s", diff)
	}
	dirLine := rootPos("my.cnf", 5, 1)
	wantEvents := []mycnf.Event{
		{Kind: mycnf.ReadDefault, Path: "my.cnf"},
		{Pos: rootPos("my.cnf", 4, 1), Kind: mycnf.MissingInclude, Path: "missing.cnf"},
		{Pos: dirLine, Kind: mycnf.SkippedDirEntry, Path: "conf.d/README"},
		{Pos: dirLine, Kind: mycnf.IncludedDirEntry, Path: "conf.d/a.cnf"},
		{Pos: dirLine, Kind: mycnf.IncludedDirEntry, Path: "conf.d/b.cnf"},
		{Pos: dirLine, Kind: mycnf.SkippedDirEntry, Path: "conf.d/sub"},
		{Pos: dirLine, Kind: mycnf.SkippedDirEntry, Path: "conf.d/x.cnf.bak"},
	}
	if diff := cmp.Diff(wantEvents, set.Events); diff != "" {
		t.Errorf("Load() events mismatch (-want +got):\n%s", diff)
	}
}

func args(opts []mycnf.Option) []string {
	var out []string
	for _, o := range opts {
		out = append(out, o.Arg())
	}
	return out
}

func TestLoadSameFileTwice(t *testing.T) {
	root := tree(t, map[string]string{
		"my.cnf":  "[mysqld]\n!include inc.cnf\n!include ./sub/../inc.cnf\n",
		"inc.cnf": "[mysqld]\n# conncap:ignore r why\nk=1\n",
		"sub/x":   "",
	})
	set, err := load(t, root, required("my.cnf"))
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	if diff := cmp.Diff([]string{"--k=1", "--k=1"}, args(set.Options)); diff != "" {
		t.Errorf("options mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"my.cnf", "inc.cnf"}, filePaths(set)); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}
	if len(set.Comments) != 1 {
		t.Errorf("comments = %v, want the directive once", set.Comments)
	}
}

// TestLoadDepthLimit reads a chain a0 → a1 → … → a11: a0 is at depth 0, so
// the directive in a10 (depth 10) is skipped, as the server does.
func TestLoadDepthLimit(t *testing.T) {
	files := map[string]string{}
	for i := 0; i <= 11; i++ {
		files[fmt.Sprintf("a%d.cnf", i)] = fmt.Sprintf("[mysqld]\nd%d=1\n!include a%d.cnf\n", i, i+1)
	}
	set, err := load(t, tree(t, files), required("a0.cnf"))
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	var want []string
	for i := 0; i <= 10; i++ {
		want = append(want, fmt.Sprintf("--d%d=1", i))
	}
	if diff := cmp.Diff(want, args(set.Options)); diff != "" {
		t.Errorf("options mismatch (-want +got):\n%s", diff)
	}
	if got := set.Options[10].Depth; got != mycnf.MaxIncludeDepth {
		t.Errorf("depth of a10's option = %d, want %d", got, mycnf.MaxIncludeDepth)
	}
	wantEvents := []mycnf.Event{
		{Kind: mycnf.ReadDefault, Path: "a0.cnf"},
		{Pos: rootPos("a10.cnf", 3, 1), Kind: mycnf.DepthLimit, Path: "a11.cnf"},
	}
	if diff := cmp.Diff(wantEvents, set.Events); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	if set.File("a11.cnf") != nil {
		t.Error("a11.cnf was read beyond the depth limit")
	}
}

func TestLoadCycle(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		want    *mycnf.CycleError
		wantMsg string
	}{
		{
			name: "a includes b includes a",
			files: map[string]string{
				"my.cnf": "[mysqld]\n!include a.cnf\n",
				"a.cnf":  "[mysqld]\n!include b.cnf\n",
				"b.cnf":  "[mysqld]\nk=1\n!include /a.cnf\n",
			},
			want:    &mycnf.CycleError{Pos: rootPos("b.cnf", 3, 1), Chain: []string{"a.cnf", "b.cnf"}},
			wantMsg: "b.cnf:3:1: !include cycle: a.cnf -> b.cnf -> a.cnf (the server re-reads these files up to 11 levels deep, duplicating their options)",
		},
		{
			name:    "self-include",
			files:   map[string]string{"my.cnf": "[mysqld]\nk=1\n  !include my.cnf\n"},
			want:    &mycnf.CycleError{Pos: rootPos("my.cnf", 3, 3), Chain: []string{"my.cnf"}},
			wantMsg: "my.cnf:3:3: !include cycle: my.cnf -> my.cnf (the server re-reads these files up to 11 levels deep, duplicating their options)",
		},
		{
			name: "through a directory",
			files: map[string]string{
				"my.cnf":       "[mysqld]\n!includedir conf.d\n",
				"conf.d/x.cnf": "[mysqld]\n!include my.cnf\n",
			},
			want: &mycnf.CycleError{Pos: rootPos("conf.d/x.cnf", 2, 1), Chain: []string{"my.cnf", "conf.d/x.cnf"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, tree(t, tc.files), required("my.cnf"))
			var ce *mycnf.CycleError
			if !errors.As(err, &ce) {
				t.Fatalf("Load() error = %v, want a *CycleError", err)
			}
			if diff := cmp.Diff(tc.want, ce); diff != "" {
				t.Errorf("CycleError mismatch (-want +got):\n%s", diff)
			}
			if tc.wantMsg != "" && ce.Error() != tc.wantMsg {
				t.Errorf("Error() = %q, want %q", ce.Error(), tc.wantMsg)
			}
		})
	}
}

// TestLoadDebianLayout reads the packaged Debian tree: absolute paths and an
// absolute symlink chain all resolve inside the root.
func TestLoadDebianLayout(t *testing.T) {
	root := tree(t, map[string]string{
		"etc/mysql/my.cnf":        "->/etc/alternatives/my.cnf",
		"etc/alternatives/my.cnf": "->/etc/mysql/mariadb.cnf",
		"etc/mysql/mariadb.cnf": "[client-server]\nsocket = /run/mysqld/mysqld.sock\n" +
			"!includedir /etc/mysql/conf.d/\n!includedir /etc/mysql/mariadb.conf.d/\n",
		"etc/mysql/conf.d/mysql.cnf":              "[mysql]\n",
		"etc/mysql/mariadb.conf.d/50-server.cnf":  "[mysqld]\nmax_connections = 500\n",
		"etc/mysql/mariadb.conf.d/60-galera.cnf":  "[galera]\n",
		"etc/mysql/mariadb.conf.d/99-extra.cnf":   "->/etc/mysql/extra/real.cnf",
		"etc/mysql/extra/real.cnf":                "[mariadb]\nwait_timeout = 300\n",
		"etc/mysql/mariadb.conf.d/old.cnf.dpkg-x": "[mysqld]\nold=1\n",
	})
	var entries []mycnf.Entry
	for _, p := range mycnf.DefaultFiles {
		entries = append(entries, mycnf.Entry{Path: p, Origin: source.Named("default option file")})
	}
	set, err := load(t, root, entries...)
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	wantOpts := []gotOption{
		{"--socket=/run/mysqld/mysqld.sock", "client-server", rootPos("etc/mysql/mariadb.cnf", 2, 1), "etc/mysql/mariadb.cnf", 0},
		{"--max_connections=500", "mysqld", rootPos("etc/mysql/mariadb.conf.d/50-server.cnf", 2, 1), "etc/mysql/mariadb.conf.d/50-server.cnf", 1},
		{"--wait_timeout=300", "mariadb", rootPos("etc/mysql/extra/real.cnf", 2, 1), "etc/mysql/extra/real.cnf", 1},
	}
	if diff := cmp.Diff(wantOpts, options(set.Options)); diff != "" {
		t.Errorf("options mismatch (-want +got):\n%s", diff)
	}
	d1, d2 := rootPos("etc/mysql/mariadb.cnf", 3, 1), rootPos("etc/mysql/mariadb.cnf", 4, 1)
	wantEvents := []mycnf.Event{
		{Kind: mycnf.MissingDefault, Path: "etc/my.cnf"},
		{Kind: mycnf.ReadDefault, Path: "etc/mysql/mariadb.cnf"},
		{Pos: d1, Kind: mycnf.IncludedDirEntry, Path: "etc/mysql/conf.d/mysql.cnf"},
		{Pos: d2, Kind: mycnf.IncludedDirEntry, Path: "etc/mysql/mariadb.conf.d/50-server.cnf"},
		{Pos: d2, Kind: mycnf.IncludedDirEntry, Path: "etc/mysql/mariadb.conf.d/60-galera.cnf"},
		{Pos: d2, Kind: mycnf.IncludedDirEntry, Path: "etc/mysql/extra/real.cnf"},
		{Pos: d2, Kind: mycnf.SkippedDirEntry, Path: "etc/mysql/mariadb.conf.d/old.cnf.dpkg-x"},
	}
	if diff := cmp.Diff(wantEvents, set.Events); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
}

// TestLoadRelativeFromRoot: relative include paths are taken from the
// root's "/" (the server's working directory), not from the including file.
func TestLoadRelativeFromRoot(t *testing.T) {
	root := tree(t, map[string]string{
		"etc/mysql/my.cnf":   "[mysqld]\n!include inc.cnf\n!include ../../inc.cnf\n",
		"etc/mysql/inc.cnf":  "[mysqld]\nwrong=1\n",
		"inc.cnf":            "[mysqld]\nright=1\n",
		"etc/mysql/conf.d/x": "",
	})
	set, err := load(t, root, mycnf.Entry{Path: "/etc/mysql/my.cnf"})
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	if diff := cmp.Diff([]string{"--right=1", "--right=1"}, args(set.Options)); diff != "" {
		t.Errorf("options mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadEntries(t *testing.T) {
	root := tree(t, map[string]string{"etc/mysql/my.cnf": "[mysqld]\nk=1\n", "etc/mysql/conf.d/x.cnf": ""})
	t.Run("missing default file is an event", func(t *testing.T) {
		set, err := load(t, root, mycnf.Entry{Path: "/etc/my.cnf"}, mycnf.Entry{Path: "/etc/mysql/my.cnf"})
		if err != nil {
			t.Fatalf("Load() error: %v", err)
		}
		want := []mycnf.Event{{Kind: mycnf.MissingDefault, Path: "etc/my.cnf"}, {Kind: mycnf.ReadDefault, Path: "etc/mysql/my.cnf"}}
		if diff := cmp.Diff(want, set.Events); diff != "" {
			t.Errorf("events mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("missing required file is an error", func(t *testing.T) {
		_, err := load(t, root, required("/etc/mysql/nope.cnf"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Load() error = %v, want fs.ErrNotExist", err)
		}
		if !strings.Contains(err.Error(), "flag --defaults-file: could not open required defaults file") {
			t.Errorf("Load() error = %q, want it to name the origin and say the file is required", err)
		}
	})
	t.Run("a directory to read is read as nothing, as the server does", func(t *testing.T) {
		set, err := load(t, root, required("/etc/mysql/conf.d"))
		if err != nil {
			t.Fatalf("Load() error = %v, want none (my_print_defaults exits 0)", err)
		}
		want := []mycnf.Event{{Kind: mycnf.EntryIsDir, Path: "etc/mysql/conf.d"}}
		if diff := cmp.Diff(want, set.Events); diff != "" {
			t.Errorf("events mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("canceled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		set, err := mycnf.NewLoader(root).Load(ctx, []mycnf.Entry{required("/etc/mysql/my.cnf")})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Load() error = %v, want context.Canceled", err)
		}
		if set != nil && len(set.Options) > 0 {
			t.Errorf("Load() read options after cancellation: %v", args(set.Options))
		}
	})
}

// countdownCtx is a context that reports cancellation after n calls to Err,
// to cancel a Load in the middle of a directory.
type countdownCtx struct {
	context.Context
	n int
}

func (c *countdownCtx) Err() error {
	if c.n <= 0 {
		return context.Canceled
	}
	c.n--
	return nil
}

func TestLoadCanceledBetweenFiles(t *testing.T) {
	files := map[string]string{"my.cnf": "[mysqld]\n!includedir conf.d\n"}
	for i := range 50 {
		files[fmt.Sprintf("conf.d/%02d.cnf", i)] = "[mysqld]\nk=1\n"
	}
	root := tree(t, files)
	ctx := &countdownCtx{Context: context.Background(), n: 10}
	set, err := mycnf.NewLoader(root).Load(ctx, []mycnf.Entry{{Path: "my.cnf"}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Load() error = %v, want context.Canceled", err)
	}
	if set != nil && len(set.Options) >= 50 {
		t.Errorf("Load() read all %d files despite the cancellation", len(set.Options))
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // the error text
		is    error  // when set, errors.Is must hold
	}{
		{
			name:  "includedir of a missing directory in the entry file",
			files: map[string]string{"my.cnf": "[mysqld]\n!includedir  nodir\n"},
			want:  `my.cnf:2:14: !includedir "nodir": cannot read the directory (no such file or directory): the server aborts with "Can't read dir"`,
		},
		{
			name:  "includedir of a file in the entry file",
			files: map[string]string{"my.cnf": "[mysqld]\n!includedir my.cnf\n"},
			want:  `my.cnf:2:13: !includedir "my.cnf": cannot read the directory (not a directory): the server aborts with "Can't read dir"`,
		},
		{
			name:  "parse errors of the entry file",
			files: map[string]string{"my.cnf": "k=1\n[mysqld\n"},
			want: "my.cnf:1:1: option without preceding group: the server aborts with \"Found option without preceding group in config file\"\n" +
				"my.cnf:2:1: wrong group definition: no closing ']' (the server aborts)",
		},
		{
			name:  "binary included file",
			files: map[string]string{"my.cnf": "[mysqld]\n!include bin.cnf\n", "bin.cnf": "[mysqld]\n\x00\n"},
			want:  "my.cnf:2:1: read bin.cnf: file is not UTF-8 text: NUL byte on line 2 (binary file?)",
			is:    sysroot.ErrBinary,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, tree(t, tc.files), required("my.cnf"))
			if err == nil {
				t.Fatal("Load() succeeded, want an error")
			}
			if err.Error() != tc.want {
				t.Errorf("Load() error =\n%s\nwant\n%s", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("Load() error %v is not %v", err, tc.is)
			}
			checkLoadError(t, err)
		})
	}
}

// TestLoadIncludedFileErrorIsNotFatal: MariaDB 10.11 ignores the result of
// reading an included file. A fatal line in it (option before a group, a
// header without ']', an !includedir that cannot be read, an !include
// without a path) ends that file with an error message, and the including
// file goes on (verified with my_print_defaults; fixtures
// included-option-before-group, included-bad-group, includedir-bad-file).
func TestLoadIncludedFileErrorIsNotFatal(t *testing.T) {
	root := tree(t, map[string]string{
		"my.cnf":       "[mysqld]\na=1\n!include inc.cnf\n!includedir conf.d\nb=2\n",
		"inc.cnf":      "[mysqld]\ny=2\n[mysqld\nz=3\n",
		"conf.d/a.cnf": "x=1\n[mysqld]\nnot=read\n",
		"conf.d/b.cnf": "[mysqld]\nb_cnf=1\n!includedir nodir\nnot=read\n",
		"conf.d/c.cnf": "[mysqld]\nc_cnf=1\n",
	})
	set, err := load(t, root, required("my.cnf"))
	if err != nil {
		t.Fatalf("Load() error: %v (the server reads on)", err)
	}
	want := []string{"--a=1", "--y=2", "--b_cnf=1", "--c_cnf=1", "--b=2"}
	if diff := cmp.Diff(want, args(set.Options), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("options mismatch (-want +got):\n%s", diff)
	}
}

// TestLoadDepthLimitSkipsBadDirectives: the server checks the depth before
// it looks at a '!' line, so at depth 10 an !include without a path is
// skipped with a warning, not fatal (fixture depth-limit-empty-include).
func TestLoadDepthLimitSkipsBadDirectives(t *testing.T) {
	files := map[string]string{}
	for i := 0; i < 10; i++ {
		files[fmt.Sprintf("a%d.cnf", i)] = fmt.Sprintf("[mysqld]\nd%d=1\n!include a%d.cnf\n", i, i+1)
	}
	files["a10.cnf"] = "[mysqld]\nd10=1\n!include\n!includedir \t\nafter=1\n"
	set, err := load(t, tree(t, files), required("a0.cnf"))
	if err != nil {
		t.Fatalf("Load() error: %v (the server skips these directives at depth 10)", err)
	}
	if got := args(set.Options); len(got) != 12 || got[11] != "--after=1" {
		t.Errorf("options = %v, want d0..d10 and after", got)
	}
}

// TestLoadCleansIncludePathsLexically: the server formats an !include path
// with fn_format(MY_UNPACK_FILENAME), which removes "x/.." as text before
// the file is opened, so neither a missing directory nor a symlink before
// ".." matters (fixture include-dotdot).
func TestLoadCleansIncludePathsLexically(t *testing.T) {
	root := tree(t, map[string]string{
		"my.cnf":            "[mysqld]\n!include nodir/../x.cnf\n!include link/../x.cnf\n",
		"x.cnf":             "[mysqld]\nx=top\n",
		"sub/x.cnf":         "[mysqld]\nx=sub\n",
		"sub/deeper/README": "",
		"link":              "->sub/deeper",
	})
	set, err := load(t, root, required("my.cnf"))
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	if diff := cmp.Diff([]string{"--x=top", "--x=top"}, args(set.Options)); diff != "" {
		t.Errorf("options mismatch (-want +got):\n%s", diff)
	}
}
