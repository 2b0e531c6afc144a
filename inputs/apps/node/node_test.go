package node

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/appstest"
	"github.com/conncap/conncap/inputs/source"
)

const (
	dotenv = "testdata/app/.env"
	eco    = "testdata/app/ecosystem.config.js"
	dbjs   = "testdata/app/src/db.js"
	knexts = "testdata/app/src/knex.ts"
	seqjs  = "testdata/app/src/sequelize.js"
	schema = "testdata/app/prisma/schema.prisma"
	pkg    = "testdata/app/package.json"
	poolts = "testdata/env/src/pool.ts"
	knexf  = "testdata/env/src/knexfile.js"
	eco2   = "testdata/env/ecosystem.config.js"
	k8s    = "k8s/api.yaml"
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

// TestSample6 is reference sample 6: mysql2 25, knex 12, Sequelize 2 × 8,
// Prisma 7 from .env, PM2 × 4.
func TestSample6(t *testing.T) {
	got, err := Pools(loadFiles(t, dotenv, eco, pkg, schema, dbjs, knexts, seqjs), nil)
	if err != nil {
		t.Fatal(err)
	}
	procs := ival(4, at(eco, 1, 77))
	fromURL := func(v, what string) source.Value[string] { return sval(v, note(dotenv, 2, 14, what+" from the URL")) }
	noLife := func(eco string) apps.Duration {
		return apps.Duration{Origin: source.Named(eco + " has no maximum connection lifetime")}
	}
	rep := "replication at testdata/app/src/sequelize.js:9:16: a read pool (shared by the read replicas) and a write pool, each up to pool.max"
	seq := func(name string, host source.Value[string]) apps.Pool {
		return apps.Pool{
			Ecosystem: "sequelize", Name: name, Max: ival(8, at(seqjs, 8, 16)), Declared: true, Processes: procs,
			MinIdle:     ival(0, source.Named("Sequelize default pool.min 0")),
			IdleTimeout: apps.Duration{V: 10 * time.Second, Known: true, Origin: source.Named("Sequelize default pool.idle 10000 ms")},
			MaxLifetime: apps.Duration{Origin: source.Named("Sequelize's maxUses counts uses, not time")},
			User:        fromURL("app", "user"), Host: host, Database: fromURL("shop", "database"),
			Notes: []string{rep},
		}
	}
	want := []apps.Pool{
		{
			Ecosystem: "mysql2", Name: "db.js:4", Max: ival(25, at(dbjs, 4, 80)), Declared: true, Processes: procs,
			MinIdle:     ival(25, source.Named("mysql2 default maxIdle = connectionLimit")),
			IdleTimeout: apps.Duration{V: 0, Known: true, Origin: source.Named("mysql2: idle connections are reaped only above maxIdle, which equals connectionLimit: none are")},
			MaxLifetime: noLife("mysql2"),
			Host:        sval("db", at(dbjs, 4, 39)), Database: sval("shop", at(dbjs, 4, 55)),
		},
		{
			Ecosystem: "knex", Name: "knex.ts:5", Max: ival(12, at(knexts, 5, 109)), Declared: true, Processes: procs,
			MinIdle:     ival(2, at(knexts, 5, 101)),
			IdleTimeout: apps.Duration{Origin: source.Named("tarn.js idleTimeoutMillis default not verified")},
			MaxLifetime: noLife("knex"),
			User:        fromURL("app", "user"), Host: fromURL("db", "host"), Database: fromURL("shop", "database"),
		},
		seq("sequelize.js:6 (read)", fromURL("db", "host")),
		seq("sequelize.js:6 (write)", sval("w", at(seqjs, 11, 20))),
		{
			Ecosystem: "prisma", Name: "datasource db", Max: ival(7, note(dotenv, 2, 14, "connection_limit=7 in the URL")), Declared: true, Processes: procs,
			MinIdle:     ival(-1, source.Named("Prisma opens connections on demand")),
			IdleTimeout: apps.Duration{Origin: source.Named("Prisma has no idle timeout setting")},
			MaxLifetime: apps.Duration{Origin: source.Named("Prisma has no maximum lifetime setting")},
			User:        fromURL("app", "user"), Host: fromURL("db", "host"), Database: fromURL("shop", "database"),
			Notes: []string{"Prisma ≤ 6 built-in engine; with Prisma 7 driver adapters the pool comes from the driver"},
		},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Pools() mismatch (-want +got):\n%s", diff)
	}
}

type summary struct {
	Eco, Name string
	Max       source.Value[int]
	Processes source.Value[int]
}

func summarize(ps []apps.Pool) []summary {
	var out []summary
	for _, p := range ps {
		out = append(out, summary{p.Ecosystem, p.Name, p.Max, p.Processes})
	}
	return out
}

func TestPools(t *testing.T) {
	cpus := ival(2, note(eco2, 4, 57, "instances max: the CPU count, unknown offline; assumed 2"))
	knex16 := summary{"knex", "knexfile.js:2 (production)", ival(16, at(knexf, 10, 57)), cpus}
	tests := []struct {
		name  string
		files []string
		env   apps.EnvMap
		cmd   []string
		want  []summary
	}{
		{
			name:  "defaults and literals; PM2 app picked by its script; postgres left out",
			files: []string{poolts, knexf, eco2},
			want: []summary{
				{"mysql2", "pool.ts:6", ival(10, at(poolts, 4, 55)), cpus},
				{"typeorm", "pool.ts:13", ival(20, at(poolts, 18, 48)), cpus},
				knex16,
			},
		},
		{
			name:  "env wins with its origin; extra.connectionLimit beats poolSize",
			files: []string{poolts, knexf, eco2},
			env: apps.EnvMap{
				"DB_POOL":        {Name: "DB_POOL", Value: sval("30", at(k8s, 20, 18))},
				"TYPEORM_LIMIT":  {Name: "TYPEORM_LIMIT", Value: sval("40", at(k8s, 22, 18))},
				"KNEX_POOL_MAX":  {Name: "KNEX_POOL_MAX", Value: sval("6", at(k8s, 24, 18))},
				"TYPEORM_POOL":   {Name: "TYPEORM_POOL", Value: sval("25", at(k8s, 26, 18))},
				"UNRELATED_VARS": {Name: "UNRELATED_VARS", Value: sval("1", at(k8s, 28, 18))},
			},
			want: []summary{
				{"mysql2", "pool.ts:6", ival(30, at(k8s, 20, 18)), cpus},
				{"typeorm", "pool.ts:13", ival(40, at(k8s, 22, 18)), cpus},
				{"knex", "knexfile.js:2 (production)", ival(6, at(k8s, 24, 18)), cpus},
			},
		},
		{
			name:  "pm2 -i on the command line wins",
			files: []string{dbjs, eco},
			cmd:   []string{"pm2-runtime", "start", "ecosystem.config.js", "-i", "6"},
			want:  []summary{{"mysql2", "db.js:4", ival(25, at(dbjs, 4, 80)), ival(6, at("cmd", 1, 5))}},
		},
		{
			name:  "no PM2: one process; Prisma default without a URL",
			files: []string{schema},
			want:  []summary{{"prisma", "datasource db", ival(5, source.Named("Prisma default connection_limit: physical CPUs × 2 + 1, CPUs unknown offline; assumed 2")), ival(1, source.Named("one Node.js process (no PM2 instances read)"))}},
		},
		{
			name:  "the process env beats .env",
			files: []string{dotenv, schema},
			env:   apps.EnvMap{"DATABASE_URL": {Name: "DATABASE_URL", Value: sval("mysql://app@db/shop?connection_limit=3", at(k8s, 30, 18))}},
			want:  []summary{{"prisma", "datasource db", ival(3, note(k8s, 30, 18, "connection_limit=3 in the URL")), ival(1, source.Named("one Node.js process (no PM2 instances read)"))}},
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

func TestParseErrors(t *testing.T) {
	tests := []struct{ file, want string }{
		{"testdata/bad/unterminated.js", "testdata/bad/unterminated.js:2:30: \"(\" is never closed\ntestdata/bad/unterminated.js:2:31: \"{\" is never closed\ntestdata/bad/unterminated.js:2:39: unterminated string literal"},
		{"testdata/bad/brackets.ts", "testdata/bad/brackets.ts:2:31: \"(\" is never closed\ntestdata/bad/brackets.ts:2:53: unexpected \")\": \"{\" at 2:32 is not closed"},
		{"testdata/bad/schema.prisma", "testdata/bad/schema.prisma:1:1: block opened here is never closed"},
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
	for p, want := range map[string]Kind{
		dotenv: DotEnv, eco: PM2Config, pkg: PackageJSON, schema: PrismaSchema, dbjs: Source, knexts: Source,
		seqjs: Source, poolts: Source, knexf: Source, eco2: PM2Config,
	} {
		if got := kindOf(p, mustRead(t, p)); got != want {
			t.Errorf("kindOf(%s) = %v, want %v", p, got, want)
		}
	}
	for p, s := range map[string]string{"x.js": "console.log(1)\n", "package.json": `{"dependencies": {"express": "4"}}`, "x.prisma": "model A {\n id Int\n}\n"} {
		if Match(p, []byte(s)) {
			t.Errorf("Match(%s) = true", p)
		}
	}
}

// TestEval pins the expression subset.
func TestEval(t *testing.T) {
	const p = "src/db.ts"
	env := apps.EnvMap{
		"SET":    {Name: "SET", Value: sval("12", at(k8s, 3, 18))},
		"EMPTY":  {Name: "EMPTY", Value: sval("", at(k8s, 4, 18))},
		"SECRET": {Name: "SECRET", Unknown: true, Value: sval("", at("k8s/secret.yaml", 1, 1))},
	}
	tests := []struct {
		in     string
		kind   jkind
		text   string
		origin source.Origin
	}{
		{`parseInt(process.env.SET ?? "10", 10)`, jNumber, "12", at(k8s, 3, 18)},
		{`parseInt(process.env.UNSET ?? "10", 10)`, jNumber, "10", at(p, 1, 31)},
		{`Number(process.env.EMPTY || 5)`, jNumber, "5", at(p, 1, 29)},
		{`Number(process.env.EMPTY ?? 5)`, jNumber, "0", at(k8s, 4, 18)},
		{`+process.env["SET"]`, jNumber, "12", at(k8s, 3, 18)},
		{`process.env.SECRET || 3`, jUnknown, "undefined", at(p, 1, 20)},
		{`process.env.X ? 1 : 2`, jNumber, "2", at(p, 1, 21)},
		{"`plain`", jString, "plain", at(p, 1, 1)},
		{"`a ${b}`", jUnknown, "undefined", at(p, 1, 1)},
		{`require("os").cpus().length`, jNumber, "2", source.Named("os.cpus().length: the processor count is unknown offline; assumed 2")},
		{`(x) => x + 1`, jUnknown, "undefined", at(p, 1, 13)},
	}
	for _, tc := range tests {
		toks, errs := lexJS(p, tc.in)
		if len(errs) > 0 {
			t.Fatalf("lex %q: %v", tc.in, errs)
		}
		ev := &evaluator{env: env, syms: map[string]jval{}}
		v := newParser(ev, toks).expr()
		if v.kind != tc.kind || v.text() != tc.text || v.origin != tc.origin {
			t.Errorf("eval(%s) = %s %q %v (%s), want %s %q %v", tc.in, kindName(v), v.text(), v.origin, v.why, kindName(jval{kind: tc.kind}), tc.text, tc.origin)
		}
	}
}
