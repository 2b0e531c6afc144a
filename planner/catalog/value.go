package catalog

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// Parsed is an option value as the server stores it after parsing.
type Parsed struct {
	// Num is the value of an integer option (KindInt, KindUint), the number
	// of an enum value, or the bit mask of a set. An unsigned value above
	// math.MaxInt64 saturates here; Unsigned has it exactly.
	Num      int64
	Unsigned uint64  // the exact value of a KindUint
	Float    float64 // the value of a KindFloat
	// Bool is the value of a KindBool or KindFlag. For the other kinds it
	// says whether the value is "on": a non-zero number, an enum value other
	// than the first, a non-empty set, and any string except the "0" that
	// skip-/disable- hand to a string option (skip-log-bin).
	Bool bool
	// Str is the text of a KindString or KindPath, the name of an enum
	// value, or the names of a set's values joined by ",". After skip-,
	// disable- or enable- a string option receives "0" or "1" as its text.
	Str string
	// Adjusted is set when the server did not keep the value as written and
	// said so: a number clamped to the range, a negative unsigned number on
	// MySQL, an unrecognised boolean.
	Adjusted bool
	// Rounded is set when a number in range was rounded down to the block
	// size, which the server does silently.
	Rounded bool
	// Warning is the server's warning, "" if none (option-name spelling and
	// wording as the server prints it).
	Warning string
	// Auto is set for autoset-NAME (MariaDB): the server sizes the value.
	Auto bool
}

// ParseValue parses the value given to v the way the server's option parser
// (my_getopt setval) does. prefix is Resolution.Prefix ("", "loose", "skip",
// "disable", "enable", "maximum" or "autoset"); hasValue tells "name=value"
// (possibly empty) from a bare "name".
//
// It returns the server's fatal error for a value the server refuses, in the
// server's words without the program name and the trailing period, with the
// first letter lowercased. Values the server only warns about come back with
// Warning set; so do options the server keeps only to warn that they do
// nothing (Var.Obsolete).
//
// Numbers: an optional '+', digits, then at most one suffix character K, M,
// G, T, P or E (any case, powers of 1024; only the first character after the
// digits is read, so 16MB is 16M). Out-of-range values are clamped with a
// warning, in-range values rounded down to Var.Block silently. Flavor
// differences: MySQL refuses an empty number and clamps a negative unsigned
// one to the minimum with a warning; MariaDB reads an empty number as 0 and
// refuses a negative unsigned one. MySQL refuses a suffix that overflows;
// MariaDB wraps around (16E is 0). Decimal options (KindFloat) are checked for
// syntax only: their ranges are not in the tables.
//
// An error for a plugin's option (Resolution.PluginPass is set) does not stop
// the server: it disables that plugin ("Parsing options for plugin '...'
// failed"). The caller decides what that means, e.g. no InnoDB.
func (s Server) ParseValue(v Var, prefix string, value string, hasValue bool) (Parsed, error) {
	p, err := s.parseValue(v, prefix, value, hasValue)
	if err == nil && p.Warning == "" {
		p.Warning = v.Obsolete
	}
	return p, err
}

func (s Server) parseValue(v Var, prefix string, value string, hasValue bool) (Parsed, error) {
	my := s.Flavor == MySQL
	name := v.OptName
	if name == "" {
		name = v.Name
	}
	switch prefix {
	case "", "loose":
	case "skip", "disable":
		if hasValue && value == "0" {
			value = "1"
		} else {
			value = "0"
		}
		hasValue = true
	case "enable":
		if hasValue && value == "0" {
			value = "0"
		} else {
			value = "1"
		}
		hasValue = true
	case "maximum":
		if !v.Maximum {
			return Parsed{}, fmt.Errorf("maximum value of '%s' cannot be set", name)
		}
	case "autoset":
		if my || !v.Autoset {
			return Parsed{}, fmt.Errorf("automatic setup request is unsupported by option '--%s'", name)
		}
		if hasValue {
			return Parsed{}, fmt.Errorf("automatically set option '--%s' cannot take an argument", name)
		}
		return Parsed{Auto: true, Bool: true}, nil
	default:
		return Parsed{}, fmt.Errorf("unknown option prefix %q", prefix)
	}

	if v.Kind == KindFlag {
		if hasValue {
			return Parsed{}, fmt.Errorf("option '--%s' cannot take an argument", name)
		}
		return Parsed{Bool: true}, nil
	}
	if !hasValue {
		if v.RequiresArg {
			return Parsed{}, fmt.Errorf("option '--%s' requires an argument", name)
		}
		switch v.Kind {
		case KindBool, KindString, KindPath:
			// A bare boolean is ON; string options ignore the implied "1".
			return Parsed{Bool: true}, nil
		}
		value = "1"
	}

	switch v.Kind {
	case KindBool:
		b, ok := parseBool(value)
		if ok {
			return Parsed{Bool: b}, nil
		}
		word := "wasn't"
		if my {
			word = "was not"
		}
		return Parsed{Adjusted: true, Warning: fmt.Sprintf("option '%s': boolean value '%s' %s recognized. Set to OFF.", name, value, word)}, nil
	case KindUint:
		return s.parseUint(v, name, value)
	case KindInt:
		return s.parseInt(v, name, value)
	case KindFloat:
		if my && value == "" {
			return Parsed{}, fmt.Errorf("empty value for '%s' specified", name)
		}
		f, ok := parseDecimal(value)
		if !ok {
			return Parsed{}, fmt.Errorf("invalid decimal value for option '%s'", name)
		}
		return Parsed{Float: f, Bool: f != 0}, nil
	case KindEnum:
		if my && value == "" {
			return Parsed{}, fmt.Errorf("empty value for '%s' specified", name)
		}
		i := findType(value, v.Values, false)
		if i == -2 { // ambiguous
			return Parsed{}, setError(value, name)
		}
		if i < 0 {
			n, ok := parseCUlong(value)
			if !ok || n >= uint64(len(v.Values)) {
				return Parsed{}, setError(value, name)
			}
			i = int(n)
		}
		return Parsed{Num: int64(i), Str: v.Values[i], Bool: i != 0}, nil
	case KindSet:
		mask, ok := findTypeset(value, v.Values)
		if !ok {
			n, rest, overflow := strtoll(value)
			switch {
			case rest == "" && !overflow && n >= 0 && len(v.Values) > 0 && uint64(n)>>1 < uint64(1)<<(len(v.Values)-1):
				mask, ok = uint64(n), true
			case v.AllowAll && strings.EqualFold(value, "ALL"):
				mask, ok = uint64(1)<<len(v.Values)-1, true
			}
		}
		if !ok {
			return Parsed{}, setError(value, name)
		}
		var names []string
		for i, val := range v.Values {
			if mask&(1<<i) != 0 {
				names = append(names, val)
			}
		}
		return Parsed{Num: int64(mask), Str: strings.Join(names, ","), Bool: mask != 0}, nil
	default: // KindString, KindPath
		negated := prefix == "skip" || prefix == "disable" || prefix == "enable"
		return Parsed{Str: value, Bool: !negated || value != "0"}, nil
	}
}

func setError(value, name string) error {
	return fmt.Errorf("error while setting value '%s' to '%s'", value, name)
}

// parseBool is get_bool_argument(): true/on/1 and false/off/0, any case.
func parseBool(s string) (b, ok bool) {
	switch strings.ToLower(s) {
	case "1", "on", "true":
		return true, true
	case "0", "off", "false":
		return false, true
	}
	return false, false
}

func isCSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

// strtoull is C's strtoull in base 10: leading white space, an optional sign
// ('-' negates modulo 2^64), digits. rest is what follows the number, or the
// whole input when there are no digits; overflow reports ERANGE.
func strtoull(s string) (n uint64, rest string, overflow bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		d := uint64(s[i] - '0')
		if n > (math.MaxUint64-d)/10 {
			overflow = true
		}
		n = n*10 + d
	}
	if i == start {
		return 0, s, false
	}
	if overflow {
		return math.MaxUint64, s[i:], true
	}
	if neg {
		n = -n
	}
	return n, s[i:], false
}

// strtoll is C's strtoll in base 10.
func strtoll(s string) (n int64, rest string, overflow bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var u uint64
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		d := uint64(s[i] - '0')
		if u > (limit-d)/10 {
			overflow = true
		} else {
			u = u*10 + d
		}
	}
	if i == start {
		return 0, s, false
	}
	if overflow {
		if neg {
			return math.MinInt64, s[i:], true
		}
		return math.MaxInt64, s[i:], true
	}
	if neg {
		return int64(-u), s[i:], false
	}
	return int64(u), s[i:], false
}

// suffixShift returns the power-of-1024 shift of a K/M/G/T/P/E suffix.
func suffixShift(c byte) (uint, bool) {
	switch c {
	case 'k', 'K':
		return 10, true
	case 'm', 'M':
		return 20, true
	case 'g', 'G':
		return 30, true
	case 't', 'T':
		return 40, true
	case 'p', 'P':
		return 50, true
	case 'e', 'E':
		return 60, true
	}
	return 0, false
}

func (s Server) suffixError(c byte, name, value string) error {
	if s.Flavor == MySQL {
		return fmt.Errorf("unknown suffix '%c' used for variable '%s' (value '%s')", c, name, value)
	}
	return fmt.Errorf("unknown suffix '%c' used for variable '%s' (value '%s'). Legal suffix characters are: K, M, G, T, P, E", c, name, value)
}

func (s Server) parseUint(v Var, name, value string) (Parsed, error) {
	var num uint64
	if s.Flavor == MySQL {
		if value == "" {
			return Parsed{}, fmt.Errorf("empty value for '%s' specified", name)
		}
		if t := strings.TrimLeft(value, " \t\n\v\f\r"); strings.HasPrefix(t, "-") {
			// getopt_ull(): a negative number becomes the minimum, with a warning.
			min := uint64(0)
			if v.HasRange && v.Min > 0 {
				min = uint64(v.Min)
			}
			return Parsed{Num: satInt(min), Unsigned: min, Bool: min != 0, Adjusted: true,
				Warning: fmt.Sprintf("option '%s': value %s adjusted to %d", name, value, min)}, nil
		}
		n, rest, overflow := strtoull(value)
		if overflow {
			return Parsed{}, fmt.Errorf("incorrect unsigned integer value: '%s'", value)
		}
		if rest != "" {
			shift, ok := suffixShift(rest[0])
			if !ok {
				return Parsed{}, s.suffixError(rest[0], name, value)
			}
			r := n << shift
			if bits.OnesCount64(r) != bits.OnesCount64(n) {
				return Parsed{}, fmt.Errorf("incorrect unsigned integer value: '%s'", value)
			}
			n = r
		}
		num = n
	} else {
		if strings.HasPrefix(value, "-") {
			return Parsed{}, fmt.Errorf("incorrect unsigned value: '%s' for %s", value, name)
		}
		n, rest, overflow := strtoull(value)
		if overflow {
			return Parsed{}, fmt.Errorf("integer value out of range for uint64: '%s' for %s", value, name)
		}
		if rest != "" {
			shift, ok := suffixShift(rest[0])
			if !ok {
				return Parsed{}, s.suffixError(rest[0], name, value)
			}
			n <<= shift // no overflow check: 16E wraps to 0
		}
		num = n
	}
	return limitUint(v, name, num), nil
}

// limitUint is getopt_ull_limit_value().
func limitUint(v Var, name string, num uint64) Parsed {
	old := num
	adjusted := false
	if v.HasRange && v.Max != 0 && num > v.Max {
		num, adjusted = v.Max, true
	}
	if v.Block > 1 {
		num = num / v.Block * v.Block
	}
	if v.HasRange && v.Min > 0 && num < uint64(v.Min) {
		num = uint64(v.Min)
		if old < uint64(v.Min) {
			adjusted = true
		}
	}
	p := Parsed{Num: satInt(num), Unsigned: num, Bool: num != 0, Adjusted: adjusted, Rounded: !adjusted && num != old}
	if adjusted {
		p.Warning = fmt.Sprintf("option '%s': unsigned value %d adjusted to %d", name, old, num)
	}
	return p
}

func satInt(u uint64) int64 {
	if u > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(u)
}

func (s Server) parseInt(v Var, name, value string) (Parsed, error) {
	var num int64
	if s.Flavor == MySQL {
		if value == "" {
			return Parsed{}, fmt.Errorf("empty value for '%s' specified", name)
		}
		n, rest, overflow := strtoll(value)
		if overflow {
			return Parsed{}, fmt.Errorf("incorrect integer value: '%s'", value)
		}
		if rest != "" {
			shift, ok := suffixShift(rest[0])
			if !ok {
				return Parsed{}, s.suffixError(rest[0], name, value)
			}
			neg := n < 0
			u := uint64(n)
			if neg {
				u = -u
			}
			r := u << shift
			if bits.OnesCount64(r) != bits.OnesCount64(u) || (!neg && r > math.MaxInt64) || (neg && r > math.MaxInt64+1) {
				return Parsed{}, fmt.Errorf("incorrect integer value: '%s'", value)
			}
			if neg {
				r = -r
			}
			n = int64(r)
		}
		num = n
	} else {
		n, rest, overflow := strtoll(value)
		if overflow {
			return Parsed{}, fmt.Errorf("integer value out of range for int64: '%s' for %s", value, name)
		}
		if rest != "" {
			shift, ok := suffixShift(rest[0])
			if !ok {
				return Parsed{}, s.suffixError(rest[0], name, value)
			}
			n = int64(uint64(n) << shift) // wraps, as the server's multiplication does
		}
		num = n
	}
	// getopt_ll_limit_value()
	old := num
	adjusted := false
	if v.HasRange && num > 0 && v.Max != 0 && uint64(num) > v.Max {
		num, adjusted = int64(v.Max), true
	}
	if v.Block > 1 {
		num = num / int64(v.Block) * int64(v.Block)
	}
	if v.HasRange && num < v.Min {
		num = v.Min
		if old < v.Min {
			adjusted = true
		}
	}
	p := Parsed{Num: num, Bool: num != 0, Adjusted: adjusted, Rounded: !adjusted && num != old}
	if adjusted {
		p.Warning = fmt.Sprintf("option '%s': signed value %d adjusted to %d", name, old, num)
	}
	return p, nil
}

// parseDecimal accepts what my_strtod accepts as a whole value: optional
// leading blanks, a sign, digits with an optional fraction (at least one
// digit), an optional exponent. An empty value is 0.
func parseDecimal(s string) (float64, bool) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if t == "" {
		return 0, true
	}
	i := 0
	if t[i] == '+' || t[i] == '-' {
		i++
	}
	digits := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(t) && t[i] == '.' {
		i++
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		j := i + 1
		if j < len(t) && (t[j] == '+' || t[j] == '-') {
			j++
		}
		k := j
		for k < len(t) && t[k] >= '0' && t[k] <= '9' {
			k++
		}
		if k == j {
			return 0, false
		}
		i = k
	}
	if i != len(t) {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil && !isRangeErr(err) {
		return 0, false
	}
	return f, true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// parseCUlong is strtoul(s, &end, 10) with *end required to be 0.
func parseCUlong(s string) (uint64, bool) {
	n, rest, overflow := strtoull(s)
	if rest != "" {
		return 0, false
	}
	if overflow {
		return math.MaxUint64, true
	}
	return n, true
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

func isFieldSep(c byte) bool { return c == ',' || c == '=' }

// findType is mysys find_type(): the index of the value x names exactly
// (any case, trailing blanks allowed), else of the one value x is a prefix
// of when x runs to the end of the input; -1 when none, -2 when x is a
// prefix of several. With commaTerm, ',' and '=' end the name.
func findType(x string, values []string, commaTerm bool) int {
	if x == "" {
		return -1
	}
	found, pos := 0, -1
	for p, name := range values {
		i, j := 0, 0
		for i < len(x) && j < len(name) && (!commaTerm || !isFieldSep(x[i])) && upper(x[i]) == upper(name[j]) {
			i, j = i+1, j+1
		}
		if j == len(name) {
			k := i
			for k < len(x) && x[k] == ' ' {
				k++
			}
			if k == len(x) || (commaTerm && isFieldSep(x[k])) {
				return p
			}
		}
		if i == len(x) {
			found++
			pos = p
		}
	}
	switch found {
	case 0:
		return -1
	case 1:
		return pos
	}
	return -2
}

// findTypeset is mysys find_typeset(): values separated by ',', each named
// as findType allows (an abbreviation only at the very end of the input).
func findTypeset(x string, values []string) (uint64, bool) {
	var mask uint64
	for x != "" {
		elem := x
		k := strings.IndexByte(x, ',')
		if k < 0 {
			x = ""
		} else if k+1 < len(x) {
			x = x[k+1:]
		} else {
			x = x[k:] // a trailing ',' comes back as an empty name
		}
		i := findType(elem, values, true)
		if i < 0 {
			return 0, false
		}
		if i < 64 {
			mask |= 1 << i
		}
	}
	return mask, true
}
