package grants

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/source"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// lc formats a position as line:col.
func lc(p source.Pos) string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// stmtSum is a statement in a form a table can hold.
type stmtSum struct {
	At       string   // line:col of the first keyword
	Kind     string   // Kind, plus the flags that go with it
	Accounts []string // "'u'@'h' line:col", "+identified", "-> new name"
	Limits   []string // "MAX_USER_CONNECTIONS 50 @line:col"
	Notes    []string // removed syntax, executable comment, role grant
}

func summarize(st Statement) stmtSum {
	s := stmtSum{At: lc(st.Pos), Kind: st.Kind}
	for flag, on := range map[string]bool{" IF NOT EXISTS": st.IfNotExists, " IF EXISTS": st.IfExists, " OR REPLACE": st.OrReplace} {
		if on {
			s.Kind += flag
		}
	}
	for i, a := range st.Accounts {
		str := a.Account.String() + " " + lc(a.Pos)
		if a.Current {
			str = "CURRENT_USER " + lc(a.Pos)
		}
		if a.Identified {
			str += " +identified"
		}
		if i < len(st.RenameTo) {
			str += " -> " + st.RenameTo[i].Account.String() + " " + lc(st.RenameTo[i].Pos)
		}
		s.Accounts = append(s.Accounts, str)
	}
	for _, l := range []struct {
		name string
		v    *source.Value[int64]
	}{
		{"MAX_USER_CONNECTIONS", st.MaxUserConnections},
		{"MAX_CONNECTIONS_PER_HOUR", st.MaxConnectionsPerHour},
		{"MAX_QUERIES_PER_HOUR", st.MaxQueriesPerHour},
		{"MAX_UPDATES_PER_HOUR", st.MaxUpdatesPerHour},
	} {
		if l.v != nil {
			s.Limits = append(s.Limits, fmt.Sprintf("%s %d @%s", l.name, l.v.V, lc(l.v.Origin.Pos)))
		}
	}
	if st.MaxStatementTime != nil {
		s.Limits = append(s.Limits, fmt.Sprintf("MAX_STATEMENT_TIME %g @%s", st.MaxStatementTime.V, lc(st.MaxStatementTime.Origin.Pos)))
	}
	if st.Removed {
		s.Notes = append(s.Notes, "removed in MySQL 8: "+st.RemovedSyntax)
	}
	if st.RoleGrant {
		s.Notes = append(s.Notes, "role grant")
	}
	if st.Conditional != "" {
		s.Notes = append(s.Notes, "in /*"+st.Conditional)
	}
	return s
}

func parseFixture(t *testing.T, name string) *File {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(name, src)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return f
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file string
		want []stmtSum
	}{
		{"01-users.sql", []stmtSum{
			{At: "12:1", Kind: "CREATE USER", Accounts: []string{"'appuser'@'%' 12:13 +identified"}},
			{At: "13:1", Kind: "GRANT", Accounts: []string{"'appuser'@'%' 13:51"}},
			{At: "14:1", Kind: "ALTER USER", Accounts: []string{"'appuser'@'%' 14:12"}, Limits: []string{"MAX_USER_CONNECTIONS 50 @14:52"}},
			{At: "17:1", Kind: "CREATE USER IF NOT EXISTS",
				Accounts: []string{"'report'@'%' 18:5", "'report'@'localhost' 19:5", "'batch'@'10.1.%' 20:5 +identified"},
				Limits:   []string{"MAX_USER_CONNECTIONS 5 @21:29", "MAX_CONNECTIONS_PER_HOUR 100 @22:33"}},
			{At: "23:1", Kind: "CREATE USER IF NOT EXISTS", Accounts: []string{"'appuser'@'%' 23:27"}, Limits: []string{"MAX_USER_CONNECTIONS 1 @23:67"}},
			{At: "24:1", Kind: "ALTER USER IF EXISTS", Accounts: []string{"'ghost'@'%' 24:22", "'report'@'%' 24:35"}, Limits: []string{"MAX_USER_CONNECTIONS 8 @24:74"}},
		}},
		{"02-mariadb.sql", []stmtSum{
			{At: "2:1", Kind: "GRANT", Accounts: []string{"'app'@'10.0.%' 2:24 +identified"}, Limits: []string{"MAX_USER_CONNECTIONS 20 @2:83"},
				Notes: []string{"removed in MySQL 8: GRANT … WITH MAX_USER_CONNECTIONS; GRANT … IDENTIFIED"}},
			{At: "3:1", Kind: "GRANT", Accounts: []string{"'app'@'%' 3:23 +identified"}, Notes: []string{"removed in MySQL 8: GRANT … IDENTIFIED"}},
			{At: "4:1", Kind: "GRANT", Accounts: []string{"'app'@'%' 4:27"},
				Limits: []string{"MAX_USER_CONNECTIONS 30 @4:76", "MAX_QUERIES_PER_HOUR 1000 @4:100"},
				Notes:  []string{"removed in MySQL 8: GRANT … WITH MAX_USER_CONNECTIONS; GRANT … WITH MAX_QUERIES_PER_HOUR"}},
			{At: "5:1", Kind: "CREATE USER OR REPLACE", Accounts: []string{"'tmp'@'localhost' 5:24"},
				Limits: []string{"MAX_USER_CONNECTIONS 3 @5:68", "MAX_STATEMENT_TIME 1.5 @5:89"}},
			{At: "6:1", Kind: "CREATE USER OR REPLACE", Accounts: []string{"'tmp'@'localhost' 6:24"}},
			{At: "7:1", Kind: "CREATE USER", Accounts: []string{"'blocked'@'%' 7:13"}, Limits: []string{"MAX_USER_CONNECTIONS -1 @7:53"}},
			{At: "8:1", Kind: "CREATE USER", Accounts: []string{
				`'O''Brien'@'%' 8:13`, `'back\\slash'@'h\\%' 8:29`, "'b`q'@'q.example.com' 8:50", "'émile'@'hôte' 8:74"}},
		}},
		{"03-routines.sql", []stmtSum{
			{At: "8:1", Kind: "CREATE USER", Accounts: []string{"'proc_owner'@'localhost' 8:13"}},
			{At: "10:1", Kind: "CREATE USER", Accounts: []string{"'worker'@'%' 10:13"}, Limits: []string{"MAX_USER_CONNECTIONS 4 @10:50"}},
			{At: "12:10", Kind: "ALTER USER", Accounts: []string{"'worker'@'%' 12:21"}, Limits: []string{"MAX_USER_CONNECTIONS 6 @12:54"}, Notes: []string{"in /*!80000"}},
			{At: "13:12", Kind: "ALTER USER", Accounts: []string{"'worker'@'%' 13:23"}, Limits: []string{"MAX_USER_CONNECTIONS 9 @13:56"}, Notes: []string{"in /*M!100500"}},
			{At: "14:10", Kind: "CREATE USER", Accounts: []string{"'mysql57'@'%' 14:22"}, Notes: []string{"in /*!50700"}},
			{At: "15:5", Kind: "CREATE USER", Accounts: []string{"'both'@'%' 15:17"}, Notes: []string{"in /*!"}},
		}},
		{"04-rename-drop.sql", []stmtSum{
			{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'old'@'%' 1:13"}, Limits: []string{"MAX_USER_CONNECTIONS 12 @1:49"}},
			{At: "2:1", Kind: "CREATE USER", Accounts: []string{"'gone'@'%' 2:13", "'keep'@'%' 2:25"}},
			{At: "3:1", Kind: "RENAME USER", Accounts: []string{"'old'@'%' 3:13 -> 'new'@'10.%' 3:26", "'keep'@'%' 4:13 -> 'report'@'%' 4:27"}},
			{At: "5:1", Kind: "DROP USER", Accounts: []string{"'gone'@'%' 5:11"}},
			{At: "6:1", Kind: "DROP USER IF EXISTS", Accounts: []string{"'gone'@'%' 6:21", "'nobody'@'%' 6:33"}},
		}},
		{"05-junk.sql", []stmtSum{
			{At: "11:1", Kind: "CREATE USER", Accounts: []string{"'ok'@'%' 11:13"}},
		}},
		{"06-mysql8.sql", []stmtSum{
			{At: "2:1", Kind: "CREATE USER", Accounts: []string{"'m8'@'%' 2:13 +identified"},
				Limits: []string{"MAX_USER_CONNECTIONS 10 @3:59", "MAX_QUERIES_PER_HOUR 0 @3:83"}},
			{At: "6:1", Kind: "ALTER USER", Accounts: []string{"CURRENT_USER 6:12 +identified"}},
			{At: "7:1", Kind: "GRANT", Accounts: []string{"'m8'@'%' 7:21", "'nouser'@'%' 7:31"}, Notes: []string{"role grant"}},
			{At: "8:1", Kind: "GRANT", Accounts: []string{"'m8'@'%' 8:27"}},
			{At: "9:1", Kind: "CREATE USER", Accounts: []string{"'mfa'@'%' 9:13 +identified"}},
			{At: "10:1", Kind: "ALTER USER", Accounts: []string{"'m8'@'%' 10:12"},
				Limits: []string{"MAX_USER_CONNECTIONS 11 @10:47", "MAX_CONNECTIONS_PER_HOUR 60 @10:75"}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			f := parseFixture(t, tc.file)
			var got []stmtSum
			for _, st := range f.Statements {
				if st.Pos.Path != tc.file {
					t.Errorf("statement at %v: path %q, want %q", st.Pos, st.Pos.Path, tc.file)
				}
				got = append(got, summarize(st))
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSkipped(t *testing.T) {
	f := parseFixture(t, "05-junk.sql")
	want := []Skipped{
		{Pos: source.Pos{Path: "05-junk.sql", Line: 1, Col: 1}, Text: "CREATE USER", Reason: "CREATE USER names no account"},
		{Pos: source.Pos{Path: "05-junk.sql", Line: 2, Col: 1}, Text: "CREATE USER 'half'@'%' IDENTIFIED BY",
			Reason: "IDENTIFIED BY needs a password string, found the end of the statement"},
		{Pos: source.Pos{Path: "05-junk.sql", Line: 4, Col: 1}, Text: "ALTER USER 'appuser'@'%' WITH MAX_USER_CONNECTIONS",
			Reason: "MAX_USER_CONNECTIONS needs a number, found the end of the statement"},
		{Pos: source.Pos{Path: "05-junk.sql", Line: 5, Col: 1}, Text: "ALTER USER 'appuser'@'%' WITH MAX_USER_CONNECTIONS 1.5",
			Reason: "MAX_USER_CONNECTIONS takes an integer, found 1.5"},
		{Pos: source.Pos{Path: "05-junk.sql", Line: 6, Col: 1}, Text: "GRANT SELECT ON shop.*", Reason: "GRANT without TO"},
		{Pos: source.Pos{Path: "05-junk.sql", Line: 7, Col: 1}, Text: "CREATE USER 'a'@'%' 'b'@'%'",
			Reason: `unexpected string "b" after the account list`},
		{Pos: source.Pos{Path: "05-junk.sql", Line: 8, Col: 1}, Text: "CREATE USER 'sp' @ 'host'",
			Reason: `'@' after user "sp" must be followed directly by a host name`},
		{Pos: source.Pos{Path: "05-junk.sql", Line: 9, Col: 1}, Text: "CREATE OR REPLACE USER IF NOT EXISTS 'x'@'%'",
			Reason: "OR REPLACE and IF NOT EXISTS together: the server rejects the statement"},
		{Pos: source.Pos{Path: "05-junk.sql", Line: 10, Col: 1}, Text: "CREATE USER 'big'@'%' WITH MAX_USER_CONNECTIONS 99999999999999999999",
			Reason: "MAX_USER_CONNECTIONS value 99999999999999999999 is out of range"},
	}
	if diff := cmp.Diff(want, f.Skipped); diff != "" {
		t.Errorf("Parse().Skipped mismatch (-want +got):\n%s", diff)
	}
}

// lexCase is a script that pins one lexical or grammar rule. The mariadbd
// oracle runs each script too and compares the accounts it creates with
// Apply's, unless noOracle says why it cannot.
type lexCase struct {
	name, in string
	want     []stmtSum
	skipped  []string // reasons
	noOracle string
}

var lexCases = []lexCase{
	{name: "keywords are case-insensitive",
		in:   "create user Bob@'%' with max_user_connections 2;",
		want: []stmtSum{{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'Bob'@'%' 1:13"}, Limits: []string{"MAX_USER_CONNECTIONS 2 @1:47"}}}},
	{name: "user alone means any host",
		in: "CREATE USER app, app2; DROP USER app",
		want: []stmtSum{
			{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'app'@'%' 1:13", "'app2'@'%' 1:18"}},
			{At: "1:24", Kind: "DROP USER", Accounts: []string{"'app'@'%' 1:34"}},
		}},
	{name: "anonymous user and empty host",
		in:   "CREATE USER ''@'localhost', 'x'@'';",
		want: []stmtSum{{At: "1:1", Kind: "CREATE USER", Accounts: []string{"''@'localhost' 1:13", "'x'@'' 1:29"}}}},
	{name: "unquoted host stops at '-'",
		in:      "CREATE USER a@my-host;",
		skipped: []string{`unexpected "-" after the account list`}},
	{name: "unquoted IP host and digits-first user",
		in:   "CREATE USER 5b@10.0.0.1, b$4@h_4;",
		want: []stmtSum{{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'5b'@'10.0.0.1' 1:13", "'b$4'@'h_4' 1:26"}}}},
	{name: "blank before @ is allowed",
		in:   "CREATE USER 'a' @'h';",
		want: []stmtSum{{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'a'@'h' 1:13"}}}},
	{name: "backslash escapes",
		in:   `CREATE USER 'a\'b'@'x\ny', "c\"d"@'\_';`,
		want: []stmtSum{{At: "1:1", Kind: "CREATE USER", Accounts: []string{`'a''b'@'x` + "\n" + `y' 1:13`, `'c"d'@'\\_' 1:28`}}}},
	{name: "-- needs a blank after it",
		in:      "CREATE USER a--x\n;",
		skipped: []string{`unexpected "-" after the account list`}},
	{name: "-- at the end of input is a comment",
		in:   "CREATE USER a --",
		want: []stmtSum{{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'a'@'%' 1:13"}}}},
	{name: "-- followed by a tab",
		in:   "CREATE USER a --\tx;\n;CREATE USER b;",
		want: []stmtSum{{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'a'@'%' 1:13"}}, {At: "2:2", Kind: "CREATE USER", Accounts: []string{"'b'@'%' 2:14"}}}},
	{name: "comments between tokens",
		in:   "CREATE /* c; */ USER # x;\n b -- y;\n WITH MAX_USER_CONNECTIONS 15;",
		want: []stmtSum{{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'b'@'%' 2:2"}, Limits: []string{"MAX_USER_CONNECTIONS 15 @3:28"}}}},
	{name: "delimiter inside strings and names",
		in:   "CREATE USER 'a;b'@`h;`;",
		want: []stmtSum{{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'a;b'@'h;' 1:13"}}}},
	{name: "DELIMITER with quotes, tab and trailing junk",
		in: "DELIMITER '//' junk\nCREATE USER a//\ndelimiter\t$$\nCREATE USER b$$\nDELIMITER ;\nCREATE USER c;",
		want: []stmtSum{
			{At: "2:1", Kind: "CREATE USER", Accounts: []string{"'a'@'%' 2:13"}},
			{At: "4:1", Kind: "CREATE USER", Accounts: []string{"'b'@'%' 4:13"}},
			{At: "6:1", Kind: "CREATE USER", Accounts: []string{"'c'@'%' 6:13"}},
		}},
	{name: "DELIMITER only at the start of a statement's line",
		in:   "CREATE USER a; DELIMITER //\nCREATE USER b;",
		want: []stmtSum{{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'a'@'%' 1:13"}}}},
	{name: "a delimiter ends an unquoted name",
		in:   "DELIMITER $$\nCREATE USER b$$\nDELIMITER ;",
		want: []stmtSum{{At: "2:1", Kind: "CREATE USER", Accounts: []string{"'b'@'%' 2:13"}}}},
	{name: "\\g and \\G end a statement, \\c clears it",
		in: "CREATE USER a\\gCREATE USER b\\G CREATE USER c \\c CREATE USER d;",
		want: []stmtSum{
			{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'a'@'%' 1:13"}},
			{At: "1:16", Kind: "CREATE USER", Accounts: []string{"'b'@'%' 1:28"}},
			{At: "1:49", Kind: "CREATE USER", Accounts: []string{"'d'@'%' 1:61"}},
		}},
	{name: "executable comment content is SQL; the delimiter ends it",
		in: "/*!40101 CREATE USER a */; /*M!100500 ALTER USER a WITH MAX_USER_CONNECTIONS 3; CREATE USER b */;",
		want: []stmtSum{
			{At: "1:10", Kind: "CREATE USER", Accounts: []string{"'a'@'%' 1:22"}, Notes: []string{"in /*!40101"}},
		},
		// The server gets "/*M!100500 ALTER USER … 3" and " CREATE USER b */".
		skipped: []string{
			"the statement ends inside /*M!100500 … */ (its delimiter comes first): the server does not run it",
			`unexpected "*" after the account list`,
		}},
	{name: "a short version is no version",
		in:      "/*!1 CREATE USER a */;",
		want:    nil,
		skipped: nil},
	{name: "optimizer hint is a comment",
		in:   "CREATE /*+ x */ USER a;",
		want: []stmtSum{{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'a'@'%' 1:22"}}}},
	{name: "columns count runes, tabs count one",
		in:   "\tCREATE USER 'é'@'ü' WITH MAX_USER_CONNECTIONS 7;",
		want: []stmtSum{{At: "1:2", Kind: "CREATE USER", Accounts: []string{"'é'@'ü' 1:14"}, Limits: []string{"MAX_USER_CONNECTIONS 7 @1:48"}}}},
	{name: "CRLF line ends and a byte order mark",
		in:   "\ufeffCREATE USER a\r\n  WITH MAX_USER_CONNECTIONS 1;\r\n",
		want: []stmtSum{{At: "1:2", Kind: "CREATE USER", Accounts: []string{"'a'@'%' 1:14"}, Limits: []string{"MAX_USER_CONNECTIONS 1 @2:29"}}}},
	{name: "signed values",
		in: "CREATE USER a;\nALTER USER a WITH MAX_USER_CONNECTIONS - 5 MAX_CONNECTIONS_PER_HOUR +7;",
		want: []stmtSum{
			{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'a'@'%' 1:13"}},
			{At: "2:1", Kind: "ALTER USER", Accounts: []string{"'a'@'%' 2:12"}, Limits: []string{"MAX_USER_CONNECTIONS -5 @2:40", "MAX_CONNECTIONS_PER_HOUR 7 @2:69"}},
		}},
	{name: "last repeated option wins",
		in:   "CREATE USER a WITH MAX_USER_CONNECTIONS 5 MAX_USER_CONNECTIONS 6;",
		want: []stmtSum{{At: "1:1", Kind: "CREATE USER", Accounts: []string{"'a'@'%' 1:13"}, Limits: []string{"MAX_USER_CONNECTIONS 6 @1:64"}}}},
	{name: "options after WITH take no commas",
		in:      "CREATE USER a WITH MAX_USER_CONNECTIONS 5, MAX_QUERIES_PER_HOUR 2;",
		skipped: []string{"the options after WITH take no commas"}},
	{name: "hex value",
		in:      "CREATE USER a WITH MAX_USER_CONNECTIONS 0x10;",
		skipped: []string{`MAX_USER_CONNECTIONS needs a number, found "0x10"`}},
	{name: "GRANT … WITH GRANT OPTION is not removed syntax",
		in:   "GRANT ALL ON *.* TO a WITH GRANT OPTION;",
		want: []stmtSum{{At: "1:1", Kind: "GRANT", Accounts: []string{"'a'@'%' 1:21"}}}},
	{name: "GRANT PROXY",
		in:   "GRANT PROXY ON ''@'' TO 'p'@'%' WITH GRANT OPTION;",
		want: []stmtSum{{At: "1:1", Kind: "GRANT", Accounts: []string{"'p'@'%' 1:25"}}}},
	{name: "GRANT with column list",
		in:       "GRANT SELECT (a, `to`), UPDATE (b) ON db.t TO u@h, v;",
		want:     []stmtSum{{At: "1:1", Kind: "GRANT", Accounts: []string{"'u'@'h' 1:47", "'v'@'%' 1:52"}}},
		noOracle: "table db.t does not exist on the oracle"},
	{name: "CURRENT_USER forms",
		in: "ALTER USER CURRENT_USER WITH MAX_USER_CONNECTIONS 1; ALTER USER current_user() IDENTIFIED BY 'x'; GRANT SELECT ON *.* TO CURRENT_USER;",
		want: []stmtSum{
			{At: "1:1", Kind: "ALTER USER", Accounts: []string{"CURRENT_USER 1:12"}, Limits: []string{"MAX_USER_CONNECTIONS 1 @1:51"}},
			{At: "1:54", Kind: "ALTER USER", Accounts: []string{"CURRENT_USER 1:65 +identified"}},
			{At: "1:99", Kind: "GRANT", Accounts: []string{"CURRENT_USER 1:122"}},
		},
		noOracle: "it would change the oracle's root account"},
	{name: "IDENTIFIED variants",
		in: "CREATE USER a IDENTIFIED BY PASSWORD '*AB', b IDENTIFIED VIA ed25519 USING PASSWORD('x') OR unix_socket, " +
			"c IDENTIFIED WITH mysql_native_password AS '*CD', d IDENTIFIED BY 'p' 'q';",
		want: []stmtSum{{At: "1:1", Kind: "CREATE USER", Accounts: []string{
			"'a'@'%' 1:13 +identified", "'b'@'%' 1:45 +identified", "'c'@'%' 1:106 +identified", "'d'@'%' 1:156 +identified"}}},
		noOracle: "the hashes are fake and ed25519 is not loaded"},
	{name: "other statements are not ours",
		in: "CREATE TABLE user (a int); CREATE ROLE r; DROP TABLE t; ALTER TABLE t ADD c INT; SET PASSWORD FOR a = 'x'; " +
			"CREATE OR REPLACE VIEW v AS SELECT 1; RENAME TABLE a TO b; REVOKE ALL ON *.* FROM a; INSERT INTO mysql.user VALUES ('x');",
		want: nil},
	{name: "IF NOT EXISTS needs NOT",
		in:      "CREATE USER IF EXISTS a;",
		skipped: []string{"CREATE USER IF must be followed by NOT EXISTS"}},
	{name: "WITH needs an option",
		in:      "CREATE USER a WITH PASSWORD EXPIRE;",
		skipped: []string{`WITH must be followed by a resource option, found "PASSWORD"`}},
	{name: "RENAME needs TO",
		in:      "RENAME USER a b;",
		skipped: []string{`RENAME USER needs TO after the old name, found "b"`}},
	{name: "DROP takes only accounts",
		in:      "DROP USER a CASCADE;",
		skipped: []string{`unexpected "CASCADE" after the account list`}},
	{name: "reserved word where the account should be",
		in:      "GRANT SELECT ON db.* TO WITH GRANT OPTION;",
		skipped: []string{`expected an account name, found "WITH"`}},
}

// TestParseLexing pins the lexical rules one at a time.
func TestParseLexing(t *testing.T) {
	for _, tc := range lexCases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("t.sql", []byte(tc.in))
			if err != nil {
				t.Fatalf("Parse() error: %v", err)
			}
			var got []stmtSum
			for _, st := range f.Statements {
				got = append(got, summarize(st))
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
			var reasons []string
			for _, s := range f.Skipped {
				reasons = append(reasons, s.Reason)
			}
			if diff := cmp.Diff(tc.skipped, reasons, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse().Skipped mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseComments(t *testing.T) {
	in := "-- conncap:ignore a-rule reason\n" +
		"CREATE USER a; # conncap:ignore b-rule  other reason \n" +
		"--conncap:not-a-comment-for-the-server\n;" +
		"/* conncap:block comments are not kept */\n" +
		"CREATE USER 'x -- conncap:in a string';\n" +
		"   #  conncap:indented\n" +
		"-- just a comment\n"
	f, err := Parse("c.sql", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Comment{
		{Pos: source.Pos{Path: "c.sql", Line: 1, Col: 1}, Text: "conncap:ignore a-rule reason"},
		{Pos: source.Pos{Path: "c.sql", Line: 2, Col: 16}, Text: "conncap:ignore b-rule  other reason"},
		{Pos: source.Pos{Path: "c.sql", Line: 6, Col: 4}, Text: "conncap:indented"},
	}
	if diff := cmp.Diff(want, f.Comments); diff != "" {
		t.Errorf("Parse().Comments mismatch (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // the error, path:line:col: message
		stmts    int    // statements read before it
	}{
		{"unterminated string", "CREATE USER a;\nCREATE USER 'b;\n", "e.sql:2:13: unterminated string: no closing '", 1},
		{"unterminated double-quoted string", `CREATE USER "b\"`, `e.sql:1:13: unterminated string: no closing "`, 0},
		{"unterminated name", "CREATE USER `b``", "e.sql:1:13: unterminated `name`: no closing `", 0},
		{"unterminated comment", "CREATE USER a; /* no end\n", "e.sql:1:16: unterminated /* comment", 1},
		{"unterminated executable comment", "CREATE USER a;\n  /*!80000 CREATE USER b", "e.sql:2:3: unterminated /*!80000 comment", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("e.sql", []byte(tc.in))
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse() error = %v, want a *source.Error", err)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse() error = %q, want %q", err.Error(), tc.want)
			}
			if f == nil || len(f.Statements) != tc.stmts {
				t.Errorf("Parse() kept %v, want %d statements before the error", f, tc.stmts)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		path, src string
		want      bool
	}{
		{"db/schema.SQL", "CREATE TABLE t (a INT);", true},
		{"initdb/setup", "-- users\nGRANT ALL ON app.* TO 'app'@'%';", true},
		{"initdb/setup.txt", "ALTER USER app WITH MAX_USER_CONNECTIONS 5", true},
		{"initdb/broken", "CREATE USER ;", false},
		{"docs/setup.md", "CREATE USER app;\n", false},
		{"k8s/init.yaml", "CREATE USER app;\n", false},
		{"deploy.sh", "mysql -e \"CREATE USER app\"", false},
		{"README.md", "Run CREATE USER first.", false},
		{"config.yaml", "grant: all\n", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		if got := Match(tc.path, []byte(tc.src)); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.path, tc.src, got, tc.want)
		}
	}
}

func TestAccountString(t *testing.T) {
	for a, want := range map[Account]string{
		{User: "app", Host: "%"}:                  `'app'@'%'`,
		{User: "", Host: "localhost"}:             `''@'localhost'`,
		{User: "O'Brien", Host: `h\%`}:            `'O''Brien'@'h\\%'`,
		{User: `a\b`, Host: "10.0.0.0/8"}:         `'a\\b'@'10.0.0.0/8'`,
		{User: "é", Host: "q.example.com"}:        `'é'@'q.example.com'`,
		{User: "x", Host: ""}:                     `'x'@''`,
		{User: "semi;colon", Host: "a b"}:         `'semi;colon'@'a b'`,
		{User: "dq\"", Host: "back`q"}:            "'dq\"'@'back`q'",
		{User: "nl\n", Host: "h"}:                 "'nl\n'@'h'",
		{User: strings.Repeat("u", 3), Host: "%"}: `'uuu'@'%'`,
	} {
		if got := a.String(); got != want {
			t.Errorf("%#v.String() = %s, want %s", a, got, want)
		}
		// The quoted form reads back as the same account.
		f, err := Parse("rt.sql", []byte("DROP USER "+a.String()+";"))
		if err != nil || len(f.Statements) != 1 || f.Statements[0].Accounts[0].Account != a {
			t.Errorf("DROP USER %s reads back as %+v (err %v)", want, f, err)
		}
	}
}
