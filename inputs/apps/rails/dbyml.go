package rails

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/appexpr"
	"github.com/conncap/conncap/inputs/apps/dburl"
	"github.com/conncap/conncap/inputs/source"
)

// Active Record defaults (activerecord/lib/active_record/database_configurations/hash_config.rb,
// v8.0.0 and v8.1.0).
const (
	defaultPool        = 5
	defaultIdleTimeout = 300 * time.Second
)

// dbConfig is one database configuration of the selected environment
// after DATABASE_URL / url: merging: Active Record's HashConfig or
// UrlConfig.
type dbConfig struct {
	name  string
	pos   source.Pos // the entry's key (or the environment's)
	keys  map[string]setting
	notes []string
}

// setting is one key of a configuration hash with where it came from.
type setting struct {
	text    string
	null    bool
	origin  source.Origin
	unknown string
	keyPos  source.Pos
}

// railsEnv returns the environment whose configurations apply: RAILS_ENV,
// else RACK_ENV, else production (a deployment's environment; Rails itself
// defaults to development).
func railsEnv(env apps.Env, override *source.Value[string]) source.Value[string] {
	if override != nil {
		return *override
	}
	for _, name := range []string{"RAILS_ENV", "RACK_ENV"} {
		if env == nil {
			break
		}
		if v, ok := env.Lookup(name); ok && !v.Unknown && strings.TrimSpace(v.Value.V) != "" {
			return source.Value[string]{V: v.Value.V, Origin: v.Value.Origin}
		}
	}
	return source.Value[string]{V: "production", Origin: source.Named("RAILS_ENV and RACK_ENV unset: production assumed (Rails itself defaults to development)")}
}

// loadDatabaseYML renders and reads database.yml and returns the
// configurations of environment envName, merged with DATABASE_URL and
// <NAME>_DATABASE_URL as Active Record does
// (database_configurations.rb: build_configs, walk_configs,
// merge_db_environment_variables).
func loadDatabaseYML(f *File, ev *evaluator, envName string) ([]*dbConfig, []string, error) {
	r, perr := renderERB(f.Path, string(f.src), ev)
	if perr != nil {
		return nil, nil, perr
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(r.text), &doc); err != nil {
		return nil, nil, yamlError(r, err)
	}
	c := &converter{r: r, budget: maxYAMLEntries}
	root, cerr := c.convert(&doc, 0)
	if cerr != nil {
		return nil, nil, cerr
	}
	notes := r.notes
	if !root.null && root.kind != yaml.MappingNode {
		return nil, nil, source.Errorf(root.pos, "database.yml must be a mapping of environments")
	}
	var configs []*dbConfig
	envNode, envPos, ok := root.get(envName)
	switch {
	case !ok || envNode.null:
		notes = append(notes, fmt.Sprintf("%s has no %q environment", f.Path, envName))
	case envNode.kind == yaml.ScalarNode:
		// a URL string for the whole environment
		configs = append(configs, &dbConfig{name: "primary", pos: envPos, keys: map[string]setting{"url": scalarSetting(envNode, envPos)}})
	case envNode.kind == yaml.MappingNode && threeTier(envNode):
		for _, e := range envNode.entries {
			cfg := &dbConfig{name: e.key, pos: e.keyPos, keys: map[string]setting{}}
			if e.val.kind == yaml.MappingNode {
				cfg.keys = hashSettings(e.val)
			}
			configs = append(configs, cfg)
		}
	case envNode.kind == yaml.MappingNode:
		configs = append(configs, &dbConfig{name: "primary", pos: envPos, keys: hashSettings(envNode)})
	}
	// DATABASE_URL with no configuration for the environment makes one.
	if len(configs) == 0 {
		if _, ok := appexpr.Lookup(ev.env, "DATABASE_URL"); ok {
			configs = append(configs, &dbConfig{name: "primary", keys: map[string]setting{}})
		}
	}
	for _, cfg := range configs {
		if err := cfg.mergeURL(ev); err != nil {
			return nil, nil, err
		}
	}
	return configs, notes, nil
}

// threeTier reports whether an environment holds named configurations:
// Active Record reads it so when every value is a hash.
func threeTier(n *ynode) bool {
	if len(n.entries) == 0 {
		return false
	}
	for _, e := range n.entries {
		if e.val.kind != yaml.MappingNode {
			return false
		}
	}
	return true
}

func scalarSetting(n *ynode, keyPos source.Pos) setting {
	return setting{text: n.text, null: n.null, origin: n.origin, unknown: n.unknown, keyPos: keyPos}
}

// hashSettings reads the scalar keys of a configuration hash.
func hashSettings(n *ynode) map[string]setting {
	m := map[string]setting{}
	for _, e := range n.entries {
		if e.val.kind != yaml.ScalarNode {
			continue
		}
		m[e.key] = scalarSetting(e.val, e.keyPos)
	}
	return m
}

// mergeURL applies the configuration's URL: its url: key, or else
// <NAME>_DATABASE_URL (and DATABASE_URL for primary) from the
// environment. The URL's parts and query parameters win over the hash's
// keys, as in Active Record's UrlConfig.
func (cfg *dbConfig) mergeURL(ev *evaluator) error {
	var raw string
	var origin source.Origin
	what := ""
	if u, ok := cfg.keys["url"]; ok && !u.null {
		if u.unknown != "" {
			cfg.notes = append(cfg.notes, fmt.Sprintf("url at %s is not known: %s", u.origin, u.unknown))
			return nil
		}
		raw, origin, what = u.text, u.origin, "url:"
	} else {
		names := []string{strings.ToUpper(cfg.name) + "_DATABASE_URL"}
		if cfg.name == "primary" {
			names = append(names, "DATABASE_URL")
		}
		for _, n := range names {
			v, ok := appexpr.Lookup(ev.env, n)
			if !ok {
				continue
			}
			if v.Unknown {
				cfg.notes = append(cfg.notes, fmt.Sprintf("%s is set but its value is not in the inputs: its pool= (if any) is not known", n))
				return nil
			}
			raw, origin, what = v.Value.V, v.Value.Origin, n
			break
		}
	}
	if raw == "" {
		return nil
	}
	cfg.notes = append(cfg.notes, fmt.Sprintf("%s (%s) merged over database.yml: its values win", what, origin))
	set := func(k, v string) {
		cfg.keys[k] = setting{text: v, origin: source.Origin{Pos: origin.Pos, Note: strings.TrimPrefix(origin.Note+"; ", "; ") + fmt.Sprintf("%s=%s from %s", k, v, what)}}
	}
	raw = strings.ReplaceAll(raw, unknownMarker, "x")
	if !dburl.IsMySQL(raw) {
		if scheme, _, ok := strings.Cut(raw, "://"); ok && scheme != "" {
			set("adapter", scheme) // another database: the pool is left out
		}
		return nil
	}
	u, err := dburl.ParseURL(raw, origin.Pos)
	if err != nil {
		cfg.notes = append(cfg.notes, fmt.Sprintf("%s (%s) is not a URL Active Record can read: %v", what, origin, err))
		return nil
	}
	set("adapter", u.Scheme)
	if u.Host != "" {
		set("host", u.Host)
	}
	if u.User != "" {
		set("username", u.User)
	}
	if u.Database != "" {
		set("database", u.Database)
	}
	for k, v := range u.Params {
		set(k, v)
	}
	return nil
}

// isMySQL reports whether an Active Record adapter talks to MySQL or
// MariaDB.
func isMySQL(adapter string) bool {
	a := strings.ToLower(adapter)
	return strings.Contains(a, "mysql") || a == "trilogy" || a == "mariadb"
}

// pool turns a configuration into an apps.Pool (Processes left to the
// caller).
func (cfg *dbConfig) pool() (apps.Pool, bool) {
	p := apps.Pool{Ecosystem: "rails", Name: cfg.name}
	if a, ok := cfg.keys["adapter"]; ok && !a.null {
		if a.unknown == "" && !isMySQL(a.text) {
			return p, false
		}
		if a.unknown != "" {
			p.Notes = append(p.Notes, "adapter not known ("+a.unknown+"): assumed MySQL")
		}
	}
	p.Notes = append(p.Notes, cfg.notes...)
	if r, ok := cfg.keys["replica"]; ok && !r.null && r.text != "false" {
		p.Notes = append(p.Notes, "replica: true: a read pool")
	}

	// Max: max_connections (Rails 8.1), else pool, else 5.
	p.Max = source.Value[int]{V: defaultPool, Origin: source.Named("Active Record default pool 5")}
	mc, hasMC := cfg.keys["max_connections"]
	pl, hasPool := cfg.keys["pool"]
	hasMC = hasMC && !mc.null
	hasPool = hasPool && !pl.null
	pick := func(s setting, key string) {
		if s.unknown != "" {
			p.Max.Origin = source.Origin{Pos: s.origin.Pos, Note: fmt.Sprintf("%s: %s; assumed the default %d", key, s.unknown, defaultPool)}
			p.Notes = append(p.Notes, fmt.Sprintf("%s is not known: %s", key, s.unknown))
			return
		}
		p.Max = source.Value[int]{V: int(rubyToI(s.text)), Origin: s.origin}
		p.Declared = true
	}
	switch {
	case hasMC:
		pick(mc, "max_connections")
		p.Notes = append(p.Notes, "max_connections is read by Rails 8.1 and later; earlier versions ignore it and use pool (default 5)")
		if hasPool && pl.text != mc.text {
			p.Notes = append(p.Notes, fmt.Sprintf("pool %s (%s) and max_connections %s differ: Rails 8.1 raises at boot", pl.text, pl.origin, mc.text))
		}
	case hasPool:
		pick(pl, "pool")
	}

	p.MinIdle = source.Value[int]{V: 0, Origin: source.Named("Active Record opens connections on demand (min_connections 0)")}
	if s, ok := cfg.keys["min_connections"]; ok && !s.null && s.unknown == "" {
		p.MinIdle = source.Value[int]{V: int(rubyToI(s.text)), Origin: s.origin}
	}

	p.IdleTimeout = apps.Duration{V: defaultIdleTimeout, Known: true, Origin: source.Named("Active Record default idle_timeout 300 s")}
	if s, ok := cfg.keys["idle_timeout"]; ok {
		switch {
		case s.unknown != "":
			p.Notes = append(p.Notes, "idle_timeout is not known: "+s.unknown)
		case s.null:
			p.IdleTimeout = apps.Duration{V: 0, Known: true, Origin: source.Origin{Pos: s.keyPos, Note: "idle_timeout empty: reaping disabled"}}
		default:
			secs := rubyToF(s.text)
			if secs <= 0 {
				secs = 0
			}
			p.IdleTimeout = apps.Duration{V: time.Duration(secs * float64(time.Second)), Known: true, Origin: s.origin}
		}
	}
	p.MaxLifetime = apps.Duration{V: 0, Known: true, Origin: source.Named("Active Record keeps connections without a maximum age (max_age, Rails 8.1, default none)")}
	if s, ok := cfg.keys["max_age"]; ok && !s.null && s.unknown == "" {
		p.MaxLifetime = apps.Duration{V: time.Duration(rubyToF(s.text) * float64(time.Second)), Known: true, Origin: s.origin}
	}
	for key, dst := range map[string]*source.Value[string]{"username": &p.User, "host": &p.Host, "database": &p.Database} {
		if s, ok := cfg.keys[key]; ok && !s.null && s.unknown == "" {
			*dst = source.Value[string]{V: s.text, Origin: s.origin}
		}
	}
	return p, true
}

// rubyToF is String#to_f for the forms a timeout takes.
func rubyToF(s string) float64 {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.' || end == 0 && (s[end] == '-' || s[end] == '+')) {
		end++
	}
	f, err := strconv.ParseFloat(s[:end], 64)
	if err != nil {
		return 0
	}
	return f
}
