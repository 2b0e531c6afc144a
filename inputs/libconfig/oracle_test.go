//go:build unix

package libconfig

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/internal/oracletest"
)

// buildDump compiles testdata/dump.c against the system's libconfig into a
// temporary directory and returns the program and libconfig's version.
func buildDump(t *testing.T) (bin string, version []int) {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		oracletest.Unavailable(t, "gcc not in PATH")
	}
	var flags []string
	if pc, err := exec.LookPath("pkg-config"); err == nil && exec.Command(pc, "--exists", "libconfig").Run() == nil {
		out, err := exec.Command(pc, "--cflags", "--libs", "libconfig").Output()
		if err != nil {
			t.Fatalf("pkg-config --cflags --libs libconfig: %v", err)
		}
		flags = strings.Fields(string(out))
	} else if _, err := os.Stat("/usr/include/libconfig.h"); err == nil {
		flags = []string{"-lconfig"}
	} else {
		oracletest.Unavailable(t, "libconfig not installed (pkg-config libconfig fails and there is no /usr/include/libconfig.h; Debian package libconfig-dev)")
	}
	bin = filepath.Join(t.TempDir(), "dump")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append([]string{"-O1", "-Wall", "-o", bin, filepath.Join("testdata", "dump.c")}, flags...)
	if out, err := exec.CommandContext(ctx, gcc, args...).CombinedOutput(); err != nil {
		t.Fatalf("gcc %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		t.Fatalf("dump --version: %v", err)
	}
	return bin, parseVersion(strings.TrimSpace(string(out)))
}

func parseVersion(s string) []int {
	var v []int
	for f := range strings.SplitSeq(s, ".") {
		n, _ := strconv.Atoi(f)
		v = append(v, n)
	}
	return v
}

func compareVersions(a, b []int) int {
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

// directive is a fixture's note of what an older (or newer) libconfig than
// the modelled 1.7 prints for it:
//
//	# oracle(<1.6): a int 10 @octal.cfg:3 -- 1.5 reads 010 as decimal; octal came in 1.6
//
// The version condition is <, <=, ==, >= or > a version. The line is what
// testdata/dump.c prints under that libconfig, and the text after " -- "
// says why. When Parse's reading is a list of settings, a line replaces the
// one for the same setting path, and an ERROR line replaces them all. When
// Parse's reading is an error, the lines (in order) are the whole reading.
type directive struct {
	op, version, line, why string
}

var directiveRE = regexp.MustCompile(`(?m)^[ \t]*(?:#|//)[ \t]*oracle\((<=|>=|==|<|>)[ \t]*([0-9]+(?:\.[0-9]+)*)\):[ \t]*(.*?)[ \t]+--[ \t]+(\S.*?)\r?$`)

func directives(src []byte) []directive {
	var ds []directive
	for _, m := range directiveRE.FindAllSubmatch(src, -1) {
		ds = append(ds, directive{op: string(m[1]), version: string(m[2]), line: string(m[3]), why: string(m[4])})
	}
	return ds
}

func (d directive) applies(version []int) bool {
	c := compareVersions(version, parseVersion(d.version))
	switch d.op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case "==":
		return c == 0
	case ">=":
		return c >= 0
	default:
		return c > 0
	}
}

// expectOracle turns Parse's reading into what the oracle's libconfig should
// print, by the fixture's directives for that version.
func expectOracle(t *testing.T, got []string, ds []directive, version []int) []string {
	t.Helper()
	var active []directive
	for _, d := range ds {
		if d.applies(version) {
			t.Logf("libconfig %v differs here: %s", version, d.why)
			active = append(active, d)
		}
	}
	if len(active) == 0 {
		return got
	}
	if len(got) == 1 && strings.HasPrefix(got[0], "ERROR ") {
		var want []string
		for _, d := range active {
			want = append(want, d.line)
		}
		return want
	}
	want := append([]string(nil), got...)
	for _, d := range active {
		if strings.HasPrefix(d.line, "ERROR ") {
			if len(active) != 1 {
				t.Fatalf("an ERROR directive must be the only one for a version: %q", d.line)
			}
			return []string{d.line}
		}
		path, _, _ := strings.Cut(d.line, " ")
		found := false
		for i, l := range want {
			if p, _, _ := strings.Cut(l, " "); p == path {
				want[i], found = d.line, true
				break
			}
		}
		if !found {
			t.Errorf("stale directive: Parse reads no setting %q (directive %q)", path, d.line)
		}
	}
	return want
}

// TestLibconfigOracle runs every fixture through the real libconfig
// (testdata/dump.c, compiled against the libconfig installed: Debian's
// libconfig-dev) and requires its settings, types, values and source lines,
// or its error line and message, to be Parse's, except where the fixture
// notes, with a reason, that this libconfig version behaves otherwise than
// 1.7.
func TestLibconfigOracle(t *testing.T) {
	bin, version := buildDump(t)
	t.Logf("oracle: libconfig %v", version)
	for _, name := range fixtures(t) {
		t.Run(name, func(t *testing.T) {
			got := runDump(t, bin, "testdata", name) // @include names are relative to testdata
			src, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			want := expectOracle(t, oracleDump(t, name), directives(src), version)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("libconfig %v disagrees with Parse on %s (-Parse +libconfig):\n%s", version, name, diff)
			}
		})
	}
}

// runDump runs the oracle on dir/name and returns its lines.
func runDump(t *testing.T, bin, dir, name string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, name)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dump %s: %v\n%s", name, err, stderr.Bytes())
	}
	var lines []string
	for l := range strings.SplitSeq(string(out), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestLibconfigOracleRandom compares Parse with libconfig on random
// inputs: valid configurations, some of them mutated into invalid ones. It
// leaves out, under libconfig before 1.7, inputs with the features the
// fixtures note as read differently there (leading zeros, integers of ten
// digits or more, runs of commas, \x00). A failure prints the input; make
// it a fixture.
func TestLibconfigOracleRandom(t *testing.T) {
	bin, version := buildDump(t)
	old := compareVersions(version, []int{1, 7}) < 0
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(1, 2)) // fixed: the same inputs every run
	compared := 0
	for range 2000 {
		src := randomConfig(r)
		if old && before17.MatchString(src) {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, "r.cfg"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		got := runDump(t, bin, dir, "r.cfg")
		want := oracleReading(t, "r.cfg", []byte(src), nil)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("libconfig %v disagrees with Parse on %q (-Parse +libconfig):\n%s", version, src, diff)
		}
		if compared++; compared == 400 {
			break
		}
	}
	t.Logf("%d random inputs compared", compared)
}

// before17 matches text libconfig 1.5 reads otherwise than 1.7.
var before17 = regexp.MustCompile(`(^|[^0-9A-Za-z.x])[-+]?0[0-9]|[0-9]{10}|,\s*[,)\]]|\\[xX]00`)

// randomConfig returns a few random settings, mutated two times in three.
func randomConfig(r *rand.Rand) string {
	var b strings.Builder
	for i := r.IntN(5); i >= 0; i-- {
		b.WriteString(randomSetting(r, 0, true))
		b.WriteString(pick(r, ";", ",", "", "\n", ";\n"))
	}
	src := b.String()
	if r.IntN(3) == 0 {
		return src
	}
	for i := r.IntN(7); i > 0 && len(src) > 0; i-- {
		p := r.IntN(len(src))
		switch r.IntN(3) {
		case 0:
			src = src[:p] + pick(r, randomTokens...) + src[p:]
		case 1:
			src = src[:p] + src[min(len(src), p+r.IntN(4)):]
		default:
			src = src[:p] + "\n" + src[p:]
		}
	}
	return src
}

var randomTokens = []string{
	"a", "b", "x-y", "*s", "True", "false", "=", ":", ";", ",", "{", "}", "[", "]", "(", ")",
	"1", "-2", "+3", "42L", "0x1F", "0xffL", "1.5", ".5", "5.", "1e3", "-.", ".",
	`"s"`, `"t\n\"q\\"`, `"\d\x41"`, `"é"`, "\"multi\nline\"", "# c\n", "// c\n", "/* c */", "/* \n */",
	"\n", " ", "\t", "\r\n", "@", "#", "\"", "/*", "\f",
}

func pick(r *rand.Rand, s ...string) string { return s[r.IntN(len(s))] }

// randomSetting returns a random valid setting (named) or element.
func randomSetting(r *rand.Rand, depth int, named bool) string {
	var b strings.Builder
	if named {
		fmt.Fprintf(&b, "n%d %s ", r.IntN(1000000), pick(r, "=", ":"))
	}
	k := r.IntN(10)
	if depth > 3 {
		k = 9
	}
	switch k {
	case 0:
		b.WriteString("{")
		for i := r.IntN(4); i > 0; i-- {
			b.WriteString(randomSetting(r, depth+1, true))
			b.WriteString(pick(r, ";", ",", "", "\n", " ;\n"))
		}
		b.WriteString("}")
	case 1, 2:
		b.WriteString("(")
		for i := range r.IntN(4) {
			if i > 0 {
				b.WriteString(pick(r, ",", " ,\n", "\n,"))
			}
			b.WriteString(randomSetting(r, depth+1, false))
		}
		b.WriteString(")")
	case 3:
		b.WriteString("[")
		kind := r.IntN(4)
		for i := range r.IntN(4) {
			if i > 0 {
				b.WriteString(pick(r, ",", " ,\n", "\n,"))
			}
			k := kind
			if r.IntN(8) == 0 {
				k = r.IntN(4) // now and then a mismatch
			}
			b.WriteString([]string{"7", `"s"` + pick(r, "", "\n", " \"t\"\n\n"), "2.5", "true"}[k])
		}
		b.WriteString("]")
	default:
		b.WriteString(pick(r, "1", "-7", "0x10", "3L", "1.25", "true", `"v"`, "\"a\"\n  \"b\"", `"x\ty"`))
	}
	return b.String()
}
