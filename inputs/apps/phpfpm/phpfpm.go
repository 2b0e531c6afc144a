// Package phpfpm reads PHP-FPM pool files, php.ini files and PHP sources
// and reports the connections one PHP-FPM pool opens, as apps.Pool facts.
//
// PHP has no connection pool: each request opens its own connection (per
// DSN) and closes it at the end, so a pool opens at most one connection
// per busy child, and pm.max_children (the cap on simultaneous requests,
// mandatory in every pool) is the multiplier. With persistent connections
// (PDO::ATTR_PERSISTENT, mysqli's "p:" host prefix) each child keeps its
// connection open between requests, until it exits; Pools says which case
// applies and why.
//
// Pool files are the INI dialect of php-fpm.conf(5): [pool] sections with
// key = value lines, read with gopkg.in/ini.v1 (options in iniOptions).
// ini.v1 keeps no positions, so a second pass (scan.go) maps each (section,
// key) to the last line that sets it; the tests check the two agree on every
// key of every fixture, and FuzzParse checks they accept the same inputs.
// Known differences from PHP's own INI scanner, all outside the keys read
// here: "#" starts an inline comment for ini.v1 (PHP 7 keeps it), ";" inside
// double quotes ends the value for ini.v1, and ini.v1 reads """ and `
// quoted values over several lines.
//
// Sources: php/php-src sapi/fpm/www.conf.in (defaults, pm semantics) and
// sapi/fpm/fpm/fpm_conf.c (a pool without pm or with pm.max_children < 1 is
// refused), the PHP manual's "Persistent Database Connections" page, and
// the mysqli ini settings (mysqli.allow_persistent default On,
// mysqli.max_persistent default -1 = unlimited).
package phpfpm

import (
	"bytes"
	"path"
	"regexp"
	"strings"

	"gopkg.in/ini.v1"

	"github.com/conncap/conncap/inputs/source"
)

// Kind says what a File holds.
type Kind int

// The kinds of file Parse reads.
const (
	// PoolConfig is php-fpm.conf or a pool file (www.conf, pool.d/*.conf).
	PoolConfig Kind = iota + 1
	// PHPIni is php.ini or a conf.d/*.ini fragment.
	PHPIni
	// PHPSource is PHP code that opens database connections.
	PHPSource
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case PoolConfig:
		return "pool config"
	case PHPIni:
		return "php.ini"
	case PHPSource:
		return "PHP source"
	}
	return "unknown"
}

// File is one parsed input.
type File struct {
	Path string
	Kind Kind
	// Sections of a PoolConfig or PHPIni file, in order of first
	// appearance; a section opened twice is one Section, as for ini.v1.
	// The default section (keys before any header) is left out when empty.
	Sections []*Section
	// Persistent lists the places in a PHPSource file that ask for
	// persistent connections; V quotes what was found.
	Persistent []source.Value[string]
	// PersistentEnv lists PDO::ATTR_PERSISTENT => env('NAME', default)
	// settings (Laravel config), resolved against the environment by Pools.
	PersistentEnv []EnvSwitch
}

// EnvSwitch is a boolean read from the environment with a default, as
// Laravel's env('NAME', default).
type EnvSwitch struct {
	Name    string
	Default bool
	Pos     source.Pos
}

// Section is one [name] section with its keys.
type Section struct {
	Name string
	// Pos is the first header that opens the section; Line is 0 for the
	// default section.
	Pos  source.Pos
	Keys []Key // in order of first appearance; each holds its last value
}

// Key is the last assignment of one key in a section.
type Key struct {
	Name     string
	Value    string     // as ini.v1 reads it: comments and surrounding quotes removed
	Pos      source.Pos // first character of the key, on the last line that sets it
	ValuePos source.Pos // first character of the value on that line
}

// Key returns the key called name.
func (s *Section) Key(name string) (Key, bool) {
	for _, k := range s.Keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// iniOptions are the ini.v1 options that come closest to PHP's INI scanner:
// "=" is the only delimiter and a trailing backslash does not continue a
// line.
func iniOptions() ini.LoadOptions {
	return ini.LoadOptions{KeyValueDelimiters: "=", IgnoreContinuation: true}
}

var (
	poolKeyRe    = regexp.MustCompile(`(?m)^[ \t]*(pm|pm\.max_children|listen)[ \t]*=`)
	sectionRe    = regexp.MustCompile(`(?m)^[ \t]*\[[^\]\n]+\]`)
	phpIniKeyRe  = regexp.MustCompile(`(?m)^[ \t]*(mysqli\.[a-z_]+|pdo_mysql\.[a-z_]+|engine|memory_limit|max_execution_time)[ \t]*=`)
	phpOpenRe    = regexp.MustCompile(`<\?php`)
	phpDBRe      = regexp.MustCompile(`new\s+\\?PDO\s*\(|\bmysqli_(real_)?connect\s*\(|new\s+\\?mysqli\s*\(|PDO::ATTR_PERSISTENT`)
	persistPDORe = regexp.MustCompile(`PDO::ATTR_PERSISTENT\s*=>\s*(true|TRUE|True|1)\b`)
	persistEnvRe = regexp.MustCompile(`PDO::ATTR_PERSISTENT\s*=>\s*env\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*(?:,\s*(true|false|TRUE|FALSE|1|0)\s*)?\)`)
	persistPRe   = regexp.MustCompile(`(?:\bmysqli_connect|new\s+\\?mysqli|\bmysqli_real_connect\s*\(\s*\$\w+\s*,)\s*\(?\s*['"]p:`)
)

// Match reports whether src looks like a file Parse reads: a pool file
// (a section with pm, pm.max_children or listen), php.ini (mysqli.* and
// similar keys) or PHP code that connects to a database.
func Match(p string, src []byte) bool {
	return kindOf(p, src) != 0
}

func kindOf(p string, src []byte) Kind {
	base := path.Base(p)
	switch {
	case phpOpenRe.Match(src) || strings.HasSuffix(base, ".php"):
		if phpDBRe.Match(src) {
			return PHPSource
		}
		return 0
	case sectionRe.Match(src) && poolKeyRe.Match(src):
		return PoolConfig
	case phpIniKeyRe.Match(src) || base == "php.ini":
		return PHPIni
	}
	return 0
}

// Parse reads one file. A pool file or php.ini that ini.v1 rejects gives a
// *source.Error at the line it stops at.
func Parse(p string, src []byte) (*File, error) {
	kind := kindOf(p, src)
	switch kind {
	case PHPSource:
		return parseSource(p, src), nil
	case 0:
		if strings.HasSuffix(p, ".ini") {
			kind = PHPIni
		} else {
			kind = PoolConfig
		}
	}
	sections, err := parseINI(p, src)
	if err != nil {
		return nil, err
	}
	return &File{Path: p, Kind: kind, Sections: sections}, nil
}

// parseINI reads values with ini.v1 and positions with scan.
func parseINI(p string, src []byte) ([]*Section, error) {
	sc, serr := scan(p, src)
	f, ierr := ini.LoadSources(iniOptions(), src)
	switch {
	case serr != nil:
		return nil, serr
	case ierr != nil:
		// scan and ini.v1 disagree; FuzzParse hunts for such inputs.
		return nil, source.Errorf(source.Pos{Path: p, Line: 1}, "%v", ierr)
	}
	var out []*Section
	for _, is := range f.Sections() {
		ss := sc.byName[is.Name()]
		sec := &Section{Name: is.Name()}
		if ss != nil {
			sec.Pos = ss.pos
		}
		for _, ik := range is.Keys() {
			k := Key{Name: ik.Name(), Value: ik.Value(), Pos: sec.Pos, ValuePos: sec.Pos}
			if ss != nil {
				if sk := ss.idx[ik.Name()]; sk != nil {
					k.Pos, k.ValuePos = sk.pos, sk.valuePos
				}
			}
			sec.Keys = append(sec.Keys, k)
		}
		if sec.Name == defaultSection && len(sec.Keys) == 0 {
			continue
		}
		out = append(out, sec)
	}
	return out, nil
}

// parseSource finds the requests for persistent connections in PHP code.
// Commented-out lines ("//", "#", "*") are skipped.
func parseSource(p string, src []byte) *File {
	f := &File{Path: p, Kind: PHPSource}
	for i, line := range bytes.Split(src, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if bytes.HasPrefix(t, []byte("//")) || bytes.HasPrefix(t, []byte("#")) || bytes.HasPrefix(t, []byte("*")) || bytes.HasPrefix(t, []byte("/*")) {
			continue
		}
		text := string(line)
		for _, loc := range persistPDORe.FindAllStringIndex(text, -1) {
			f.Persistent = append(f.Persistent, source.Value[string]{V: text[loc[0]:loc[1]], Origin: source.At(source.Pos{Path: p, Line: i + 1, Col: source.Col(text, loc[0])})})
		}
		for _, m := range persistEnvRe.FindAllStringSubmatchIndex(text, -1) {
			sw := EnvSwitch{Name: text[m[2]:m[3]], Pos: source.Pos{Path: p, Line: i + 1, Col: source.Col(text, m[0])}}
			if m[4] >= 0 {
				sw.Default = phpTruthy(text[m[4]:m[5]])
			}
			f.PersistentEnv = append(f.PersistentEnv, sw)
		}
		for _, loc := range persistPRe.FindAllStringIndex(text, -1) {
			f.Persistent = append(f.Persistent, source.Value[string]{V: text[loc[0]:loc[1]], Origin: source.At(source.Pos{Path: p, Line: i + 1, Col: source.Col(text, loc[0])})})
		}
	}
	return f
}

func phpTruthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "(true)":
		return true
	}
	return false
}
