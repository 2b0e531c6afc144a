package rails

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
	s3db   = "testdata/sample3/config/database.yml"
	s3puma = "testdata/sample3/config/puma.rb"
	s3sq   = "testdata/sample3/config/sidekiq.yml"
	envK8s = "k8s/web.yaml"
)

func load(t testing.TB, paths ...string) []*File {
	t.Helper()
	return appstest.Load(t, Parse, paths...)
}

var (
	mustRead = appstest.MustRead
	pos      = appstest.Pos
	at       = appstest.At
	note     = appstest.Note
	ival     = appstest.IVal
	sval     = appstest.SVal
)

func envVar(name, v string, line int) apps.EnvVar {
	return apps.EnvVar{Name: name, Value: sval(v, at(envK8s, line, 18))}
}
func envOf(vars ...apps.EnvVar) apps.EnvMap {
	m := apps.EnvMap{}
	for _, v := range vars {
		m[v.Name] = v
	}
	return m
}

const prodAssumed = "environment production (RAILS_ENV and RACK_ENV unset: production assumed (Rails itself defaults to development))"

var (
	arIdle     = apps.Duration{V: 300 * time.Second, Known: true, Origin: source.Named("Active Record default idle_timeout 300 s")}
	arLifetime = apps.Duration{V: 0, Known: true, Origin: source.Named("Active Record keeps connections without a maximum age (max_age, Rails 8.1, default none)")}
	arMinIdle  = ival(0, source.Named("Active Record opens connections on demand (min_connections 0)"))
)

// TestSample3 is reference sample 3: database.yml + puma.rb + sidekiq.yml.
func TestSample3(t *testing.T) {
	files := load(t, s3db, s3puma, s3sq)
	pool5 := ival(5, note(s3db, 3, 46, "RAILS_MAX_THREADS is not set"))
	web := func(name, db string, line int) apps.Pool {
		return apps.Pool{
			Ecosystem: "rails", Name: name, Max: pool5, Declared: true, MinIdle: arMinIdle, IdleTimeout: arIdle, MaxLifetime: arLifetime,
			Processes: ival(2, note(s3puma, 3, 38, "WEB_CONCURRENCY is not set")),
			Database:  sval(db, at(s3db, line, 15)),
			Notes:     []string{prodAssumed},
		}
	}
	sq := func(name, db string, line int) apps.Pool {
		p := web(name, db, line)
		p.Processes = ival(1, source.Named("one Sidekiq process; its threads share the pools"))
		p.Notes = []string{
			prodAssumed,
			"Sidekiq concurrency 10 (testdata/sample3/config/sidekiq.yml:2:15)",
			"pool 5 (testdata/sample3/config/database.yml:3:46 (RAILS_MAX_THREADS is not set)) < Sidekiq concurrency 10 (testdata/sample3/config/sidekiq.yml:2:15): threads wait for a connection and time out after checkout_timeout (5 s)",
		}
		return p
	}
	tests := []struct {
		name    string
		sidekiq bool
		env     apps.EnvMap
		want    []apps.Pool
	}{
		{
			name: "web: 2 workers × (primary, cache) × 5",
			want: []apps.Pool{web("primary", "shop", 7), web("cache", "shop_cache", 10)},
		},
		{
			name:    "sidekiq: 1 process × 2 pools × 5, pool below concurrency",
			sidekiq: true,
			want:    []apps.Pool{sq("primary", "shop", 7), sq("cache", "shop_cache", 10)},
		},
		{
			name: "env wins with its origin; DATABASE_URL's pool= wins for primary only",
			env: envOf(
				envVar("RAILS_MAX_THREADS", "10", 20),
				envVar("WEB_CONCURRENCY", "4", 22),
				envVar("DATABASE_URL", "mysql2://app:pw@db.internal:3306/shop?pool=15", 24),
			),
			want: []apps.Pool{
				{
					Ecosystem: "rails", Name: "primary", Declared: true, MinIdle: arMinIdle, IdleTimeout: arIdle, MaxLifetime: arLifetime,
					Max:       ival(15, note(envK8s, 24, 18, "pool=15 from DATABASE_URL")),
					Processes: ival(4, at(envK8s, 22, 18)),
					User:      sval("app", note(envK8s, 24, 18, "username=app from DATABASE_URL")),
					Host:      sval("db.internal", note(envK8s, 24, 18, "host=db.internal from DATABASE_URL")),
					Database:  sval("shop", note(envK8s, 24, 18, "database=shop from DATABASE_URL")),
					Notes:     []string{prodAssumed, "DATABASE_URL (k8s/web.yaml:24:18) merged over database.yml: its values win"},
				},
				{
					Ecosystem: "rails", Name: "cache", Declared: true, MinIdle: arMinIdle, IdleTimeout: arIdle, MaxLifetime: arLifetime,
					Max:       ival(10, at(envK8s, 20, 18)),
					Processes: ival(4, at(envK8s, 22, 18)),
					Database:  sval("shop_cache", at(s3db, 10, 15)),
					Notes:     []string{prodAssumed},
				},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pools := Pools
			if tc.sidekiq {
				pools = SidekiqPools
			}
			got, err := pools(files, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// summary is the part of a pool most tests check.
type summary struct {
	Name      string
	Max       source.Value[int]
	Declared  bool
	Processes source.Value[int]
	Idle      time.Duration
}

func summarize(ps []apps.Pool) []summary {
	var out []summary
	for _, p := range ps {
		out = append(out, summary{p.Name, p.Max, p.Declared, p.Processes, p.IdleTimeout.V})
	}
	return out
}

func TestPools(t *testing.T) {
	const (
		r8db   = "testdata/rails8/config/database.yml"
		r8puma = "testdata/rails8/config/puma.rb"
		r71db  = "testdata/rails71/config/database.yml"
		r71    = "testdata/rails71/config/puma.rb"
		red    = "testdata/redmine/config/database.yml"
		multi  = "testdata/multi/config/database.yml"
	)
	single := ival(1, source.Named("Puma default workers 0 (single mode); single mode: one process"))
	r8max := ival(5, note(r8db, 6, 57, "RAILS_MAX_THREADS is not set"))
	r71max := ival(5, note(r71db, 3, 46, "RAILS_MAX_THREADS is not set"))
	prodEnv := apps.EnvVar{Name: "RAILS_ENV", Value: sval("production", at(envK8s, 9, 18))}
	tests := []struct {
		name  string
		files []*File
		env   apps.EnvMap
		want  []summary
	}{
		{
			name:  "Rails 8.1 template: four databases, max_connections, Puma single mode",
			files: load(t, r8db, r8puma),
			want: []summary{
				{"primary", r8max, true, single, 300 * time.Second}, {"cache", r8max, true, single, 300 * time.Second},
				{"queue", r8max, true, single, 300 * time.Second}, {"cable", r8max, true, single, 300 * time.Second},
			},
		},
		{
			name:  "Puma reads WEB_CONCURRENCY itself when puma.rb has no workers",
			files: load(t, r8db, r8puma),
			env:   envOf(envVar("WEB_CONCURRENCY", "3", 30)),
			want: []summary{
				{"primary", r8max, true, ival(3, at(envK8s, 30, 18)), 300 * time.Second}, {"cache", r8max, true, ival(3, at(envK8s, 30, 18)), 300 * time.Second},
				{"queue", r8max, true, ival(3, at(envK8s, 30, 18)), 300 * time.Second}, {"cable", r8max, true, ival(3, at(envK8s, 30, 18)), 300 * time.Second},
			},
		},
		{
			name:  "Rails 7.1 puma.rb: workers only under RAILS_ENV=production",
			files: load(t, r71db, r71),
			env:   envOf(prodEnv),
			want: []summary{
				{"primary", r71max, true, ival(2, source.Named("Concurrent.physical_processor_count: the processor count is unknown offline; assumed 2")), 300 * time.Second},
				{"cache", r71max, true, ival(2, source.Named("Concurrent.physical_processor_count: the processor count is unknown offline; assumed 2")), 300 * time.Second},
			},
		},
		{
			// workers is skipped (worker_count > 1 is false) but Puma reads
			// WEB_CONCURRENCY=1 itself: cluster mode with one worker.
			name:  "Rails 7.1 puma.rb: WEB_CONCURRENCY=1 skips workers (worker_count > 1)",
			files: load(t, r71db, r71),
			env:   envOf(prodEnv, envVar("WEB_CONCURRENCY", "1", 10)),
			want: []summary{
				{"primary", r71max, true, ival(1, at(envK8s, 10, 18)), 300 * time.Second},
				{"cache", r71max, true, ival(1, at(envK8s, 10, 18)), 300 * time.Second},
			},
		},
		{
			name:  "Rails 7.1 puma.rb without RAILS_ENV: the if is false, the hook's workers 99 never runs",
			files: load(t, r71db, r71),
			want: []summary{
				{"primary", r71max, true, single, 300 * time.Second}, {"cache", r71max, true, single, 300 * time.Second},
			},
		},
		{
			name:  "redmine: no pool key, default 5",
			files: load(t, red),
			want:  []summary{{"primary", ival(5, source.Named("Active Record default pool 5")), false, single, 300 * time.Second}},
		},
		{
			name:  "url: wins, replica, postgres left out, unknown ERB assumed default",
			files: load(t, multi),
			env:   envOf(envVar("PRIMARY_URL", "trilogy://shop@primary.db/shop?pool=20&idle_timeout=30", 40)),
			want: []summary{
				{"primary", ival(20, note(envK8s, 40, 18, "pool=20 from url:")), true, single, 30 * time.Second},
				{"primary_replica", ival(8, note(multi, 16, 49, "REPLICA_POOL is not set")), true, single, 0},
				{"jobs", ival(5, note(multi, 23, 11, "pool: ERB <%= Settings.jobs.pool %> at testdata/multi/config/database.yml:23:11 is not evaluated: uses Settings; assumed the default 5")), false, single, 60 * time.Second},
			},
		},
		{
			name:  "command line flags win over puma.rb",
			files: append(load(t, s3db, s3puma), FromCommand([]source.Value[string]{sval("bundle", at("compose.yaml", 9, 15)), sval("exec", at("compose.yaml", 9, 22)), sval("puma", at("compose.yaml", 9, 27)), sval("-w", at("compose.yaml", 9, 32)), sval("6", at("compose.yaml", 9, 35))})),
			want: []summary{
				{"primary", ival(5, note(s3db, 3, 46, "RAILS_MAX_THREADS is not set")), true, ival(6, at("compose.yaml", 9, 35)), 300 * time.Second},
				{"cache", ival(5, note(s3db, 3, 46, "RAILS_MAX_THREADS is not set")), true, ival(6, at("compose.yaml", 9, 35)), 300 * time.Second},
			},
		},
		{
			name:  "RAILS_ENV=development picks that environment",
			files: load(t, red),
			env:   envOf(apps.EnvVar{Name: "RAILS_ENV", Value: sval("development", at(envK8s, 9, 18))}),
			want:  []summary{{"primary", ival(5, source.Named("Active Record default pool 5")), false, single, 300 * time.Second}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Pools(tc.files, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, summarize(got)); diff != "" {
				t.Errorf("Pools() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPoolNotes(t *testing.T) {
	// Puma max threads above the pool is worth a note.
	files := append(load(t, s3db, s3puma), FromCommand([]source.Value[string]{sval("puma", at("Procfile", 1, 6)), sval("-t", at("Procfile", 1, 11)), sval("4:16", at("Procfile", 1, 14))}))
	got, err := Pools(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "pool 5 (testdata/sample3/config/database.yml:3:46 (RAILS_MAX_THREADS is not set)) < Puma max threads 16 (Procfile:1:14): threads wait for a connection and time out after checkout_timeout (5 s)"
	if n := got[0].Notes; n[len(n)-1] != want {
		t.Errorf("notes = %q, want last %q", n, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ file, want string }{
		{"testdata/bad/indent.yml", "testdata/bad/indent.yml:4: mapping values are not allowed in this context"},
		{"testdata/bad/erb.yml", "testdata/bad/erb.yml:3:9: unterminated ERB tag: no %> after <%"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.file, mustRead(t, tc.file))
		var se *source.Error
		if !errors.As(err, &se) || se.Pos.Line < 1 {
			t.Fatalf("Parse(%s) error = %v, want a positioned *source.Error", tc.file, err)
		}
		if err.Error() != tc.want {
			t.Errorf("Parse(%s) error = %q, want %q", tc.file, err, tc.want)
		}
	}
}

func TestMatch(t *testing.T) {
	for p, want := range map[string]Kind{
		s3db: DatabaseYML, s3puma: PumaConfig, s3sq: SidekiqYML,
		"testdata/rails8/config/puma.rb": PumaConfig, "testdata/redmine/config/database.yml": DatabaseYML,
	} {
		if got := kindOf(p, mustRead(t, p)); got != want {
			t.Errorf("kindOf(%s) = %v, want %v", p, got, want)
		}
	}
	for _, s := range []string{"services:\n  db:\n    image: mysql\n", "[mysqld]\nmax_connections=1\n"} {
		if Match("x.yml", []byte(s)) {
			t.Errorf("Match(%q) = true", s)
		}
	}
}

// TestEval pins the Ruby subset on the forms Rails templates use.
func TestEval(t *testing.T) {
	const p = "config/database.yml"
	env := envOf(envVar("SET", "12", 3), envVar("EMPTY", "", 4), apps.EnvVar{Name: "SECRET", Unknown: true, Value: sval("", at("k8s/secret.yaml", 1, 1))})
	tests := []struct {
		in     string
		text   string
		kind   vkind
		origin source.Origin
	}{
		{`ENV.fetch("RAILS_MAX_THREADS") { 5 }`, "5", vInt, note(p, 1, 34, "RAILS_MAX_THREADS is not set")},
		{`ENV.fetch("SET") { 5 }`, "12", vStr, at(envK8s, 3, 18)},
		{`ENV.fetch("UNSET", 7)`, "7", vInt, note(p, 1, 20, "UNSET is not set")},
		{`ENV["SET"] || 5`, "12", vStr, at(envK8s, 3, 18)},
		{`ENV["UNSET"] || 5`, "5", vInt, at(p, 1, 17)},
		{`ENV["EMPTY"] || 5`, "", vStr, at(envK8s, 4, 18)},
		{`ENV["EMPTY"].presence || 5`, "5", vInt, at(p, 1, 26)},
		{`ENV['UNSET']`, "", vNil, note(p, 1, 1, "UNSET is not set")},
		{`Integer(ENV.fetch("SET"))`, "12", vInt, at(envK8s, 3, 18)},
		{`ENV.fetch("UNSET", "8").to_i`, "8", vInt, note(p, 1, 20, "UNSET is not set")},
		{`ENV.fetch("UNSET")`, "", vUnknown, at(p, 1, 1)},
		{`ENV.fetch("SECRET") { 5 }`, "", vUnknown, at("k8s/secret.yaml", 1, 1)},
		{`Integer("abc")`, "", vUnknown, at(p, 1, 1)},
		{`Rails.application.credentials.pool`, "", vUnknown, at(p, 1, 1)},
		{`ENV.fetch("UNSET") { ENV.fetch("SET") { 1 } }`, "12", vStr, at(envK8s, 3, 18)},
	}
	for _, tc := range tests {
		ev := &evaluator{env: env, vars: map[string]value{}}
		v := ev.eval(tc.in, pos(p, 1, 1))
		if v.kind != tc.kind || v.text() != tc.text || v.origin != tc.origin {
			t.Errorf("eval(%s) = %v %q %v (%s), want %v %q %v", tc.in, kindName(v), v.text(), v.origin, v.why, kindName(value{kind: tc.kind}), tc.text, tc.origin)
		}
	}
}

// TestRenderPositions checks that positions after an ERB tag map back to
// the template.
func TestRenderPositions(t *testing.T) {
	src := "a: <%= ENV.fetch(\"X\") { 12345 } %> b\nc: d\n"
	r, err := renderERB("t.yml", src, &evaluator{vars: map[string]value{}})
	if err != nil {
		t.Fatal(err)
	}
	if r.text != "a: 12345 b\nc: d\n" {
		t.Fatalf("rendered %q", r.text)
	}
	for _, tc := range []struct {
		line, col int
		want      source.Pos
	}{
		{1, 1, pos("t.yml", 1, 1)},
		{1, 4, pos("t.yml", 1, 4)},   // the tag's output → the tag
		{1, 10, pos("t.yml", 1, 36)}, // "b" after the tag
		{2, 4, pos("t.yml", 2, 4)},
	} {
		if got := r.pos(tc.line, tc.col); got != tc.want {
			t.Errorf("pos(%d, %d) = %v, want %v", tc.line, tc.col, got, tc.want)
		}
	}
}
