// Package dburl reads the URLs and DSNs applications use to reach MySQL or
// MariaDB: JDBC URLs (jdbc:mysql://, jdbc:mariadb://), URIs (mysql://,
// mysql2://, mariadb://, trilogy://, mysqlx://, SQLAlchemy's
// mysql+pymysql:// and friends, Prisma's mysql://…?connection_limit=N) and
// go-sql-driver/mysql DSNs (user:pass@tcp(host:3306)/db?…).
//
// Each form is split the way its own library splits it: Connector/J's and
// MariaDB Connector/J's host lists and key=value query, the WHATWG/net/url
// authority rules (userinfo ends at the last '@'), and go-sql-driver's
// ParseDSN (the database name follows the last '/'). Passwords are never kept
// and never appear in error messages.
package dburl

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// Format says which syntax a URL was written in.
type Format int

// The syntaxes ParseURL reads.
const (
	JDBC  Format = iota + 1 // jdbc:mysql://…, jdbc:mariadb://…
	URI                     // scheme://user:pass@host:port/db?k=v
	GoDSN                   // user:pass@tcp(host:port)/db?k=v (go-sql-driver/mysql)
)

// URL is a parsed MySQL/MariaDB URL or DSN.
type URL struct {
	Format Format // the syntax it was written in
	// Scheme is lower-cased and has no "://": "jdbc:mysql",
	// "jdbc:mysql:loadbalance", "jdbc:mariadb", "mysql", "mysql2",
	// "mariadb", "trilogy", "mysqlx", "mysql+pymysql", …; "" for a Go DSN.
	Scheme string
	// User is the account name, from the userinfo or, for JDBC, a user=
	// parameter; "" when the URL names none.
	User string
	// HasPassword is set when the URL carries a password (its value is not kept).
	HasPassword bool
	// Host and Port are the first (or only) server address; Port is 0 when
	// the URL gives none (the driver then uses 3306, 33060 for mysqlx).
	Host string
	Port int // 0 when absent
	// Hosts lists every address of a multi-host URL as host[:port].
	Hosts []string
	// Socket is a Unix socket path (Go DSN unix(/path), or a socket
	// parameter), "" when none.
	Socket string
	// Database is the database in the path, percent-decoded; "" when none.
	Database string
	// Params holds the query parameters, percent-decoded; when a key repeats
	// the last value wins. Keys keep their case.
	Params map[string]string
	// Pos is where the URL was read (the position given to ParseURL).
	Pos source.Pos
}

// IsMySQL reports whether s looks like a URL or DSN for MySQL or MariaDB:
// a MySQL-family scheme (see ParseURL), or no scheme at all and the shape of
// a go-sql-driver DSN. It does not check the rest of the syntax.
func IsMySQL(s string) bool {
	s = strings.TrimSpace(s)
	lower := asciiLower(s)
	if rest, ok := strings.CutPrefix(lower, "jdbc:"); ok {
		return mysqlSubprotocol(rest)
	}
	if i := strings.Index(lower, "://"); i >= 0 {
		return mysqlScheme(lower[:i])
	}
	return looksLikeDSN(s)
}

// mysqlSubprotocol reports whether the part after "jdbc:" names Connector/J or
// MariaDB Connector/J.
func mysqlSubprotocol(rest string) bool {
	for _, p := range []string{"mysql:", "mysql+srv:", "mariadb:"} {
		if strings.HasPrefix(rest, p) {
			return true
		}
	}
	return false
}

// mysqlScheme reports whether a lower-cased URI scheme is a MySQL one.
func mysqlScheme(scheme string) bool {
	switch scheme {
	case "mysql", "mysql2", "mariadb", "trilogy", "mysqlx", "mysqls":
		return true
	}
	// SQLAlchemy dialect+driver: mysql+pymysql, mysql+mysqldb,
	// mysql+mysqlconnector, mysql+aiomysql, mysql+asyncmy,
	// mariadb+mariadbconnector, …
	return strings.HasPrefix(scheme, "mysql+") || strings.HasPrefix(scheme, "mariadb+")
}

// looksLikeDSN reports whether s has the shape of a go-sql-driver DSN:
// a '/' with an '@' or a protocol in parentheses before it. A bare "/db"
// is a valid DSN too, but in a variable it is far more often a file path.
func looksLikeDSN(s string) bool {
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return false
	}
	head := s[:i]
	return strings.Contains(head, "@") || strings.HasSuffix(head, ")")
}

// ParseURL parses a JDBC URL, a URI or a Go DSN read at pos. An error is a
// *source.Error at pos; its message never contains the password.
func ParseURL(s string, pos source.Pos) (*URL, error) {
	p := parser{pos: pos}
	u := p.parse(strings.TrimSpace(s))
	if p.err != nil {
		return nil, p.err
	}
	u.Pos = pos
	return u, nil
}

type parser struct {
	pos source.Pos
	err *source.Error
}

func (p *parser) errorf(format string, args ...any) {
	if p.err == nil {
		p.err = source.Errorf(p.pos, format, args...)
	}
}

func (p *parser) parse(s string) *URL {
	if s == "" {
		p.errorf("empty database URL")
		return nil
	}
	lower := asciiLower(s)
	if rest, ok := strings.CutPrefix(lower, "jdbc:"); ok {
		i := strings.Index(rest, "://")
		if i < 0 {
			p.errorf("JDBC URL %q has no \"//\" after the subprotocol", redact(s))
			return nil
		}
		sub := rest[:i]
		if !mysqlSubprotocol(sub + ":") {
			p.errorf("JDBC URL for %q is not a MySQL or MariaDB URL", "jdbc:"+sub)
			return nil
		}
		return p.hierarchical(JDBC, "jdbc:"+sub, s[len("jdbc:")+i+len("://"):])
	}
	if i := strings.Index(lower, "://"); i >= 0 {
		scheme := lower[:i]
		if !mysqlScheme(scheme) {
			p.errorf("URL scheme %q is not a MySQL or MariaDB scheme", scheme)
			return nil
		}
		return p.hierarchical(URI, scheme, s[i+len("://"):])
	}
	if !strings.Contains(s, "/") {
		p.errorf("not a database URL or DSN: no scheme and no '/' before a database name")
		return nil
	}
	return p.dsn(s)
}

// hierarchical parses what follows "scheme://": [userinfo@]hosts[/db][?query][#frag].
func (p *parser) hierarchical(format Format, scheme, rest string) *URL {
	u := &URL{Format: format, Scheme: scheme, Params: map[string]string{}}
	if format == URI {
		if i := strings.IndexByte(rest, '#'); i >= 0 {
			rest = rest[:i]
		}
	}
	end := strings.IndexAny(rest, "/?")
	if format == JDBC {
		end = jdbcAuthorityEnd(rest)
	}
	authority, tail := rest, ""
	if end >= 0 {
		authority, tail = rest[:end], rest[end:]
	}
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		userinfo := authority[:at]
		authority = authority[at+1:]
		user, _, hasPass := strings.Cut(userinfo, ":") // the password is never kept
		u.User = p.unescape(user, "user name", false)
		u.HasPassword = hasPass
	}
	p.hosts(u, authority)
	path, query, _ := strings.Cut(tail, "?")
	if path != "" {
		u.Database = p.unescape(strings.TrimPrefix(path, "/"), "database name", false)
	}
	p.query(u, query, '&')
	if u.User == "" && format == JDBC {
		u.User = u.Params["user"]
	}
	if u.Socket == "" {
		for _, k := range []string{"socket", "unix_socket", "localSocket"} {
			if v, ok := u.Params[k]; ok {
				u.Socket = v
				break
			}
		}
	}
	return u
}

// jdbcAuthorityEnd returns where a JDBC host list ends: the first '/' or '?'
// outside brackets and parentheses (Connector/J's address-equals and
// key-value host forms may contain '=' and ',').
func jdbcAuthorityEnd(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		case '/', '?':
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// hosts splits a host list at top-level commas and records each address.
func (p *parser) hosts(u *URL, s string) {
	if s == "" {
		return
	}
	// Connector/J allows the whole list in brackets: [h1:3306,h2:3307].
	if len(s) > 1 && s[0] == '[' && s[len(s)-1] == ']' && strings.ContainsAny(s, ",(") {
		s = s[1 : len(s)-1]
	}
	for i, h := range splitTop(s, ',') {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		host, port := p.hostPort(h)
		if p.err != nil {
			return
		}
		u.Hosts = append(u.Hosts, joinHostPort(host, port))
		if i == 0 || u.Host == "" {
			u.Host, u.Port = host, port
		}
	}
}

// splitTop splits s at sep outside brackets and parentheses.
func splitTop(s string, sep byte) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		case sep:
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// hostPort reads one address: host, host:port, [v6]:port, or Connector/J's
// address=(host=h)(port=p) and (host=h,port=p) forms.
func (p *parser) hostPort(h string) (string, int) {
	lower := asciiLower(h)
	if strings.HasPrefix(lower, "address=") || strings.HasPrefix(h, "(") {
		kv := map[string]string{}
		body := h
		if strings.HasPrefix(lower, "address=") {
			body = h[len("address="):]
		}
		for _, part := range strings.FieldsFunc(body, func(r rune) bool { return r == '(' || r == ')' || r == ',' }) {
			k, v, ok := strings.Cut(part, "=")
			if ok {
				kv[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
			}
		}
		host := kv["host"]
		if host == "" {
			p.errorf("host specification %q names no host", h)
			return "", 0
		}
		port := 0
		if v, ok := kv["port"]; ok {
			port = p.port(v)
		}
		return host, port
	}
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			p.errorf("IPv6 address %q has no closing ']'", h)
			return "", 0
		}
		host, rest := h[1:end], h[end+1:]
		if rest == "" {
			return host, 0
		}
		if rest[0] != ':' {
			p.errorf("unexpected %q after IPv6 address %q", rest, host)
			return "", 0
		}
		return host, p.port(rest[1:])
	}
	host, port, ok := strings.Cut(h, ":")
	if !ok {
		return p.unescape(h, "host", false), 0
	}
	if strings.Contains(port, ":") {
		p.errorf("host %q has more than one ':' (IPv6 addresses go in brackets)", h)
		return "", 0
	}
	return p.unescape(host, "host", false), p.port(port)
}

// port parses a TCP port; an empty port means none.
func (p *parser) port(s string) int {
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 65535 {
		p.errorf("invalid port %q: want a number from 0 to 65535", s)
		return 0
	}
	return n
}

func joinHostPort(host string, port int) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == 0 {
		return host
	}
	return host + ":" + strconv.Itoa(port)
}

// query reads k=v pairs separated by sep into u.Params.
func (p *parser) query(u *URL, q string, sep byte) {
	if q == "" {
		return
	}
	for _, part := range strings.Split(q, string(sep)) {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key := p.unescape(k, "parameter name", true)
		if key == "" {
			continue
		}
		u.Params[key] = p.unescape(v, "value of parameter "+strconv.Quote(key), true)
	}
}

// unescape percent-decodes s; query decoding also turns '+' into a space, as
// java.net.URLDecoder, URLSearchParams and url.QueryUnescape do.
func (p *parser) unescape(s, what string, query bool) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	var out string
	var err error
	if query {
		out, err = url.QueryUnescape(s)
	} else {
		out, err = url.PathUnescape(s)
	}
	if err != nil {
		p.errorf("invalid percent-encoding in %s", what)
		return s
	}
	return out
}

// dsn parses a go-sql-driver/mysql DSN the way its ParseDSN does:
// [user[:password]@][net[(addr)]]/dbname[?param1=value1&paramN=valueN].
func (p *parser) dsn(s string) *URL {
	u := &URL{Format: GoDSN, Params: map[string]string{}}
	slash := strings.LastIndexByte(s, '/')
	head, tail := s[:slash], s[slash+1:]
	if at := strings.LastIndexByte(head, '@'); at >= 0 {
		user, _, hasPass := strings.Cut(head[:at], ":")
		u.User, u.HasPassword = user, hasPass
		head = head[at+1:]
	}
	netw, addr := head, ""
	if i := strings.IndexByte(head, '('); i >= 0 {
		if !strings.HasSuffix(head, ")") {
			p.errorf("invalid DSN: unescaped '(' in the address; did you forget to escape a param value?")
			return nil
		}
		netw, addr = head[:i], head[i+1:len(head)-1]
	}
	if netw == "" {
		netw = "tcp"
	}
	switch netw {
	case "unix":
		u.Socket = addr
		if addr == "" {
			u.Socket = "/tmp/mysql.sock"
		}
	default:
		if addr != "" {
			u.Host, u.Port = p.hostPort(addr)
			u.Hosts = []string{joinHostPort(u.Host, u.Port)}
		}
	}
	dbname, query, _ := strings.Cut(tail, "?")
	u.Database = p.unescape(dbname, "database name", false)
	p.query(u, query, '&')
	return u
}

// asciiLower lower-cases ASCII letters only, so byte offsets in the result
// are offsets in s (strings.ToLower may change the length of invalid UTF-8).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// redact replaces the password in a URL with "xxxxx" for messages.
func redact(s string) string {
	i := strings.Index(s, "://")
	if i < 0 {
		return s
	}
	rest := s[i+3:]
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndexByte(rest[:end], '@')
	if at < 0 {
		return s
	}
	user, _, ok := strings.Cut(rest[:at], ":")
	if !ok {
		return s
	}
	return s[:i+3] + user + ":xxxxx" + rest[at:]
}

// String formats the URL without its password, for messages.
func (u *URL) String() string {
	var b strings.Builder
	switch u.Format {
	case JDBC, URI:
		b.WriteString(u.Scheme)
		b.WriteString("://")
		if u.User != "" {
			b.WriteString(u.User)
			if u.HasPassword {
				b.WriteString(":xxxxx")
			}
			b.WriteString("@")
		}
		b.WriteString(strings.Join(u.Hosts, ","))
	case GoDSN:
		if u.User != "" {
			b.WriteString(u.User)
			if u.HasPassword {
				b.WriteString(":xxxxx")
			}
			b.WriteString("@")
		}
		if u.Socket != "" {
			fmt.Fprintf(&b, "unix(%s)", u.Socket)
		} else if len(u.Hosts) > 0 {
			fmt.Fprintf(&b, "tcp(%s)", u.Hosts[0])
		}
	}
	b.WriteString("/")
	b.WriteString(u.Database)
	return b.String()
}
