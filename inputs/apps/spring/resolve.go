package spring

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// resolver looks properties up the way Spring Boot's Environment does,
// highest precedence first: SPRING_APPLICATION_JSON, the OS environment,
// then the config data documents (latest loaded first).
type resolver struct {
	json *mapSource
	env  *envSource
	docs []*mapSource // highest precedence first
}

// get finds a property by relaxed binding.
func (r *resolver) get(key string) (value, bool) {
	if r.json != nil {
		if v, ok := r.json.get(key); ok {
			return v, true
		}
	}
	if v, ok := r.env.get(key); ok {
		return v, true
	}
	for _, d := range r.docs {
		if v, ok := d.get(key); ok {
			return v, true
		}
	}
	return value{}, false
}

// getRaw finds a name that is not a valid property name (${DB_POOL}) the
// way each property source's getProperty does.
func (r *resolver) getRaw(name string) (value, bool) {
	if r.json != nil {
		if v, ok := r.json.exact[name]; ok {
			return v, true
		}
	}
	if v, ok := r.env.getRaw(name); ok {
		return v, true
	}
	for _, d := range r.docs {
		if v, ok := d.exact[name]; ok {
			return v, true
		}
	}
	return value{}, false
}

// getList binds a list property: a comma-separated value, or indexed
// elements key[0], key[1], … from the first source that has them.
func (r *resolver) getList(key string) ([]string, value, bool) {
	if v, ok := r.get(key); ok {
		return splitList(v.raw), v, true
	}
	first, ok := r.get(key + "[0]")
	if !ok {
		return nil, value{}, false
	}
	out := []string{strings.TrimSpace(first.raw)}
	for i := 1; i < 1000; i++ {
		v, ok := r.get(key + "[" + strconv.Itoa(i) + "]")
		if !ok {
			break
		}
		out = append(out, strings.TrimSpace(v.raw))
	}
	return out, first, true
}

func (r *resolver) hasPrefix(prefix string) bool {
	if r.json != nil && r.json.hasPrefix(prefix) {
		return true
	}
	if r.env.hasPrefix(prefix) {
		return true
	}
	for _, d := range r.docs {
		if d.hasPrefix(prefix) {
			return true
		}
	}
	return false
}

// isPropertyName reports whether s is a valid ConfigurationPropertyName:
// lower-case alphanumeric elements with dashes, separated by dots, with
// optional [index] parts.
func isPropertyName(s string) bool {
	if s == "" {
		return false
	}
	for _, e := range strings.Split(s, ".") {
		if e == "" {
			return false
		}
		base, _, _ := strings.Cut(e, "[")
		for i := 0; i < len(base); i++ {
			c := base[i]
			ok := 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' && i > 0
			if !ok {
				return false
			}
		}
	}
	return true
}

// resolved is a property value after placeholder resolution.
type resolved struct {
	v       value
	text    string
	origin  source.Origin
	unknown bool     // depends on a value that is not in the inputs
	notes   []string // how placeholders were resolved
}

// maxPlaceholderDepth bounds nested and chained placeholders.
const maxPlaceholderDepth = 32

// resolve expands ${name:default} placeholders in v as Spring's
// PropertyPlaceholderHelper does (nested placeholders, default after the
// first ':', unresolvable ones left as written). The origin is the value
// that supplied the text: the variable a lone ${NAME:16} resolved from, the
// file holding the default when the default was used, v itself otherwise.
func (r *resolver) resolve(v value) (resolved, error) {
	res := resolved{v: v, origin: source.At(v.pos), unknown: v.unknown}
	if v.unknown {
		res.origin = source.Origin{Pos: v.pos, Note: v.where + " has no value in the inputs"}
		return res, nil
	}
	tr := &trace{}
	text, err := r.expand(v.raw, map[string]bool{}, 0, tr)
	if err != nil {
		return res, source.Errorf(v.pos, "%s", err)
	}
	res.text = text
	res.unknown = tr.unknown
	if len(tr.steps) == 0 {
		return res, nil
	}
	whole := strings.HasPrefix(v.raw, "${") && findPlaceholderEnd(v.raw, 2) == len(v.raw)-1
	first := tr.steps[0]
	switch {
	case whole && first.found && first.from.unknown:
		res.origin = source.Origin{Pos: first.from.pos, Note: fmt.Sprintf("via %s at %s; %s has no value in the inputs", v.raw, v.pos, first.from.key)}
	case whole && first.found:
		res.origin = source.Origin{Pos: first.from.pos, Note: fmt.Sprintf("via %s at %s", v.raw, v.pos)}
	case whole && first.defaulted:
		res.origin = source.Origin{Pos: v.pos, Note: fmt.Sprintf("default of %s: %s is not set", v.raw, first.name)}
	default:
		res.origin = source.Origin{Pos: v.pos, Note: fmt.Sprintf("%s resolves to %q", v.raw, text)}
	}
	for _, s := range tr.steps {
		switch {
		case s.found:
			res.notes = append(res.notes, fmt.Sprintf("${%s} at %s resolved from %s", s.name, v.pos, s.from.where))
		case s.defaulted:
			res.notes = append(res.notes, fmt.Sprintf("${%s} at %s: not set; default %q used", s.name, v.pos, s.def))
		default:
			res.unknown = true
			res.notes = append(res.notes, fmt.Sprintf("${%s} at %s cannot be resolved from the inputs (Spring fails to start unless it is set at run time)", s.name, v.pos))
		}
	}
	return res, nil
}

type trace struct {
	steps   []step
	unknown bool
}

type step struct {
	name      string
	found     bool
	from      value
	defaulted bool
	def       string
}

// findPlaceholderEnd returns the index of the '}' closing a placeholder
// whose content starts at i, counting nested "${" and "{".
func findPlaceholderEnd(s string, i int) int {
	nested := 0
	for ; i < len(s); i++ {
		switch {
		case s[i] == '}':
			if nested == 0 {
				return i
			}
			nested--
		case s[i] == '{':
			nested++
		}
	}
	return -1
}

func (r *resolver) expand(s string, visiting map[string]bool, depth int, tr *trace) (string, error) {
	if depth > maxPlaceholderDepth {
		return "", fmt.Errorf("placeholders nested more than %d deep in %q", maxPlaceholderDepth, s)
	}
	var out strings.Builder
	i := 0
	for {
		start := strings.Index(s[i:], "${")
		if start < 0 {
			out.WriteString(s[i:])
			return out.String(), nil
		}
		start += i
		end := findPlaceholderEnd(s, start+2)
		if end < 0 {
			out.WriteString(s[i:])
			return out.String(), nil
		}
		out.WriteString(s[i:start])
		inner, err := r.expand(s[start+2:end], visiting, depth+1, tr)
		if err != nil {
			return "", err
		}
		if visiting[inner] {
			return "", fmt.Errorf("circular placeholder reference %q", inner)
		}
		visiting[inner] = true
		st := step{name: inner}
		v, found := r.placeholder(inner)
		var text string
		switch {
		case found:
			st.found, st.from = true, v
			if v.unknown {
				tr.unknown = true
			}
			text, err = r.expand(v.raw, visiting, depth+1, tr)
		default:
			name, def, hasDef := strings.Cut(inner, ":")
			if hasDef {
				st.name = name
				if v, ok := r.placeholder(name); ok {
					st.found, st.from = true, v
					if v.unknown {
						tr.unknown = true
					}
					text, err = r.expand(v.raw, visiting, depth+1, tr)
				} else {
					st.defaulted, st.def = true, def
					text, err = r.expand(def, visiting, depth+1, tr)
				}
			} else {
				text = "${" + inner + "}"
			}
		}
		delete(visiting, inner)
		if err != nil {
			return "", err
		}
		tr.steps = append(tr.steps, st)
		out.WriteString(text)
		i = end + 1
		if out.Len() > 1<<20 {
			return "", fmt.Errorf("placeholders expand to more than 1 MiB")
		}
	}
}

func (r *resolver) placeholder(name string) (value, bool) {
	if isPropertyName(name) {
		if v, ok := r.get(name); ok {
			return v, true
		}
	}
	return r.getRaw(name)
}

// emptyValue marks a value that binds as null: the property stays unset.
type emptyValue struct{}

// Error says the value is empty.
func (emptyValue) Error() string { return "empty value" }

// springInt converts a property to a Java int (bits 32) or long (bits 64)
// as Spring's conversion service does: YAML integers as they are, YAML
// floats truncated (Double.intValue), strings with all whitespace removed,
// hex as 0x/#, decimal otherwise (a leading 0 is not octal). An empty value
// binds as null: the property stays unset (emptyValue).
func springInt(text, tag string, bits int) (int64, error) {
	limit := func(n int64) (int64, error) {
		if bits == 32 && (n < math.MinInt32 || n > math.MaxInt32) {
			return 0, fmt.Errorf("%q overflows a Java int", text)
		}
		return n, nil
	}
	switch tag {
	case "!!null":
		return 0, emptyValue{}
	case "!!bool":
		return 0, fmt.Errorf("%q is a boolean, not a number", text)
	case "!!float":
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsNaN(f) {
			return 0, fmt.Errorf("%q is not a number", text)
		}
		if f >= math.MaxInt64 || f <= math.MinInt64 {
			return 0, fmt.Errorf("%q overflows a Java long", text)
		}
		return limit(int64(f))
	}
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' {
			return -1
		}
		return r
	}, text)
	if s == "" {
		return 0, emptyValue{}
	}
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(s, "-")
	base := 10
	switch {
	case strings.HasPrefix(body, "0x") || strings.HasPrefix(body, "0X"):
		body, base = body[2:], 16
	case strings.HasPrefix(body, "#"):
		body, base = body[1:], 16
	case neg:
	default:
		body = strings.TrimPrefix(s, "+")
	}
	if body == "" || body[0] == '-' || body[0] == '+' {
		return 0, fmt.Errorf("%q is not a number", text)
	}
	n, err := strconv.ParseInt(body, base, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("%q overflows a Java long", text)
		}
		return 0, fmt.Errorf("%q is not a number", text)
	}
	if neg {
		n = -n
	}
	return limit(n)
}
