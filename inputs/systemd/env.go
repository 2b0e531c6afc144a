package systemd

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/sysroot"
)

// EnvVar is one variable of a service's environment and where it was set.
type EnvVar struct {
	Name, Value string
	Pos         source.Pos // the Environment= value, or the line of the environment file
}

// Env is the environment systemd gives a unit's processes from its own
// settings, with what systemd logs and skips while building it.
type Env struct {
	Vars     []EnvVar // in systemd's order; a later setting replaces an earlier one in place
	Warnings []Warning
}

// Get returns the value of the variable name.
func (e *Env) Get(name string) (string, bool) {
	for _, v := range e.Vars {
		if v.Name == name {
			return v.Value, true
		}
	}
	return "", false
}

// Map returns the variables as a map, for Command.ExpandEnv.
func (e *Env) Map() map[string]string {
	m := make(map[string]string, len(e.Vars))
	for _, v := range e.Vars {
		m[v.Name] = v.Value
	}
	return m
}

func (e *Env) set(v EnvVar) {
	for i := range e.Vars {
		if e.Vars[i].Name == v.Name {
			e.Vars[i] = v
			return
		}
	}
	e.Vars = append(e.Vars, v)
}

func (e *Env) warnf(pos source.Pos, format string, args ...any) {
	e.Warnings = append(e.Warnings, Warning{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Environment returns the variables the unit's Environment= and
// EnvironmentFile= settings give its processes (systemd.exec(5)), as systemd
// computes them when it starts the unit:
//
//   - Environment= values are split into words like ExecStart= (quotes, C
//     escapes), specifiers expanded; a word that is not NAME=VALUE with a
//     valid name is skipped; an empty assignment resets the list
//     (config_parse_environ()).
//   - EnvironmentFile= names absolute paths, "-" first making a missing file
//     harmless, glob patterns (in the file name) allowed; files are read
//     through root in order with systemd's env-file grammar
//     (parse_env_file_internal(), systemd >= 254) and override Environment=.
//     A missing file without "-" is reported as a warning: systemd refuses
//     to start the unit.
//
// Variables from the manager itself (PATH, LANG, DefaultEnvironment=) and
// PassEnvironment= are not included. Errors are only for unreadable files.
func (u *Unit) Environment(ctx context.Context, root *sysroot.Root) (*Env, error) {
	sec := sectionOf(u.Name)
	env := &Env{}
	for _, a := range u.List(sec, "Environment") {
		p, more := a.Value, true
		for {
			w, ok, err := extractWord(&p, &more, exUnquote|exCunescape)
			if err != nil {
				env.warnf(a.ValuePos, "invalid syntax, ignoring: %q", a.Value)
				break
			}
			if !ok {
				break
			}
			r, err := u.Expand(w)
			if err != nil {
				env.warnf(a.ValuePos, "failed to resolve specifiers in %q, ignoring", w)
				continue
			}
			name, value, found := strings.Cut(r, "=")
			if !found || !envNameValid(name) || !validUTF8(value) {
				env.warnf(a.ValuePos, "invalid environment assignment, ignoring: %q", r)
				continue
			}
			env.set(EnvVar{Name: name, Value: value, Pos: a.ValuePos})
		}
	}
	for _, a := range u.List(sec, "EnvironmentFile") {
		spec, err := u.Expand(a.Value)
		if err != nil {
			env.warnf(a.ValuePos, "failed to resolve specifiers in %q, ignoring", a.Value)
			continue
		}
		optional := strings.HasPrefix(spec, "-")
		name := strings.TrimPrefix(spec, "-")
		if !strings.HasPrefix(name, "/") {
			env.warnf(a.ValuePos, "path %q is not absolute, ignoring", name)
			continue
		}
		paths, err := globFiles(root, path.Clean(name))
		if err != nil {
			return env, err
		}
		if len(paths) == 0 {
			if !optional {
				env.warnf(a.ValuePos, "failed to load environment file %q: file does not exist", name)
			}
			continue
		}
		for _, p := range paths {
			if err := ctx.Err(); err != nil {
				return env, err
			}
			src, state, err := readConf(root, p)
			if err != nil {
				if optional {
					continue
				}
				return env, fmt.Errorf("environment file %s: %w", p, err)
			}
			if state != filePresent {
				if state == fileMissing && !optional {
					env.warnf(a.ValuePos, "failed to load environment file %q: file does not exist", name)
				}
				continue
			}
			for _, v := range parseEnvFile(p, src) {
				if !envNameValid(v.Name) || !validUTF8(v.Value) {
					env.warnf(v.Pos, "invalid environment assignment, ignoring: %q", v.Name+"="+v.Value)
					continue
				}
				env.set(v)
			}
		}
	}
	return env, nil
}

// envNameValid is env_name_is_valid(): letters, digits and '_', not
// starting with a digit.
func envNameValid(n string) bool {
	if n == "" || n[0] >= '0' && n[0] <= '9' {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// globFiles expands a pattern whose last element may hold glob characters
// (glob(3) as systemd uses it for EnvironmentFile=) into the sorted
// sysroot-relative paths of existing entries. A name without glob
// characters is returned as is.
func globFiles(root *sysroot.Root, name string) ([]string, error) {
	rel := strings.TrimPrefix(name, "/")
	dir, base := path.Split(rel)
	if !strings.ContainsAny(base, "*?[") {
		return []string{rel}, nil
	}
	ents, err := root.ReadDir(strings.TrimSuffix(dir, "/"))
	if err != nil {
		if notExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("environment file pattern %s: %w", name, err)
	}
	var out []string
	for _, e := range ents {
		if ok, err := path.Match(base, e.Name()); err == nil && ok && (!strings.HasPrefix(e.Name(), ".") || strings.HasPrefix(base, ".")) {
			out = append(out, dir+e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// parseEnvFile reads an environment file with the state machine of
// systemd's parse_env_file_internal() (v254 and later: a comment ending in a
// backslash no longer swallows the next line): KEY=VALUE lines, blanks
// around the key and before the value dropped, trailing blanks of an
// unquoted value dropped, '…' literal, "…" with \", \\, \`, \$ escapes and
// other backslashes kept, a backslash-newline joining lines, '#' and ';'
// starting a comment where a key could start. Lines without '=' are
// skipped. Names are not checked here.
func parseEnvFile(p string, src []byte) []EnvVar {
	const (
		preKey = iota
		inKey
		preValue
		inValue
		valueEscape
		singleQuote
		doubleQuote
		doubleQuoteEscape
		comment
		commentEscape
	)
	var out []EnvVar
	var key, value []byte
	lastKeyWS, lastValueWS := -1, -1
	line, keyLine := 1, 1
	state := preKey
	push := func() {
		k := key
		if lastKeyWS >= 0 {
			k = k[:lastKeyWS]
		}
		out = append(out, EnvVar{Name: string(k), Value: string(value), Pos: source.Pos{Path: p, Line: keyLine}})
		key, value = key[:0], nil
	}
	isNL := func(c byte) bool { return c == '\n' || c == '\r' }
	isWS := func(c byte) bool { return strings.IndexByte(whitespace, c) >= 0 }
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == 0 {
			break // systemd reads the file as a C string
		}
		switch state {
		case preKey:
			switch {
			case c == '#' || c == ';':
				state = comment
			case !isWS(c):
				state, lastKeyWS, keyLine = inKey, -1, line
				key = append(key[:0], c)
			}
		case inKey:
			switch {
			case isNL(c):
				state, key = preKey, key[:0]
			case c == '=':
				state, lastValueWS = preValue, -1
			default:
				if !isWS(c) {
					lastKeyWS = -1
				} else if lastKeyWS < 0 {
					lastKeyWS = len(key)
				}
				key = append(key, c)
			}
		case preValue:
			switch {
			case isNL(c):
				state = preKey
				push()
			case c == '\'':
				state = singleQuote
			case c == '"':
				state = doubleQuote
			case c == '\\':
				state = valueEscape
			case !isWS(c):
				state = inValue
				value = append(value, c)
			}
		case inValue:
			switch {
			case isNL(c):
				state = preKey
				if lastValueWS >= 0 {
					value = value[:lastValueWS]
				}
				push()
			case c == '\\':
				state, lastValueWS = valueEscape, -1
			default:
				if !isWS(c) {
					lastValueWS = -1
				} else if lastValueWS < 0 {
					lastValueWS = len(value)
				}
				value = append(value, c)
			}
		case valueEscape:
			state = inValue
			if !isNL(c) {
				value = append(value, c)
			}
		case singleQuote:
			if c == '\'' {
				state = preValue
			} else {
				value = append(value, c)
			}
		case doubleQuote:
			switch c {
			case '"':
				state = preValue
			case '\\':
				state = doubleQuoteEscape
			default:
				value = append(value, c)
			}
		case doubleQuoteEscape:
			state = doubleQuote
			switch {
			case strings.IndexByte("\"\\`$", c) >= 0:
				value = append(value, c)
			case c != '\n':
				value = append(value, '\\', c)
			}
		case comment:
			switch {
			case c == '\\':
				state = commentEscape
			case isNL(c):
				state = preKey
			}
		case commentEscape:
			if isNL(c) {
				state = preKey
			} else {
				state = comment
			}
		}
		if c == '\n' {
			line++
		}
	}
	switch state {
	case preValue, inValue, valueEscape, singleQuote, doubleQuote, doubleQuoteEscape:
		if state == inValue && lastValueWS >= 0 {
			value = value[:lastValueWS]
		}
		push()
	}
	return out
}
