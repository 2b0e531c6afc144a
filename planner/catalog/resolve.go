package catalog

import (
	"fmt"
	"strings"
)

// Resolution is how the server interprets one option name as written in a
// file (after the file reader: the name may mix '-' and '_' and any case).
type Resolution struct {
	Written string // the name as given

	// Prefix is the special prefix that decides the option's value: "" (none),
	// "skip", "disable", "enable", "maximum", "autoset" (MariaDB only) or
	// "loose". my_getopt strips prefixes one at a time until a name matches,
	// and only the last one stripped counts: "loose-skip-x" has Prefix
	// "skip", "skip-loose-x" has Prefix "loose" (and x is not negated).
	Prefix string
	// Loose is set when a loose- prefix was stripped anywhere in the name:
	// an unknown option is then only a warning.
	Loose bool

	Var   Var  // the variable meant, when Known (or the near miss, see CaseMismatch and OnlyLeading)
	Known bool // the server accepts the name

	// PrefixMatch is set when MariaDB matched the name as a unique
	// abbreviation (max-conn for max_connections). MySQL has no
	// abbreviations.
	PrefixMatch bool
	// Ambiguous lists, in the server's spelling, the options an abbreviation
	// matches when it matches more than one (MariaDB): fatal in the server.
	Ambiguous []string
	// CaseMismatch is set when only a case-insensitive match exists on MySQL,
	// which compares option names case-sensitively: Max_Connections is an
	// unknown variable there. Known is false and Var is the near miss.
	CaseMismatch bool
	// OnlyLeading is set when the name is one of the options that control
	// option-file reading (defaults-file, no-defaults, ...), which the server
	// accepts only as leading command-line arguments. Known is false (the
	// server says unknown variable) and Var is that option.
	OnlyLeading bool
	// PluginPrefixed is set when the name was written plugin-NAME.
	PluginPrefixed bool
	// PluginPass names the plugin whose options the name was matched among
	// (the server parses each plugin's options in a pass of its own), "" for
	// the server's own options. An error in such a pass (an ambiguous
	// abbreviation, a bad value) does not stop the server: it prints
	// "Parsing options for plugin '...' failed" and disables the plugin,
	// which fails the startup later only if something needs the plugin.
	PluginPass string
	// Instance is the part before the first dot of a structured name such as
	// hot_cache.key_buffer_size (a named key cache). MariaDB ignores it for
	// options other than the key cache ones; MySQL reads a dotted name that
	// does not end in a key cache variable as one name (component variables
	// such as validate_password.length).
	Instance string
}

// specialPrefixes returns my_getopt's special option prefixes in the order
// it tries them (special_opt_prefix[]).
func specialPrefixes(f Flavor) []string {
	if f == MariaDB {
		return []string{"skip", "disable", "enable", "maximum", "loose", "autoset"}
	}
	return []string{"skip", "disable", "enable", "maximum", "loose"}
}

// match is the result of looking a name up in one pass of the option parser.
type match struct {
	n      int // 0 none, 1 one option, >1 ambiguous
	e      entry
	names  []string // the distinct matching keys when ambiguous
	exact  bool
	prefix string
	loose  bool
}

// findopt is my_getopt's findopt(): an exact name, else (abbrev) the
// options s is a prefix of, counted by distinct name.
func findopt(g []entry, s string, fold, abbrev bool) match {
	var m match
	for _, e := range g {
		k := e.key
		if fold {
			k = e.fold
		}
		if !strings.HasPrefix(k, s) {
			continue
		}
		if len(k) == len(s) {
			return match{n: 1, e: e, exact: true}
		}
		if !abbrev {
			continue
		}
		m.e = e
		if m.n == 0 {
			m.n, m.names = 1, []string{k}
		} else if k != m.names[0] {
			m.n++
			m.names = append(m.names, k)
		}
	}
	if m.n > 1 {
		m.e = entry{}
	}
	return m
}

// search is handle_options() looking one name up in one pass: the whole name
// first, then with the special prefixes stripped one at a time.
func (t *table) search(g []entry, name string, fold, abbrev bool) match {
	s := underscores(name)
	if fold {
		s = asciiLower(s)
	}
	loose, last := false, ""
	for s != "" {
		if m := findopt(g, s, fold, abbrev); m.n > 0 {
			m.prefix, m.loose = last, loose
			return m
		}
		stripped := false
		for _, p := range specialPrefixes(t.flavor) {
			if len(s) > len(p)+1 && s[:len(p)] == p && s[len(p)] == '_' {
				s, last, stripped = s[len(p)+1:], p, true
				loose = loose || p == "loose"
				break
			}
		}
		if !stripped {
			break
		}
	}
	return match{loose: loose}
}

// Resolve tells how the server interprets an option name written in an
// option file. See Resolution for the fields, and the package documentation
// for the parser passes it models. An empty name is reported unknown.
func (s Server) Resolve(name string) Resolution {
	t := s.table()
	r := Resolution{Written: name}
	if name == "" {
		return r
	}
	opt := name
	if dot := strings.IndexByte(name[1:], '.') + 1; dot > 0 {
		suffix := name[dot+1:]
		switch {
		case t.flavor == MariaDB && suffix != "":
			r.Instance, opt = name[:dot], suffix
		case t.flavor == MySQL && isKeyCacheVar(suffix):
			r.Instance, opt = name[:dot], suffix
		}
	}
	fold := t.flavor == MariaDB
	for gi, g := range t.groups {
		m := t.search(g, opt, fold, fold)
		r.Loose = r.Loose || m.loose
		if m.n == 0 {
			continue
		}
		r.Prefix = m.prefix
		if m.n > 1 {
			for _, k := range m.names {
				r.Ambiguous = append(r.Ambiguous, t.spelling(g, k))
			}
			if t.flavor == MariaDB && gi >= 2 {
				r.PluginPass = pluginOf(t.vars[t.entryOf(g, m.names[0]).v])
			}
			return r
		}
		r.set(t, m)
		r.Known = true
		if t.flavor == MySQL || gi >= 2 {
			r.PluginPass = pluginOf(r.Var)
		}
		return r
	}
	if t.flavor == MySQL {
		if m := t.search(t.groups[0], opt, true, false); m.n == 1 {
			// Loose stays as the case-sensitive search found it: "LOOSE-x"
			// is not loose to MySQL.
			r.set(t, m)
			r.Prefix = m.prefix
			r.CaseMismatch = true
			return r
		}
	}
	var lead []entry
	for _, i := range t.leading {
		lead = append(lead, entry{key: t.vars[i].Name, fold: t.vars[i].Name, v: i})
	}
	if m := t.search(lead, opt, true, false); m.n == 1 {
		r.set(t, m)
		r.Prefix = m.prefix
		r.OnlyLeading = true
	}
	return r
}

func (r *Resolution) set(t *table, m match) {
	r.Var = t.vars[m.e.v]
	r.PrefixMatch = !m.exact
	r.PluginPrefixed = m.e.pluginPrefixed
}

// entryOf returns the entry whose key is k in g.
func (t *table) entryOf(g []entry, k string) entry {
	for _, e := range g {
		if e.key == k {
			return e
		}
	}
	return entry{}
}

// spelling returns the server's spelling of the option whose key is k in g.
func (t *table) spelling(g []entry, k string) string {
	e := t.entryOf(g, k)
	if e.pluginPrefixed {
		return "plugin-" + t.vars[e.v].OptName
	}
	return t.vars[e.v].OptName
}

// isKeyCacheVar is MySQL's is_key_cache_variable_suffix(): the variables a
// named key cache has, compared case-insensitively, '-' not being '_' here.
func isKeyCacheVar(s string) bool {
	switch asciiLower(s) {
	case "key_buffer_size", "key_cache_block_size", "key_cache_division_limit", "key_cache_age_threshold":
		return true
	}
	return false
}

// Diagnose returns what the server says about the resolved name when it is
// given (hasValue) or not given a value: nothing for a known name, a warning
// for an unknown loose- name, an error for an unknown or ambiguous one. The
// texts are the server's, without the program name and the trailing period;
// the caller adds the position. For an ambiguous MariaDB abbreviation every
// candidate is listed, where the server names two of them.
func (r Resolution) Diagnose(value string, hasValue bool) (warning string, err error) {
	if r.Known {
		return "", nil
	}
	arg := r.Written
	if hasValue {
		arg += "=" + value
	}
	if len(r.Ambiguous) > 0 {
		return "", fmt.Errorf("ambiguous option '--%s' (%s)", arg, strings.Join(r.Ambiguous, ", "))
	}
	msg := fmt.Sprintf("unknown option '--%s'", arg)
	if hasValue {
		msg = fmt.Sprintf("unknown variable '%s'", arg)
	}
	if r.Loose {
		return msg, nil
	}
	return "", fmt.Errorf("%s", msg)
}

// Lookup returns the variable with the given name, in any case and with '-'
// or '_', without prefix or abbreviation handling.
func (s Server) Lookup(canonical string) (Var, bool) {
	t := s.table()
	i, ok := t.byName[Canonical(canonical)]
	if !ok {
		return Var{}, false
	}
	return t.vars[i], true
}

// Vars returns every option the server knows, sorted by name, including
// plugin options and the leading-only ones.
func (s Server) Vars() []Var {
	t := s.table()
	out := make([]Var, len(t.vars))
	copy(out, t.vars)
	for i := range out {
		out[i].Values = append([]string(nil), out[i].Values...)
	}
	return out
}

// Suggest returns the known option name closest to name for a "did you
// mean" hint, or "" when name is known or nothing is close. Closeness is the
// optimal-string-alignment distance between canonical names, tried on the
// name as written and with its special prefixes (loose-, skip-, ...)
// removed; the allowed distance grows with the length (1 up to 4
// characters, 2 up to 12, then 3). Ties go to the alphabetically first name.
// A MySQL name that differs only in case gets its canonical spelling, and a
// name nothing is close to but that abbreviates options (MariaDB accepts
// abbreviations, MySQL does not) gets the shortest of them.
func (s Server) Suggest(name string) string {
	r := s.Resolve(name)
	if r.Known {
		return ""
	}
	if r.CaseMismatch {
		return r.Var.Name
	}
	if r.OnlyLeading {
		return ""
	}
	t := s.table()
	n := Canonical(name)
	if r.Instance != "" {
		n = Canonical(strings.TrimPrefix(name, r.Instance+"."))
	}
	variants := []string{n}
	for cur := n; ; {
		p := ""
		for _, sp := range specialPrefixes(t.flavor) {
			if strings.HasPrefix(cur, sp+"_") && len(cur) > len(sp)+1 {
				p = sp
				break
			}
		}
		if p == "" {
			break
		}
		cur = cur[len(p)+1:]
		variants = append(variants, cur)
	}
	best, bestD := "", 1<<30
	for _, v := range variants {
		limit := 3
		switch {
		case len(v) <= 4:
			limit = 1
		case len(v) <= 12:
			limit = 2
		}
		for _, c := range t.vars {
			if c.OnlyLeading || abs(len(c.Name)-len(v)) > limit {
				continue
			}
			d := osaDistance(v, c.Name)
			if d <= limit && (d < bestD || d == bestD && c.Name < best) {
				best, bestD = c.Name, d
			}
		}
	}
	if best == "" {
		// An abbreviation: the shortest option it abbreviates.
		for _, v := range variants {
			for _, c := range t.vars {
				if c.OnlyLeading || len(v) < 3 || !strings.HasPrefix(c.Name, v) {
					continue
				}
				if best == "" || len(c.Name) < len(best) || len(c.Name) == len(best) && c.Name < best {
					best = c.Name
				}
			}
			if best != "" {
				break
			}
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// osaDistance is the optimal string alignment distance (Levenshtein with
// adjacent transpositions) between a and b, by bytes.
func osaDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
