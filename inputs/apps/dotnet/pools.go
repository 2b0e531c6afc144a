package dotnet

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/dburl"
	"github.com/conncap/conncap/inputs/source"
)

// Library defaults (MySqlConnector's connection-options page; MySQL
// Connector/NET uses the same pool size defaults).
const (
	defaultMaxPool  = 100
	defaultMinPool  = 0
	defaultIdleSecs = 180
)

// Environment-variable prefixes Azure App Service uses for connection
// strings; EnvironmentVariablesConfigurationProvider maps NAME to
// ConnectionStrings:NAME and records the provider.
var connStrPrefixes = []struct{ prefix, provider string }{
	{"MYSQLCONNSTR_", "MySql.Data.MySqlClient"},
	{"CUSTOMCONNSTR_", ""},
	{"SQLCONNSTR_", "System.Data.SqlClient"},
	{"SQLAZURECONNSTR_", "System.Data.SqlClient"},
	{"POSTGRESQLCONNSTR_", "Npgsql"},
}

// entry is the winning value of one configuration key.
type entry struct {
	key      string
	value    string
	unknown  bool // from an env var whose value is not in the inputs
	setting  *Setting
	envPos   source.Pos
	envName  string
	provider string
}

func (e entry) origin() source.Pos {
	if e.setting != nil {
		return e.setting.ValuePos
	}
	return e.envPos
}

// posOf returns the position of byte offset off in the value.
func (e entry) posOf(off int) source.Pos {
	if e.setting != nil {
		return e.setting.PosOf(off)
	}
	return e.envPos
}

func (e entry) where() string {
	if e.envName != "" {
		return fmt.Sprintf("env %s (%s)", e.envName, e.envPos)
	}
	return e.origin().String()
}

// Pools returns the connection pools one .NET process opens, given its
// appsettings files and its environment: one pool per distinct MySQL
// connection string under ConnectionStrings, after layering
// appsettings.json < appsettings.{Environment}.json < environment variables.
//
// The environment name comes from ASPNETCORE_ENVIRONMENT, else
// DOTNET_ENVIRONMENT, else ASP.NET Core's default "Production"; its file is
// matched case-sensitively, as on Linux. Files in different directories are
// different content roots and are resolved separately. Connection strings
// that are clearly for another database (SQL Server, PostgreSQL, SQLite) or
// another service are skipped; one that does not say which database it is
// for is assumed to be MySQL, with a note. Pooling=false yields an
// unbounded pool: every open connection is its own server connection.
// Errors (a malformed connection string, Minimum Pool Size above Maximum
// Pool Size) are returned together with the pools that could be read.
func Pools(files []*File, env apps.Env) ([]apps.Pool, error) {
	if env == nil {
		env = apps.EnvMap{}
	}
	envName, envNote := environment(env)
	byDir := map[string][]*File{}
	for _, f := range files {
		if f != nil {
			byDir[path.Dir(f.Path)] = append(byDir[path.Dir(f.Path)], f)
		}
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	var pools []apps.Pool
	var errs source.ErrorList
	for _, dir := range dirs {
		p, e := poolsInDir(byDir[dir], env, envName, envNote)
		pools = append(pools, p...)
		errs = append(errs, e...)
	}
	errs.Sort()
	return pools, errs.Err()
}

// environment returns the ASP.NET Core environment name and where it came from.
func environment(env apps.Env) (name, note string) {
	for _, v := range []string{"ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"} {
		if ev, ok := env.Lookup(v); ok {
			if ev.Unknown {
				return "Production", fmt.Sprintf("environment name from %s (%s) is not in the inputs; assumed Production", v, ev.Value.Origin)
			}
			if ev.Value.V != "" {
				return ev.Value.V, fmt.Sprintf("environment %s from %s (%s)", ev.Value.V, v, ev.Value.Origin)
			}
		}
	}
	return "Production", "environment Production (ASP.NET Core's default; no ASPNETCORE_ENVIRONMENT or DOTNET_ENVIRONMENT)"
}

func poolsInDir(files []*File, env apps.Env, envName, envNote string) ([]apps.Pool, source.ErrorList) {
	notes := []string{envNote}
	var base, over *File
	for _, f := range files {
		switch name := path.Base(f.Path); {
		case name == "appsettings.json":
			base = f
		case name == "appsettings."+envName+".json":
			over = f
		case f.Environment != "" && strings.EqualFold(f.Environment, envName):
			notes = append(notes, fmt.Sprintf("%s is not loaded for environment %q: file names are case-sensitive on Linux", f.Path, envName))
		case strings.EqualFold(name, "appsettings.json"):
			notes = append(notes, fmt.Sprintf("%s is not loaded: ASP.NET Core looks for appsettings.json, and file names are case-sensitive on Linux", f.Path))
		}
	}
	values := map[string]entry{} // lower-cased key → winner
	var order []string           // connection names, first appearance
	listed := map[string]bool{}
	set := func(e entry) {
		lk := strings.ToLower(e.key)
		if name, ok := connName(e.key); ok && !listed[lk] && !strings.HasSuffix(strings.ToLower(name), "_providername") {
			order = append(order, lk)
			listed[lk] = true
		}
		values[lk] = e
	}
	for _, f := range []*File{base, over} {
		if f == nil {
			continue
		}
		for i := range f.Settings {
			s := &f.Settings[i]
			if s.Null {
				delete(values, strings.ToLower(s.Key))
				continue
			}
			set(entry{key: s.Key, value: s.Value, setting: s})
		}
	}
	for _, e := range envEntries(env, order, values) {
		set(e)
	}
	type poolAt struct {
		pool apps.Pool
		str  string
	}
	var pools []poolAt
	var errs source.ErrorList
	for _, lk := range order {
		e, ok := values[lk]
		if !ok {
			continue // removed by a null in a later file
		}
		name, _ := connName(e.key)
		provider := e.provider
		if pe, ok := values[lk+"_providername"]; ok && provider == "" {
			provider = pe.value
		}
		if e.unknown {
			p := basePool(name)
			p.Max = source.Value[int]{Origin: source.Origin{Pos: e.envPos, Note: e.envName + " is set from a source not in the inputs; the connection string and its pool size are unknown"}}
			p.Notes = append(slices.Clone(notes), fmt.Sprintf("ConnectionStrings:%s comes from %s, whose value is not in the inputs (a Secret?); assumed to be MySQL", name, e.where()))
			pools = append(pools, poolAt{p, "\x00unknown:" + lk})
			continue
		}
		if i := slices.IndexFunc(pools, func(q poolAt) bool { return q.str == e.value }); i >= 0 {
			pools[i].pool.Notes = append(pools[i].pool.Notes, fmt.Sprintf("ConnectionStrings:%s (%s) is the same string and shares this pool", name, e.where()))
			continue
		}
		p, ok, perrs := poolFor(name, provider, e)
		errs = append(errs, perrs...)
		if !ok {
			continue
		}
		p.Notes = append(slices.Clone(notes), p.Notes...)
		pools = append(pools, poolAt{p, e.value})
	}
	out := make([]apps.Pool, len(pools))
	for i, p := range pools {
		out[i] = p.pool
	}
	return out, errs
}

// envEntries returns the configuration keys environment variables set under
// ConnectionStrings: NAME__SUB becomes NAME:SUB, and the Azure App Service
// prefixes map to ConnectionStrings:NAME. When env cannot list its names,
// only names already known from the files are looked up.
func envEntries(env apps.Env, known []string, values map[string]entry) []entry {
	names := dburl.EnvNames(env)
	if names == nil {
		for _, lk := range known {
			name, _ := connName(values[lk].key)
			names = append(names, "ConnectionStrings__"+name, "CONNECTIONSTRINGS__"+strings.ToUpper(name))
			for _, p := range connStrPrefixes {
				names = append(names, p.prefix+name)
			}
		}
	}
	var prefixed, plain []entry
	for _, n := range names {
		v, ok := env.Lookup(n)
		if !ok {
			continue
		}
		e := entry{value: v.Value.V, unknown: v.Unknown, envPos: v.Value.Origin.Pos, envName: n}
		matched := false
		for _, p := range connStrPrefixes {
			if len(n) > len(p.prefix) && strings.EqualFold(n[:len(p.prefix)], p.prefix) {
				e.key, e.provider = "ConnectionStrings:"+n[len(p.prefix):], p.provider
				prefixed = append(prefixed, e)
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		key := strings.ReplaceAll(n, "__", ":")
		if _, ok := connName(key); ok {
			e.key = key
			plain = append(plain, e)
		}
	}
	// The provider's dictionary is filled in the environment's own order; we
	// let ConnectionStrings__NAME win over a prefixed variable for the same name.
	return append(prefixed, plain...)
}

func basePool(name string) apps.Pool {
	return apps.Pool{
		Ecosystem: "dotnet",
		Name:      name,
		Processes: source.Value[int]{V: 1, Origin: source.Named("one .NET process per container")},
	}
}

// poolFor builds the pool a connection string declares; ok is false when
// the string is not for MySQL/MariaDB.
func poolFor(name, provider string, e entry) (apps.Pool, bool, source.ErrorList) {
	var errs source.ErrorList
	opts, err := parseConnString(e.value)
	if err != nil {
		var fe *formatError
		if errors.As(err, &fe) {
			errs.Add(e.posOf(fe.index), fmt.Sprintf("ConnectionStrings:%s: %v", name, err))
		}
		return apps.Pool{}, false, errs
	}
	m := indexOptions(opts)
	mysql, _, sure := classify(name, provider, m)
	if !mysql {
		return apps.Pool{}, false, nil
	}
	p := basePool(name)
	if !sure {
		p.Notes = append(p.Notes, fmt.Sprintf("ConnectionStrings:%s (%s) does not say which database it is for; assumed MySQL/MariaDB", name, e.where()))
	}
	at := func(o option, note string) source.Origin {
		return source.Origin{Pos: e.posOf(o.valueOff), Note: note}
	}
	uintOpt := func(syn []string) (option, int, bool) {
		o, ok := m.get(syn)
		if !ok {
			return o, 0, false
		}
		n, err := strconv.ParseUint(strings.TrimSpace(o.value), 10, 31)
		if err != nil {
			errs.Add(e.posOf(o.valueOff), fmt.Sprintf("ConnectionStrings:%s: %s=%q is not a non-negative integer; the driver rejects the connection string", name, o.key, o.value))
			return o, 0, false
		}
		return o, int(n), true
	}

	if o, ok := m.get(keysPooling); ok {
		switch strings.ToLower(strings.TrimSpace(o.value)) {
		case "false", "no":
			p.Unbounded = true
			p.Declared = true
			p.Max = source.Value[int]{Origin: at(o, "Pooling=false: no pool; every open connection is its own server connection")}
			p.MinIdle = source.Value[int]{V: 0, Origin: at(o, "Pooling=false: nothing is kept open while idle")}
			p.MaxLifetime = apps.Duration{Origin: at(o, "Pooling=false: connections close when the application closes them"), Known: true}
			p.IdleTimeout = apps.Duration{Origin: at(o, "Pooling=false: no idle connections are kept"), Known: true}
			fillAccount(&p, m, e)
			return p, true, errs
		case "true", "yes":
		default:
			errs.Add(e.posOf(o.valueOff), fmt.Sprintf("ConnectionStrings:%s: Pooling=%q is not a boolean", name, o.value))
		}
	}

	p.Max = source.Value[int]{V: defaultMaxPool, Origin: source.Origin{Pos: e.origin(), Note: "not set; MySqlConnector/Connector/NET default Maximum Pool Size 100"}}
	if o, n, ok := uintOpt(keysMaxPool); ok {
		p.Max = source.Value[int]{V: n, Origin: at(o, "")}
		p.Declared = true
	}
	p.MinIdle = source.Value[int]{V: defaultMinPool, Origin: source.Origin{Pos: e.origin(), Note: "not set; default Minimum Pool Size 0"}}
	if o, n, ok := uintOpt(keysMinPool); ok {
		p.MinIdle = source.Value[int]{V: n, Origin: at(o, "")}
		if n > p.Max.V {
			errs.Add(e.posOf(o.valueOff), fmt.Sprintf("ConnectionStrings:%s: Minimum Pool Size %d is above Maximum Pool Size %d: MySqlConnector rejects the connection string", name, n, p.Max.V))
		}
	}
	p.MaxLifetime = apps.Duration{Origin: source.Origin{Pos: e.origin(), Note: "not set; default Connection Lifetime 0 (connections live until closed by the server)"}, Known: true}
	if o, n, ok := uintOpt(keysLifetime); ok {
		note := ""
		if n == 0 {
			note = "0: no lifetime limit"
		}
		p.MaxLifetime = apps.Duration{V: time.Duration(n) * time.Second, Origin: at(o, note), Known: true}
	}
	p.IdleTimeout = apps.Duration{V: defaultIdleSecs * time.Second, Origin: source.Origin{Pos: e.origin(), Note: "not set; MySqlConnector default Connection Idle Timeout 180 s (MySql.Data has no such option ⚠)"}, Known: true}
	if o, n, ok := uintOpt(keysIdle); ok {
		note := ""
		if n == 0 {
			note = "0: idle connections are never closed"
		}
		p.IdleTimeout = apps.Duration{V: time.Duration(n) * time.Second, Origin: at(o, note), Known: true}
	}
	fillAccount(&p, m, e)
	return p, true, errs
}

// fillAccount sets User, Host and Database from the connection string.
func fillAccount(p *apps.Pool, m options, e entry) {
	if o, ok := m.get(keysUser); ok && o.value != "" {
		p.User = source.Value[string]{V: o.value, Origin: source.At(e.posOf(o.valueOff))}
	}
	if o, ok := m.get(keysServer); ok && o.value != "" {
		host, _, _ := strings.Cut(o.value, ",")
		p.Host = source.Value[string]{V: strings.TrimSpace(host), Origin: source.At(e.posOf(o.valueOff))}
	}
	if o, ok := m.get(keysDatabase); ok && o.value != "" {
		p.Database = source.Value[string]{V: o.value, Origin: source.At(e.posOf(o.valueOff))}
	}
}
