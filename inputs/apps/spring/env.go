package spring

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/dburl"
	"github.com/conncap/conncap/inputs/source"
)

// value is one property value found in a property source.
type value struct {
	key     string     // the key or variable name as written
	raw     string     // before placeholder resolution
	tag     string     // YAML type, "!!str" otherwise
	pos     source.Pos // the value
	where   string     // the source, for notes: "env SPRING_PROFILES_ACTIVE", a file path
	unknown bool       // an env var whose value is not in the inputs
	env     bool       // from an environment variable
}

// uniform is Spring's uniform form of a property name: lower-case ASCII
// letters and digits per element (ElementsParser.isAlphaNumeric), other
// characters dropped, indices kept
// ("spring.datasource.hikari.maximumPoolSize" and "…maximum-pool-size" and
// "…maximum_pool_size" are all "spring.datasource.hikari.maximumpoolsize").
func uniform(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '.' || c == '[' || c == ']', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b.WriteByte(c)
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		}
	}
	return b.String()
}

// elements splits a dashed property name into elements: "a.b[0].c-d" →
// ["a", "b", "0", "c-d"].
func elements(key string) []string {
	var out []string
	for _, part := range strings.Split(key, ".") {
		for part != "" {
			i := strings.IndexByte(part, '[')
			if i < 0 {
				out = append(out, part)
				break
			}
			if i > 0 {
				out = append(out, part[:i])
			}
			j := strings.IndexByte(part[i:], ']')
			if j < 0 {
				out = append(out, part[i+1:])
				break
			}
			out = append(out, part[i+1:i+j])
			part = part[i+j+1:]
		}
	}
	return out
}

// envNames returns the variable names Spring Boot's
// SystemEnvironmentPropertyMapper maps a property to: elements in uniform
// form joined by '_' and upper-cased (SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE),
// and the legacy form with '-' turned into '_'
// (SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE), each also in lower case.
func envNames(key string) []string {
	els := elements(key)
	conv := make([]string, len(els))
	legacy := make([]string, len(els))
	for i, e := range els {
		conv[i] = strings.ToUpper(uniform(e))
		legacy[i] = strings.ToUpper(strings.ReplaceAll(e, "-", "_"))
	}
	a, b := strings.Join(conv, "_"), strings.Join(legacy, "_")
	names := []string{a}
	if b != a {
		names = append(names, b)
	}
	for _, n := range names[:len(names):len(names)] {
		names = append(names, strings.ToLower(n))
	}
	return names
}

// envToProperty is the reverse mapping Spring Boot applies when it lists
// the environment: lower-cased, '_' separates elements, numeric elements
// are indices.
func envToProperty(name string) string {
	var b strings.Builder
	for i, e := range strings.Split(strings.ToLower(name), "_") {
		switch {
		case e == "":
			continue
		case isDigits(e):
			b.WriteString("[" + e + "]")
		default:
			if i > 0 && b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e)
		}
	}
	return b.String()
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// envSource looks properties up in the process environment.
type envSource struct {
	env   apps.Env
	names []string // every variable name, when env can list them
}

func newEnvSource(env apps.Env) *envSource {
	return &envSource{env: env, names: dburl.EnvNames(env)}
}

func (s *envSource) lookup(name string) (value, bool) {
	v, ok := s.env.Lookup(name)
	if !ok {
		return value{}, false
	}
	return value{key: name, raw: v.Value.V, tag: "!!str", pos: v.Value.Origin.Pos,
		where: fmt.Sprintf("env %s (%s)", name, v.Value.Origin), unknown: v.Unknown, env: true}, true
}

// get finds a property by relaxed binding.
func (s *envSource) get(key string) (value, bool) {
	for _, n := range envNames(key) {
		if v, ok := s.lookup(n); ok {
			return v, true
		}
	}
	want := uniform(key)
	for _, n := range s.names {
		if uniform(envToProperty(n)) == want {
			return s.lookup(n)
		}
	}
	return value{}, false
}

// getRaw is SystemEnvironmentPropertySource.getProperty, used for
// placeholders that are not valid property names (${DB_POOL_SIZE}): the
// name as is, with '.' and/or '-' turned into '_', then all upper-cased.
func (s *envSource) getRaw(name string) (value, bool) {
	dots := strings.ReplaceAll(name, ".", "_")
	dashes := strings.ReplaceAll(name, "-", "_")
	both := strings.ReplaceAll(dots, "-", "_")
	for _, up := range []bool{false, true} {
		for _, n := range []string{name, dots, dashes, both} {
			if up {
				n = strings.ToUpper(n)
			}
			if v, ok := s.lookup(n); ok {
				return v, true
			}
		}
	}
	return value{}, false
}

// hasPrefix reports whether any variable maps under a property prefix.
func (s *envSource) hasPrefix(prefix string) bool {
	want := uniform(prefix) + "."
	for _, n := range s.names {
		if strings.HasPrefix(uniform(envToProperty(n))+".", want) {
			return true
		}
	}
	return false
}

// mapSource is a flattened property source: a document, or SPRING_APPLICATION_JSON.
type mapSource struct {
	where   string
	byKey   map[string]value // uniform key → last value
	exact   map[string]value // key as written → last value
	profile bool             // a profile-specific file or document
}

func newMapSource(where string) *mapSource {
	return &mapSource{where: where, byKey: map[string]value{}, exact: map[string]value{}}
}

func (m *mapSource) put(v value) {
	m.byKey[uniform(v.key)] = v
	m.exact[v.key] = v
}

func (m *mapSource) get(key string) (value, bool) {
	v, ok := m.byKey[uniform(key)]
	return v, ok
}

func (m *mapSource) hasPrefix(prefix string) bool {
	want := uniform(prefix) + "."
	for k := range m.byKey {
		if strings.HasPrefix(k, want) {
			return true
		}
	}
	return false
}

// docSource makes a property source of one document.
func docSource(f *File, d Doc, profile bool) *mapSource {
	m := newMapSource(f.Path)
	m.profile = profile
	for _, p := range d.Props {
		m.put(value{key: p.Key, raw: p.Value, tag: p.Tag, pos: p.ValuePos, where: p.ValuePos.String()})
	}
	return m
}

// applicationJSON reads SPRING_APPLICATION_JSON the way
// JsonPropertySourceEnvironmentPostProcessor does: a JSON object flattened
// to dotted keys and [i] indices. Its values sit at the variable's position.
func applicationJSON(env apps.Env) (*mapSource, *source.Error, string) {
	const name = "SPRING_APPLICATION_JSON"
	v, ok := env.Lookup(name)
	if !ok {
		return nil, nil, ""
	}
	pos := v.Value.Origin.Pos
	where := fmt.Sprintf("env %s (%s)", name, v.Value.Origin)
	if v.Unknown {
		return nil, nil, fmt.Sprintf("%s is set from a source not in the inputs; properties it may set are unknown", where)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(v.Value.V)))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, source.Errorf(pos, "%s is not valid JSON (%v): Spring Boot fails to start", name, err), ""
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, source.Errorf(pos, "%s must hold a JSON object: Spring Boot fails to start", name), ""
	}
	m := newMapSource(where)
	var flatten func(prefix string, x any, depth int)
	flatten = func(prefix string, x any, depth int) {
		if depth > 100 {
			return
		}
		switch t := x.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				flatten(joinKey(prefix, k), t[k], depth+1)
			}
		case []any:
			for i, it := range t {
				flatten(prefix+"["+strconv.Itoa(i)+"]", it, depth+1)
			}
		case nil:
			m.put(value{key: prefix, raw: "", tag: "!!null", pos: pos, where: where, env: true})
		default:
			m.put(value{key: prefix, raw: fmt.Sprint(t), tag: "!!str", pos: pos, where: where, env: true})
		}
	}
	flatten("", obj, 0)
	return m, nil, ""
}
