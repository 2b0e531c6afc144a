package node

import (
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

// parseDotEnv reads a .env file as the dotenv package does (motdotla/dotenv
// lib/main.js): KEY=VALUE lines with an optional "export ", # comments,
// values in single, double or back quotes (double-quoted ones expand \n
// and may span lines), unquoted values trimmed and cut at " #". It does
// not expand ${VAR}. Each value's origin is its first character. A line
// dotenv cannot read is skipped by dotenv; it is skipped here too.
func parseDotEnv(path, src string) (apps.EnvMap, error) {
	env := apps.EnvMap{}
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		t := strings.TrimLeft(line, " \t")
		if t == "" || t[0] == '#' {
			continue
		}
		t = strings.TrimPrefix(t, "export ")
		name, rest, ok := strings.Cut(t, "=")
		if !ok {
			if name, rest, ok = strings.Cut(t, ":"); !ok {
				continue
			}
		}
		name = strings.TrimSpace(name)
		if name == "" || strings.ContainsAny(name, " \t") {
			continue
		}
		val := strings.TrimLeft(rest, " \t")
		vcol := utf8.RuneCountInString(line) - utf8.RuneCountInString(val) + 1
		vpos := source.Pos{Path: path, Line: i + 1, Col: vcol}
		if val != "" && strings.ContainsRune(`"'`+"`", rune(val[0])) {
			q := val[:1]
			body := val[1:]
			for !strings.Contains(body, q) && i+1 < len(lines) && q == `"` {
				i++
				body += "\n" + lines[i]
			}
			if end := strings.Index(body, q); end >= 0 {
				val = body[:end]
				if q == `"` {
					val = strings.ReplaceAll(strings.ReplaceAll(val, `\n`, "\n"), `\r`, "\r")
				}
			} else {
				val = strings.TrimSpace(val)
			}
		} else {
			if k := strings.Index(val, " #"); k >= 0 {
				val = val[:k]
			}
			val = strings.TrimSpace(val)
		}
		env[name] = apps.EnvVar{Name: name, Value: source.Value[string]{V: val, Origin: source.At(vpos)}}
	}
	return env, nil
}

// overlay is the environment a process sees with dotenv: the process's own
// variables win over the .env file's.
type overlay struct {
	proc apps.Env
	file apps.EnvMap
}

// Lookup returns the process's variable, else the .env file's.
func (o overlay) Lookup(name string) (apps.EnvVar, bool) {
	if o.proc != nil {
		if v, ok := o.proc.Lookup(name); ok {
			return v, true
		}
	}
	v, ok := o.file[name]
	return v, ok
}
