package compose

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

const (
	base     = "testdata/compose.yaml"
	override = "testdata/compose.override.yaml"
	dotenv   = "testdata/.env"
)

var ignoreSet = cmpopts.IgnoreUnexported(Service{}, File{})

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParse(t testing.TB, p string) *File {
	t.Helper()
	f, err := Parse(p, mustRead(t, p))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func at(p string, line, col int) source.Origin { return source.At(pos(p, line, col)) }
func pos(p string, line, col int) source.Pos   { return source.Pos{Path: p, Line: line, Col: col} }
func str(v string, o source.Origin) source.Value[string] {
	return source.Value[string]{V: v, Origin: o}
}
func num(v int, o source.Origin) source.Value[int] { return source.Value[int]{V: v, Origin: o} }
func env(name, v string, o source.Origin) apps.EnvVar {
	return apps.EnvVar{Name: name, Value: str(v, o)}
}

func TestParse(t *testing.T) {
	f := mustParse(t, base)
	want := []*Service{
		{
			Name: "api", Pos: pos(base, 12, 3),
			Image:    str("shop-api:2", at(base, 3, 10)),
			Replicas: num(3, at(base, 14, 24)), DeployMode: replicated(),
			Environment: []apps.EnvVar{env("DB_HOST", "db", at(base, 6, 14)), env("DB_POOL_MAX", "20", at(base, 7, 18))},
			EnvFiles:    []source.Value[string]{str(".env.app", at(base, 4, 13))},
			Command: []source.Value[string]{
				str("bundle", at(base, 15, 14)), str("exec", at(base, 15, 21)), str("puma", at(base, 15, 26)),
				str("-C", at(base, 15, 31)), str("config/puma.rb", at(base, 15, 34)),
			},
			NofileSoft: nofileUnset(), NofileHard: nofileUnset(),
			DependsOn: []string{"db"},
		},
		{
			Name: "worker", Pos: pos(base, 16, 3),
			Image:    str("shop-api:2", at(base, 3, 10)),
			Replicas: oneReplica(), DeployMode: replicated(),
			// Written keys first, then those the merge key brings in
			// (yaml.v3 map semantics: the written DB_POOL_MAX wins).
			Environment: []apps.EnvVar{env("DB_POOL_MAX", "10", at(base, 20, 20)), env("QUEUE", "default,mailers", at(base, 21, 14)), env("DB_HOST", "db", at(base, 6, 14))},
			EnvFiles:    []source.Value[string]{str(".env.app", at(base, 4, 13))},
			Command: []source.Value[string]{
				str("bundle", at(base, 22, 15)), str("exec", at(base, 22, 25)), str("sidekiq", at(base, 22, 33)),
				str("-c", at(base, 22, 44)), str("10", at(base, 22, 50)),
			},
			NofileSoft: nofileUnset(), NofileHard: nofileUnset(),
			DependsOn: []string{"db"}, Profiles: []string{"jobs"},
		},
		{
			Name: "db", Pos: pos(base, 24, 3),
			Image:    str("mysql:8.4", at(base, 25, 12)),
			Replicas: oneReplica(), DeployMode: replicated(),
			Environment: []apps.EnvVar{
				env("MYSQL_DATABASE", "shop", at(base, 30, 24)),
				{Name: "MYSQL_ROOT_PASSWORD", Unknown: true, Value: str("", source.Origin{Pos: pos(base, 31, 9), Note: "MYSQL_ROOT_PASSWORD is taken from the shell's environment"})},
			},
			Command:    []source.Value[string]{str("--max-connections=300", at(base, 26, 15)), str("--table-open-cache=2000", at(base, 26, 40))},
			NofileSoft: num(1024, at(base, 28, 22)), NofileHard: num(65536, at(base, 28, 34)),
		},
	}
	if diff := cmp.Diff(want, f.Services, ignoreSet, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
	}
}

// TestParseRaw checks what Parse leaves for Interpolate: defaults with a
// note for numbers, Unknown for environment values.
func TestParseRaw(t *testing.T) {
	f := mustParse(t, override)
	api := f.Services[0]
	if api.Replicas != oneReplica() {
		t.Errorf("raw replicas = %v, want the default", api.Replicas)
	}
	wantNote := `services.api.deploy.replicas at testdata/compose.override.yaml:4:17: "${API_REPLICAS:-5}" needs interpolation (Interpolate); the default is kept`
	if diff := cmp.Diff([]string{wantNote}, api.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	if ev := api.Environment[0]; ev.Name != "DB_POOL_MAX" || !ev.Unknown || ev.Value.V != "${DB_POOL_MAX}" {
		t.Errorf("raw env = %+v, want DB_POOL_MAX unknown as written", ev)
	}
}

func loadEnv(t *testing.T, shell apps.EnvMap) apps.EnvMap {
	t.Helper()
	e, err := ParseDotEnv(dotenv, mustRead(t, dotenv))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range shell {
		e[k] = v // the shell beats .env
	}
	return e
}

func TestInterpolateAndMerge(t *testing.T) {
	secret := apps.EnvVar{Name: "WEB_CONCURRENCY", Unknown: true, Value: str("", at("k8s/secret.yaml", 7, 3))}
	tests := []struct {
		name  string
		env   apps.EnvMap
		api   *Service
		dbCmd []source.Value[string]
	}{
		{
			name: "env file values win with their origin",
			env:  loadEnv(t, nil),
			api: &Service{
				Name: "api", Pos: pos(base, 12, 3),
				Image:      str("shop-api:2", at(base, 3, 10)),
				Replicas:   num(6, at(dotenv, 3, 14)),
				DeployMode: replicated(),
				Environment: []apps.EnvVar{
					env("DB_HOST", "db", at(base, 6, 14)),
					env("DB_POOL_MAX", "25", at(dotenv, 4, 20)),
					env("RAILS_MAX_THREADS", "5", at(override, 7, 26)),
				},
				EnvFiles: []source.Value[string]{str(".env.app", at(base, 4, 13))},
				Command: []source.Value[string]{
					str("bundle", at(override, 8, 14)), str("exec", at(override, 8, 21)), str("puma", at(override, 8, 26)), str("-w", at(override, 8, 31)),
					str("2", source.Origin{Pos: pos(override, 8, 34), Note: "${WEB_CONCURRENCY:-2} with WEB_CONCURRENCY unset or empty"}),
					str("-C", at(override, 8, 56)), str("config/puma.rb", at(override, 8, 59)),
				},
				NofileSoft: nofileUnset(), NofileHard: nofileUnset(),
				DependsOn: []string{"db"},
			},
			dbCmd: []source.Value[string]{
				str("--max-connections=600", source.Origin{Pos: pos(override, 10, 14), Note: "interpolated from MAX_CONN"}),
				str("--open-files-limit=20000", at(override, 10, 49)),
			},
		},
		{
			name: "defaults when unset; a secret stays unknown",
			env:  apps.EnvMap{"WEB_CONCURRENCY": secret},
			api: &Service{
				Name: "api", Pos: pos(base, 12, 3),
				Image:      str("shop-api:2", at(base, 3, 10)),
				Replicas:   num(5, source.Origin{Pos: pos(override, 4, 17), Note: "${API_REPLICAS:-5} with API_REPLICAS unset or empty"}),
				DeployMode: replicated(),
				Environment: []apps.EnvVar{
					env("DB_HOST", "db", at(base, 6, 14)),
					env("DB_POOL_MAX", "", source.Origin{Pos: pos(override, 6, 20), Note: "DB_POOL_MAX is unset: Compose substitutes an empty string"}),
					env("RAILS_MAX_THREADS", "5", at(override, 7, 26)),
				},
				EnvFiles: []source.Value[string]{str(".env.app", at(base, 4, 13))},
				Command: []source.Value[string]{
					str("bundle", at(override, 8, 14)), str("exec", at(override, 8, 21)), str("puma", at(override, 8, 26)), str("-w", at(override, 8, 31)),
					str("-C", at(override, 8, 56)), str("config/puma.rb", at(override, 8, 59)),
				},
				Notes:      []string{"services.api.command at testdata/compose.override.yaml:8:14: ${WEB_CONCURRENCY} comes from a source whose value is not in the inputs"},
				NofileSoft: nofileUnset(), NofileHard: nofileUnset(),
				DependsOn: []string{"db"},
			},
			dbCmd: []source.Value[string]{
				str("--max-connections=500", source.Origin{Pos: pos(override, 10, 14), Note: "interpolated from MAX_CONN"}),
				str("--open-files-limit=20000", at(override, 10, 49)),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var files []*File
			for _, p := range []string{base, override} {
				f, err := mustParse(t, p).Interpolate(tc.env)
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, f)
			}
			p := Merge(files)
			if diff := cmp.Diff([]string{base, override}, p.Files); diff != "" {
				t.Errorf("Files (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.api, p.Service("api"), ignoreSet, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("api mismatch (-want +got):\n%s", diff)
			}
			db := p.Service("db")
			if diff := cmp.Diff(tc.dbCmd, db.Command); diff != "" {
				t.Errorf("db command (-want +got):\n%s", diff)
			}
			want := num(32768, at(override, 12, 15))
			if db.NofileSoft != want || db.NofileHard != want {
				t.Errorf("db nofile = %v/%v, want %v from the override", db.NofileSoft, db.NofileHard, want)
			}
			if got := p.Service("worker").Replicas; got != oneReplica() {
				t.Errorf("worker replicas = %v, want the default", got)
			}
			// Merge leaves its inputs alone.
			if got := files[0].Services[0].Replicas.V; got != 3 {
				t.Errorf("base api replicas changed to %d", got)
			}
		})
	}
}

func TestMergeResetOverride(t *testing.T) {
	a, err := Parse("a.yaml", []byte("services:\n  s:\n    image: x\n    environment: {A: '1', B: '2'}\n    deploy: {replicas: 4}\n    depends_on: [db]\n    ulimits: {nofile: 100}\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse("b.yaml", []byte("services:\n  s:\n    environment: !override {C: '3'}\n    deploy: {replicas: !reset null}\n    depends_on: [cache, db]\n    ulimits: !reset {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := Merge([]*File{a, b}).Service("s")
	if diff := cmp.Diff([]apps.EnvVar{env("C", "3", at("b.yaml", 3, 32))}, s.Environment); diff != "" {
		t.Errorf("environment (-want +got):\n%s", diff)
	}
	if s.Replicas != oneReplica() || s.NofileSoft != nofileUnset() {
		t.Errorf("replicas %v, nofile %v: want both reset to the defaults", s.Replicas, s.NofileSoft)
	}
	if diff := cmp.Diff([]string{"db", "cache"}, s.DependsOn); diff != "" {
		t.Errorf("depends_on (-want +got):\n%s", diff)
	}
	if s.Image.V != "x" {
		t.Errorf("image = %q, want x kept", s.Image.V)
	}
}

func TestParseOther(t *testing.T) {
	const sentry = "testdata/docker-compose.sentry.yml"
	f := mustParse(t, sentry)
	web := f.Services[1]
	if web.Name != "web" || web.Replicas != num(2, at(sentry, 19, 12)) {
		t.Errorf("web replicas from scale = %v", web.Replicas)
	}
	if web.NofileSoft != num(4096, at(sentry, 22, 15)) || web.NofileHard != num(4096, at(sentry, 23, 15)) {
		t.Errorf("web nofile = %v/%v", web.NofileSoft, web.NofileHard)
	}
	const nc = "testdata/docker-compose.nextcloud.yml"
	g := mustParse(t, nc)
	db := g.Services[0]
	var words []string
	for _, w := range db.Command {
		words = append(words, w.V)
	}
	if diff := cmp.Diff([]string{"--transaction-isolation=READ-COMMITTED", "--log-bin=binlog", "--binlog-format=ROW", "--max_connections=250"}, words); diff != "" {
		t.Errorf("db command (-want +got):\n%s", diff)
	}
	if got := db.Command[3].Origin; got != at(nc, 6, 90) {
		t.Errorf("--max_connections at %v, want %v", got, at(nc, 6, 90))
	}
	if diff := cmp.Diff([]string{"db", "redis"}, g.Services[1].DependsOn); diff != "" {
		t.Errorf("depends_on map form (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"testdata/bad/indent.yaml", "testdata/bad/indent.yaml:4: did not find expected key"},
		{"testdata/bad/not-mapping.yaml", "testdata/bad/not-mapping.yaml:2:8: services.api must be a mapping"},
		{"testdata/bad/scale.yaml", "testdata/bad/scale.yaml:4:12: services.api: can't set distinct values on 'scale' and 'deploy.replicas'"},
		{"testdata/bad/quote.yaml", `testdata/bad/quote.yaml:3:14: services.db.command: invalid command line string "mysqld \"--max-connections=10"`},
		{"testdata/bad/duplicate.yaml", `testdata/bad/duplicate.yaml:4:3: mapping key "db" already defined at line 2`},
		{"testdata/bad/replicas.yaml", `testdata/bad/replicas.yaml:4:17: services.api.deploy.replicas must be an integer, not "three"`},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, err := Parse(tc.file, mustRead(t, tc.file))
			var se *source.Error
			if !errors.As(err, &se) || se.Pos.Line < 1 {
				t.Fatalf("Parse() error = %v, want a positioned *source.Error", err)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse() error = %q, want %q", err, tc.want)
			}
		})
	}
	f, err := Parse("c.yaml", []byte("services:\n  db:\n    image: ${TAG:?set TAG}\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Interpolate(nil)
	if err == nil || err.Error() != "c.yaml:3:12: services.db.image: required variable TAG is missing a value: set TAG" {
		t.Errorf("Interpolate() error = %v", err)
	}
}

// TestYAMLErrorLines pins the line yaml.v3 reports for syntax errors
// against the line the problem is on.
func TestYAMLErrorLines(t *testing.T) {
	tests := []struct {
		in   string
		line int
	}{
		{"a: b: c\n", 1},
		{"a:\n  - b\n c: d\n", 3},
		{"a: [1,\n", 1},
		{"- a\nb: c\n", 2},
		{"x: 1\ny: \"open\n", 2},
		{"services:\n  api:\n    image: a\n   command: x\n", 4},
		{"a: 1\nb: *nope\n", 2},
		{"a: 1\n\tb: 2\n", 2},
	}
	for _, tc := range tests {
		_, err := Parse("e.yaml", []byte(tc.in))
		var se *source.Error
		if !errors.As(err, &se) {
			t.Fatalf("Parse(%q) error = %v", tc.in, err)
		}
		if se.Pos.Line != tc.line {
			t.Errorf("Parse(%q) error %q at line %d, want %d", tc.in, se, se.Pos.Line, tc.line)
		}
	}
}

func TestSubstitute(t *testing.T) {
	vars := map[string]string{"SET": "v", "EMPTY": ""}
	lookup := func(n string) (string, bool, bool) { v, ok := vars[n]; return v, ok, true }
	tests := []struct{ in, want, err string }{
		{"plain", "plain", ""},
		{"$SET-${SET}", "v-v", ""},
		{"$$SET", "$SET", ""},
		{"${UNSET:-d}|${EMPTY:-d}|${EMPTY-d}|${UNSET-d}", "d|d||d", ""},
		{"${UNSET:-${EMPTY:-${SET}}}", "v", ""},
		{"${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}|${UNSET+alt}", "alt||alt|", ""},
		{"${UNSET}", "", ""},
		{"${UNSET:?need it}", "", "required variable UNSET is missing a value: need it"},
		{"${EMPTY?x}", "", ""},
		{"cost $5", "", "invalid interpolation format"},
		{"${", "", "invalid interpolation format"},
		{"${1A}", "", "invalid interpolation format"},
		{"${A/b/c}", "", "invalid interpolation format"},
		{"end$", "", "invalid interpolation format"},
	}
	for _, tc := range tests {
		got, _, err := substitute(tc.in, lookup)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("substitute(%q) error = %v, want %q", tc.in, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("substitute(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		in   string
		want []word
		stop bool
		err  bool
	}{
		{in: "mysqld --max-connections=500", want: []word{{"mysqld", 0, 6}, {"--max-connections=500", 7, 28}}},
		{in: `sh -c "echo 'a b'; exit"`, want: []word{{"sh", 0, 2}, {"-c", 3, 5}, {"echo 'a b'; exit", 6, 24}}},
		{in: `a\ b 'c\d' "e\"f" ""`, want: []word{{"a b", 0, 4}, {`c\d`, 5, 10}, {`e"f`, 11, 17}, {"", 18, 20}}},
		{in: "run && other", want: []word{{"run", 0, 3}}, stop: true},
		{in: `"open`, err: true},
		{in: "  ", want: nil},
	}
	for _, tc := range tests {
		got, stop, err := splitCommand(tc.in)
		if (err != nil) != tc.err || stop != tc.stop {
			t.Errorf("splitCommand(%q) stop %v err %v", tc.in, stop, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(word{})); diff != "" {
			t.Errorf("splitCommand(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestParseDotEnv(t *testing.T) {
	got, err := ParseDotEnv(dotenv, mustRead(t, dotenv))
	if err != nil {
		t.Fatal(err)
	}
	want := apps.EnvMap{
		"COMPOSE_PROJECT_NAME": env("COMPOSE_PROJECT_NAME", "shop", at(dotenv, 2, 22)),
		"API_REPLICAS":         env("API_REPLICAS", "6", at(dotenv, 3, 14)),
		"DB_POOL_MAX":          env("DB_POOL_MAX", "25", at(dotenv, 4, 20)),
		"MAX_CONN":             env("MAX_CONN", "600", at(dotenv, 5, 10)),
		"LITERAL":              env("LITERAL", "${NOT_EXPANDED}", at(dotenv, 6, 9)),
		"GREETING":             env("GREETING", "hello\nworld", at(dotenv, 7, 10)),
		"DSN":                  env("DSN", "mysql://app@db/shop", at(dotenv, 8, 5)),
		"FROM_SHELL":           {Name: "FROM_SHELL", Unknown: true, Value: str("", source.Origin{Pos: pos(dotenv, 9, 1), Note: "FROM_SHELL is taken from the shell's environment"})},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseDotEnv() mismatch (-want +got):\n%s", diff)
	}
	_, err = ParseDotEnv("x.env", []byte("OK=1\nBAD KEY=2\nQ=\"open\n"))
	if err == nil || err.Error() != "x.env:2:1: unexpected character after variable name BAD\nx.env:3:3: unterminated quoted value for Q" {
		t.Errorf("ParseDotEnv() error = %v", err)
	}
}

func TestMatch(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.y*ml")
	for _, p := range files {
		if !Match(p, mustRead(t, p)) {
			t.Errorf("Match(%s) = false", p)
		}
	}
	for _, s := range []string{
		"apiVersion: v1\nkind: Service\nmetadata: {name: db}\n",
		"services: [a, b]\n",
		"default: &default\n  adapter: mysql2\n",
		"services:\n  enabled: true\n",
	} {
		if Match("x.yaml", []byte(s)) {
			t.Errorf("Match(%q) = true", s)
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	src := "services:\n" +
		"  a:\n    image: mysql\n    mem_limit: 2g\n" +
		"  b:\n    image: mysql\n    deploy:\n      resources:\n        limits:\n          memory: 512M\n    mem_limit: 2g\n" +
		"  c:\n    image: mysql\n"
	f, err := Parse("compose.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		Name, Limit, At string
	}
	var gs []got
	for _, s := range f.Services {
		gs = append(gs, got{s.Name, s.MemoryLimit.V, s.MemoryLimit.Origin.Pos.String()})
	}
	want := []got{{"a", "2g", "compose.yaml:4:16"}, {"b", "512M", "compose.yaml:10:19"}, {"c", "", "-"}}
	if diff := cmp.Diff(want, gs); diff != "" {
		t.Errorf("MemoryLimit mismatch (-want +got):\n%s", diff)
	}
	for in, n := range map[string]int64{"2g": 2 << 30, "512M": 512 << 20, "1gb": 1 << 30, "1024": 1024, "1.5k": 1536, "7b": 7} {
		if v, err := MemoryBytes(in); err != nil || v != n {
			t.Errorf("MemoryBytes(%q) = %d, %v; want %d", in, v, err, n)
		}
	}
	for _, bad := range []string{"", "g", "-1m", "1t", "lots"} {
		if _, err := MemoryBytes(bad); err == nil {
			t.Errorf("MemoryBytes(%q): want an error", bad)
		}
	}
}
