package systemd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"strconv"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/sysroot"
)

// Infinity is the value of an unlimited resource limit (RLIM_INFINITY),
// written "infinity" in unit files.
const Infinity uint64 = math.MaxUint64

// Limit is a resource limit as LimitNOFILE= sets it: the soft limit the
// process starts with and the hard limit it may raise the soft one to.
type Limit struct {
	Soft, Hard uint64
}

// String formats the limit as systemd does (rlimit_format()): "N",
// "SOFT:HARD", "infinity", "N:infinity".
func (l Limit) String() string {
	f := func(v uint64) string {
		if v == Infinity {
			return "infinity"
		}
		return strconv.FormatUint(v, 10)
	}
	if l.Soft == l.Hard {
		return f(l.Soft)
	}
	return f(l.Soft) + ":" + f(l.Hard)
}

// systemd's DefaultLimitNOFILE= when system.conf sets none
// (systemd-system.conf(5), systemd >= 240): soft 1024 so that select() keeps
// working, hard 524288. The hard value is really min(fs.nr_open, 524288);
// nr_open is 1048576 unless the kernel is tuned.
const (
	DefaultNOFILESoft = 1024
	DefaultNOFILEHard = 524288
)

// ParseLimit parses a LimitNOFILE= (or DefaultLimitNOFILE=) value as systemd
// does (rlimit_parse() with rlimit_parse_u64(), src/basic/rlimit-util.c):
// "N" sets soft and hard to N, "SOFT:HARD" sets them apart, "infinity" is
// unlimited. Unlike LimitFSIZE= and friends, NOFILE takes no size suffix.
// Numbers are read like systemd's safe_atou64(): leading blanks and a "+"
// are allowed, and "0x" (hex), "0o" and a leading "0" (octal) and "0b"
// (binary) change the base, so "010" is 8. A backslash makes the next
// character literal. systemd logs and ignores a value ParseLimit rejects:
// the previous setting stays in force; an empty value is such an error, it
// does not reset the limit.
func ParseLimit(s string) (Limit, error) {
	rest, more := s, true
	soft, _, err := extractColon(&rest, &more)
	if err != nil {
		return Limit{}, fmt.Errorf("failed to parse resource value %q: %w", s, err)
	}
	sl, err := parseRlimitU64(soft)
	if err != nil {
		return Limit{}, fmt.Errorf("failed to parse resource value %q: %w", s, err)
	}
	hard, ok, err := extractColon(&rest, &more)
	if err != nil || (more && rest != "") {
		return Limit{}, fmt.Errorf("failed to parse resource value %q: %w", s, errTooManyColons)
	}
	if !ok {
		return Limit{Soft: sl, Hard: sl}, nil
	}
	hl, err := parseRlimitU64(hard)
	if err != nil {
		return Limit{}, fmt.Errorf("failed to parse resource value %q: %w", s, err)
	}
	if sl > hl {
		return Limit{}, fmt.Errorf("soft resource limit chosen higher than hard limit: %q", s)
	}
	return Limit{Soft: sl, Hard: hl}, nil
}

var (
	errTooManyColons = errors.New("more than one ':'")
	errNotNumber     = errors.New("not a number")
	errRange         = errors.New("out of range")
	errTrailingSlash = errors.New("trailing backslash")
)

// extractColon is extract_first_word(p, ":", EXTRACT_DONT_COALESCE_SEPARATORS):
// it returns the text up to the next ':' with backslash escapes removed.
// *more false stands for systemd's NULL pointer after the last word.
func extractColon(p *string, more *bool) (word string, ok bool, err error) {
	if !*more {
		return "", false, nil
	}
	s := *p
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ':':
			*p = s[i+1:]
			return string(b), true, nil
		case '\\':
			if i+1 >= len(s) {
				return "", false, errTrailingSlash
			}
			i++
			b = append(b, s[i])
		default:
			b = append(b, c)
		}
	}
	*p, *more = "", false
	return string(b), true, nil
}

// parseRlimitU64 is rlimit_parse_u64(): "infinity" or a number below
// RLIM_INFINITY.
func parseRlimitU64(s string) (uint64, error) {
	if s == "infinity" {
		return Infinity, nil
	}
	u, err := safeAtou64(s)
	if err != nil {
		return 0, err
	}
	if u == Infinity {
		return 0, errRange
	}
	return u, nil
}

// safeAtou64 follows systemd's safe_atou64(): skip " \t\n\r", take a "0b"
// or "0o" prefix, then strtoull(s, 0) (which skips C whitespace, takes a
// sign, and reads "0x" as hex and a leading "0" as octal), require the
// whole string to be consumed, and refuse a negative nonzero number.
func safeAtou64(s string) (uint64, error) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	s = s[i:]
	base := 0
	switch {
	case len(s) >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B'):
		base, s = 2, s[2:]
	case len(s) >= 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O'):
		base, s = 8, s[2:]
	}
	v, end, overflow := strtoull(s, base)
	if end == 0 || end != len(s) {
		return 0, errNotNumber
	}
	if overflow {
		return 0, errRange
	}
	if v != 0 && len(s) > 0 && s[0] == '-' {
		return 0, errRange
	}
	return v, nil
}

// strtoull mimics glibc's strtoull(): it returns the value (negated modulo
// 2^64 after a '-'), the end offset (0 when no digits were read) and whether
// the value overflowed.
func strtoull(s string, base int) (v uint64, end int, overflow bool) {
	neg := false
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if (base == 0 || base == 16) && i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') &&
		i+2 < len(s) && digitVal(s[i+2]) < 16 {
		base, i = 16, i+2
	} else if base == 0 {
		base = 10
		if i < len(s) && s[i] == '0' {
			base = 8
		}
	}
	start := i
	for ; i < len(s); i++ {
		d := digitVal(s[i])
		if d >= base {
			break
		}
		if v > (math.MaxUint64-uint64(d))/uint64(base) {
			overflow = true
		}
		v = v*uint64(base) + uint64(d)
	}
	if i == start {
		return 0, 0, false
	}
	if overflow {
		return math.MaxUint64, i, true
	}
	if neg {
		v = -v
	}
	return v, i, false
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// LimitNOFILE returns the unit's effective LimitNOFILE= with the position of
// the value that set it. It follows config_parse_rlimit(): assignments in
// the unit type's section (e.g. [Service]) are applied in order, a value
// ParseLimit rejects (including an empty one) is ignored and leaves the
// previous one in force, and the last valid one wins. ok is false when no
// valid assignment exists: the manager's DefaultLimitNOFILE= applies.
func (u *Unit) LimitNOFILE() (v source.Value[Limit], ok bool) {
	for _, a := range u.All(sectionOf(u.Name), "LimitNOFILE") {
		l, err := ParseLimit(a.Value)
		if err != nil {
			continue
		}
		v, ok = source.Value[Limit]{V: l, Origin: source.At(a.ValuePos)}, true
	}
	return v, ok
}

// DefaultLimitNOFILE returns the system manager's DefaultLimitNOFILE=, the
// limit of every service that sets no LimitNOFILE= of its own
// (systemd-system.conf(5)). It reads [Manager] in the main file, the first
// of /etc/systemd/system.conf, /run/systemd/system.conf,
// /usr/local/lib/systemd/system.conf and /usr/lib/systemd/system.conf
// (systemd < 254 reads only the /etc one), then the system.conf.d/*.conf
// drop-ins of /etc/systemd, /run/systemd, /usr/local/lib/systemd,
// /usr/lib/systemd and /lib/systemd, ordered by file name, a file masking
// same-named ones in later directories. The last valid value wins; invalid
// values are ignored as for units. A file systemd stops reading at a fatal
// syntax error also ends the reading of the files after it
// (config_parse_many()). Without any value the result is
// DefaultNOFILESoft:DefaultNOFILEHard with a named origin.
func DefaultLimitNOFILE(ctx context.Context, root *sysroot.Root) (source.Value[Limit], error) {
	v := source.Value[Limit]{V: Limit{Soft: DefaultNOFILESoft, Hard: DefaultNOFILEHard}, Origin: source.Named("systemd default DefaultLimitNOFILE=1024:524288")}
	dirs := []string{"etc/systemd", "run/systemd", "usr/local/lib/systemd", "usr/lib/systemd", "lib/systemd"}
	var files []string
	for _, d := range dirs[:4] {
		p := path.Join(d, "system.conf")
		state, err := stateOf(root, p)
		if err != nil {
			return v, fmt.Errorf("system.conf: %w", err)
		}
		if state != fileMissing { // the first one found counts, even empty or /dev/null
			files = append(files, p)
			break
		}
	}
	dropDirs := make([]string, len(dirs))
	for i, d := range dirs {
		dropDirs[i] = path.Join(d, "system.conf.d")
	}
	dropins, err := listConfFiles(root, dropDirs, false)
	if err != nil {
		return v, err
	}
	files = append(files, dropins...)
	for _, p := range files {
		if err := ctx.Err(); err != nil {
			return v, err
		}
		f, err := parseConf(root, p)
		if err != nil {
			return v, err
		}
		if f == nil {
			continue
		}
		for _, a := range f.Assignments {
			if a.Section != "Manager" || a.Key != "DefaultLimitNOFILE" {
				continue
			}
			if l, err := ParseLimit(a.Value); err == nil {
				v = source.Value[Limit]{V: l, Origin: source.At(a.ValuePos)}
			}
		}
		if f.Err != nil {
			break
		}
	}
	return v, nil
}

// notExist reports whether err says a file is missing.
func notExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, sysroot.ErrNotDir)
}
