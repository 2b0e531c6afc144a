package systemd

import (
	"fmt"
	"strings"
)

// nameKind classifies a unit name as systemd's unit_name_is_valid() does.
type nameKind int

const (
	nameInvalid  nameKind = iota
	namePlain             // foo.service
	nameTemplate          // foo@.service
	nameInstance          // foo@bar.service
)

// maxNameLen is UNIT_NAME_MAX - 1: systemd refuses names of 256 bytes or more.
const maxNameLen = 255

// isUnitType reports whether s is a unit type systemd knows (unit_type_table).
func isUnitType(s string) bool {
	switch s {
	case "service", "mount", "swap", "socket", "target", "device", "automount", "timer", "path", "slice", "scope":
		return true
	}
	return false
}

// validNameChar reports whether c may appear in a unit name before its type
// suffix (VALID_CHARS; '@' is handled by the caller).
func validNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == ':' || c == '-' || c == '_' || c == '.' || c == '\\'
}

// classifyName follows unit_name_is_valid(): a known type suffix after the
// last '.', only VALID_CHARS_WITH_AT before it, and the first '@' (not at the
// start) separating prefix and instance.
func classifyName(n string) nameKind {
	if n == "" || len(n) > maxNameLen {
		return nameInvalid
	}
	e := strings.LastIndexByte(n, '.')
	if e <= 0 || !isUnitType(n[e+1:]) {
		return nameInvalid
	}
	at := -1
	for i := 0; i < e; i++ {
		c := n[i]
		if c == '@' {
			if at < 0 {
				at = i
			}
			continue
		}
		if !validNameChar(c) {
			return nameInvalid
		}
	}
	switch {
	case at == 0:
		return nameInvalid
	case at < 0:
		return namePlain
	case at+1 == e:
		return nameTemplate
	default:
		return nameInstance
	}
}

// nameParts splits a valid unit name into prefix, instance and type:
// "mariadb@foo.service" gives "mariadb", "foo", "service"; instance is empty
// for plain names and templates.
func nameParts(n string) (prefix, instance, typ string) {
	e := strings.LastIndexByte(n, '.')
	if e < 0 {
		return n, "", ""
	}
	base, typ := n[:e], n[e+1:]
	if at := strings.IndexByte(base, '@'); at >= 0 {
		return base[:at], base[at+1:], typ
	}
	return base, "", typ
}

// templateOf returns the template of an instance name (unit_name_template).
func templateOf(n string) string {
	prefix, _, typ := nameParts(n)
	return prefix + "@." + typ
}

// withInstance puts instance into a template or instance name
// (unit_name_replace_instance).
func withInstance(n, instance string) string {
	prefix, _, typ := nameParts(n)
	return prefix + "@" + instance + "." + typ
}

// unescapeName undoes systemd's unit name escaping (unit_name_unescape):
// "-" stands for "/" and "\xNN" for a byte.
func unescapeName(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '-':
			b.WriteByte('/')
		case '\\':
			if i+3 >= len(s) || s[i+1] != 'x' {
				return "", fmt.Errorf("bad escape in unit name %q", s)
			}
			hi, lo := unhex(s[i+2]), unhex(s[i+3])
			if hi < 0 || lo < 0 {
				return "", fmt.Errorf("bad escape in unit name %q", s)
			}
			b.WriteByte(byte(hi<<4 | lo))
			i += 3
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// machineSpecifiers are the specifiers systemd.unit(5) lists whose value
// depends on the running machine or manager (host name, boot ID, directories
// of the system manager, user of the manager, ...). Expand leaves them as
// written.
const machineSpecifiers = "aAbBCdEgGhHlLmMoqRsStTuUvVwWyY"

// Expand resolves the specifiers systemd.unit(5) defines from the unit's
// name in s: %n (full name), %N (name without type suffix), %p (prefix), %P
// (unescaped prefix), %i (instance), %I (unescaped instance), %j and %J
// (the part of the prefix after its last "-"), %f (unescaped path) and %%.
// Specifiers that depend on the machine (%H, %m, %b, %t, %h, ...) are left
// as written. An unknown specifier is an error, as it is for systemd, which
// then rejects the setting.
func (u *Unit) Expand(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	prefix, instance, _ := nameParts(u.Name)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			b.WriteByte('%') // a stray % at the end stays, as in specifier_printf()
			break
		}
		i++
		spec := s[i]
		var v string
		var err error
		switch spec {
		case '%':
			v = "%"
		case 'n':
			v = u.Name
		case 'N':
			v = strings.TrimSuffix(u.Name, "."+unitTypeOf(u.Name))
		case 'p':
			v = prefix
		case 'P':
			v, err = unescapeName(prefix)
		case 'i':
			v = instance
		case 'I':
			v, err = unescapeName(instance)
		case 'j', 'J':
			v = prefix
			if d := strings.LastIndexByte(prefix, '-'); d >= 0 {
				v = prefix[d+1:]
			}
			if spec == 'J' {
				v, err = unescapeName(v)
			}
		case 'f':
			src := instance
			if src == "" {
				src = prefix
			}
			v, err = unescapeName(src)
			if err == nil && !strings.HasPrefix(v, "/") {
				v = "/" + v
			}
		default:
			if strings.IndexByte(machineSpecifiers, spec) >= 0 {
				v = "%" + string(spec)
				break
			}
			return "", fmt.Errorf("unknown specifier %%%c in %q", spec, s)
		}
		if err != nil {
			return "", fmt.Errorf("resolve %%%c in %q: %w", spec, s, err)
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// unitTypeOf returns the type suffix of a unit name ("service").
func unitTypeOf(n string) string {
	_, _, typ := nameParts(n)
	return typ
}

// sectionOf returns the section holding a unit type's own settings
// ("Service" for .service units), or "" for types without one.
func sectionOf(unitName string) string {
	switch unitTypeOf(unitName) {
	case "service":
		return "Service"
	case "socket":
		return "Socket"
	case "mount":
		return "Mount"
	case "swap":
		return "Swap"
	case "automount":
		return "Automount"
	case "timer":
		return "Timer"
	case "path":
		return "Path"
	case "slice":
		return "Slice"
	case "scope":
		return "Scope"
	}
	return ""
}
