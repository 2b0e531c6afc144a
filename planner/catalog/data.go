package catalog

import (
	"embed"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/*.txt
var dataFS embed.FS

// dataFile names the option table of each server. The MariaDB versions share
// the 10.11 table (see the package documentation); the MySQL versions share
// one file whose lines may be marked for one version.
func dataFile(s Server) string {
	if s.Flavor == MariaDB {
		return "data/mariadb-10.11.txt"
	}
	return "data/mysql.txt"
}

// tableKey names a parsed table: MariaDB versions share one.
func tableKey(s Server) string {
	if s.Flavor == MariaDB {
		return "mariadb"
	}
	return s.String()
}

// entry is one name my_getopt can match: a variable's name or its
// plugin-NAME spelling.
type entry struct {
	key            string // '-' replaced by '_'; lowercase for MariaDB
	fold           string // key lowercased, for MySQL's case-mismatch check
	v              int    // index into table.vars
	pluginPrefixed bool
}

// table is one server's parsed option table. It is built once and never
// modified afterwards.
type table struct {
	flavor  Flavor
	vars    []Var          // sorted by Name
	byName  map[string]int // canonical name -> index into vars
	groups  [][]entry      // the passes of the option parser, in order
	leading map[string]int // OnlyLeading options by canonical name
}

// tables holds every server's parsed table, built on first use. The
// embedded files are checked by the tests, so a parse error here is a bug in
// the data, not bad input.
var tables = sync.OnceValue(func() map[string]*table {
	m := map[string]*table{}
	for _, s := range Supported() {
		k := tableKey(s)
		if _, ok := m[k]; ok {
			continue
		}
		f := dataFile(s)
		src, err := dataFS.ReadFile(f)
		if err != nil {
			panic(fmt.Sprintf("catalog: embedded %s: %v", f, err))
		}
		t, err := parseTable(s, string(src))
		if err != nil {
			panic(fmt.Sprintf("catalog: embedded %s: %v", f, err))
		}
		m[k] = t
	}
	return m
})

// table returns the option table of s; a Server that is not supported gets
// the default server's table.
func (s Server) table() *table {
	if !s.IsSupported() {
		s = Default()
	}
	return tables()[tableKey(s)]
}

// obsoleteText renders the warning MariaDB prints for a kept-but-dead option.
func obsoleteText(note, name string) string {
	d := strings.ReplaceAll(name, "_", "-")
	switch note {
	case "removed":
		return fmt.Sprintf("'%s' was removed. It does nothing now and exists only for compatibility with old my.cnf files.", d)
	case "compat":
		return fmt.Sprintf("'%s' is MySQL 5.6 / 5.7 compatible option. Not used or needed in MariaDB.", d)
	case "later":
		return fmt.Sprintf("'%s' is MySQL 5.6 / 5.7 compatible option. To be implemented in later versions.", d)
	}
	return ""
}

// parseTable parses a data file for server s: "name kind arg attrs default"
// lines (see the header of data/mariadb-10.11.txt). Lines marked for another
// version (v=...) are skipped.
func parseTable(s Server, src string) (*table, error) {
	flavor := s.Flavor
	t := &table{flavor: flavor, byName: map[string]int{}, leading: map[string]int{}}
	for n, line := range strings.Split(src, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		v, version, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n+1, err)
		}
		if version != "" && (flavor == MariaDB || version != s.Version) {
			continue
		}
		if flavor == MySQL {
			// Not known per option for MySQL: be permissive.
			v.Maximum = v.Kind != KindFlag && !v.OnlyLeading
			v.PluginPrefix = v.Plugin != "" || v.Builtin != ""
		}
		if _, dup := t.byName[v.Name]; dup {
			return nil, fmt.Errorf("line %d: %s listed twice", n+1, v.Name)
		}
		t.byName[v.Name] = len(t.vars)
		t.vars = append(t.vars, v)
	}
	slices.SortFunc(t.vars, func(a, b Var) int { return strings.Compare(a.Name, b.Name) })
	for i, v := range t.vars {
		t.byName[v.Name] = i
		if v.OnlyLeading {
			t.leading[v.Name] = i
		}
	}
	t.groups = buildGroups(flavor, t.vars)
	return t, nil
}

// parseLine parses one option line; version is the v= attribute, if any.
func parseLine(line string) (v Var, version string, err error) {
	v, version, err = parseFields(line)
	if err != nil && v.Name != "" {
		err = fmt.Errorf("%s: %v", v.Name, err)
	}
	return v, version, err
}

func parseFields(line string) (Var, string, error) {
	f := strings.SplitN(line, " ", 5)
	if len(f) < 4 {
		return Var{}, "", fmt.Errorf("want name kind arg attrs [default], got %q", line)
	}
	v := Var{Name: f[0]}
	kind, ok := parseKind(f[1])
	if !ok {
		return v, "", fmt.Errorf("unknown kind %q", f[1])
	}
	v.Kind = kind
	if Canonical(v.Name) != v.Name || v.Name == "" {
		return v, "", fmt.Errorf("name %q is not canonical", v.Name)
	}
	version := ""
	switch f[2] {
	case "req":
		v.RequiresArg = true
	case "opt":
		v.OptionalArg = true
	case "none":
	default:
		return v, "", fmt.Errorf("unknown argument form %q", f[2])
	}
	if len(f) == 5 {
		v.Default = f[4]
	}
	var haveMin, haveMax bool
	if f[3] != "-" {
		for _, a := range strings.Split(f[3], ",") {
			key, val, _ := strings.Cut(a, "=")
			var err error
			switch key {
			case "min":
				v.Min, err = strconv.ParseInt(val, 10, 64)
				haveMin = true
			case "max":
				v.Max, err = strconv.ParseUint(val, 10, 64)
				haveMax = true
			case "block":
				v.Block, err = strconv.ParseUint(val, 10, 64)
			case "values":
				v.Values = strings.Split(val, "|")
			case "plugin":
				v.Plugin = val
			case "builtin":
				v.Builtin = val
			case "opt":
				v.OptName = val
			case "note":
				v.Obsolete = obsoleteText(val, v.Name)
				if v.Obsolete == "" {
					err = fmt.Errorf("unknown note %q", val)
				}
			case "early":
				v.Early = true
			case "late":
				v.Hidden = true
			case "pluginprefix":
				v.PluginPrefix = true
			case "maximum":
				v.Maximum = true
			case "autoset":
				v.Autoset = true
			case "all":
				v.AllowAll = true
			case "leading":
				v.OnlyLeading = true
			case "v":
				version = val
			default:
				err = fmt.Errorf("unknown attribute %q", a)
			}
			if err != nil {
				return v, "", err
			}
		}
	}
	if haveMin != haveMax {
		return v, "", fmt.Errorf("min and max go together")
	}
	v.HasRange = haveMin
	if v.HasRange && v.Max < uint64(max(v.Min, 0)) {
		return v, "", fmt.Errorf("max below min")
	}
	if (v.Kind == KindEnum || v.Kind == KindSet) && len(v.Values) == 0 {
		return v, "", fmt.Errorf("%s without values", v.Kind)
	}
	if v.OptName == "" {
		v.OptName = v.Name
	}
	return v, version, nil
}

// buildGroups lays out the passes of the server's option parser.
//
// MySQL has no abbreviations, so one pass with every option is exact enough.
// MariaDB matches abbreviations within one pass at a time: the early pass
// (handle_early_options), the server's own options (get_options), then each
// plugin's options (plugin_init, one handle_options call per plugin):
// compiled-in plugins, then loadable ones; the hidden compatibility options
// last. The server orders the plugin
// passes by its plugin list; here they go by name, which only matters for an
// abbreviation that two plugins' options share.
func buildGroups(flavor Flavor, vars []Var) [][]entry {
	add := func(g []entry, i int, v Var) []entry {
		key := underscores(v.Name)
		if flavor == MariaDB {
			key = asciiLower(key)
		}
		g = append(g, entry{key: key, fold: asciiLower(key), v: i})
		if v.PluginPrefix {
			g = append(g, entry{key: "plugin_" + key, fold: "plugin_" + asciiLower(key), v: i, pluginPrefixed: true})
		}
		return g
	}
	if flavor == MySQL {
		var all []entry
		for i, v := range vars {
			if !v.OnlyLeading {
				all = add(all, i, v)
			}
		}
		return [][]entry{all}
	}
	var early, main, late []entry
	builtins := map[string][]entry{}
	plugins := map[string][]entry{}
	for i, v := range vars {
		switch {
		case v.OnlyLeading:
		case v.Hidden:
			late = add(late, i, v)
		case v.Plugin != "":
			plugins[v.Plugin] = add(plugins[v.Plugin], i, v)
		case v.PluginPrefix:
			p := pluginOf(v)
			builtins[p] = add(builtins[p], i, v)
		default:
			if v.Early {
				early = add(early, i, v)
			}
			main = add(main, i, v)
		}
	}
	groups := [][]entry{early, main}
	for _, p := range slices.Sorted(maps.Keys(builtins)) {
		groups = append(groups, builtins[p])
	}
	for _, p := range slices.Sorted(maps.Keys(plugins)) {
		groups = append(groups, plugins[p])
	}
	return append(groups, late)
}

// pluginOf names the plugin whose option pass handles v: its library or
// compiled-in plugin name, else the first word of a plugin option's name
// (MariaDB's MyISAM and Aria options have no plugin-enable option to name
// them); "" for the server's own options.
func pluginOf(v Var) string {
	switch {
	case v.Plugin != "":
		return v.Plugin
	case v.Builtin != "":
		return v.Builtin
	case v.PluginPrefix:
		first, _, _ := strings.Cut(v.Name, "_")
		return first
	}
	return ""
}
