package python

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/appstest"
	"github.com/conncap/conncap/inputs/source"
)

const (
	settings = "testdata/django/settings.py"
	gconf    = "testdata/django/gunicorn.conf.py"
	dbpy     = "testdata/sqla/db.py"
	procF    = "testdata/sqla/Procfile"
	flaskCfg = "testdata/flask/config.py"
	flaskApp = "testdata/flask/app.py"
	k8s      = "k8s/deploy.yaml"
)

func loadFiles(t testing.TB, paths ...string) []*File {
	t.Helper()
	return appstest.Load(t, Parse, paths...)
}

var (
	mustRead = appstest.MustRead
	at       = appstest.At
	note     = appstest.Note
	ival     = appstest.IVal
	sval     = appstest.SVal
)

func envOf(kv ...string) apps.EnvMap {
	m := apps.EnvMap{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = apps.EnvVar{Name: kv[i], Value: sval(kv[i+1], at(k8s, 10+i, 18))}
	}
	return m
}

// TestSample4 is reference sample 4: Django settings + gunicorn.conf.py,
// 4 workers × 8 threads × 1 connection per alias.
func TestSample4(t *testing.T) {
	got, err := Pools(loadFiles(t, settings, gconf), nil)
	if err != nil {
		t.Fatal(err)
	}
	procs := ival(32, note(gconf, 3, 11, "4 (testdata/django/gunicorn.conf.py:2:11) × 8 (testdata/django/gunicorn.conf.py:3:11)"))
	one := ival(1, source.Named("Django: one connection per thread per alias (no pool for MySQL)"))
	noIdle := apps.Duration{Origin: source.Named("Django has no idle timeout")}
	gthread := "threads 8 with the sync worker class: gunicorn runs gthread"
	want := []apps.Pool{
		{
			Ecosystem: "django", Name: "default", Max: one, Processes: procs, IdleTimeout: noIdle,
			MinIdle:     ival(1, at(settings, 17, 56)),
			MaxLifetime: apps.Duration{V: 60 * time.Second, Known: true, Origin: at(settings, 17, 56)},
			User:        sval("shop", note(settings, 30, 58, "DB_USER is not set")),
			Host:        sval("db", at(settings, 17, 34)),
			Database:    sval("shop", at(settings, 16, 72)),
			Notes:       []string{gthread, "CONN_MAX_AGE 60: each thread keeps its connection between requests for up to 60 s"},
		},
		{
			Ecosystem: "django", Name: "reports", Max: one, Processes: procs, IdleTimeout: noIdle,
			MinIdle:     ival(0, note(settings, 22, 61, "REPORTS_CONN_MAX_AGE is not set")),
			MaxLifetime: apps.Duration{Origin: note(settings, 22, 61, "CONN_MAX_AGE 0: a connection lasts one request")},
			User:        sval("reports", note(settings, 21, 13, "REPORTS_DATABASE_URL is not set; user from the URL")),
			Host:        sval("db-replica", note(settings, 21, 13, "REPORTS_DATABASE_URL is not set; host from the URL")),
			Database:    sval("shop", note(settings, 21, 13, "REPORTS_DATABASE_URL is not set; name from the URL")),
			Notes:       []string{gthread},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Pools() mismatch (-want +got):\n%s", diff)
	}
}

// TestSample5 is reference sample 5: create_engine(pool_size=10,
// max_overflow=5, pool_recycle=3500) and celery -c 8.
func TestSample5(t *testing.T) {
	files := loadFiles(t, dbpy, procF)
	web, err := Pools(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := apps.Pool{
		Ecosystem: "sqlalchemy", Name: "engine", Declared: true,
		Max:         ival(15, note(dbpy, 7, 65, "pool_size 10 + max_overflow 5 (testdata/sqla/db.py:7:82)")),
		MinIdle:     ival(10, at(dbpy, 7, 65)),
		MaxLifetime: apps.Duration{V: 3500 * time.Second, Known: true, Origin: at(dbpy, 7, 98)},
		IdleTimeout: apps.Duration{Origin: source.Named("SQLAlchemy pools have no idle timeout")},
		Processes:   ival(3, at(procF, 1, 31)),
		User:        sval("app", note(dbpy, 7, 24, "user from the URL")),
		Host:        sval("db", note(dbpy, 7, 24, "host from the URL")),
		Database:    sval("shop", note(dbpy, 7, 24, "database from the URL")),
		Notes:       []string{"threads 4 with the sync worker class: gunicorn runs gthread"},
	}
	if diff := cmp.Diff(want, web[0]); diff != "" {
		t.Errorf("Pools()[0] mismatch (-want +got):\n%s", diff)
	}
	celery, err := CeleryPools(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := celery[0]; got.Max.V != 15 || got.Processes != ival(8, at(procF, 2, 34)) {
		t.Errorf("celery engine: max %d × processes %v, want 15 × 8 from the Procfile", got.Max.V, got.Processes)
	}
}

type summary struct {
	Name      string
	Max       source.Value[int]
	Unbounded bool
	Processes source.Value[int]
}

func summarize(ps []apps.Pool) []summary {
	var out []summary
	for _, p := range ps {
		out = append(out, summary{p.Name, p.Max, p.Unbounded, p.Processes})
	}
	return out
}

func TestPools(t *testing.T) {
	w3 := ival(3, at(procF, 1, 31))
	w3t4 := ival(12, note(procF, 1, 43, "3 (testdata/sqla/Procfile:1:31) × 4 (testdata/sqla/Procfile:1:43)"))
	nullPool := ival(1, note(dbpy, 19, 66, "NullPool: one connection per checkout, closed when returned"))
	engine15 := ival(15, note(dbpy, 7, 65, "pool_size 10 + max_overflow 5 (testdata/sqla/db.py:7:82)"))
	gunicornDefault := ival(1, source.Named("gunicorn default workers 1"))
	tests := []struct {
		name  string
		files []string
		env   apps.EnvMap
		cmd   []string
		want  []summary
	}{
		{
			name:  "engines: env-driven pool_size default, sqlite left out, NullPool per thread",
			files: []string{dbpy, procF},
			want: []summary{
				{"engine", engine15, false, w3},
				{"reporting", ival(13, note(dbpy, 11, 57, "pool_size 3 + default max_overflow 10; REPORTING_POOL_SIZE is not set")), false, w3},
				{"scripts", nullPool, false, w3t4},
			},
		},
		{
			name:  "env wins: pool size and a non-MySQL URL",
			files: []string{dbpy, procF},
			env:   envOf("REPORTING_URL", "postgresql://rep@pg/shop", "REPORTING_POOL_SIZE", "20"),
			want:  []summary{{"engine", engine15, false, w3}, {"scripts", nullPool, false, w3t4}},
		},
		{
			name:  "env wins with its origin",
			files: []string{dbpy},
			env:   envOf("REPORTING_URL", "mysql://rep@replica/shop", "REPORTING_POOL_SIZE", "20"),
			want: []summary{
				{"engine", engine15, false, gunicornDefault},
				{"reporting", ival(30, note(k8s, 12, 18, "pool_size 20 + default max_overflow 10")), false, gunicornDefault},
				{"scripts", nullPool, false, gunicornDefault},
			},
		},
		{
			name:  "WEB_CONCURRENCY, then GUNICORN_CMD_ARGS, then the command line",
			files: []string{settings},
			env:   envOf("WEB_CONCURRENCY", "5", "GUNICORN_CMD_ARGS", "--workers=6 --threads 2"),
			cmd:   []string{"gunicorn", "shop.wsgi", "-w7"},
			want: []summary{
				{"default", ival(1, source.Named("Django: one connection per thread per alias (no pool for MySQL)")), false, ival(14, note(k8s, 12, 18, "7 (cmd:1:3) × 2 (k8s/deploy.yaml:12:18)"))},
				{"reports", ival(1, source.Named("Django: one connection per thread per alias (no pool for MySQL)")), false, ival(14, note(k8s, 12, 18, "7 (cmd:1:3) × 2 (k8s/deploy.yaml:12:18)"))},
			},
		},
		{
			name:  "gevent: one connection per greenlet for Django",
			files: []string{settings},
			cmd:   []string{"gunicorn", "-k", "gevent", "-w", "2", "shop.wsgi"},
			want: []summary{
				{"default", ival(1, source.Named("Django: one connection per thread per alias (no pool for MySQL)")), false, ival(2000, note("cmd", 1, 5, "2 (cmd:1:5) × 1000 (gunicorn default worker_connections 1000)"))},
				{"reports", ival(1, source.Named("Django: one connection per thread per alias (no pool for MySQL)")), false, ival(2000, note("cmd", 1, 5, "2 (cmd:1:5) × 1000 (gunicorn default worker_connections 1000)"))},
			},
		},
		{
			name:  "Flask-SQLAlchemy: config options over the extension's, env wins",
			files: []string{flaskCfg, flaskApp},
			env:   envOf("POOL_SIZE", "12"),
			want:  []summary{{"SQLALCHEMY_DATABASE_URI", ival(14, note(k8s, 10, 18, "pool_size 12 + max_overflow 2 (testdata/flask/app.py:4:49)")), false, gunicornDefault}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := loadFiles(t, tc.files...)
			if tc.cmd != nil {
				files = append(files, FromCommand(appstest.Command(tc.cmd)))
			}
			got, err := Pools(files, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, summarize(got)); diff != "" {
				t.Errorf("Pools() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnbounded(t *testing.T) {
	f, err := Parse("app.py", []byte("from sqlalchemy import create_engine\ne = create_engine('mysql://a@b/c', pool_size=0)\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := Pools([]*File{f}, nil)
	if len(got) != 1 || !got[0].Unbounded {
		t.Errorf("pool_size=0: %+v, want Unbounded", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ file, want string }{
		{"testdata/bad/unterminated.py", "testdata/bad/unterminated.py:2:13: \"{\" was never closed\ntestdata/bad/unterminated.py:2:25: \"{\" was never closed\ntestdata/bad/unterminated.py:2:72: unterminated string literal"},
		{"testdata/bad/brackets.py", "testdata/bad/brackets.py:8:1: unmatched \"]\""},
	}
	for _, tc := range tests {
		_, err := Parse(tc.file, mustRead(t, tc.file))
		var se *source.Error
		if !errors.As(err, &se) || se.Pos.Line < 1 {
			t.Fatalf("Parse(%s) error = %v, want positioned", tc.file, err)
		}
		if err.Error() != tc.want {
			t.Errorf("Parse(%s) error = %q, want %q", tc.file, err, tc.want)
		}
	}
}

func TestMatch(t *testing.T) {
	for p, want := range map[string]Kind{settings: Module, gconf: GunicornConfig, dbpy: Module, procF: Command, flaskCfg: Module, flaskApp: Module} {
		if got := kindOf(p, mustRead(t, p)); got != want {
			t.Errorf("kindOf(%s) = %v, want %v", p, got, want)
		}
	}
	for p, s := range map[string]string{"x.py": "print('hello')\n", "Procfile": "web: bundle exec puma\n", "x.yml": "DATABASES: 1\n"} {
		if Match(p, []byte(s)) {
			t.Errorf("Match(%s, %q) = true", p, s)
		}
	}
}

// TestEval pins the expression subset.
func TestEval(t *testing.T) {
	const p = "settings.py"
	env := apps.EnvMap{
		"SET":    {Name: "SET", Value: sval("12", at(k8s, 3, 18))},
		"EMPTY":  {Name: "EMPTY", Value: sval("", at(k8s, 4, 18))},
		"SECRET": {Name: "SECRET", Unknown: true, Value: sval("", at("k8s/secret.yaml", 1, 1))},
	}
	tests := []struct {
		in     string
		kind   pkind
		i      int64
		s      string
		origin source.Origin
	}{
		{`int(os.environ.get("SET", "5"))`, pInt, 12, "", at(k8s, 3, 18)},
		{`int(os.environ.get("UNSET", "5"))`, pInt, 5, "", note(p, 1, 29, "UNSET is not set")},
		{`os.getenv("UNSET", 7)`, pInt, 7, "", note(p, 1, 20, "UNSET is not set")},
		{`os.environ.get("EMPTY") or 9`, pInt, 9, "", at(p, 1, 28)},
		{`os.environ["SET"]`, pStr, 0, "12", at(k8s, 3, 18)},
		{`os.environ["UNSET"]`, pUnknown, 0, "", at(p, 1, 1)},
		{`int(os.getenv("SECRET", "3"))`, pUnknown, 0, "", at("k8s/secret.yaml", 1, 1)},
		{`env.int("UNSET", default=4)`, pInt, 4, "", note(p, 1, 26, "UNSET is not set")},
		{`config("SET", default=4, cast=int)`, pInt, 12, "", at(k8s, 3, 18)},
		{`2 * 3 + 1`, pInt, 7, "", at(p, 1, 1)},
		{`"a" "b"`, pStr, 0, "ab", at(p, 1, 1)},
		{`f"{x}"`, pUnknown, 0, "", at(p, 1, 1)},
		{`settings.POOL`, pRef, 0, "settings.POOL", at(p, 1, 1)},
	}
	for _, tc := range tests {
		toks, errs := lexPython(p, tc.in)
		if len(errs) > 0 {
			t.Fatalf("lex %q: %v", tc.in, errs)
		}
		ev := &evaluator{env: env, syms: map[string]pval{}}
		v := ev.eval(logicalLines(toks)[0])
		if v.kind != tc.kind || v.i != tc.i || v.s != tc.s || v.origin != tc.origin {
			t.Errorf("eval(%s) = %s %d %q %v (%s), want %s %d %q %v", tc.in, kindName(v), v.i, v.s, v.origin, v.why, kindName(pval{kind: tc.kind}), tc.i, tc.s, tc.origin)
		}
	}
}
