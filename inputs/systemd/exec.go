package systemd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// Command is one command line of an Exec*= setting, split the way systemd
// splits it (config_parse_exec(), systemd.service(5) "Command lines").
type Command struct {
	// Prefix holds the special executable prefixes as written, in order:
	// "@" (Argv[0] is given separately), "-" (failure is ignored), ":" (no
	// environment variable substitution), "+" (full privileges), "!" (no
	// credential change) and "!!" (ambient capabilities).
	Prefix string
	// Path is the executable: absolute, or a bare name systemd looks up in
	// its PATH (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin). Duplicate
	// slashes and "/./" are simplified away, as systemd does.
	Path string
	// Argv is the argument vector: Argv[0] is the path as written, or the
	// word after the path when Prefix has "@". Quotes and C escapes are
	// resolved; $VAR and ${VAR} are left for ExpandEnv.
	Argv []string
	// Pos is where the command line's value starts; zero when it was not
	// parsed from a unit.
	Pos source.Pos
}

// ExecError is a command line that systemd rejects.
type ExecError struct {
	Msg string
	// Ignored is true when systemd only logs the problem and drops the rest
	// of the line (a "-" prefix, or a first word it cannot decode). When it
	// is false the unit fails to load (load state "bad-setting").
	Ignored bool
}

// Error returns the message.
func (e *ExecError) Error() string { return e.Msg }

// ParseExec splits an ExecStart= style value into its commands: words are
// separated by whitespace, single and double quotes group words (anywhere
// in a word), C escapes (\n, \t, \xNN, \NNN octal, \uNNNN, ...) are
// resolved and a backslash before another character keeps it; a lone ";"
// separates commands and "\;" is a literal ";" argument. Unit specifiers
// are not expanded (see Unit.Exec). An empty value resets the list in
// systemd and gives no commands here. On an error (*ExecError) ParseExec
// returns the commands before it.
func ParseExec(s string) ([]Command, error) {
	return parseExec(s, nil)
}

// SplitCommand returns the executable and arguments of the first command of
// an ExecStart= style value: Path followed by Argv[1:]. With the "@" prefix
// the argv[0] override is dropped, so the result is always the program
// followed by what it receives as arguments.
func SplitCommand(s string) ([]string, error) {
	cmds, err := ParseExec(s)
	if err != nil {
		return nil, err
	}
	if len(cmds) == 0 {
		return nil, &ExecError{Msg: "empty command line"}
	}
	c := cmds[0]
	out := []string{c.Path}
	if len(c.Argv) > 1 {
		out = append(out, c.Argv[1:]...)
	}
	return out, nil
}

// Exec returns the commands of a list setting such as "ExecStart" in the
// unit's own section ([Service] for a service), after empty assignments
// reset the list, with unit specifiers (%i, %n, ...) expanded in every word
// as systemd does. A line systemd logs and ignores (ExecError.Ignored)
// contributes the commands before the problem and the next lines are still
// read; the first such error is returned with all commands. A fatal one
// stops there (Load already cut such files short: see Unit.Err).
func (u *Unit) Exec(key string) ([]Command, error) {
	var out []Command
	var first error
	for _, a := range u.List(sectionOf(u.Name), key) {
		cmds, err := parseExec(a.Value, u.Expand)
		for i := range cmds {
			cmds[i].Pos = a.ValuePos
		}
		out = append(out, cmds...)
		if err == nil {
			continue
		}
		err = fmt.Errorf("%s: %s=: %w", a.ValuePos, key, err)
		var ee *ExecError
		if errors.As(err, &ee) && !ee.Ignored {
			return out, err
		}
		if first == nil {
			first = err
		}
	}
	return out, first
}

// parseExec is config_parse_exec(); expand resolves specifiers (nil: none).
func parseExec(rvalue string, expand func(string) (string, error)) ([]Command, error) {
	if expand == nil {
		expand = func(s string) (string, error) { return s, nil }
	}
	rvalue = strings.TrimLeft(rvalue, whitespace)
	if rvalue == "" {
		return nil, nil
	}
	var cmds []Command
	p, more := rvalue, true
	for {
		first, ok, err := extractWordWarn(&p, &more, exUnquote|exCunescape)
		if err != nil {
			return cmds, &ExecError{Msg: err.Error(), Ignored: true}
		}
		if !ok {
			return cmds, nil
		}
		f, prefix := first, ""
		ignore, argv0, noEnv, priv, noSetuid, ambient := false, false, false, false, false, false
	prefixes:
		for f != "" {
			switch {
			case f[0] == '-' && !ignore:
				ignore = true
			case f[0] == '@' && !argv0:
				argv0 = true
			case f[0] == ':' && !noEnv:
				noEnv = true
			case f[0] == '+' && !priv && !noSetuid && !ambient:
				priv = true
			case f[0] == '!' && !priv && !noSetuid && !ambient:
				noSetuid = true
			case f[0] == '!' && !priv && !ambient:
				noSetuid, ambient = false, true
			default:
				break prefixes
			}
			prefix += f[:1]
			f = f[1:]
		}
		fail := func(format string, args ...any) ([]Command, error) {
			msg := fmt.Sprintf(format, args...)
			if ignore {
				msg += ", ignoring"
			}
			return cmds, &ExecError{Msg: msg, Ignored: ignore}
		}
		path, err := expand(f)
		switch {
		case err != nil:
			return fail("failed to resolve unit specifiers in %q: %v", f, err)
		case path == "":
			return fail("empty path in command line %q", rvalue)
		case !stringIsSafe(path):
			return fail("executable name contains special characters: %q", path)
		case strings.HasSuffix(path, "/"):
			return fail("executable path specifies a directory: %q", path)
		case !strings.HasPrefix(path, "/") && (strings.Contains(path, "/") || path == "." || path == ".." || len(path) > 255):
			return fail("neither a valid executable name nor an absolute path: %q", path)
		}
		var argv []string
		if !argv0 {
			argv = append(argv, path)
		}
		semicolon := false
		for more && p != "" {
			if p[0] == ';' && (len(p) == 1 || strings.IndexByte(whitespace, p[1]) >= 0) {
				p = strings.TrimLeft(p[1:], whitespace)
				semicolon = true
				break
			}
			if strings.HasPrefix(p, `\;`) && (len(p) == 2 || strings.IndexByte(whitespace, p[2]) >= 0) {
				p = strings.TrimLeft(p[2:], whitespace)
				argv = append(argv, ";")
				continue
			}
			w, ok, err := extractWordWarn(&p, &more, exUnquote|exCunescape)
			if err != nil {
				return fail("%v", err)
			}
			if !ok {
				break
			}
			r, err := expand(w)
			if err != nil {
				return fail("failed to resolve unit specifiers in %q: %v", w, err)
			}
			argv = append(argv, r)
		}
		if len(argv) == 0 {
			return fail("empty executable name or zeroeth argument: %q", rvalue)
		}
		cmds = append(cmds, Command{Prefix: prefix, Path: simplifyPath(path), Argv: argv})
		if !semicolon {
			return cmds, nil
		}
		more = p != ""
	}
}

// simplifyPath is systemd's path_simplify(): drop empty and "." components
// and trailing slashes; ".." stays.
func simplifyPath(p string) string {
	abs := strings.HasPrefix(p, "/")
	var parts []string
	for _, c := range strings.Split(p, "/") {
		if c != "" && c != "." {
			parts = append(parts, c)
		}
	}
	out := strings.Join(parts, "/")
	if abs {
		return "/" + out
	}
	if out == "" {
		return "."
	}
	return out
}

// ExpandEnv substitutes environment variables in the command's arguments as
// systemd does when it runs the command (replace_env_argv(),
// systemd.service(5)): a word that is exactly "$NAME" becomes the variable's
// value split at whitespace (quotes in the value group words), so zero or
// more arguments; "${NAME}" anywhere in a word is replaced by the value as
// is (empty when unset); "$$" is a literal "$". A command with the ":"
// prefix is not expanded. env maps names to values.
func (c Command) ExpandEnv(env map[string]string) []string {
	if strings.Contains(c.Prefix, ":") {
		return append([]string(nil), c.Argv...)
	}
	var out []string
	for _, w := range c.Argv {
		if len(w) >= 1 && w[0] == '$' && (len(w) == 1 || w[1] != '{' && w[1] != '$') {
			v, ok := env[w[1:]]
			if !ok {
				continue
			}
			p, more := v, true
			for {
				word, ok, err := extractWord(&p, &more, exRelax|exUnquote)
				if err != nil || !ok {
					break
				}
				out = append(out, word)
			}
			continue
		}
		out = append(out, replaceEnv(w, env))
	}
	return out
}

// replaceEnv is replace_env() without extensions: "${NAME}" is replaced,
// "$$" becomes "$", anything else (including "$NAME" and an unterminated
// "${") stays.
func replaceEnv(s string, env map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexAny(s[i+2:], "}:")
			if end < 0 || s[i+2+end] == ':' {
				b.WriteByte('$') // unterminated or ${NAME:...}: kept as written
				continue
			}
			b.WriteString(env[s[i+2:i+2+end]])
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

// Flags of extract_first_word() that the settings read here use.
type extractFlags int

const (
	exUnquote        extractFlags = 1 << iota // EXTRACT_UNQUOTE: '…' and "…" group
	exCunescape                               // EXTRACT_CUNESCAPE: resolve C escapes
	exCunescapeRelax                          // EXTRACT_CUNESCAPE_RELAX: keep bad escapes
	exRelax                                   // EXTRACT_RELAX: allow unbalanced quotes
)

var (
	errBadEscape  = errors.New("invalid escape sequence")
	errUnbalanced = errors.New("unbalanced quoting")
)

// extractWord is extract_first_word(p, WHITESPACE, flags). *more false is
// systemd's NULL pointer: nothing left. ok is false when there is no word.
func extractWord(p *string, more *bool, flags extractFlags) (word string, ok bool, err error) {
	if !*more {
		return "", false, nil
	}
	s := *p
	isSep := func(c byte) bool { return strings.IndexByte(whitespace, c) >= 0 }
	i := 0
	for i < len(s) && isSep(s[i]) {
		i++
	}
	if i == len(s) {
		*p, *more = "", false
		return "", false, nil
	}
	b := []byte{}
	backslash := false
	var quote byte
	done := func(rest int) (string, bool, error) {
		if rest < 0 {
			*p, *more = "", false
		} else {
			*p = s[rest:]
		}
		return string(b), true, nil
	}
	for {
		switch {
		case backslash:
			if i == len(s) {
				if flags&exCunescapeRelax != 0 && (quote == 0 || flags&exRelax != 0) {
					b = append(b, '\\')
					return done(-1)
				}
				if flags&exRelax != 0 {
					return done(-1)
				}
				return "", false, errBadEscape
			}
			if flags&exCunescape != 0 {
				n, bytes, ok := cunescapeOne(s[i:])
				if !ok {
					if flags&exCunescapeRelax == 0 {
						return "", false, errBadEscape
					}
					b = append(b, '\\', s[i])
					i++
				} else {
					b = append(b, bytes...)
					i += n
				}
			} else {
				b = append(b, s[i])
				i++
			}
			backslash = false
		case quote != 0:
			for {
				if i == len(s) {
					if flags&exRelax != 0 {
						return done(-1)
					}
					return "", false, errUnbalanced
				}
				c := s[i]
				i++
				if c == quote {
					quote = 0
					break
				}
				if c == '\\' {
					backslash = true
					break
				}
				b = append(b, c)
			}
		default:
			for {
				if i == len(s) {
					return done(-1)
				}
				c := s[i]
				if flags&exUnquote != 0 && (c == '\'' || c == '"') {
					quote = c
					i++
					break
				}
				if c == '\\' {
					backslash = true
					i++
					break
				}
				if isSep(c) {
					for i < len(s) && isSep(s[i]) {
						i++
					}
					if i == len(s) {
						return done(-1)
					}
					return done(i)
				}
				b = append(b, c)
				i++
			}
		}
	}
}

// extractWordWarn is extract_first_word_and_warn(): on a bad escape it tries
// again keeping the escape verbatim (systemd warns "Ignoring unknown escape
// sequences"); what still fails is unbalanced quoting.
func extractWordWarn(p *string, more *bool, flags extractFlags) (string, bool, error) {
	saveP, saveMore := *p, *more
	w, ok, err := extractWord(p, more, flags)
	if err == nil {
		return w, ok, nil
	}
	if errors.Is(err, errBadEscape) && flags&exCunescapeRelax == 0 {
		*p, *more = saveP, saveMore
		w, ok, err = extractWord(p, more, flags|exCunescapeRelax)
		if err == nil {
			return w, ok, nil
		}
	}
	if errors.Is(err, errBadEscape) || errors.Is(err, errUnbalanced) {
		return "", false, fmt.Errorf("unbalanced quoting, ignoring: %q", saveP)
	}
	return "", false, fmt.Errorf("unable to decode word %q: %w", saveP, err)
}

// cunescapeOne decodes the C escape after a backslash at the start of s
// (systemd's cunescape_one(), NUL refused). It returns how many bytes it
// used and the bytes to append.
func cunescapeOne(s string) (n int, out []byte, ok bool) {
	if s == "" {
		return 0, nil, false
	}
	simple := map[byte]byte{'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v',
		'\\': '\\', '"': '"', '\'': '\'', 's': ' '}
	if c, found := simple[s[0]]; found {
		return 1, []byte{c}, true
	}
	hexN := func(k int) (uint32, bool) {
		if len(s) < 1+k {
			return 0, false
		}
		var v uint32
		for i := 1; i <= k; i++ {
			d := unhex(s[i])
			if d < 0 {
				return 0, false
			}
			v = v<<4 | uint32(d)
		}
		return v, true
	}
	switch c := s[0]; {
	case c == 'x':
		v, ok := hexN(2)
		if !ok || v == 0 {
			return 0, nil, false
		}
		return 3, []byte{byte(v)}, true
	case c == 'u':
		v, ok := hexN(4)
		if !ok || v == 0 {
			return 0, nil, false
		}
		return 5, encodeUnichar(v), true
	case c == 'U':
		v, ok := hexN(8)
		if !ok || v == 0 || !unicharValid(v) {
			return 0, nil, false
		}
		return 9, encodeUnichar(v), true
	case c >= '0' && c <= '7':
		if len(s) < 3 {
			return 0, nil, false
		}
		var v uint32
		for i := 0; i < 3; i++ {
			if s[i] < '0' || s[i] > '7' {
				return 0, nil, false
			}
			v = v<<3 | uint32(s[i]-'0')
		}
		if v == 0 || v > 255 {
			return 0, nil, false
		}
		return 3, []byte{byte(v)}, true
	}
	return 0, nil, false
}

// unicharValid is systemd's unichar_is_valid().
func unicharValid(c uint32) bool {
	return c < 0x110000 && c&0xFFFFF800 != 0xD800 && (c < 0xFDD0 || c > 0xFDEF) && c&0xFFFE != 0xFFFE
}

// encodeUnichar is systemd's utf8_encode_unichar(): plain UTF-8 encoding,
// surrogates included.
func encodeUnichar(c uint32) []byte {
	switch {
	case c < 0x80:
		return []byte{byte(c)}
	case c < 0x800:
		return []byte{0xc0 | byte(c>>6), 0x80 | byte(c&0x3f)}
	case c < 0x10000:
		return []byte{0xe0 | byte(c>>12), 0x80 | byte(c>>6&0x3f), 0x80 | byte(c&0x3f)}
	default:
		return []byte{0xf0 | byte(c>>18), 0x80 | byte(c>>12&0x3f), 0x80 | byte(c>>6&0x3f), 0x80 | byte(c&0x3f)}
	}
}
