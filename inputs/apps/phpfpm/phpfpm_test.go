package phpfpm

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/ini.v1"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustGlob(t testing.TB, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil || len(m) == 0 {
		t.Fatalf("glob %s: %v (%d files)", pattern, err, len(m))
	}
	return m
}

// iniFixtures are every INI fixture, the malformed ones included.
func iniFixtures(t testing.TB) []string {
	var all []string
	for _, g := range []string{"testdata/*.conf", "testdata/*.ini", "testdata/bad/*.conf"} {
		all = append(all, mustGlob(t, g)...)
	}
	return all
}

func pos(p string, line, col int) source.Pos { return source.Pos{Path: p, Line: line, Col: col} }

// checkAgreement is the differential test of the second pass: scan must
// fail exactly when ini.v1 fails, see the same sections and keys, and the
// line it names for a key must, read alone by ini.v1, set that key to the
// value ini.v1 ends up with (so it is the last line that sets it).
func checkAgreement(t *testing.T, name string, src []byte) {
	t.Helper()
	sc, serr := scan(name, src)
	f, ierr := ini.LoadSources(iniOptions(), src)
	if (serr != nil) != (ierr != nil) {
		t.Fatalf("%s: scan error %v, ini.v1 error %v", name, serr, ierr)
	}
	if ierr != nil {
		return
	}
	lines := splitKeepNL(trimBOM(src))
	for _, is := range f.Sections() {
		ss := sc.byName[is.Name()]
		if ss == nil {
			if len(is.Keys()) > 0 || is.Name() != defaultSection {
				t.Errorf("%s: ini.v1 has section %q, scan does not", name, is.Name())
			}
			continue
		}
		if len(ss.keys) != len(is.Keys()) {
			t.Errorf("%s [%s]: scan has %d keys, ini.v1 %d", name, is.Name(), len(ss.keys), len(is.Keys()))
		}
		for i, ik := range is.Keys() {
			sk := ss.idx[ik.Name()]
			if sk == nil {
				t.Errorf("%s [%s]: ini.v1 key %q not found by scan", name, is.Name(), ik.Name())
				continue
			}
			if i < len(ss.keys) && ss.keys[i].name != ik.Name() {
				t.Errorf("%s [%s]: key %d is %q in scan, %q in ini.v1", name, is.Name(), i, ss.keys[i].name, ik.Name())
			}
			if strings.HasPrefix(ik.Name(), "#") || strings.Contains(ik.Value(), "\n") {
				continue // auto-increment keys and multi-line values do not stand alone
			}
			one, err := ini.LoadSources(iniOptions(), append([]byte("[s]\n"), lines[sk.pos.Line-1]...))
			if err != nil {
				t.Errorf("%s:%d: the line scan names for %q does not parse alone: %v", name, sk.pos.Line, ik.Name(), err)
				continue
			}
			got := one.Section("s").Key(ik.Name())
			if !one.Section("s").HasKey(ik.Name()) || got.Value() != ik.Value() {
				t.Errorf("%s:%d: line sets %q = %q, ini.v1 ends with %q", name, sk.pos.Line, ik.Name(), got.Value(), ik.Value())
			}
		}
	}
}

func TestScanAgreesWithIni(t *testing.T) {
	for _, p := range iniFixtures(t) {
		t.Run(p, func(t *testing.T) { checkAgreement(t, p, mustRead(t, p)) })
	}
	// Corner cases of ini.v1's grammar.
	for _, s := range []string{
		"k = v\n[a]\nk = 1\nk = 2\n[b]\n[a]\nk = 3 ; c\n",
		"[a]\n\"q=k\" = v\n`b` = \"w\"\n- = x\n- = y\n",
		"[a]\nk = \"\"\"multi\nline\"\"\"\nj = `x\ny`\nz = 1\n",
		"\ufeff[a]\r\nk = v\r\n",
		"[a]\n  \t k = 'quoted' # c\n",
		"[a]\nk = v # c ; d\n[]\n",
		"[a]\n= v\n",
		"[a]\nk v\n",
		"[a\n",
		"[a]\nk = \"\"\"open\n",
		"[a]\n\"\" = v\n",
		"[a]\n\"k = v\n",
	} {
		checkAgreement(t, "case.conf", []byte(s))
	}
}

func TestParse(t *testing.T) {
	const p = "etc/php/8.2/fpm/pool.d/www.conf"
	tests := []struct {
		name string
		in   string
		want []*Section
	}{
		{
			name: "last assignment wins and keeps its line",
			in:   "[www]\npm = dynamic\npm.max_children = 5\n  pm.max_children = 50 ; more\n",
			want: []*Section{{Name: "www", Pos: pos(p, 1, 1), Keys: []Key{
				{Name: "pm", Value: "dynamic", Pos: pos(p, 2, 1), ValuePos: pos(p, 2, 6)},
				{Name: "pm.max_children", Value: "50", Pos: pos(p, 4, 3), ValuePos: pos(p, 4, 21)},
			}}},
		},
		{
			name: "reopened section is one section",
			in:   "[a]\nx = 1\n[b]\ny = 2\n[a]\nx = \"3\"\n",
			want: []*Section{
				{Name: "a", Pos: pos(p, 1, 1), Keys: []Key{{Name: "x", Value: "3", Pos: pos(p, 6, 1), ValuePos: pos(p, 6, 5)}}},
				{Name: "b", Pos: pos(p, 3, 1), Keys: []Key{{Name: "y", Value: "2", Pos: pos(p, 4, 1), ValuePos: pos(p, 4, 5)}}},
			},
		},
		{
			name: "columns count runes",
			in:   "[é]\n\tclé = vé\n",
			want: []*Section{{Name: "é", Pos: pos(p, 1, 1), Keys: []Key{{Name: "clé", Value: "vé", Pos: pos(p, 2, 2), ValuePos: pos(p, 2, 8)}}}},
		},
		{
			name: "array keys",
			in:   "[www]\nphp_admin_value[mysqli.allow_persistent] = Off\n",
			want: []*Section{{Name: "www", Pos: pos(p, 1, 1), Keys: []Key{{Name: "php_admin_value[mysqli.allow_persistent]", Value: "Off", Pos: pos(p, 2, 1), ValuePos: pos(p, 2, 44)}}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(p, []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, f.Sections); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"testdata/bad/no-delimiter.conf", `testdata/bad/no-delimiter.conf:3:1: key-value delimiter "=" not found`},
		{"testdata/bad/unclosed.conf", `testdata/bad/unclosed.conf:1:1: unclosed section header "[www"`},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, err := Parse(tc.file, mustRead(t, tc.file))
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse() error = %v, want a *source.Error", err)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse() error = %q, want %q", err, tc.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		path string
		want Kind
	}{
		{"testdata/www.conf", PoolConfig},
		{"testdata/api.conf", PoolConfig},
		{"testdata/php.ini", PHPIni},
		{"testdata/db.php", PHPSource},
		{"testdata/database.php", PHPSource},
		{"testdata/legacy.php", PHPSource},
	}
	for _, tc := range tests {
		src := mustRead(t, tc.path)
		if !Match(tc.path, src) {
			t.Errorf("Match(%s) = false", tc.path)
		}
		if f, err := Parse(tc.path, src); err != nil || f.Kind != tc.want {
			t.Errorf("Parse(%s) kind = %v, %v; want %v", tc.path, f.Kind, err, tc.want)
		}
	}
	for _, s := range []string{"[mysqld]\nmax_connections = 10\n", "<?php echo 1;\n", "[Service]\nLimitNOFILE=1\n"} {
		if Match("x", []byte(s)) {
			t.Errorf("Match(%q) = true", s)
		}
	}
}

func parseAll(t *testing.T, paths ...string) []*File {
	t.Helper()
	var files []*File
	for _, p := range paths {
		f, err := Parse(p, mustRead(t, p))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

func envOf(vars ...apps.EnvVar) apps.EnvMap {
	m := apps.EnvMap{}
	for _, v := range vars {
		m[v.Name] = v
	}
	return m
}

func TestPools(t *testing.T) {
	const www, api, tun = "testdata/www.conf", "testdata/api.conf", "testdata/zz-tuning.conf"
	perReq := source.Value[int]{V: 0, Origin: source.Named("PHP closes non-persistent connections at the end of each request")}
	one := source.Value[int]{V: 1, Origin: source.Named("PHP has no pool: one connection per DSN per busy child")}
	noLife := apps.Duration{Origin: source.Named("PHP has no connection lifetime setting")}
	noIdle := func(pm string) apps.Duration {
		return apps.Duration{Origin: source.Named("pm = " + pm + ": idle children are not reaped by a timeout")}
	}
	envChildren := apps.EnvVar{Name: "FPM_MAX_CHILDREN", Value: source.Value[string]{V: "40", Origin: source.At(pos("k8s/php.yaml", 21, 18))}}

	tests := []struct {
		name  string
		files []string
		env   apps.EnvMap
		want  []apps.Pool
	}{
		{
			name:  "shipped www.conf, no sources: per request",
			files: []string{www},
			want: []apps.Pool{{
				Ecosystem: "php-fpm", Name: "www", Max: one, MinIdle: perReq, MaxLifetime: noLife, IdleTimeout: noIdle("dynamic"),
				Processes: source.Value[int]{V: 5, Origin: source.At(pos(www, 21, 19))},
				Notes:     []string{"pm = dynamic (testdata/www.conf:18:6)", "no PHP source read: assuming connections per request (not persistent)"},
			}},
		},
		{
			name:  "sample 8 with persistent PDO: max_children stay open",
			files: []string{api, "testdata/db.php"},
			want: []apps.Pool{{
				Ecosystem: "php-fpm", Name: "api", Max: one, MaxLifetime: noLife, IdleTimeout: noIdle("static"),
				MinIdle:   source.Value[int]{V: 1, Origin: source.At(pos("testdata/db.php", 8, 13))},
				Processes: source.Value[int]{V: 24, Origin: source.At(pos(api, 4, 19))},
				Notes: []string{
					"pm = static (testdata/api.conf:3:6)",
					"pm.max_requests = 1000 (testdata/api.conf:5:19): a child, and its persistent connections, is replaced after that many requests",
					"persistent connections (PDO::ATTR_PERSISTENT => true at testdata/db.php:8:13): every child keeps its connection while idle, so up to pm.max_children stay open",
				},
			}},
		},
		{
			name:  "later file reopens www; env value wins with its origin; mysqli p: off",
			files: []string{www, tun, "testdata/legacy.php", "testdata/php.ini"},
			env:   envOf(envChildren),
			want: []apps.Pool{
				{
					Ecosystem: "php-fpm", Name: "www", Max: one, MinIdle: perReq, MaxLifetime: noLife, IdleTimeout: noIdle("static"),
					Processes: source.Value[int]{V: 40, Origin: envChildren.Value.Origin},
					Notes: []string{
						"pm = static (testdata/zz-tuning.conf:3:6)",
						"mysqli.allow_persistent is off in pool www (testdata/zz-tuning.conf:5:44): mysqli \"p:\" connections are not persistent",
						"mysqli.max_persistent = -1 in php.ini (testdata/php.ini:8:25)",
						"connections per request (no persistent connection found in the PHP sources read)",
					},
				},
				{
					Ecosystem: "php-fpm", Name: "reports", Max: one, MaxLifetime: noLife,
					IdleTimeout: apps.Duration{V: 30 * time.Second, Known: true, Origin: source.At(pos(tun, 11, 27))},
					MinIdle:     source.Value[int]{V: 1, Origin: source.At(pos("testdata/legacy.php", 2, 9))},
					Processes:   source.Value[int]{V: 12, Origin: source.At(pos(tun, 10, 19))},
					Notes: []string{
						"pm = ondemand (testdata/zz-tuning.conf:9:6)",
						"mysqli.max_persistent = 2 in pool reports (testdata/zz-tuning.conf:12:42)",
						"persistent connections (mysqli_connect('p: at testdata/legacy.php:2:9): every child keeps its connection while idle, so up to pm.max_children stay open",
					},
				},
			},
		},
		{
			name:  "env var missing: assumed shipped value, said so",
			files: []string{tun},
			want: []apps.Pool{
				{
					Ecosystem: "php-fpm", Name: "www", Max: one, MinIdle: perReq, MaxLifetime: noLife, IdleTimeout: noIdle("static"),
					Processes: source.Value[int]{V: 5, Origin: source.Origin{Pos: pos(tun, 4, 19), Note: "${FPM_MAX_CHILDREN} is not in the environment read; assumed 5, the value php-fpm ships in www.conf"}},
					Notes: []string{
						"pm = static (testdata/zz-tuning.conf:3:6)",
						"pm.max_children = ${FPM_MAX_CHILDREN}: ${FPM_MAX_CHILDREN} is not in the environment read",
						"mysqli.allow_persistent is off in pool www (testdata/zz-tuning.conf:5:44): mysqli \"p:\" connections are not persistent",
						"no PHP source read: assuming connections per request (not persistent)",
					},
				},
				{
					Ecosystem: "php-fpm", Name: "reports", Max: one, MinIdle: perReq, MaxLifetime: noLife,
					IdleTimeout: apps.Duration{V: 30 * time.Second, Known: true, Origin: source.At(pos(tun, 11, 27))},
					Processes:   source.Value[int]{V: 12, Origin: source.At(pos(tun, 10, 19))},
					Notes: []string{
						"pm = ondemand (testdata/zz-tuning.conf:9:6)",
						"mysqli.max_persistent = 2 in pool reports (testdata/zz-tuning.conf:12:42)",
						"no PHP source read: assuming connections per request (not persistent)",
					},
				},
			},
		},
		{
			name:  "Laravel env switch on from the environment",
			files: []string{api, "testdata/database.php"},
			env:   envOf(apps.EnvVar{Name: "DB_PERSISTENT", Value: source.Value[string]{V: "true", Origin: source.At(pos(".env", 9, 15))}}),
			want: []apps.Pool{{
				Ecosystem: "php-fpm", Name: "api", Max: one, MaxLifetime: noLife, IdleTimeout: noIdle("static"),
				MinIdle:   source.Value[int]{V: 1, Origin: source.At(pos(".env", 9, 15))},
				Processes: source.Value[int]{V: 24, Origin: source.At(pos(api, 4, 19))},
				Notes: []string{
					"pm = static (testdata/api.conf:3:6)",
					"pm.max_requests = 1000 (testdata/api.conf:5:19): a child, and its persistent connections, is replaced after that many requests",
					"persistent connections (PDO::ATTR_PERSISTENT => env('DB_PERSISTENT') at .env:9:15): every child keeps its connection while idle, so up to pm.max_children stay open",
				},
			}},
		},
		{
			name:  "Laravel env switch at its default (off)",
			files: []string{api, "testdata/database.php"},
			want: []apps.Pool{{
				Ecosystem: "php-fpm", Name: "api", Max: one, MinIdle: perReq, MaxLifetime: noLife, IdleTimeout: noIdle("static"),
				Processes: source.Value[int]{V: 24, Origin: source.At(pos(api, 4, 19))},
				Notes: []string{
					"pm = static (testdata/api.conf:3:6)",
					"pm.max_requests = 1000 (testdata/api.conf:5:19): a child, and its persistent connections, is replaced after that many requests",
					"connections per request (no persistent connection found in the PHP sources read)",
				},
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Pools(parseAll(t, tc.files...), tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Pools() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPoolsErrors(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"testdata/bad/no-max-children.conf", `testdata/bad/no-max-children.conf:1:1: [pool www] pm.max_children is not set: php-fpm refuses to start ("pm.max_children must be a positive value")`},
		{"testdata/bad/not-a-number.conf", `testdata/bad/not-a-number.conf:4:19: [pool www] unable to parse value for entry 'pm.max_children': "10k" is not a valid number`},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, err := Pools(parseAll(t, tc.file), nil)
			var se *source.Error
			if !errors.As(err, &se) || se.Pos.Line < 1 {
				t.Fatalf("Pools() error = %v, want a positioned *source.Error", err)
			}
			if err.Error() != tc.want {
				t.Errorf("Pools() error = %q, want %q", err, tc.want)
			}
		})
	}
	_, err := Pools(parseAll(t, "testdata/www.conf"), nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("x.conf", []byte("[www]\nlisten = 1\npm.max_children = 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Pools([]*File{f}, nil); err == nil || !strings.Contains(err.Error(), "x.conf:1:1: [pool www] the process manager is missing") {
		t.Errorf("Pools() without pm: error = %v", err)
	}
}
