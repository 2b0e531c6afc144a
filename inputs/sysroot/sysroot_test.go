package sysroot_test

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/sysroot"
	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
)

func tree(t *testing.T, files map[string]string) string { return sysroottest.Dir(t, files) }

func TestResolveAndRead(t *testing.T) {
	dir := tree(t, map[string]string{
		"etc/mysql/mariadb.cnf":   "[mysqld]\n",
		"etc/alternatives/my.cnf": "->/etc/mysql/mariadb.cnf",
		"etc/mysql/my.cnf":        "->/etc/alternatives/my.cnf",
		"etc/rel.cnf":             "->mysql/mariadb.cnf",
		"etc/escape.cnf":          "->../../../../etc/mysql/mariadb.cnf",
		"etc/loop-a":              "->/etc/loop-b",
		"etc/loop-b":              "->/etc/loop-a",
		"etc/dirlink":             "->/etc/mysql",
	})
	root, err := sysroot.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want string }{
		{"/etc/mysql/my.cnf", "etc/mysql/mariadb.cnf"},
		{"etc/mysql/my.cnf", "etc/mysql/mariadb.cnf"},
		{"/etc/rel.cnf", "etc/mysql/mariadb.cnf"},
		{"/etc/escape.cnf", "etc/mysql/mariadb.cnf"}, // ".." stops at the root
		{"/../../etc/mysql/mariadb.cnf", "etc/mysql/mariadb.cnf"},
		{"/etc/dirlink/mariadb.cnf", "etc/mysql/mariadb.cnf"},
		{"/", "."},
		{"/etc/missing.cnf", "etc/missing.cnf"},
	} {
		got, err := root.Resolve(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	f, err := root.ReadFile("/etc/mysql/my.cnf")
	if err != nil || f.Path != "etc/mysql/mariadb.cnf" || string(f.Src) != "[mysqld]\n" {
		t.Errorf("ReadFile through two absolute links = %+v, %v", f, err)
	}
	if _, err := root.ReadFile("/etc/loop-a"); !errors.Is(err, sysroot.ErrSymlinkLoop) {
		t.Errorf("symlink loop: got %v, want ErrSymlinkLoop", err)
	}
	if _, err := root.ReadFile("/etc/mysql"); !errors.Is(err, sysroot.ErrIsDir) {
		t.Errorf("directory: got %v, want ErrIsDir", err)
	}
	if _, err := root.ReadFile("/etc/missing.cnf"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: got %v, want ErrNotExist", err)
	}
	if _, err := root.ReadFile("/nodir/x/y.cnf"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing dir: got %v, want ErrNotExist", err)
	}
}

func TestReadFileContent(t *testing.T) {
	dir := tree(t, map[string]string{
		"nul.cnf":    "[mysqld]\nx=\x00\n",
		"latin1.cnf": "[mysqld]\n# caf\xe9\n",
		"big.cnf":    strings.Repeat("#\n", 600),
		"ok.cnf":     "[mysqld]\n# café\n",
	})
	root, err := sysroot.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	root = root.WithMaxFileSize(1000)
	for _, tc := range []struct {
		name string
		want error
		msg  string
	}{
		{"nul.cnf", sysroot.ErrBinary, "NUL byte on line 2"},
		{"latin1.cnf", sysroot.ErrBinary, "invalid UTF-8 on line 2"},
		{"big.cnf", sysroot.ErrTooLarge, "of 1000 bytes"},
		{"ok.cnf", nil, ""},
	} {
		_, err := root.ReadFile(tc.name)
		if !errors.Is(err, tc.want) || (err != nil && !strings.Contains(err.Error(), tc.msg)) {
			t.Errorf("ReadFile(%s) = %v, want %v containing %q", tc.name, err, tc.want, tc.msg)
		}
	}
}

func TestRel(t *testing.T) {
	dir := tree(t, map[string]string{"a/b.cnf": ""})
	root, err := sysroot.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := root.Rel(filepath.Join(dir, "a", "b.cnf")); err != nil || got != "a/b.cnf" {
		t.Errorf("Rel inside = %q, %v", got, err)
	}
	if got, err := root.Rel(dir); err != nil || got != "." {
		t.Errorf("Rel root = %q, %v", got, err)
	}
	if _, err := root.Rel(filepath.Dir(dir)); !errors.Is(err, sysroot.ErrOutside) {
		t.Errorf("Rel outside = %v, want ErrOutside", err)
	}
}

func TestReadDirSorted(t *testing.T) {
	dir := tree(t, map[string]string{"d/b.cnf": "", "d/A.cnf": "", "d/.h.cnf": "", "d/_x.cnf": "", "d/0.cnf": ""})
	root, err := sysroot.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	ents, err := root.ReadDir("/d")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if want := ".h.cnf 0.cnf A.cnf _x.cnf b.cnf"; strings.Join(got, " ") != want {
		t.Errorf("ReadDir order = %q, want byte order %q", strings.Join(got, " "), want)
	}
}
