package catalog

import (
	"fmt"
	"strings"
)

// Kind is the type of value an option takes, as my_getopt parses it.
type Kind int

// The kinds of options. KindFloat is not in my_getopt's vocabulary under
// that name: it is GET_DOUBLE (long_query_time and friends).
const (
	KindString Kind = iota // any text
	KindBool               // 1/0, ON/OFF, TRUE/FALSE; anything else is OFF with a warning
	KindInt                // signed integer with K/M/G/T/P/E suffixes
	KindUint               // unsigned integer with K/M/G/T/P/E suffixes
	KindFloat              // decimal number (GET_DOUBLE)
	KindEnum               // one of Values, a unique prefix of one, or its index
	KindSet                // comma-separated names from Values, or a bit mask
	KindPath               // text naming a file or directory
	KindFlag               // takes no value at all, e.g. --bootstrap; "=x" is fatal
)

// String returns the kind's name as the data files spell it.
func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindBool:
		return "bool"
	case KindInt:
		return "int"
	case KindUint:
		return "uint"
	case KindFloat:
		return "float"
	case KindEnum:
		return "enum"
	case KindSet:
		return "set"
	case KindPath:
		return "path"
	case KindFlag:
		return "flag"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// parseKind is the inverse of Kind.String.
func parseKind(s string) (Kind, bool) {
	for k := KindString; k <= KindFlag; k++ {
		if k.String() == s {
			return k, true
		}
	}
	return 0, false
}

// Numeric reports whether the kind is a number.
func (k Kind) Numeric() bool { return k == KindInt || k == KindUint || k == KindFloat }

// Var is one option the server accepts on its command line or in an option
// file: a system variable or a plain option.
//
// Min and Max bound integers: Min is an int64 so that signed minimums fit
// (MariaDB's max_user_connections starts at -1), Max a uint64 so that
// unsigned maximums fit (2^64-1). They are meaningful only when HasRange.
// Block is the rounding block: values in range are rounded down to a multiple
// of it without a warning (0 and 1 mean no rounding).
type Var struct {
	Name     string // canonical: lowercase, underscores, e.g. "max_connections"
	Kind     Kind
	Default  string // as the server reports it (numbers in decimal, bools ON/OFF); "" if none or autosized
	Min      int64
	Max      uint64
	Block    uint64
	HasRange bool
	Values   []string // the names an enum or set accepts, in the server's order

	// RequiresArg is set when the option must be given a value:
	// "option '--max_connections' requires an argument" when given bare.
	RequiresArg bool
	// OptionalArg is set when a value may be given or left out; a bare
	// numeric option then means 1, a bare enum its value number 1.
	OptionalArg bool

	// Plugin names the plugin library (file name without ".so", as given to
	// plugin-load-add or INSTALL SONAME) that must be loaded for the option
	// to exist, e.g. "server_audit". Empty for the server's own options and
	// for compiled-in plugins. The caller decides whether it is loaded.
	Plugin string
	// Builtin names the compiled-in plugin the option belongs to, e.g.
	// "innodb", "mysqlx". Such plugins are loaded by default.
	Builtin string
	// PluginPrefix is set for plugin options, which the server also accepts
	// spelled plugin-NAME (plugin-innodb-buffer-pool-size).
	PluginPrefix bool

	// OptName is the option's name as the server spells it in its messages:
	// underscores for system variables ("max_connections"), dashes for plain
	// options ("log-bin").
	OptName string
	// Early is set for MariaDB options parsed in the early pass (before all
	// others): max_connections, getopt_prefix_matching and the performance
	// schema. An abbreviation that is unique among them binds to them even
	// when it is ambiguous among all options.
	Early bool
	// Hidden is set for MariaDB options without help text (options kept for
	// compatibility, most of them doing nothing): the server parses them in
	// a pass after the plugins' options.
	Hidden bool
	// Maximum is set when maximum-NAME is accepted (the variable has a
	// session maximum). For MySQL this is not known and is set for every
	// option that takes a value.
	Maximum bool
	// Autoset is set when MariaDB accepts autoset-NAME.
	Autoset bool
	// AllowAll is set when a set option accepts ALL for all its values.
	AllowAll bool
	// Obsolete is the warning the server prints whenever the option is used
	// because it does nothing (MariaDB keeps removed and MySQL-only options
	// for compatibility), e.g. "'innodb-file-format' was removed. It does
	// nothing now and exists only for compatibility with old my.cnf files.".
	Obsolete string
	// OnlyLeading is set for the options that control option-file reading
	// (defaults-file, no-defaults, ...): the server accepts them only as the
	// first command-line arguments. Resolve never reports them Known: in an
	// option file they are unknown variables to the server.
	OnlyLeading bool
}

// HasValue reports whether the option takes a value at all (it is not a
// flag).
func (v Var) HasValue() bool { return v.Kind != KindFlag }

// asciiLower lowercases ASCII letters only, as the servers' option parsers
// (tolower in the C locale, latin1 my_toupper) do.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// underscores makes '-' and '_' the same, as getopt_compare_strings does.
func underscores(s string) string { return strings.ReplaceAll(s, "-", "_") }

// Canonical returns name the way Var.Name spells it: lowercase ASCII, '_'
// for '-'.
func Canonical(name string) string { return asciiLower(underscores(name)) }
