// Package proxysql reads proxysql.cnf the way ProxySQL loads it into its
// configuration database at first start (ProxySQL_Config.cpp): the
// mysql_variables that bound the front end, the mysql_servers rows that bound
// the connections to each backend, and the mysql_users with their per-user
// caps. It judges nothing; values ProxySQL silently passes over are reported
// as Ignored, with their positions.
//
// Query rules are read for routing only: which hostgroups a user's queries
// may reach.
//
// The file is libconfig text (package inputs/libconfig). ProxySQL reads each
// key with libconfig++'s lookupValue and no automatic conversion, so a key of
// the wrong type ("300" quoted, 300L) counts as absent and its default
// applies. The file only takes effect when ProxySQL starts without a
// proxysql.db in its datadir, or with --initial / --reload; afterwards the
// Admin interface's runtime tables win.
package proxysql

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/libconfig"
	"github.com/conncap/conncap/inputs/source"
)

// Defaults ProxySQL applies when the file does not set a key
// (ProxySQL_Config.cpp; MySQL_Thread.cpp's MySQL_Threads_Handler for
// mysql-max_connections, which is 10000 in the code: the 2048 that
// reference/clients-and-platforms.md §E.1 gives is what the sample
// proxysql.cnf ProxySQL ships sets).
const (
	DefaultMaxConnections       = 10000 // mysql-max_connections, per instance (the sample proxysql.cnf sets 2048)
	DefaultServerMaxConnections = 1000  // mysql_servers.max_connections
	DefaultUserMaxConnections   = 10000 // mysql_users.max_connections
	DefaultPort                 = 3306
	DefaultInterfaces           = "0.0.0.0:6033"
	DefaultWaitTimeoutMillis    = 8 * 3600 * 1000 // mysql-wait_timeout
)

// Config is what one proxysql.cnf tells ProxySQL.
type Config struct {
	Path string
	// MaxConnections is mysql-max_connections: the client connections one
	// ProxySQL instance accepts.
	MaxConnections source.Value[int]
	// Interfaces is mysql-interfaces: where clients connect
	// ("0.0.0.0:6033", several separated by ';').
	Interfaces source.Value[string]
	// WaitTimeout is mysql-wait_timeout in milliseconds: how long ProxySQL
	// keeps an idle client connection (its backend connections it pings
	// and keeps alive itself).
	WaitTimeout source.Value[int]
	Servers     []Server
	Users       []User
	// Rules are the mysql_query_rules, by rule_id: an active rule with a
	// destination_hostgroup sends the queries it matches there.
	Rules []QueryRule
	// Ignored are settings ProxySQL passes over: a key of the wrong type,
	// an entry without a mandatory key.
	Ignored  []Ignored
	Comments []libconfig.Comment

	// The tables being loaded, by primary key (INSERT OR REPLACE).
	servers table[serverKey, Server]
	users   table[string, User]
	rules   table[int, QueryRule]
}

// table is a configuration table being loaded: rows in file order, a later
// row with the same primary key replacing the earlier one in place, as
// ProxySQL's INSERT OR REPLACE does.
type table[K comparable, T any] struct {
	rows []T
	at   map[K]int
}

// put inserts v under k, or replaces the row k names and returns it.
func (t *table[K, T]) put(k K, v T) (old T, replaced bool) {
	if i, ok := t.at[k]; ok {
		old, t.rows[i] = t.rows[i], v
		return old, true
	}
	if t.at == nil {
		t.at = map[K]int{}
	}
	t.at[k] = len(t.rows)
	t.rows = append(t.rows, v)
	return old, false
}

// serverKey is mysql_servers' primary key.
type serverKey struct {
	hostgroup int
	address   string
	port      int
}

// Server is one mysql_servers row: a backend in a hostgroup.
type Server struct {
	Pos       source.Pos // the row's opening brace
	Address   source.Value[string]
	Port      source.Value[int]
	Hostgroup source.Value[int]
	Status    source.Value[string] // ONLINE, SHUNNED, OFFLINE_SOFT, OFFLINE_HARD
	// MaxConnections bounds the connections one ProxySQL instance opens to
	// this backend for this hostgroup.
	MaxConnections source.Value[int]
}

// User is one mysql_users row.
type User struct {
	Pos              source.Pos
	Username         source.Value[string]
	DefaultHostgroup source.Value[int]
	// Active is false when the row sets active = 0: ProxySQL refuses the user.
	Active source.Value[bool]
	// MaxConnections bounds the client connections of this user per
	// ProxySQL instance.
	MaxConnections source.Value[int]
}

// QueryRule is one mysql_query_rules row, as far as routing goes.
type QueryRule struct {
	Pos    source.Pos
	RuleID source.Value[int]
	Active source.Value[bool]
	// Username limits the rule to one user; V "" (with a Named origin)
	// means every user.
	Username source.Value[string]
	// DestinationHostgroup is where matching queries go; V -1 when the
	// rule routes nowhere (it only rewrites, caches, or sets flags).
	DestinationHostgroup source.Value[int]
}

// Hostgroups returns the hostgroups a user's queries may reach: the
// user's default_hostgroup and the destination of every active query rule
// for that user or for all users (which queries match a rule is not known
// offline, so any may). ok is false when the file has no row for the user.
func (c *Config) Hostgroups(username string) (groups []int, ok bool) {
	for _, u := range c.Users {
		if u.Username.V == username {
			groups, ok = append(groups, u.DefaultHostgroup.V), true
		}
	}
	if !ok {
		return nil, false
	}
	for _, r := range c.Rules {
		if r.Active.V && r.DestinationHostgroup.V >= 0 && (r.Username.V == "" || r.Username.V == username) &&
			!slices.Contains(groups, r.DestinationHostgroup.V) {
			groups = append(groups, r.DestinationHostgroup.V)
		}
	}
	return groups, true
}

// Ignored is a setting ProxySQL does not use, and why.
type Ignored struct {
	Pos source.Pos
	Msg string
}

// Ports returns the TCP ports the front end listens on, in order.
func (c *Config) Ports() []int {
	var out []int
	for _, iface := range strings.Split(c.Interfaces.V, ";") {
		if i := strings.LastIndexByte(iface, ':'); i >= 0 {
			if n, err := strconv.Atoi(iface[i+1:]); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// Match reports whether a file is a proxysql.cnf: by its name, or by a
// mysql_servers / mysql_users / mysql_variables setting at the top level,
// written from the first column (an indented one is more likely YAML that
// embeds the file).
func Match(p string, src []byte) bool {
	if path.Base(p) == "proxysql.cnf" {
		return true
	}
	for line := range bytes.SplitSeq(src, []byte("\n")) {
		t := bytes.TrimRight(line, " \t\r")
		for _, key := range []string{"mysql_servers", "mysql_users", "mysql_variables"} {
			if rest, ok := bytes.CutPrefix(t, []byte(key)); ok {
				rest = bytes.TrimSpace(rest)
				if len(rest) > 0 && (rest[0] == '=' || rest[0] == ':') {
					return true
				}
			}
		}
	}
	return false
}

// Parse reads a proxysql.cnf. include resolves @include directives (nil
// makes them errors).
func Parse(p string, src []byte, include func(name string) (string, []byte, error)) (*Config, error) {
	return ParseAt(p, src, libconfig.Offset{}, include)
}

// ParseAt is Parse for a proxysql.cnf embedded at an offset in the file at
// p: a Kubernetes ConfigMap's literal block.
func ParseAt(p string, src []byte, at libconfig.Offset, include func(name string) (string, []byte, error)) (*Config, error) {
	f, err := libconfig.ParseAt(p, src, at, include)
	if err != nil {
		return nil, err
	}
	return fromFile(f), nil
}

// fromFile interprets a parsed file as ProxySQL's loader does.
func fromFile(f *libconfig.File) *Config {
	c := &Config{Path: f.Path, Comments: f.Comments,
		MaxConnections: source.Value[int]{V: DefaultMaxConnections, Origin: source.Named("ProxySQL built-in default mysql-max_connections 10000")},
		Interfaces:     source.Value[string]{V: DefaultInterfaces, Origin: source.Named("ProxySQL default mysql-interfaces 0.0.0.0:6033")},
		WaitTimeout:    source.Value[int]{V: DefaultWaitTimeoutMillis, Origin: source.Named("ProxySQL default mysql-wait_timeout 28800000 ms")},
	}
	if vars := f.Root.Lookup("mysql_variables"); vars != nil {
		c.readVariables(vars)
	}
	if s := f.Root.Lookup("mysql_servers"); s != nil {
		for _, row := range s.Children {
			c.readServer(row)
		}
	}
	if s := f.Root.Lookup("mysql_users"); s != nil {
		for _, row := range s.Children {
			c.readUser(row)
		}
	}
	if s := f.Root.Lookup("mysql_query_rules"); s != nil {
		for _, row := range s.Children {
			c.readRule(row)
		}
	}
	c.Servers, c.Users, c.Rules = c.servers.rows, c.users.rows, c.rules.rows
	slices.SortStableFunc(c.Ignored, func(a, b Ignored) int { return a.Pos.Compare(b.Pos) })
	return c
}

// readRule reads one mysql_query_rules row: rule_id is mandatory, active
// defaults to 1, and a later row with the same rule_id replaces it.
func (c *Config) readRule(row *libconfig.Setting) {
	if !c.isRow(row, "mysql_query_rules") {
		return
	}
	id := row.Lookup("rule_id")
	if id == nil || id.Kind != libconfig.Int {
		c.ignore(row.Pos, "mysql_query_rules entry without a mandatory integer rule_id; ProxySQL skips it")
		return
	}
	r := QueryRule{Pos: row.Pos, RuleID: source.Value[int]{V: int(id.Int), Origin: source.At(id.Pos)}}
	active := c.lookupInt(row, "active", 1, "ProxySQL default active 1")
	r.Active = source.Value[bool]{V: active.V != 0, Origin: active.Origin}
	r.Username = source.Value[string]{Origin: source.Named("no username: every user")}
	if u, ok := c.lookupString(row, "username"); ok {
		r.Username = u
	}
	r.DestinationHostgroup = c.lookupInt(row, "destination_hostgroup", -1, "no destination_hostgroup")
	if old, ok := c.rules.put(r.RuleID.V, r); ok {
		c.ignore(old.Pos, "replaced by the mysql_query_rules entry at %s (same rule_id)", r.Pos)
	}
}

// readVariables reads mysql_variables: each member becomes mysql-<name>,
// its value taken as a boolean, else an int, else a string.
func (c *Config) readVariables(g *libconfig.Setting) {
	for _, s := range g.Children {
		switch s.Name {
		case "max_connections":
			if n, ok := variableInt(s); ok && n >= 1 && n <= 1000000 {
				c.MaxConnections = source.Value[int]{V: n, Origin: source.At(s.Pos)}
			} else {
				c.ignore(s.Pos, "mysql_variables.max_connections must be an integer from 1 to 1000000 (ProxySQL reads it with atoi); ProxySQL keeps %d", c.MaxConnections.V)
			}
		case "wait_timeout":
			if n, ok := variableInt(s); ok && n >= 0 && n <= 20*24*3600*1000 {
				c.WaitTimeout = source.Value[int]{V: n, Origin: source.At(s.Pos)}
			} else {
				c.ignore(s.Pos, "mysql_variables.wait_timeout must be an integer from 0 to 1728000000 ms (ProxySQL reads it with atoi); ProxySQL keeps %d", c.WaitTimeout.V)
			}
		case "interfaces":
			if s.Kind == libconfig.String {
				c.Interfaces = source.Value[string]{V: s.Str, Origin: source.At(s.Pos)}
			}
		}
	}
}

// variableInt is a mysql_variables value as ProxySQL's set_variable reads
// it: the setting is stored as text (a boolean as "true"/"false", an int
// in decimal, a string as written) and read back with C's atoi.
func variableInt(s *libconfig.Setting) (int, bool) {
	switch s.Kind {
	case libconfig.Int:
		return int(s.Int), true
	case libconfig.String:
		return atoi(s.Str), true
	case libconfig.Bool:
		return 0, true // atoi("true") and atoi("false") are 0
	}
	return 0, false // Int64, Float, groups: lookupValue fails, the text is ""
}

// atoi is C's atoi: leading blanks, an optional sign, then digits up to
// the first non-digit; 0 without digits. Past the int range it saturates
// (C leaves it undefined; glibc's strtol saturates).
func atoi(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	n := int64(0)
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = min(n*10+int64(s[i]-'0'), 1<<31)
	}
	if neg {
		n = -n
	}
	return int(max(min(n, 1<<31-1), -1<<31))
}

// lookupInt is libconfig++'s lookupValue(name, int&) without automatic
// conversion: only an Int setting counts.
func (c *Config) lookupInt(row *libconfig.Setting, name string, def int, defNote string) source.Value[int] {
	s := row.Lookup(name)
	if s == nil {
		return source.Value[int]{V: def, Origin: source.Named(defNote)}
	}
	if s.Kind != libconfig.Int {
		c.ignore(s.Pos, "ProxySQL reads %s only as a plain integer, not a %s; it uses %d (%s)", name, describe(s), def, defNote)
		return source.Value[int]{V: def, Origin: source.Named(defNote)}
	}
	return source.Value[int]{V: int(s.Int), Origin: source.At(s.Pos)}
}

// lookupString is lookupValue(name, std::string&).
func (c *Config) lookupString(row *libconfig.Setting, name string) (source.Value[string], bool) {
	s := row.Lookup(name)
	if s == nil {
		return source.Value[string]{}, false
	}
	if s.Kind != libconfig.String {
		c.ignore(s.Pos, "ProxySQL reads %s only as a string, not a %s", name, describe(s))
		return source.Value[string]{}, false
	}
	return source.Value[string]{V: s.Str, Origin: source.At(s.Pos)}, true
}

func describe(s *libconfig.Setting) string {
	switch s.Kind {
	case libconfig.String:
		return fmt.Sprintf("string (%q)", s.Str)
	case libconfig.Int64:
		return "64-bit integer"
	}
	return strings.ToLower(s.Kind.String())
}

// isRow reports whether an entry of a table's list is a group, as ProxySQL
// needs it to be; it notes the entry as skipped otherwise.
func (c *Config) isRow(row *libconfig.Setting, tableName string) bool {
	if row.Kind != libconfig.Group {
		c.ignore(row.Pos, "a %s entry must be a group { … }; ProxySQL skips it", tableName)
		return false
	}
	return true
}

func (c *Config) ignore(pos source.Pos, format string, args ...any) {
	c.Ignored = append(c.Ignored, Ignored{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// readServer reads one mysql_servers row. A row without an address (or
// hostname) or a hostgroup (or hostgroup_id) is skipped, as ProxySQL does;
// a later row with the same hostgroup, address and port replaces it
// (INSERT OR REPLACE on the table's primary key).
func (c *Config) readServer(row *libconfig.Setting) {
	if !c.isRow(row, "mysql_servers") {
		return
	}
	s := Server{Pos: row.Pos}
	var ok bool
	if s.Address, ok = c.lookupString(row, "address"); !ok {
		if s.Address, ok = c.lookupString(row, "hostname"); !ok {
			c.ignore(row.Pos, "mysql_servers entry without a mandatory address (or hostname); ProxySQL skips it")
			return
		}
	}
	s.Port = c.lookupInt(row, "port", DefaultPort, "ProxySQL default port 3306")
	hg := row.Lookup("hostgroup")
	if hg == nil || hg.Kind != libconfig.Int {
		hg = row.Lookup("hostgroup_id")
	}
	if hg == nil || hg.Kind != libconfig.Int {
		c.ignore(row.Pos, "mysql_servers entry without a mandatory integer hostgroup (or hostgroup_id); ProxySQL skips it")
		return
	}
	s.Hostgroup = source.Value[int]{V: int(hg.Int), Origin: source.At(hg.Pos)}
	s.Status = source.Value[string]{V: "ONLINE", Origin: source.Named("ProxySQL default status ONLINE")}
	if st, ok := c.lookupString(row, "status"); ok {
		switch up := strings.ToUpper(st.V); up {
		case "ONLINE", "SHUNNED", "OFFLINE_SOFT", "OFFLINE_HARD":
			s.Status = source.Value[string]{V: up, Origin: st.Origin}
		default:
			c.ignore(st.Origin.Pos, "status %q is not ONLINE, SHUNNED, OFFLINE_SOFT or OFFLINE_HARD; ProxySQL uses ONLINE", st.V)
		}
	}
	s.MaxConnections = c.lookupInt(row, "max_connections", DefaultServerMaxConnections, "ProxySQL default mysql_servers.max_connections 1000")
	if old, ok := c.servers.put(serverKey{s.Hostgroup.V, s.Address.V, s.Port.V}, s); ok {
		c.ignore(old.Pos, "replaced by the mysql_servers entry at %s (same hostgroup, address and port)", s.Pos)
	}
}

// readUser reads one mysql_users row; one without a username is skipped,
// and a later row for the same username replaces it.
func (c *Config) readUser(row *libconfig.Setting) {
	if !c.isRow(row, "mysql_users") {
		return
	}
	u := User{Pos: row.Pos}
	var ok bool
	if u.Username, ok = c.lookupString(row, "username"); !ok {
		c.ignore(row.Pos, "mysql_users entry without a mandatory username; ProxySQL skips it")
		return
	}
	u.DefaultHostgroup = c.lookupInt(row, "default_hostgroup", 0, "ProxySQL default default_hostgroup 0")
	active := c.lookupInt(row, "active", 1, "ProxySQL default active 1")
	u.Active = source.Value[bool]{V: active.V != 0, Origin: active.Origin}
	u.MaxConnections = c.lookupInt(row, "max_connections", DefaultUserMaxConnections, "ProxySQL default mysql_users.max_connections 10000")
	if old, ok := c.users.put(u.Username.V, u); ok {
		c.ignore(old.Pos, "replaced by the mysql_users entry at %s (same username)", u.Pos)
	}
}
