//go:build linux

package systemd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/sysroot"
	"github.com/conncap/conncap/internal/oracletest"
)

// The oracle is systemd itself: "systemd --test --system --unit=X" loads X
// and what it pulls in, offline, and dumps every unit (load state, fragment
// and drop-in paths, aliases, limits, environment, command lines), logging
// the syntax problems it met. It reads the real /etc/systemd, /run/systemd
// and /usr/lib/systemd/system, so the test replaces those with a fixture
// inside a private mount namespace (unshare -m), as root, and runs systemd
// as nobody (it refuses test mode as root). Everything it reports is
// compared with Load on the same fixture read through a sysroot.

// oracleScript runs inside the new mount namespace: $1 fixture, $2 unit,
// $3 scratch directory, $4 the systemd binary.
const oracleScript = `set -e
T=$1; U=$2; H=$3; SD=$4
cp -a /usr/lib/systemd/system/*.target /usr/lib/systemd/system/*.slice "$H"/
mount -t tmpfs conncap /etc/systemd
mount -t tmpfs conncap /run/systemd
mount -t tmpfs conncap /usr/lib/systemd/system
cp -a "$H"/. /usr/lib/systemd/system/
if [ -d "$T/etc/systemd" ]; then cp -a "$T/etc/systemd/." /etc/systemd/; fi
if [ -d "$T/run/systemd" ]; then cp -a "$T/run/systemd/." /run/systemd/; fi
if [ -d "$T/usr/lib/systemd/system" ]; then cp -a "$T/usr/lib/systemd/system/." /usr/lib/systemd/system/; fi
# In test mode systemd reads the user manager's configuration files.
if [ -f /etc/systemd/system.conf ]; then cp /etc/systemd/system.conf /etc/systemd/user.conf; fi
if [ -d /etc/systemd/system.conf.d ]; then cp -a /etc/systemd/system.conf.d /etc/systemd/user.conf.d; fi
if [ -d /run/systemd/system.conf.d ]; then cp -a /run/systemd/system.conf.d /run/systemd/user.conf.d; fi
chmod -R a+rX /etc/systemd /run/systemd /usr/lib/systemd/system
exec env HOME=/nonexistent setpriv --reuid=65534 --regid=65534 --clear-groups "$SD" --test --system --unit="$U" --no-pager
`

// oracle runs the script on a fixture and returns systemd's stdout and stderr.
type oracle struct {
	systemd string
}

func newOracle(t *testing.T) *oracle {
	t.Helper()
	if os.Geteuid() != 0 {
		oracletest.Unavailable(t, "systemd: not root (a private mount namespace is needed)")
	}
	for _, tool := range []string{"unshare", "setpriv", "sh", "cp", "mount"} {
		if _, err := exec.LookPath(tool); err != nil {
			oracletest.Unavailable(t, "systemd: "+tool+" not in PATH")
		}
	}
	o := &oracle{}
	for _, p := range []string{"/lib/systemd/systemd", "/usr/lib/systemd/systemd"} {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			o.systemd = p
			break
		}
	}
	if o.systemd == "" {
		oracletest.Unavailable(t, "systemd is not installed")
	}
	if l, err := os.Readlink("/lib"); err != nil || strings.TrimSuffix(l, "/") != "usr/lib" {
		oracletest.Unavailable(t, "systemd: /lib is not a link to usr/lib (the fixtures assume merged /usr)")
	}
	for _, d := range []string{"/etc/systemd", "/run/systemd", "/usr/lib/systemd/system"} {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			oracletest.Unavailable(t, "systemd: "+d+" is missing")
		}
	}
	if out, err := exec.Command("unshare", "-m", "--propagation", "private", "true").CombinedOutput(); err != nil {
		oracletest.Unavailable(t, "systemd: "+fmt.Sprintf("unshare -m fails (%v: %s)", err, bytes.TrimSpace(out)))
	}
	out, err := exec.Command(o.systemd, "--version").Output()
	if err != nil {
		oracletest.Unavailable(t, "systemd: systemd --version fails")
	}
	t.Logf("oracle: %s", bytes.SplitN(out, []byte("\n"), 2)[0])
	return o
}

func (o *oracle) run(t *testing.T, fixture, unit string) (stdout, stderr string) {
	t.Helper()
	script := filepath.Join(t.TempDir(), "oracle.sh")
	if err := os.WriteFile(script, []byte(oracleScript), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", "-m", "--propagation", "private", "sh", script, fixture, unit, t.TempDir(), o.systemd)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("oracle failed: %v\n%s", err, errOut.String())
	}
	return out.String(), errOut.String()
}

// dumpUnit is what "systemd --test" prints about one unit.
type dumpUnit struct {
	props map[string][]string // "Fragment Path" → values, in order
	cmds  map[string][]string // "ExecStart" → command lines
}

var unitHeader = regexp.MustCompile(`(?m)^\t-> Unit (.+):$`)

func parseDump(out string) map[string]*dumpUnit {
	units := map[string]*dumpUnit{}
	idx := unitHeader.FindAllStringSubmatchIndex(out, -1)
	for i, m := range idx {
		end := len(out)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		u := &dumpUnit{props: map[string][]string{}, cmds: map[string][]string{}}
		list := ""
		for _, line := range strings.Split(out[m[1]:end], "\n") {
			depth := len(line) - len(strings.TrimLeft(line, "\t"))
			line = strings.TrimLeft(line, "\t")
			switch {
			case depth == 2 && strings.HasPrefix(line, "-> "):
				list = strings.TrimSuffix(strings.TrimPrefix(line, "-> "), ":")
			case depth == 3 && strings.HasPrefix(line, "Command Line: "):
				u.cmds[list] = append(u.cmds[list], strings.TrimPrefix(line, "Command Line: "))
			case depth == 2:
				if k, v, ok := strings.Cut(line, ": "); ok {
					u.props[k] = append(u.props[k], v)
				}
			}
		}
		units[out[m[2]:m[3]]] = u
	}
	return units
}

// shellQuote formats one argument as systemd's dump does
// (shell_maybe_quote() with SHELL_ESCAPE_EMPTY).
func shellQuote(s string) string {
	if s == "" {
		return `""`
	}
	need := false
	for _, r := range s {
		if r < ' ' || r == 0x7f || r < 0x80 && strings.ContainsRune("\"\\`$*?['()<>|&;! \t\n\r", r) {
			need = true
		}
	}
	if !need {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < ' ' || c == 0x7f:
			fmt.Fprintf(&b, `\%03o`, c)
		case strings.IndexByte("\"\\`$", c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// syntaxKind maps systemd's messages, and ours, to a comparable kind.
func syntaxKind(msg string) string {
	m := strings.ToLower(msg)
	for _, k := range []string{"missing '='", "missing key name before '='", "assignment outside of section",
		"invalid section header", "bad characters in section header"} {
		if strings.HasPrefix(m, k) {
			return k
		}
	}
	if strings.HasPrefix(m, "string is not utf-8 clean") || strings.HasPrefix(m, "line is not valid utf-8") {
		return "utf-8"
	}
	return ""
}

var logLine = regexp.MustCompile(`^(/\S+):(\d+): (.*)$`)

// writeFixture writes files under a merged-/usr layout (lib → usr/lib) like
// the host's, so that paths compare one to one.
func writeFixture(t *testing.T, files map[string]string) (string, *sysroot.Root) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "usr/lib/systemd/system"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("usr/lib", filepath.Join(dir, "lib")); err != nil {
		t.Fatal(err)
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		content := files[name]
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		if target, ok := strings.CutPrefix(content, "-> "); ok {
			err = os.Symlink(target, p)
		} else {
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	root, err := sysroot.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, root
}

// oracleCases are fixtures and the units to compare in each.
func oracleCases(t *testing.T) []struct {
	name  string
	files map[string]string
	units []string
} {
	deb := func(extra map[string]string) map[string]string {
		files := debianTree(t, extra)
		delete(files, "lib/systemd/system/multi-user.target") // the host's is used
		return files
	}
	svc := func(body string) string { return "[Service]\nExecStart=/bin/true\n" + body }
	return []struct {
		name  string
		files map[string]string
		units []string
	}{{
		name: "debian with local changes",
		files: deb(map[string]string{
			"etc/systemd/system/mariadb.service.d/limits.conf":    "[Service]\nLimitNOFILE=65535\n",
			"run/systemd/system/mariadb.service.d/limits.conf":    "[Service]\nLimitNOFILE=1\n",
			"run/systemd/system/mariadb.service.d/90-late.conf":   "[Service]\nLimitNOFILE=2:3\nEnvironment=\"MYSQLD_OPTS=--max-connections=500 --x\" TZ=UTC\n",
			"usr/lib/systemd/system/mysql.service.d/00-vend.conf": "[Service]\nLimitNOFILE=4\n",
			"etc/systemd/system/mariadb.service.d/README":         "not a .conf file\n",
			"etc/systemd/system/mariadb.service.d/.hidden.conf":   "[Service]\nLimitNOFILE=5\n",
			"etc/systemd/system/mariadb.service.d/empty.conf":     "",
			"etc/systemd/system/service.d/10-all.conf":            "[Service]\nEnvironment=FROM_TYPE=1\n",
			"etc/systemd/system/mariadb@.service.d/limits.conf":   "[Service]\nLimitNOFILE=20000\n",
			"etc/systemd/system/mariadb@node1.service.d/n1.conf":  "[Service]\nLimitNOFILE=30000\n",
			"etc/systemd/system/mysql@.service":                   "-> /lib/systemd/system/mariadb@.service",
			"etc/systemd/system/mysql@node2.service.d/n2.conf":    "[Service]\nLimitNOFILE=40000\n",
			"etc/systemd/system/db.service":                       "-> /etc/systemd/linked/database.service",
			"etc/systemd/linked/database.service":                 svc("LimitNOFILE=50000\n"),
			"etc/systemd/system/selfy.service":                    "-> /lib/systemd/system/selfy.service",
			"lib/systemd/system/selfy.service":                    svc("LimitNOFILE=60000\n"),
			"lib/systemd/system/foo-bar-baz.service":              svc("LimitNOFILE=1\n"),
			"lib/systemd/system/foo-.service.d/z.conf":            "[Service]\nLimitNOFILE=2\n",
			"etc/systemd/system/foo-bar-.service.d/y.conf":        "[Service]\nLimitNOFILE=3\n",
			"lib/systemd/system/empty.service":                    "",
			"lib/systemd/system/nulled.service":                   svc(""),
			"etc/systemd/system/nulled.service":                   "-> /dev/null",
			"lib/systemd/system/broken.service":                   svc("LimitNOFILE=100\n[Service\nLimitNOFILE=200\n"),
			"lib/systemd/system/dropin-broken.service":            svc("LimitNOFILE=100\n"),
			"etc/systemd/system/dropin-broken.service.d/a.conf":   "[Service]\nLimitNOFILE=150\n[Service\nLimitNOFILE=200\n",
			"etc/systemd/system/dropin-broken.service.d/b.conf":   "[Service]\nUser=nobody\n",
			"lib/systemd/system/warn.service":                     "LimitNOFILE=5\n[Service]\nExecStart=/bin/true\nLimitNOFILE\n=400\nLimitNOFILE=300\n",
			"lib/systemd/system/badchars.service":                 svc("[Ser\"vice]\n"),
			"lib/systemd/system/utf8.service":                     svc("Environment=A=\uFFFE\n"),
			"lib/systemd/system/crlf.service":                     "[Service]\r\nExecStart=/bin/true\r\nLimitNOFILE=1024:4096\r\n",
			"lib/systemd/system/cr.service":                       "[Service]\rExecStart=/bin/true\rLimitNOFILE=700\r",
			"lib/systemd/system/cont.service":                     "[Service]\nExecStart=/bin/echo a \\\n# dropped\n  b\nLimitNOFILE=\\\n  800\n",
			"lib/systemd/system/envs.service": svc("Environment=A=1 A=2 \"B=x y\" 1BAD=z C=\\x41 N=%n\n" +
				"Environment=\nEnvironment=K=%i L=\"q\\\"q\"\n"),
			"lib/systemd/system/limits.service":  svc("LimitNOFILE=010\nLimitNOFILE=\nLimitNOFILE=64k\n"),
			"lib/systemd/system/limits2.service": svc("LimitNOFILE=1024:infinity\n"),
			"lib/systemd/system/execs.service": "[Service]\nExecStart=/bin/echo \"a b\" 'c d' e\"f g\"h \\x41 \\101 \\d x\\; %n\n" +
				"ExecStartPre=/bin/a 1 ; -/bin/b \\; \"\"\n" +
				"ExecStartPre=@/bin/x argv0 --y\n" +
				"ExecStartPre=-/bin/echo \"unterminated\n" +
				"ExecStartPre=:/bin/echo $HOME ${X}\n" +
				"ExecStartPre=//usr//bin/./true\n",
			"lib/systemd/system/badexec.service": "[Service]\nExecStart=/bin/true\nExecStartPre=/bin/echo \"unterminated\n",
		}),
		units: []string{"mariadb.service", "mysql.service", "mysqld.service", "mariadb@node1.service", "mysql@node2.service",
			"mariadb@bootstrap.service", "db.service", "selfy.service", "foo-bar-baz.service", "empty.service", "nulled.service",
			"broken.service", "dropin-broken.service", "warn.service", "badchars.service", "utf8.service", "crlf.service",
			"cr.service", "cont.service", "envs.service", "limits.service", "limits2.service", "execs.service", "badexec.service",
			"missing.service"},
	}, {
		name:  "mariadb masked in /etc",
		files: deb(map[string]string{"etc/systemd/system/mariadb.service": "-> /dev/null"}),
		units: []string{"mysql.service"},
	}, {
		name: "mariadb overridden in /etc, manager default from system.conf",
		files: deb(map[string]string{
			"etc/systemd/system/mariadb.service":          "[Service]\nExecStart=/usr/sbin/mariadbd\n",
			"etc/systemd/system.conf":                     "[Manager]\nDefaultLimitNOFILE=2000:8000\n",
			"etc/systemd/system.conf.d/50-a.conf":         "[Manager]\nDefaultLimitNOFILE=bogus\n",
			"run/systemd/system.conf.d/60-b.conf":         "[Manager]\nDefaultLimitNOFILE=3000:9000\n",
			"etc/systemd/system.conf.d/60-b.conf":         "[Manager]\nDefaultLimitNOFILE=4000:10000\n",
			"etc/systemd/system.conf.d/.70-hidden.conf":   "[Manager]\nDefaultLimitNOFILE=1\n",
			"run/systemd/system/mariadb.service.d/x.conf": "[Service]\nUser=mysql\n",
		}),
		units: []string{"mysql.service"},
	}, {
		name: "manager default cut short by a fatal error",
		files: deb(map[string]string{
			"etc/systemd/system/mariadb.service":  "[Service]\nExecStart=/usr/sbin/mariadbd\n",
			"etc/systemd/system.conf":             "[Manager]\nDefaultLimitNOFILE=500\n[Manager\nDefaultLimitNOFILE=600\n",
			"etc/systemd/system.conf.d/late.conf": "[Manager]\nDefaultLimitNOFILE=700\n",
		}),
		units: []string{"mariadb.service"},
	}}
}

func TestSystemdOracle(t *testing.T) {
	o := newOracle(t)
	for _, tc := range oracleCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			dir, root := writeFixture(t, tc.files)
			target := "[Unit]\nWants=" + strings.Join(tc.units, " ") + "\n"
			if err := os.WriteFile(filepath.Join(dir, "usr/lib/systemd/system/conncap-oracle.target"), []byte(target), 0o644); err != nil {
				t.Fatal(err)
			}
			stdout, stderr := o.run(t, dir, "conncap-oracle.target")
			dump := parseDump(stdout)
			def, err := DefaultLimitNOFILE(context.Background(), root)
			if err != nil {
				t.Fatal(err)
			}
			parsed := map[string]bool{} // files whose syntax messages we compare
			var ours []string
			for _, name := range tc.units {
				u, err := Load(context.Background(), root, name)
				if errors.Is(err, ErrNotFound) {
					if d := dump[name]; d == nil || first(d.props["Unit Load State"]) != "not-found" {
						t.Errorf("%s: Load says not found, systemd dumps %v", name, d)
					}
					continue
				}
				if err != nil {
					t.Fatalf("Load(%q): %v", name, err)
				}
				d := dump[u.Name]
				if d == nil {
					t.Errorf("%s: loaded as %s, which systemd did not dump", name, u.Name)
					continue
				}
				compareUnit(t, name, u, d, def, root)
				for _, f := range u.Files {
					parsed["/"+f.Path] = true
					for _, w := range f.Warnings {
						ours = append(ours, fmt.Sprintf("/%s:%d: %s", f.Path, w.Pos.Line, syntaxKind(w.Msg)))
					}
					if f.Err != nil && syntaxKind(f.Err.Msg) != "" { // rejected commands show in the load state
						ours = append(ours, fmt.Sprintf("/%s:%d: %s", f.Path, f.Err.Pos.Line, syntaxKind(f.Err.Msg)))
					}
				}
			}
			var theirs []string
			for _, line := range strings.Split(stderr, "\n") {
				m := logLine.FindStringSubmatch(line)
				if m == nil || !parsed[m[1]] || syntaxKind(m[3]) == "" {
					continue
				}
				theirs = append(theirs, fmt.Sprintf("%s:%s: %s", m[1], m[2], syntaxKind(m[3])))
			}
			slices.Sort(ours)
			slices.Sort(theirs)
			if diff := cmp.Diff(slices.Compact(theirs), slices.Compact(ours), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("syntax messages differ (-systemd +Parse):\n%s", diff)
			}
			if t.Failed() {
				t.Logf("systemd stderr:\n%s", stderr)
			}
		})
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// compareUnit compares one loaded unit with systemd's dump of it.
func compareUnit(t *testing.T, asked string, u *Unit, d *dumpUnit, def source.Value[Limit], root *sysroot.Root) {
	t.Helper()
	state := u.LoadState()
	lists := map[string][]string{}
	for _, key := range []string{"ExecStart", "ExecStartPre"} {
		cmds, _ := u.Exec(key)
		for _, c := range cmds {
			q := make([]string, len(c.Argv))
			for i, a := range c.Argv {
				q[i] = shellQuote(a)
			}
			lists[key] = append(lists[key], strings.Join(q, " "))
		}
	}
	type view struct {
		State, Fragment string
		Aliases         []string
		DropIns         []string
		NOFILE          string
		Env             []string
		Cmds            map[string][]string
	}
	theirs := view{
		State:    first(d.props["Unit Load State"]),
		Fragment: first(d.props["Fragment Path"]),
		Aliases:  slices.Sorted(slices.Values(d.props["Alias"])),
		DropIns:  d.props["DropIn Path"],
	}
	ours := view{State: state, Fragment: "/" + u.Path, Aliases: u.Aliases}
	for _, p := range u.DropIns {
		ours.DropIns = append(ours.DropIns, "/"+p)
	}
	if state == "loaded" {
		theirs.NOFILE = first(d.props["LimitNOFILESoft"]) + ":" + first(d.props["LimitNOFILE"])
		if v, ok := u.LimitNOFILE(); ok {
			ours.NOFILE = strconv.FormatUint(v.V.Soft, 10) + ":" + strconv.FormatUint(v.V.Hard, 10)
		} else if def.Origin.Pos.IsValid() {
			ours.NOFILE = strconv.FormatUint(def.V.Soft, 10) + ":" + strconv.FormatUint(def.V.Hard, 10)
		} else {
			theirs.NOFILE = "" // the manager default of a test run is the caller's own limit
		}
		theirs.Env = d.props["Environment"]
		env, err := u.Environment(context.Background(), root)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range env.Vars {
			ours.Env = append(ours.Env, v.Name+"="+v.Value)
		}
		theirs.Cmds = map[string][]string{"ExecStart": d.cmds["ExecStart"], "ExecStartPre": d.cmds["ExecStartPre"]}
		ours.Cmds = map[string][]string{"ExecStart": lists["ExecStart"], "ExecStartPre": lists["ExecStartPre"]}
	}
	if diff := cmp.Diff(theirs, ours, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Load(%q) differs from systemd (-systemd +Load):\n%s", asked, diff)
	}
}
