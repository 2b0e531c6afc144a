package compose

import (
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

// ParseDotEnv reads a .env file (or an env_file) as Compose does
// (compose-go's dotenv parser): KEY=VALUE lines, an optional "export "
// prefix, KEY: VALUE accepted too, # comments, single-quoted values taken
// literally, double-quoted values with backslash escapes, both allowed to
// span lines, and unquoted values ending at " #". Unquoted and
// double-quoted values are interpolated with the variables set earlier in
// the file; a value that reads a variable the file does not set depends on
// the shell and is Unknown, as is a bare KEY (taken from the shell). Each
// value's origin is its first character. A malformed line is a positioned
// error.
func ParseDotEnv(path string, src []byte) (apps.EnvMap, error) {
	env := apps.EnvMap{}
	text := strings.TrimPrefix(string(src), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	var errs source.ErrorList
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		col := utf8.RuneCountInString(line[:len(line)-len(trimmed)]) + 1
		at := source.Pos{Path: path, Line: i + 1, Col: col}
		rest := trimmed
		if after, ok := strings.CutPrefix(rest, "export "); ok {
			rest = strings.TrimLeft(after, " \t")
		}
		j := 0
		for j < len(rest) && rest[j] != '=' && rest[j] != ':' && rest[j] != ' ' && rest[j] != '\t' {
			if c := rest[j]; !(isNameChar(c) || c == '.' || c == '-') {
				errs.Add(at, "unexpected character "+string(rest[j])+" in variable name "+rest[:j+1])
				j = -1
				break
			}
			j++
		}
		if j < 0 {
			continue
		}
		name := rest[:j]
		rest = strings.TrimLeft(rest[j:], " \t")
		if name == "" {
			errs.Add(at, "missing variable name")
			continue
		}
		if rest == "" || rest[0] == '#' {
			env[name] = apps.EnvVar{Name: name, Unknown: true, Value: source.Value[string]{Origin: source.Origin{Pos: at, Note: name + " is taken from the shell's environment"}}}
			continue
		}
		if rest[0] != '=' && rest[0] != ':' {
			errs.Add(at, "unexpected character after variable name "+name)
			continue
		}
		rest = strings.TrimLeft(rest[1:], " \t")
		vcol := utf8.RuneCountInString(line) - utf8.RuneCountInString(rest) + 1
		vpos := source.Pos{Path: path, Line: i + 1, Col: vcol}
		var val string
		expand := true
		switch {
		case rest != "" && (rest[0] == '\'' || rest[0] == '"'):
			q := rest[0]
			body := rest[1:]
			end := closingQuote(body, q)
			for end < 0 && i+1 < len(lines) {
				i++
				body += "\n" + lines[i]
				end = closingQuote(body, q)
			}
			if end < 0 {
				errs.Add(vpos, "unterminated quoted value for "+name)
				continue
			}
			val = body[:end]
			if q == '\'' {
				expand = false
			} else {
				val = unescapeDouble(val)
			}
		default:
			if k := strings.Index(rest, " #"); k >= 0 {
				rest = rest[:k]
			}
			val = strings.TrimSpace(rest)
		}
		ev := apps.EnvVar{Name: name, Value: source.Value[string]{V: val, Origin: source.At(vpos)}}
		if expand && strings.Contains(val, "$") {
			out, refs, err := substitute(val, func(n string) (string, bool, bool) {
				v, ok := env[n]
				if !ok {
					return "", false, true
				}
				return v.Value.V, true, !v.Unknown
			})
			if err != nil {
				errs.Add(vpos, name+": "+err.Error())
				continue
			}
			ev.Value.V = out
			for _, r := range refs {
				if r.Unknowable || !r.Set && !r.UsedAlt {
					ev.Unknown = true
					ev.Value.Origin.Note = "reads ${" + r.Name + "}, which this file does not set"
				}
			}
		}
		env[name] = ev
	}
	errs.Sort()
	return env, errs.Err()
}

// closingQuote returns the index of the unescaped quote q ending body, or -1.
func closingQuote(body string, q byte) int {
	for i := 0; i < len(body); i++ {
		switch {
		case body[i] == '\\' && q == '"':
			i++
		case body[i] == q:
			return i
		}
	}
	return -1
}

// unescapeDouble applies the escapes of a double-quoted .env value.
func unescapeDouble(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case '$':
			b.WriteString("$$") // kept literal through interpolation
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
