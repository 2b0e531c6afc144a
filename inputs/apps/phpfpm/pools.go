package phpfpm

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

// Defaults and names from php-src sapi/fpm (www.conf.in, fpm_conf.c).
const (
	shippedMaxChildren        = 5 // pm.max_children in the shipped www.conf
	defaultProcessIdleTimeout = 10 * time.Second
	globalSection             = "global"
)

// pool is one FPM pool after merging its sections over all files.
type pool struct {
	name string
	pos  source.Pos
	keys map[string]Key
}

// Pools returns one apps.Pool per PHP-FPM pool section in files, in order
// of first appearance. Sections with the same name in several files are
// one pool, later assignments winning, as php-fpm reopens a pool section.
// php.ini files and PHP sources among files decide whether connections
// are persistent. A pool without pm, with an unknown pm or with
// pm.max_children below 1 is refused by php-fpm, and is an error here.
func Pools(files []*File, env apps.Env) ([]apps.Pool, error) {
	var pools []*pool
	byName := map[string]*pool{}
	iniKeys := map[string]Key{}
	var persistent []source.Value[string]
	var sources bool
	for _, f := range files {
		switch f.Kind {
		case PHPSource:
			sources = true
			persistent = append(persistent, f.Persistent...)
			for _, sw := range f.PersistentEnv {
				if on, origin := envSwitch(sw, env); on {
					persistent = append(persistent, source.Value[string]{V: "PDO::ATTR_PERSISTENT => env('" + sw.Name + "')", Origin: origin})
				}
			}
		case PHPIni:
			for _, s := range f.Sections {
				for _, k := range s.Keys {
					iniKeys[k.Name] = k
				}
			}
		case PoolConfig:
			for _, s := range f.Sections {
				if s.Name == globalSection || s.Name == defaultSection {
					continue
				}
				p := byName[s.Name]
				if p == nil {
					p = &pool{name: s.Name, pos: s.Pos, keys: map[string]Key{}}
					byName[s.Name] = p
					pools = append(pools, p)
				}
				for _, k := range s.Keys {
					p.keys[k.Name] = k
				}
			}
		}
	}
	var errs source.ErrorList
	var out []apps.Pool
	for _, p := range pools {
		ap, err := p.resolve(env, iniKeys, persistent, sources)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, ap)
	}
	errs.Sort()
	return out, errs.Err()
}

func (p *pool) resolve(env apps.Env, iniKeys map[string]Key, persistent []source.Value[string], sources bool) (apps.Pool, *source.Error) {
	ap := apps.Pool{
		Ecosystem:   "php-fpm",
		Name:        p.name,
		Max:         source.Value[int]{V: 1, Origin: source.Named("PHP has no pool: one connection per DSN per busy child")},
		MinIdle:     source.Value[int]{V: 0, Origin: source.Named("PHP closes non-persistent connections at the end of each request")},
		MaxLifetime: apps.Duration{Origin: source.Named("PHP has no connection lifetime setting")},
	}
	pmKey, ok := p.keys["pm"]
	if !ok {
		return ap, source.Errorf(p.pos, "[pool %s] the process manager is missing (static, dynamic or ondemand): php-fpm refuses to start", p.name)
	}
	pm, _, _ := expandEnv(pmKey.Value, env)
	pm = strings.TrimSpace(pm)
	switch pm {
	case "static", "dynamic", "ondemand":
	default:
		return ap, source.Errorf(pmKey.ValuePos, "[pool %s] invalid process manager %q (static, dynamic or ondemand): php-fpm refuses to start", p.name, pm)
	}
	ap.Notes = append(ap.Notes, fmt.Sprintf("pm = %s (%s)", pm, pmKey.ValuePos))

	mc, ok := p.keys["pm.max_children"]
	if !ok {
		return ap, source.Errorf(p.pos, "[pool %s] pm.max_children is not set: php-fpm refuses to start (\"pm.max_children must be a positive value\")", p.name)
	}
	val, envOrigin, unknown := expandEnv(mc.Value, env)
	switch {
	case unknown != "":
		ap.Processes = source.Value[int]{V: shippedMaxChildren, Origin: source.Origin{Pos: mc.ValuePos, Note: fmt.Sprintf("%s; assumed %d, the value php-fpm ships in www.conf", unknown, shippedMaxChildren)}}
		ap.Notes = append(ap.Notes, fmt.Sprintf("pm.max_children = %s: %s", mc.Value, unknown))
	default:
		n, err := fpmInt(val)
		if err != nil {
			return ap, source.Errorf(mc.ValuePos, "[pool %s] unable to parse value for entry 'pm.max_children': %v", p.name, err)
		}
		if n < 1 {
			return ap, source.Errorf(mc.ValuePos, "[pool %s] pm.max_children must be a positive value: php-fpm refuses to start", p.name)
		}
		origin := source.At(mc.ValuePos)
		if envOrigin != nil {
			origin = *envOrigin
		}
		ap.Processes = source.Value[int]{V: n, Origin: origin}
	}

	if pm == "ondemand" {
		ap.IdleTimeout = apps.Duration{V: defaultProcessIdleTimeout, Known: true, Origin: source.Named("php-fpm default pm.process_idle_timeout 10s: idle children exit")}
		if k, ok := p.keys["pm.process_idle_timeout"]; ok {
			if d, err := fpmDuration(k.Value); err == nil {
				ap.IdleTimeout = apps.Duration{V: d, Known: true, Origin: source.At(k.ValuePos)}
			} else {
				return ap, source.Errorf(k.ValuePos, "[pool %s] unable to parse value for entry 'pm.process_idle_timeout': %v", p.name, err)
			}
		}
	} else {
		ap.IdleTimeout = apps.Duration{Origin: source.Named("pm = " + pm + ": idle children are not reaped by a timeout")}
	}
	if k, ok := p.keys["pm.max_requests"]; ok && strings.TrimSpace(k.Value) != "0" {
		ap.Notes = append(ap.Notes, fmt.Sprintf("pm.max_requests = %s (%s): a child, and its persistent connections, is replaced after that many requests", k.Value, k.ValuePos))
	}

	p.persistence(&ap, iniKeys, persistent, sources)
	return ap, nil
}

// persistence decides whether children keep their connections between
// requests, and says why.
func (p *pool) persistence(ap *apps.Pool, iniKeys map[string]Key, persistent []source.Value[string], sources bool) {
	setting := func(name string) (Key, string, bool) {
		for _, prefix := range []string{"php_admin_value", "php_admin_flag", "php_value", "php_flag"} {
			if k, ok := p.keys[prefix+"["+name+"]"]; ok {
				return k, "pool " + p.name, true
			}
		}
		if k, ok := iniKeys[name]; ok {
			return k, "php.ini", true
		}
		return Key{}, "", false
	}
	mysqliAllowed := true
	if k, where, ok := setting("mysqli.allow_persistent"); ok && !iniBool(k.Value) {
		mysqliAllowed = false
		ap.Notes = append(ap.Notes, fmt.Sprintf("mysqli.allow_persistent is off in %s (%s): mysqli \"p:\" connections are not persistent", where, k.ValuePos))
	}
	if k, where, ok := setting("mysqli.max_persistent"); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(k.Value)); err == nil && n == 0 {
			mysqliAllowed = false
			ap.Notes = append(ap.Notes, fmt.Sprintf("mysqli.max_persistent = 0 in %s (%s): no mysqli persistent connections", where, k.ValuePos))
		} else {
			ap.Notes = append(ap.Notes, fmt.Sprintf("mysqli.max_persistent = %s in %s (%s)", k.Value, where, k.ValuePos))
		}
	}
	for _, pv := range persistent {
		if strings.HasPrefix(pv.V, "PDO::") || mysqliAllowed {
			ap.MinIdle = source.Value[int]{V: 1, Origin: pv.Origin}
			ap.Notes = append(ap.Notes, fmt.Sprintf("persistent connections (%s at %s): every child keeps its connection while idle, so up to pm.max_children stay open", pv.V, pv.Origin))
			return
		}
	}
	if !sources {
		ap.Notes = append(ap.Notes, "no PHP source read: assuming connections per request (not persistent)")
		return
	}
	ap.Notes = append(ap.Notes, "connections per request (no persistent connection found in the PHP sources read)")
}

func envSwitch(sw EnvSwitch, env apps.Env) (bool, source.Origin) {
	if env != nil {
		if v, ok := env.Lookup(sw.Name); ok && !v.Unknown {
			return phpTruthy(v.Value.V), v.Value.Origin
		}
	}
	return sw.Default, source.Origin{Pos: sw.Pos, Note: "default of env('" + sw.Name + "')"}
}

var envRefRe = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${NAME} as PHP's INI scanner does. When the value is
// exactly one reference resolved from env, envOrigin is that variable's
// origin. unknown says why the value cannot be known.
func expandEnv(s string, env apps.Env) (val string, envOrigin *source.Origin, unknown string) {
	refs := envRefRe.FindAllStringSubmatchIndex(s, -1)
	if len(refs) == 0 {
		return s, nil, ""
	}
	var b strings.Builder
	last := 0
	for _, r := range refs {
		name := s[r[2]:r[3]]
		b.WriteString(s[last:r[0]])
		last = r[1]
		var v apps.EnvVar
		ok := false
		if env != nil {
			v, ok = env.Lookup(name)
		}
		switch {
		case !ok:
			return "", nil, fmt.Sprintf("${%s} is not in the environment read", name)
		case v.Unknown:
			return "", nil, fmt.Sprintf("${%s} comes from a source whose value is not in the inputs", name)
		}
		b.WriteString(v.Value.V)
		if len(refs) == 1 && r[0] == 0 && r[1] == len(s) {
			o := v.Value.Origin
			envOrigin = &o
		}
	}
	b.WriteString(s[last:])
	return b.String(), envOrigin, ""
}

// fpmInt reads an integer as fpm_conf_set_integer does: optional leading
// '-', then digits only.
func fpmInt(s string) (int, error) {
	s = strings.TrimSpace(s)
	for i, c := range s {
		if i == 0 && c == '-' {
			continue
		}
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a valid number", s)
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a valid number", s)
	}
	return n, nil
}

// fpmDuration reads a time as fpm_conf_set_time does: digits with an
// optional unit s, m, h or d (seconds when absent).
func fpmDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	unit := time.Second
	if s != "" {
		switch s[len(s)-1] {
		case 's':
			s = s[:len(s)-1]
		case 'm':
			unit, s = time.Minute, s[:len(s)-1]
		case 'h':
			unit, s = time.Hour, s[:len(s)-1]
		case 'd':
			unit, s = 24*time.Hour, s[:len(s)-1]
		}
	}
	n, err := fpmInt(s)
	if err != nil {
		return 0, err
	}
	if n < 0 || n > 1<<31 {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	return time.Duration(n) * unit, nil
}

// iniBool reads a PHP INI boolean: On, yes, true and non-zero numbers are
// true.
func iniBool(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "off", "no", "false", "none":
		return false
	case "1", "on", "yes", "true":
		return true
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return err == nil && n != 0
}
