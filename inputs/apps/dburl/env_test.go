package dburl_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/dburl"
	"github.com/conncap/conncap/inputs/source"
)

func envAt(line int) source.Pos { return source.Pos{Path: "k8s/api.yaml", Line: line, Col: 18} }

func envVar(name, value string, line int) apps.EnvVar {
	return apps.EnvVar{Name: name, Value: source.Value[string]{V: value, Origin: source.At(envAt(line))}}
}

func TestPoolsFromEnv(t *testing.T) {
	oneProc := source.Value[int]{V: 1, Origin: source.Named("one process per container unless a process manager says otherwise")}
	noMinIdle := source.Value[int]{V: -1, Origin: source.Named("a URL alone does not say how many idle connections the library keeps")}
	str := func(v string, line int) source.Value[string] {
		return source.Value[string]{V: v, Origin: source.At(envAt(line))}
	}
	tests := []struct {
		name string
		env  apps.EnvMap
		want []apps.Pool
	}{
		{
			name: "Prisma connection_limit",
			env:  apps.EnvMap{"DATABASE_URL": envVar("DATABASE_URL", "mysql://app:pw@db:3306/shop?connection_limit=7", 30)},
			want: []apps.Pool{{
				Ecosystem: "url", Name: "DATABASE_URL",
				Max:      source.Value[int]{V: 7, Origin: source.Origin{Pos: envAt(30), Note: "Prisma connection_limit=7"}},
				Declared: true, MinIdle: noMinIdle, Processes: oneProc,
				User: str("app", 30), Host: str("db", 30), Database: str("shop", 30),
			}},
		},
		{
			name: "Prisma default is unknown offline",
			env:  apps.EnvMap{"DATABASE_URL": envVar("DATABASE_URL", "mysql://app@db/shop", 30)},
			want: []apps.Pool{{
				Ecosystem: "url", Name: "DATABASE_URL",
				Max:     source.Value[int]{Origin: source.Named("DATABASE_URL sets no connection_limit=; the library's default is unknown offline (Prisma's is physical CPUs × 2 + 1)")},
				MinIdle: noMinIdle, Processes: oneProc,
				User: str("app", 30), Host: str("db", 30), Database: str("shop", 30),
			}},
		},
		{
			name: "Rails primary and cache URLs, max_connections beats pool",
			env: apps.EnvMap{
				"DATABASE_URL":       envVar("DATABASE_URL", "mysql2://u:p@db/shop?pool=15&max_connections=12&idle_timeout=60", 31),
				"CACHE_DATABASE_URL": envVar("CACHE_DATABASE_URL", "trilogy://db/shop_cache", 32),
				"REDIS_URL":          envVar("REDIS_URL", "redis://cache:6379/0", 33),
			},
			want: []apps.Pool{
				{
					Ecosystem: "url", Name: "DATABASE_URL",
					Max:      source.Value[int]{V: 12, Origin: source.Origin{Pos: envAt(31), Note: "Active Record max_connections=12"}},
					Declared: true, MinIdle: noMinIdle, Processes: oneProc,
					IdleTimeout: apps.Duration{V: time.Minute, Origin: source.Origin{Pos: envAt(31), Note: "Active Record idle_timeout from idle_timeout= (seconds)"}, Known: true},
					User:        str("u", 31), Host: str("db", 31), Database: str("shop", 31),
				},
				{
					Ecosystem: "url", Name: "CACHE_DATABASE_URL",
					Max:     source.Value[int]{Origin: source.Named("CACHE_DATABASE_URL sets no pool= or max_connections=; the library's default is unknown from the URL (Active Record's is 5)")},
					MinIdle: noMinIdle, Processes: oneProc,
					Host: str("db", 32), Database: str("shop_cache", 32),
				},
			},
		},
		{
			name: "JDBC_DATABASE_URL with MariaDB's own pool",
			env:  apps.EnvMap{"JDBC_DATABASE_URL": envVar("JDBC_DATABASE_URL", "jdbc:mariadb://db/shop?pool=true", 40)},
			want: []apps.Pool{{
				Ecosystem: "url", Name: "JDBC_DATABASE_URL",
				Max:       source.Value[int]{V: 8, Origin: source.Origin{Pos: envAt(40), Note: "MariaDB Connector/J pool=true default maxPoolSize 8"}},
				MinIdle:   source.Value[int]{V: 8, Origin: source.Origin{Pos: envAt(40), Note: "MariaDB Connector/J default minPoolSize = maxPoolSize"}},
				Processes: oneProc, Host: str("db", 40), Database: str("shop", 40),
			}},
		},
		{
			name: "PostgreSQL URL is not ours",
			env:  apps.EnvMap{"DATABASE_URL": envVar("DATABASE_URL", "postgres://db/shop?pool=5", 30)},
		},
		{
			name: "value from a Secret",
			env: apps.EnvMap{"DATABASE_URL": {Name: "DATABASE_URL", Unknown: true,
				Value: source.Value[string]{Origin: source.At(envAt(50))}}},
			want: []apps.Pool{{
				Ecosystem: "url", Name: "DATABASE_URL",
				Max:     source.Value[int]{Origin: source.Origin{Pos: envAt(50), Note: "DATABASE_URL is set from a source not in the inputs; its URL and pool size are unknown"}},
				MinIdle: noMinIdle, Processes: oneProc,
				Notes: []string{"DATABASE_URL (k8s/api.yaml:50:18) has no value in the inputs (a Secret or a fieldRef?); assumed to be a MySQL URL"},
			}},
		},
		{
			name: "malformed MySQL URL keeps the pool and says why",
			env:  apps.EnvMap{"DATABASE_URL": envVar("DATABASE_URL", "mysql://db:port/shop", 60)},
			want: []apps.Pool{{
				Ecosystem: "url", Name: "DATABASE_URL",
				Max:     source.Value[int]{Origin: source.Origin{Pos: envAt(60), Note: "malformed URL; pool size unknown"}},
				MinIdle: noMinIdle, Processes: oneProc,
				Notes: []string{`k8s/api.yaml:60:18: invalid port "port": want a number from 0 to 65535`},
			}},
		},
		{
			name: "bad pool value is noted, not fatal",
			env:  apps.EnvMap{"DATABASE_URL": envVar("DATABASE_URL", "mysql2://db/shop?pool=five", 70)},
			want: []apps.Pool{{
				Ecosystem: "url", Name: "DATABASE_URL",
				Max:     source.Value[int]{Origin: source.Named("DATABASE_URL sets no pool= or max_connections=; the library's default is unknown from the URL (Active Record's is 5)")},
				MinIdle: noMinIdle, Processes: oneProc,
				Host: str("db", 70), Database: str("shop", 70),
				Notes: []string{`DATABASE_URL: pool="five" is not an integer; ignored`},
			}},
		},
		{name: "empty environment", env: apps.EnvMap{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := dburl.PoolsFromEnv(tc.env)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("PoolsFromEnv() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// lookupOnly hides the map behind Lookup, so names cannot be listed.
type lookupOnly apps.EnvMap

func (e lookupOnly) Lookup(name string) (apps.EnvVar, bool) { return apps.EnvMap(e).Lookup(name) }

func TestPoolsFromEnvLookupOnly(t *testing.T) {
	env := lookupOnly{
		"JDBC_DATABASE_URL":  envVar("JDBC_DATABASE_URL", "jdbc:mysql://db/shop", 1),
		"CACHE_DATABASE_URL": envVar("CACHE_DATABASE_URL", "mysql2://db/cache", 2),
	}
	got := dburl.PoolsFromEnv(env)
	if len(got) != 1 || got[0].Name != "JDBC_DATABASE_URL" {
		t.Errorf("PoolsFromEnv(lookup-only env) = %+v, want only JDBC_DATABASE_URL (other names cannot be listed)", got)
	}
	if dburl.EnvNames(env) != nil {
		t.Errorf("EnvNames(lookup-only env) = %v, want nil", dburl.EnvNames(env))
	}
}
