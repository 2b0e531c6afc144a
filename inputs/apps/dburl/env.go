package dburl

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

// Variables PoolsFromEnv always looks up; any other NAME_DATABASE_URL is
// found when the environment can list its names (apps.EnvMap can).
const (
	envDatabaseURL     = "DATABASE_URL"
	envJDBCDatabaseURL = "JDBC_DATABASE_URL"
)

// EnvNames lists the names of env's variables, sorted, when env can list
// them (an apps.EnvMap, or any Env with a Names() []string method); it
// returns nil otherwise.
func EnvNames(env apps.Env) []string {
	switch e := env.(type) {
	case apps.EnvMap:
		return slices.Sorted(maps.Keys(e))
	case interface{ Names() []string }:
		names := slices.Clone(e.Names())
		slices.Sort(names)
		return names
	}
	return nil
}

// PoolsFromEnv returns one pool per MySQL/MariaDB URL in the process
// environment: DATABASE_URL, JDBC_DATABASE_URL and every other
// NAME_DATABASE_URL (Rails reads CACHE_DATABASE_URL and the like for its
// other databases). It is for a process whose only database configuration
// is such a variable. Variables holding another database's URL are skipped.
//
// Max comes from the URL's own pool parameter: Rails' pool= or
// max_connections= (mysql2://, trilogy://), Prisma's connection_limit= or
// mysql2's connectionLimit= (mysql://), MariaDB Connector/J's maxPoolSize=
// with pool=true. Without one, Max is not Declared, V is 0 and the Origin
// says that the library's default is not known from the URL alone (Prisma's
// default depends on the CPU count, unknown offline). A variable whose value
// is not in the inputs (a Secret) still yields a pool, with a note saying so.
func PoolsFromEnv(env apps.Env) []apps.Pool {
	if env == nil {
		return nil
	}
	names := []string{envDatabaseURL, envJDBCDatabaseURL}
	for _, n := range EnvNames(env) {
		if strings.HasSuffix(n, "_DATABASE_URL") && n != envJDBCDatabaseURL {
			names = append(names, n)
		}
	}
	var pools []apps.Pool
	for _, name := range names {
		v, ok := env.Lookup(name)
		if !ok {
			continue
		}
		if p, ok := poolFromEnvVar(name, v); ok {
			pools = append(pools, p)
		}
	}
	return pools
}

// poolFromEnvVar builds the pool one URL variable declares; ok is false
// when the variable holds no MySQL URL.
func poolFromEnvVar(name string, v apps.EnvVar) (apps.Pool, bool) {
	pos := v.Value.Origin.Pos
	p := apps.Pool{
		Ecosystem: "url",
		Name:      name,
		MinIdle:   source.Value[int]{V: -1, Origin: source.Named("a URL alone does not say how many idle connections the library keeps")},
		Processes: source.Value[int]{V: 1, Origin: source.Named("one process per container unless a process manager says otherwise")},
	}
	if v.Unknown {
		p.Max = source.Value[int]{Origin: source.Origin{Pos: pos, Note: name + " is set from a source not in the inputs; its URL and pool size are unknown"}}
		p.Notes = append(p.Notes, fmt.Sprintf("%s (%s) has no value in the inputs (a Secret or a fieldRef?); assumed to be a MySQL URL", name, pos))
		return p, true
	}
	raw := v.Value.V
	if !IsMySQL(raw) {
		return apps.Pool{}, false
	}
	u, err := ParseURL(raw, pos)
	if err != nil {
		p.Max = source.Value[int]{Origin: source.Origin{Pos: pos, Note: "malformed URL; pool size unknown"}}
		p.Notes = append(p.Notes, err.Error())
		return p, true
	}
	at := source.At(pos)
	if u.User != "" {
		p.User = source.Value[string]{V: u.User, Origin: at}
	}
	if u.Host != "" {
		p.Host = source.Value[string]{V: u.Host, Origin: at}
	}
	if u.Database != "" {
		p.Database = source.Value[string]{V: u.Database, Origin: at}
	}
	applyURLParams(&p, u, name)
	return p, true
}

// applyURLParams fills Max, MinIdle and the timeouts from the URL's pool
// parameters, as the library that owns the scheme reads them.
func applyURLParams(p *apps.Pool, u *URL, name string) {
	at := func(note string) source.Origin { return source.Origin{Pos: u.Pos, Note: note} }
	intParam := func(key string) (int, bool) {
		s, ok := u.Params[key]
		if !ok {
			return 0, false
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: %s=%q is not an integer; ignored", name, key, s))
			return 0, false
		}
		return n, true
	}
	seconds := func(key, what string, d *apps.Duration) {
		s, ok := u.Params[key]
		if !ok {
			return
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || f < 0 || f > 1e9 {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: %s=%q is not a number of seconds; ignored", name, key, s))
			return
		}
		*d = apps.Duration{V: time.Duration(f * float64(time.Second)), Origin: at(what + " from " + key + "= (seconds)"), Known: true}
	}
	declared := func(key, lib string) bool {
		n, ok := intParam(key)
		if !ok {
			return false
		}
		p.Max = source.Value[int]{V: n, Origin: at(lib + " " + key + "=" + strconv.Itoa(n))}
		p.Declared = true
		return true
	}
	switch {
	case u.Scheme == "mysql2" || u.Scheme == "trilogy":
		// Active Record: max_connections (8.1) falls back to pool (≤ 8.0).
		if !declared("max_connections", "Active Record") {
			declared("pool", "Active Record")
		}
		if n, ok := intParam("min_connections"); ok {
			p.MinIdle = source.Value[int]{V: n, Origin: at("Active Record min_connections=" + strconv.Itoa(n))}
		}
		seconds("idle_timeout", "Active Record idle_timeout", &p.IdleTimeout)
		seconds("max_age", "Active Record max_age", &p.MaxLifetime)
		if !p.Declared {
			p.Max.Origin = source.Named(name + " sets no pool= or max_connections=; the library's default is unknown from the URL (Active Record's is 5)")
		}
	case u.Scheme == "mysql" || u.Scheme == "mariadb":
		if !declared("connection_limit", "Prisma") && !declared("connectionLimit", "mysql2") {
			p.Max.Origin = source.Named(name + " sets no connection_limit=; the library's default is unknown offline (Prisma's is physical CPUs × 2 + 1)")
		}
	case u.Scheme == "jdbc:mariadb" || strings.HasPrefix(u.Scheme, "jdbc:mariadb:"):
		if strings.EqualFold(u.Params["pool"], "true") {
			if !declared("maxPoolSize", "MariaDB Connector/J pool") {
				p.Max = source.Value[int]{V: 8, Origin: at("MariaDB Connector/J pool=true default maxPoolSize 8")}
			}
			if n, ok := intParam("minPoolSize"); ok {
				p.MinIdle = source.Value[int]{V: n, Origin: at("MariaDB Connector/J minPoolSize=" + strconv.Itoa(n))}
			} else {
				p.MinIdle = source.Value[int]{V: p.Max.V, Origin: at("MariaDB Connector/J default minPoolSize = maxPoolSize")}
			}
		} else {
			p.Max.Origin = source.Named(name + " is a JDBC URL without pool=true; the pool (HikariCP, Tomcat…) and its size are not in the URL")
		}
	default:
		p.Max.Origin = source.Named(name + " carries no pool parameter; the library's default is unknown from the URL")
	}
}
