package mycnf_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/mycnf"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/sysroot"
	"github.com/conncap/conncap/internal/oracletest"
)

// mariadbdGroups are the groups `my_print_defaults --mysqld` reads on the
// Debian build of MariaDB 10.11 (reference/mysqld.md §1.3).
var mariadbdGroups = []string{
	"mysqld", "server", "mysqld-10.11", "mariadb", "mariadb-10.11",
	"mariadbd", "mariadbd-10.11", "client-server", "galera",
}

// serverReadsGroup matches a group name the way find_type does: byte by byte
// with latin1 toupper. The nine names are ASCII, so only ASCII letters fold;
// strings.EqualFold would also fold U+017F (long s) to 's' and U+212A
// (Kelvin sign) to 'k', which the server does not (fixture group-unicode-fold).
func serverReadsGroup(g string) bool {
	for _, name := range mariadbdGroups {
		if asciiEqualFold(g, name) {
			return true
		}
	}
	return false
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// oracleSetup prepares what testdata does not hold, in the copy of a fixture:
// symbolic links (module zips drop them) and modes (git keeps only 644/755).
var oracleSetup = map[string]func(t *testing.T, dir string){
	"symlink": func(t *testing.T, dir string) {
		symlink(t, "real/inc.cnf", filepath.Join(dir, "link.cnf"))
		symlink(t, "realdir", filepath.Join(dir, "linkdir"))
	},
	"includedir-dangling-symlink": func(t *testing.T, dir string) {
		symlink(t, "missing.cnf", filepath.Join(dir, "conf.d", "a.cnf"))
	},
	"include-dotdot": func(t *testing.T, dir string) {
		// link/.. is sub for the kernel, but the server cleans the path
		// lexically first (fn_format → cleanup_dirname) and opens ./x.cnf.
		symlink(t, "sub/deeper", filepath.Join(dir, "link"))
	},
	"world-writable": func(t *testing.T, dir string) {
		// The server skips world-writable option files with a warning.
		for _, p := range []string{"inc.cnf", "conf.d/ww.cnf"} {
			if err := os.Chmod(filepath.Join(dir, filepath.FromSlash(p)), 0o666); err != nil {
				t.Fatal(err)
			}
		}
	},
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// copyFixture copies a fixture tree with fixed modes (0644 files, 0755
// directories) whatever the umask, so a world-writable checkout cannot make
// the server skip every file.
func copyFixture(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			if err := os.MkdirAll(to, 0o755); err != nil {
				return err
			}
			return os.Chmod(to, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.WriteFile(to, b, 0o644); err != nil {
				return err
			}
			return os.Chmod(to, 0o644)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestMyPrintDefaultsOracle compares, fixture by fixture, the options the
// loader gives the nine mariadbd groups with what my_print_defaults --mysqld
// prints for the same tree, and requires both to fail together.
func TestMyPrintDefaultsOracle(t *testing.T) {
	bin, err := exec.LookPath("my_print_defaults")
	if err != nil {
		oracletest.Unavailable(t, "my_print_defaults not in PATH")
	}
	ents, err := os.ReadDir(filepath.Join("testdata", "oracle"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) < 30 {
		t.Fatalf("only %d oracle fixtures, want at least 30", len(ents))
	}
	names := map[string]bool{}
	for _, e := range ents {
		if !e.IsDir() {
			t.Errorf("testdata/oracle/%s: not a fixture directory", e.Name())
			continue
		}
		names[e.Name()] = true
		t.Run(e.Name(), func(t *testing.T) {
			dir := copyFixture(t, filepath.Join("testdata", "oracle", e.Name()))
			if setup := oracleSetup[e.Name()]; setup != nil {
				setup(t, dir)
			}
			want, oracleErr := runOracle(t, bin, dir)
			got, ourErr := loadFixture(t, dir)
			if ourErr != nil {
				checkLoadError(t, ourErr)
			}
			switch {
			case oracleErr != "" && ourErr == nil:
				t.Fatalf("my_print_defaults aborts but Load succeeded\noracle stderr:\n%s\nLoad gave:\n%s", oracleErr, strings.Join(got, "\n"))
			case oracleErr == "" && ourErr != nil:
				t.Fatalf("Load failed but my_print_defaults succeeded\nLoad error: %v\noracle printed:\n%s", ourErr, strings.Join(want, "\n"))
			case oracleErr != "":
				t.Logf("both fail; oracle: %s; Load: %v", strings.TrimSpace(oracleErr), ourErr)
				return
			}
			if !slices.Equal(want, got) {
				t.Errorf("Load() vs my_print_defaults mismatch (-oracle +got):\n%s", cmp.Diff(abbrev(want), abbrev(got)))
			}
		})
	}
	for name := range oracleSetup {
		if !names[name] {
			t.Errorf("oracleSetup names %q, which is not a fixture", name)
		}
	}
}

// runOracle runs my_print_defaults in dir and returns its lines, or its
// stderr when it exits non-zero. The environment is emptied so that
// MYSQL_GROUP_SUFFIX and friends cannot add groups, and HOME points nowhere.
func runOracle(t *testing.T, bin, dir string) (lines []string, failure string) {
	t.Helper()
	cmd := exec.Command(bin, "--defaults-file=my.cnf", "--mysqld")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + filepath.Join(t.TempDir(), "no-home"), "LC_ALL=C"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return nil, ee.String() + ": " + stderr.String()
	}
	if err != nil {
		t.Fatalf("running my_print_defaults: %v", err)
	}
	if stderr.Len() > 0 {
		t.Logf("my_print_defaults stderr:\n%s", stderr.String())
	}
	return splitOutput(stdout.String()), ""
}

// abbrev shortens long lines for a readable diff; equality is decided on
// the full lines.
func abbrev(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) > 100 {
			l = fmt.Sprintf("%s…[%d bytes, sha256 %.8x]…%s", l[:40], len(l), sha256.Sum256([]byte(l)), l[len(l)-20:])
		}
		out[i] = l
	}
	return out
}

// splitOutput splits printed options into lines. A value holding "\n" (from
// a \n escape) spans two lines on both sides, so both are split alike.
func splitOutput(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func loadFixture(t *testing.T, dir string) ([]string, error) {
	t.Helper()
	root, err := sysroot.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := mycnf.NewLoader(root).Load(context.Background(), []mycnf.Entry{{
		Path: "my.cnf", Required: true, Origin: source.Named("flag --defaults-file"),
	}})
	if set == nil {
		return nil, err
	}
	var b strings.Builder
	for _, o := range set.Select(serverReadsGroup) {
		b.WriteString(o.Arg())
		b.WriteByte('\n')
	}
	return splitOutput(b.String()), err
}

// checkLoadError requires an error to be positioned (source.Error with a
// line), a CycleError, or an fs error.
func checkLoadError(t *testing.T, err error) {
	t.Helper()
	var list source.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			if e.Pos.Line < 1 {
				t.Errorf("error without a line: %v", e)
			}
		}
		return
	}
	var se *source.Error
	var ce *mycnf.CycleError
	var pe *fs.PathError
	switch {
	case errors.As(err, &se):
		if se.Pos.Line < 1 {
			t.Errorf("error without a line: %v", err)
		}
	case errors.As(err, &ce), errors.As(err, &pe), errors.Is(err, fs.ErrNotExist):
	default:
		t.Errorf("error is neither positioned, a cycle nor an fs error: %#v (%v)", err, err)
	}
}
