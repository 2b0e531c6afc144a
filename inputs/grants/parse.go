package grants

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// The statement kinds the reader records (Statement.Kind).
const (
	KindCreateUser = "CREATE USER"
	KindAlterUser  = "ALTER USER"
	KindGrant      = "GRANT"
	KindRenameUser = "RENAME USER"
	KindDropUser   = "DROP USER"
)

// File is one SQL script: its account statements in order, the account
// statements the reader could not follow, and its conncap: comments.
type File struct {
	Path       string
	Statements []Statement
	Skipped    []Skipped
	Comments   []Comment
}

// Comment is a "-- conncap:" or "# conncap:" comment, kept for suppression
// directives.
type Comment struct {
	Pos  source.Pos // the comment's first character ('-' or '#')
	Text string     // after the "--" or "#", blank-trimmed; starts with "conncap:"
}

// Skipped is an account statement the reader could not follow.
type Skipped struct {
	Pos    source.Pos // the statement's first keyword
	Text   string     // the statement's first 80 characters, blanks collapsed
	Reason string
}

// Account is a MySQL account name. User is case-sensitive ("" is the
// anonymous user); Host is lowercased as the servers store it, "%" when the
// statement names no host, "" when it names the empty host (two quotes).
type Account struct {
	User, Host string
}

// String formats the account as 'user'@'host', quoted so that it reads back
// as the same account.
func (a Account) String() string {
	q := strings.NewReplacer(`\`, `\\`, `'`, `''`)
	return "'" + q.Replace(a.User) + "'@'" + q.Replace(a.Host) + "'"
}

// AccountRef is an account named in a statement.
type AccountRef struct {
	Account Account
	Pos     source.Pos // the first character of the user name
	// Identified is set when an IDENTIFIED clause follows the account
	// (MariaDB's default sql_mode lets GRANT create an account only then).
	Identified bool
	// Current is set for CURRENT_USER, CURRENT_USER() and USER(): the
	// session's own account, unknown offline. Account is then empty.
	Current bool
}

// Statement is one account statement.
type Statement struct {
	Kind string     // KindCreateUser, KindAlterUser, KindGrant, KindRenameUser or KindDropUser
	Pos  source.Pos // the first keyword
	// Accounts are the accounts the statement names, in order.
	Accounts []AccountRef
	// RenameTo holds, for RENAME USER, the new name of Accounts[i].
	RenameTo    []AccountRef
	IfNotExists bool // CREATE USER IF NOT EXISTS
	IfExists    bool // ALTER USER IF EXISTS, DROP USER IF EXISTS
	OrReplace   bool // CREATE OR REPLACE USER (MariaDB)
	// The resource options, nil when the statement does not set them; the
	// last one wins when an option is repeated, as on both servers. The
	// value's position is its first character (the sign when there is one).
	// MariaDB accepts a negative MAX_USER_CONNECTIONS (-1 blocks the
	// account); MySQL accepts only unsigned values.
	MaxUserConnections    *source.Value[int64]
	MaxConnectionsPerHour *source.Value[int64]
	MaxQueriesPerHour     *source.Value[int64]
	MaxUpdatesPerHour     *source.Value[int64]
	MaxStatementTime      *source.Value[float64] // MariaDB only, seconds
	// Removed is set for syntax MySQL 8 rejects and MariaDB (and MySQL 5.7)
	// accept: GRANT … WITH a resource option, GRANT … IDENTIFIED. The
	// caller decides per flavor; RemovedSyntax says which.
	Removed       bool
	RemovedSyntax string
	// RoleGrant is set for GRANT role TO account (no ON clause), which
	// never creates an account.
	RoleGrant bool
	// Conditional is the executable comment the statement's first keyword
	// sits in, without "/*": "!" (both servers run it), "!NNNNN" (MySQL runs
	// it from version N.NN.NN; MariaDB 10.11 ran N below 50700 and skipped
	// 50700-99999), "!NNNNNN" (MariaDB's 6-digit form, run from its version),
	// "M!" or "M!NNNNNN" (MariaDB only); "" for plain SQL.
	Conditional string
}

// Match reports whether a file is an SQL script for this reader: its name
// ends in .sql, or its content holds an account statement the reader can
// follow and its name is not that of a format that merely quotes SQL
// (documentation, YAML, JSON, shell and program sources).
func Match(path string, src []byte) bool {
	lower := strings.ToLower(path)
	if strings.HasSuffix(lower, ".sql") {
		return true
	}
	if k := strings.LastIndexByte(lower, '.'); k > strings.LastIndexByte(lower, '/') && notSQL[lower[k+1:]] {
		return false
	}
	f, _ := Parse(path, src)
	return len(f.Statements) > 0
}

// notSQL are file name extensions whose content only quotes SQL.
var notSQL = map[string]bool{
	"md": true, "markdown": true, "rst": true, "adoc": true, "html": true, "htm": true,
	"yaml": true, "yml": true, "json": true, "toml": true, "ini": true, "cnf": true, "conf": true,
	"sh": true, "bash": true, "py": true, "rb": true, "php": true, "js": true, "ts": true, "go": true,
	"java": true, "kt": true, "cs": true, "tf": true, "j2": true, "tpl": true,
}

// Parse reads the account statements of one SQL script. Other statements
// are skipped silently; an account statement it cannot follow lands in
// File.Skipped. The only error is input the client cannot read to its end
// (an unterminated string, `name` or comment): a *source.Error, returned
// with the statements before it.
func Parse(path string, src []byte) (*File, error) {
	f := &File{Path: path}
	stmts, comments, err := scan(path, src)
	f.Comments = comments
	for _, rs := range stmts {
		p := &parser{toks: rs.toks}
		st, reason, ours := p.statement()
		if !ours {
			continue
		}
		if rs.openCond != "" && reason == "" {
			reason = fmt.Sprintf("the statement ends inside /*%s … */ (its delimiter comes first): the server does not run it", rs.openCond)
		}
		if reason != "" {
			f.Skipped = append(f.Skipped, Skipped{Pos: rs.toks[0].pos, Text: excerpt(src[rs.toks[0].off:rs.end]), Reason: reason})
			continue
		}
		f.Statements = append(f.Statements, st)
	}
	if err != nil {
		return f, err
	}
	return f, nil
}

// excerpt returns the first 80 characters of a statement, blanks collapsed.
func excerpt(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if utf8.RuneCountInString(s) <= 80 {
		return s
	}
	n := 0
	for i := range s {
		if n == 80 {
			return s[:i]
		}
		n++
	}
	return s
}

// parser reads one statement's tokens. Every loop in it consumes a token per
// iteration or stops.
type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return token{}
}

func (p *parser) peekAt(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return token{}
}

func (p *parser) next() token {
	t := p.peek()
	if p.i < len(p.toks) {
		p.i++
	}
	return t
}

func isKw(t token, kw string) bool { return t.kind == tIdent && strings.EqualFold(t.val, kw) }

func isPunct(t token, c string) bool { return t.kind == tPunct && t.val == c }

func (p *parser) kw(kw string) bool { return isKw(p.peek(), kw) }

func (p *parser) acceptKw(kw string) bool {
	if p.kw(kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) acceptPunct(c string) bool {
	if isPunct(p.peek(), c) {
		p.i++
		return true
	}
	return false
}

// describe names a token for a Skipped reason.
func describe(t token) string {
	switch t.kind {
	case 0:
		return "the end of the statement"
	case tString:
		return fmt.Sprintf("string %q", t.val)
	case tQIdent:
		return fmt.Sprintf("name `%s`", t.val)
	default:
		return fmt.Sprintf("%q", t.val)
	}
}

// statement reads one statement. ours is false for statements of other
// kinds; reason is set when an account statement cannot be followed.
func (p *parser) statement() (st Statement, reason string, ours bool) {
	first := p.peek()
	st.Pos, st.Conditional = first.pos, first.cond
	switch {
	case p.acceptKw("CREATE"):
		if p.kw("OR") && isKw(p.peekAt(1), "REPLACE") {
			p.i += 2
			st.OrReplace = true
		}
		if !p.acceptKw("USER") {
			return st, "", false
		}
		st.Kind = KindCreateUser
		if p.acceptKw("IF") {
			if !p.acceptKw("NOT") || !p.acceptKw("EXISTS") {
				return st, "CREATE USER IF must be followed by NOT EXISTS", true
			}
			st.IfNotExists = true
		}
		if st.OrReplace && st.IfNotExists {
			return st, "OR REPLACE and IF NOT EXISTS together: the server rejects the statement", true
		}
		return st, p.userSpecs(&st, modeCreate), true
	case p.acceptKw("ALTER"):
		if !p.acceptKw("USER") {
			return st, "", false
		}
		st.Kind = KindAlterUser
		if p.acceptKw("IF") {
			if !p.acceptKw("EXISTS") {
				return st, "ALTER USER IF must be followed by EXISTS", true
			}
			st.IfExists = true
		}
		return st, p.userSpecs(&st, modeAlter), true
	case p.acceptKw("GRANT"):
		st.Kind = KindGrant
		return st, p.grant(&st), true
	case p.acceptKw("RENAME"):
		if !p.acceptKw("USER") {
			return st, "", false
		}
		st.Kind = KindRenameUser
		return st, p.rename(&st), true
	case p.acceptKw("DROP"):
		if !p.acceptKw("USER") {
			return st, "", false
		}
		st.Kind = KindDropUser
		if p.acceptKw("IF") {
			if !p.acceptKw("EXISTS") {
				return st, "DROP USER IF must be followed by EXISTS", true
			}
			st.IfExists = true
		}
		for {
			ref, r := p.account()
			if r != "" {
				return st, r, true
			}
			st.Accounts = append(st.Accounts, ref)
			if !p.acceptPunct(",") {
				break
			}
		}
		return st, p.end(), true
	}
	return st, "", false
}

// end checks that nothing follows.
func (p *parser) end() string {
	if t := p.peek(); t.kind != 0 {
		return "unexpected " + describe(t) + " after the account list"
	}
	return ""
}

// reserved are words that cannot be an unquoted account name where one is
// expected (reserved in both servers); seeing one means the name is missing.
var reserved = map[string]bool{
	"WITH": true, "TO": true, "ON": true, "IF": true, "DEFAULT": true, "BY": true,
	"REQUIRE": true, "FROM": true, "AS": true, "USING": true,
}

// account reads 'user'@'host', user@host, user, or CURRENT_USER[()] / USER().
func (p *parser) account() (AccountRef, string) {
	t := p.peek()
	var ref AccountRef
	ref.Pos = t.pos
	switch t.kind {
	case tIdent:
		up := strings.ToUpper(t.val)
		if up == "CURRENT_USER" || (up == "USER" && isPunct(p.peekAt(1), "(")) {
			p.next()
			if p.acceptPunct("(") && !p.acceptPunct(")") {
				return ref, t.val + "( must be followed by )"
			}
			ref.Current = true
			return ref, ""
		}
		if reserved[up] {
			return ref, "expected an account name, found " + describe(t)
		}
		ref.Account.User = t.val
	case tString, tQIdent:
		ref.Account.User = t.val
	default:
		return ref, "expected an account name, found " + describe(t)
	}
	p.next()
	ref.Account.Host = "%"
	if p.peek().kind == tAt {
		at := p.next()
		h := p.peek()
		if h.off != at.end || (h.kind != tString && h.kind != tQIdent && h.kind != tHost) {
			return ref, fmt.Sprintf("'@' after user %q must be followed directly by a host name", ref.Account.User)
		}
		p.next()
		ref.Account.Host = strings.ToLower(h.val)
	}
	return ref, ""
}

// mode is the statement whose clauses are being read.
type mode int

const (
	modeCreate mode = iota
	modeAlter
	modeGrant
)

// userSpecs reads "account [IDENTIFIED …] [, …]" and the clauses after it.
func (p *parser) userSpecs(st *Statement, m mode) string {
	for {
		ref, r := p.account()
		if r != "" {
			if len(st.Accounts) == 0 && p.peek().kind == 0 {
				return st.Kind + " names no account"
			}
			return r
		}
		if p.acceptKw("IDENTIFIED") {
			if r := p.auth(); r != "" {
				return r
			}
			ref.Identified = true
		}
		st.Accounts = append(st.Accounts, ref)
		if !p.acceptPunct(",") {
			break
		}
	}
	return p.clauses(st, m)
}

// auth reads the rest of an IDENTIFIED clause, in both servers' forms:
// BY 'pw' | BY PASSWORD 'hash' | BY RANDOM PASSWORD | {WITH|VIA} plugin
// [{BY|AS|USING} 'x'] [OR plugin …], then MySQL's INITIAL AUTHENTICATION …,
// AND IDENTIFIED …, REPLACE 'x' and RETAIN CURRENT PASSWORD.
func (p *parser) auth() string {
	for {
		switch {
		case p.acceptKw("BY"):
			if r := p.secret("IDENTIFIED BY"); r != "" {
				return r
			}
		case p.acceptKw("WITH"), p.acceptKw("VIA"):
			for {
				pl := p.peek()
				if pl.kind != tIdent && pl.kind != tString && pl.kind != tQIdent {
					return "IDENTIFIED WITH needs a plugin name, found " + describe(pl)
				}
				p.next()
				if p.acceptKw("BY") || p.acceptKw("AS") || p.acceptKw("USING") {
					if r := p.secret("IDENTIFIED WITH " + pl.val); r != "" {
						return r
					}
				}
				if !p.acceptKw("OR") {
					break
				}
			}
		default:
			return "IDENTIFIED must be followed by BY, WITH or VIA, found " + describe(p.peek())
		}
		switch {
		case p.kw("INITIAL") && isKw(p.peekAt(1), "AUTHENTICATION") && isKw(p.peekAt(2), "IDENTIFIED"):
			p.i += 3
			continue
		case p.kw("AND") && isKw(p.peekAt(1), "IDENTIFIED"):
			p.i += 2
			continue
		}
		if p.acceptKw("REPLACE") {
			if p.next().kind != tString {
				return "REPLACE needs the current password string"
			}
		}
		if p.kw("RETAIN") && isKw(p.peekAt(1), "CURRENT") && isKw(p.peekAt(2), "PASSWORD") {
			p.i += 3
		}
		return ""
	}
}

// secret reads 'pw' (adjacent strings concatenate), PASSWORD 'hash',
// PASSWORD('pw') or RANDOM PASSWORD.
func (p *parser) secret(what string) string {
	switch {
	case p.acceptKw("RANDOM"):
		if !p.acceptKw("PASSWORD") {
			return what + " RANDOM must be followed by PASSWORD"
		}
		return ""
	case p.acceptKw("PASSWORD"):
		paren := p.acceptPunct("(")
		if p.next().kind != tString {
			return what + " PASSWORD needs a string"
		}
		if paren && !p.acceptPunct(")") {
			return what + " PASSWORD( needs a closing )"
		}
		return ""
	case p.peek().kind == tString:
		for p.peek().kind == tString {
			p.next()
		}
		return ""
	}
	return what + " needs a password string, found " + describe(p.peek())
}

// clauseStarts are the words that may follow the account list.
var clauseStarts = map[mode][]string{
	modeCreate: {"REQUIRE", "WITH", "PASSWORD", "ACCOUNT", "COMMENT", "ATTRIBUTE", "DEFAULT", "FAILED_LOGIN_ATTEMPTS", "PASSWORD_LOCK_TIME"},
	modeAlter: {"REQUIRE", "WITH", "PASSWORD", "ACCOUNT", "COMMENT", "ATTRIBUTE", "DEFAULT", "FAILED_LOGIN_ATTEMPTS", "PASSWORD_LOCK_TIME",
		"ADD", "MODIFY", "DROP", "DISCARD", "REGISTRATION", "FINISH", "INITIATE", "UNREGISTER"},
	modeGrant: {"REQUIRE", "WITH", "AS"},
}

// clauses reads what follows the account list: it checks the first word and
// reads every WITH clause; the other clauses (REQUIRE, password and lock
// options, COMMENT, ATTRIBUTE, MySQL's multi-factor forms) carry no limit
// and are passed over.
func (p *parser) clauses(st *Statement, m mode) string {
	if t := p.peek(); t.kind != 0 {
		ok := false
		for _, w := range clauseStarts[m] {
			ok = ok || isKw(t, w)
		}
		if m == modeAlter && t.kind == tNum { // MySQL: ALTER USER u 2 FACTOR …
			ok = true
		}
		if !ok {
			return "unexpected " + describe(t) + " after the account list"
		}
	}
	for p.peek().kind != 0 {
		if !p.acceptKw("WITH") {
			p.next()
			continue
		}
		if r := p.with(st, m); r != "" {
			return r
		}
	}
	return ""
}

// with reads the options after WITH: resource options, and in GRANT also
// GRANT OPTION, ADMIN OPTION and MySQL's WITH ROLE (after AS).
func (p *parser) with(st *Statement, m mode) string {
	n := 0
	for {
		t := p.peek()
		name := strings.ToUpper(t.val)
		if t.kind != tIdent {
			break
		}
		if m == modeGrant && (name == "GRANT" || name == "ADMIN") && isKw(p.peekAt(1), "OPTION") {
			p.i += 2
			n++
			continue
		}
		if m == modeGrant && name == "ROLE" {
			p.next()
			return "" // WITH ROLE r, … (after AS): no limits follow
		}
		var dst **source.Value[int64]
		switch name {
		case "MAX_USER_CONNECTIONS":
			dst = &st.MaxUserConnections
		case "MAX_CONNECTIONS_PER_HOUR":
			dst = &st.MaxConnectionsPerHour
		case "MAX_QUERIES_PER_HOUR":
			dst = &st.MaxQueriesPerHour
		case "MAX_UPDATES_PER_HOUR":
			dst = &st.MaxUpdatesPerHour
		case "MAX_STATEMENT_TIME":
		default:
			if n == 0 {
				return "WITH must be followed by a resource option, found " + describe(t)
			}
			return ""
		}
		p.next()
		pos, num, r := p.number(name)
		if r != "" {
			return r
		}
		if dst == nil {
			v, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return fmt.Sprintf("%s value %s is out of range", name, num)
			}
			st.MaxStatementTime = &source.Value[float64]{V: v, Origin: source.At(pos)}
		} else {
			if strings.Contains(num, ".") {
				return fmt.Sprintf("%s takes an integer, found %s", name, num)
			}
			v, err := strconv.ParseInt(num, 10, 64)
			if err != nil {
				return fmt.Sprintf("%s value %s is out of range", name, num)
			}
			*dst = &source.Value[int64]{V: v, Origin: source.At(pos)}
		}
		if m == modeGrant {
			st.addRemoved("GRANT … WITH " + name)
		}
		n++
	}
	if n == 0 {
		return "WITH must be followed by a resource option, found " + describe(p.peek())
	}
	if isPunct(p.peek(), ",") {
		return "the options after WITH take no commas"
	}
	return ""
}

// number reads [+|-]digits[.digits] and returns the position of its first
// character and its text without a '+'.
func (p *parser) number(name string) (source.Pos, string, string) {
	t := p.peek()
	pos, sign := t.pos, ""
	if isPunct(t, "-") || isPunct(t, "+") {
		p.next()
		if t.val == "-" {
			sign = "-"
		}
	}
	n := p.peek()
	if n.kind != tNum {
		return pos, "", name + " needs a number, found " + describe(n)
	}
	p.next()
	return pos, sign + n.val, ""
}

// addRemoved records syntax MySQL 8 rejects.
func (st *Statement) addRemoved(syntax string) {
	st.Removed = true
	if !strings.Contains(st.RemovedSyntax, syntax) {
		if st.RemovedSyntax != "" {
			st.RemovedSyntax += "; "
		}
		st.RemovedSyntax += syntax
	}
}

// grant reads GRANT privileges ON object TO accounts …, GRANT PROXY ON
// account TO …, and GRANT role TO accounts.
func (p *parser) grant(st *Statement) string {
	depth, on, to := 0, false, -1
	for j := p.i; j < len(p.toks) && to < 0; j++ {
		t := p.toks[j]
		switch {
		case isPunct(t, "("):
			depth++
		case isPunct(t, ")"):
			depth--
		case depth == 0 && isKw(t, "ON"):
			on = true
		case depth == 0 && isKw(t, "TO"):
			to = j
		}
	}
	if to < 0 {
		return "GRANT without TO"
	}
	st.RoleGrant = !on
	p.i = to + 1
	if r := p.userSpecs(st, modeGrant); r != "" {
		return r
	}
	for _, a := range st.Accounts {
		if a.Identified {
			st.addRemoved("GRANT … IDENTIFIED")
			break
		}
	}
	return ""
}

// rename reads RENAME USER a TO b [, c TO d].
func (p *parser) rename(st *Statement) string {
	for {
		from, r := p.account()
		if r != "" {
			return r
		}
		if !p.acceptKw("TO") {
			return "RENAME USER needs TO after the old name, found " + describe(p.peek())
		}
		to, r := p.account()
		if r != "" {
			return r
		}
		st.Accounts = append(st.Accounts, from)
		st.RenameTo = append(st.RenameTo, to)
		if !p.acceptPunct(",") {
			break
		}
	}
	return p.end()
}
