package grants

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// stateSum is a State in a form a table can hold.
type stateSum struct {
	Account string
	Defined string
	MUC     string // "50 @path:line:col" or "0 (not set: …)"
	MCPH    string
	Notes   []string
}

func summarizeStates(states []State) []stateSum {
	var out []stateSum
	for _, s := range states {
		v := func(x int64, o interface{ String() string }) string { return fmt.Sprintf("%d @%s", x, o) }
		out = append(out, stateSum{
			Account: s.Account.String(),
			Defined: s.DefinedAt.String(),
			MUC:     v(s.MaxUserConnections.V, s.MaxUserConnections.Origin),
			MCPH:    v(s.MaxConnectionsPerHour.V, s.MaxConnectionsPerHour.Origin),
			Notes:   s.Notes,
		})
	}
	return out
}

const unset = "0 @" + NotSet

func TestApplyFixtures(t *testing.T) {
	var files []*File
	for _, name := range []string{"01-users.sql", "02-mariadb.sql", "03-routines.sql", "04-rename-drop.sql", "05-junk.sql", "06-mysql8.sql"} {
		files = append(files, parseFixture(t, name))
	}
	files = append(files, nil) // tolerated
	want := []stateSum{
		{Account: `'O''Brien'@'%'`, Defined: "02-mariadb.sql:8:13", MUC: unset, MCPH: unset},
		{Account: "'app'@'%'", Defined: "02-mariadb.sql:3:23", MUC: "30 @02-mariadb.sql:4:76", MCPH: unset, Notes: []string{
			"02-mariadb.sql:3:23: created by GRANT … IDENTIFIED: MariaDB and MySQL 5.7 create a missing account this way; MySQL 8 rejects the statement",
			"02-mariadb.sql:4:1: limit set by GRANT … WITH: MySQL 8 rejects this syntax (it takes limits only in CREATE USER and ALTER USER); MariaDB applies it",
		}},
		{Account: "'app'@'10.0.%'", Defined: "02-mariadb.sql:2:24", MUC: "20 @02-mariadb.sql:2:83", MCPH: unset, Notes: []string{
			"02-mariadb.sql:2:24: created by GRANT … IDENTIFIED: MariaDB and MySQL 5.7 create a missing account this way; MySQL 8 rejects the statement",
			"02-mariadb.sql:2:1: limit set by GRANT … WITH: MySQL 8 rejects this syntax (it takes limits only in CREATE USER and ALTER USER); MariaDB applies it",
		}},
		{Account: "'appuser'@'%'", Defined: "01-users.sql:12:13", MUC: "50 @01-users.sql:14:52", MCPH: unset, Notes: []string{
			"01-users.sql:23:27: CREATE USER IF NOT EXISTS leaves the existing account untouched",
		}},
		{Account: "'b`q'@'q.example.com'", Defined: "02-mariadb.sql:8:50", MUC: unset, MCPH: unset},
		{Account: `'back\\slash'@'h\\%'`, Defined: "02-mariadb.sql:8:29", MUC: unset, MCPH: unset},
		{Account: "'batch'@'10.1.%'", Defined: "01-users.sql:20:5", MUC: "5 @01-users.sql:21:29", MCPH: "100 @01-users.sql:22:33"},
		{Account: "'blocked'@'%'", Defined: "02-mariadb.sql:7:13", MUC: "-1 @02-mariadb.sql:7:53", MCPH: unset},
		{Account: "'both'@'%'", Defined: "03-routines.sql:15:17", MUC: unset, MCPH: unset},
		{Account: "'keep'@'%'", Defined: "04-rename-drop.sql:2:25", MUC: unset, MCPH: unset, Notes: []string{
			"04-rename-drop.sql:4:27: RENAME USER to 'report'@'%' fails: that account exists (defined at 01-users.sql:18:5)",
		}},
		{Account: "'m8'@'%'", Defined: "06-mysql8.sql:2:13", MUC: "11 @06-mysql8.sql:10:47", MCPH: "60 @06-mysql8.sql:10:75"},
		{Account: "'mfa'@'%'", Defined: "06-mysql8.sql:9:13", MUC: unset, MCPH: unset},
		{Account: "'mysql57'@'%'", Defined: "03-routines.sql:14:22", MUC: unset, MCPH: unset, Notes: []string{
			"03-routines.sql:14:10: inside /*!50700 … */: MariaDB skips it (it runs /*!NNNNN only below 50700), MySQL runs it from version 5.7.0",
		}},
		{Account: "'new'@'10.%'", Defined: "04-rename-drop.sql:1:13", MUC: "12 @04-rename-drop.sql:1:49", MCPH: unset, Notes: []string{
			"04-rename-drop.sql:3:26: renamed from 'old'@'%'",
		}},
		{Account: "'ok'@'%'", Defined: "05-junk.sql:11:13", MUC: unset, MCPH: unset},
		{Account: "'proc_owner'@'localhost'", Defined: "03-routines.sql:8:13", MUC: unset, MCPH: unset},
		{Account: "'report'@'%'", Defined: "01-users.sql:18:5", MUC: "8 @01-users.sql:24:74", MCPH: "100 @01-users.sql:22:33"},
		{Account: "'report'@'localhost'", Defined: "01-users.sql:19:5", MUC: "5 @01-users.sql:21:29", MCPH: "100 @01-users.sql:22:33"},
		{Account: "'tmp'@'localhost'", Defined: "02-mariadb.sql:6:24", MUC: unset, MCPH: unset, Notes: []string{
			"02-mariadb.sql:6:24: CREATE OR REPLACE USER drops the account defined at 02-mariadb.sql:5:24 and creates it afresh",
		}},
		{Account: "'worker'@'%'", Defined: "03-routines.sql:10:13", MUC: "9 @03-routines.sql:13:56", MCPH: unset, Notes: []string{
			"03-routines.sql:12:10: inside /*!80000 … */: MariaDB skips it (it runs /*!NNNNN only below 50700), MySQL runs it from version 8.0.0",
			"03-routines.sql:13:12: inside /*M!100500 … */: MySQL skips it (a MariaDB-only executable comment)",
		}},
		{Account: "'émile'@'hôte'", Defined: "02-mariadb.sql:8:74", MUC: unset, MCPH: unset},
	}
	if diff := cmp.Diff(want, summarizeStates(Apply(files)), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Apply() mismatch (-want +got):\n%s", diff)
	}
}

func TestApply(t *testing.T) {
	tests := []struct {
		name  string
		files []string // one script per file, named a.sql, b.sql, …
		want  []stateSum
	}{
		{name: "the last statement wins, across files",
			files: []string{
				"CREATE USER app WITH MAX_USER_CONNECTIONS 10;",
				"ALTER USER app WITH MAX_USER_CONNECTIONS 20;\nALTER USER app WITH MAX_CONNECTIONS_PER_HOUR 5;",
			},
			want: []stateSum{{Account: "'app'@'%'", Defined: "a.sql:1:13", MUC: "20 @b.sql:1:42", MCPH: "5 @b.sql:2:46"}}},
		{name: "ALTER without a limit keeps it",
			files: []string{"CREATE USER app WITH MAX_USER_CONNECTIONS 10; ALTER USER app IDENTIFIED BY 'x' ACCOUNT LOCK;"},
			want:  []stateSum{{Account: "'app'@'%'", Defined: "a.sql:1:13", MUC: "10 @a.sql:1:43", MCPH: unset}}},
		{name: "CREATE on an existing account fails for it, MySQL 8 fails the whole statement",
			files: []string{"CREATE USER a WITH MAX_USER_CONNECTIONS 1;\nCREATE USER b, a WITH MAX_USER_CONNECTIONS 2;"},
			want: []stateSum{
				{Account: "'a'@'%'", Defined: "a.sql:1:13", MUC: "1 @a.sql:1:41", MCPH: unset, Notes: []string{
					"a.sql:2:16: CREATE USER fails for the existing account (ERROR 1396) and leaves it untouched"}},
				{Account: "'b'@'%'", Defined: "a.sql:2:13", MUC: "2 @a.sql:2:44", MCPH: unset, Notes: []string{
					"a.sql:2:13: MySQL 8 does not create this account: the statement fails as a whole because 'a'@'%' exists (MariaDB creates the others)"}},
			}},
		{name: "ALTER and DROP of missing accounts, CURRENT_USER and role grants change nothing",
			files: []string{"ALTER USER ghost WITH MAX_USER_CONNECTIONS 1; DROP USER ghost; ALTER USER CURRENT_USER WITH MAX_USER_CONNECTIONS 2; GRANT r TO ghost; RENAME USER ghost TO g2;"},
			want:  nil},
		{name: "GRANT without IDENTIFIED creates a missing account with a note",
			files: []string{"GRANT SELECT ON db.* TO 'svc'@'10.%';"},
			want: []stateSum{{Account: "'svc'@'10.%'", Defined: "a.sql:1:25", MUC: unset, MCPH: unset, Notes: []string{
				"a.sql:1:25: created by GRANT without IDENTIFIED: only a server whose sql_mode lacks NO_AUTO_CREATE_USER creates it (MariaDB's and MySQL 5.7's defaults have it and reject the statement); MySQL 8 rejects it"}}}},
		{name: "DROP then CREATE defines the account again",
			files: []string{"CREATE USER a WITH MAX_USER_CONNECTIONS 3;", "DROP USER a;\nCREATE USER a;"},
			want:  []stateSum{{Account: "'a'@'%'", Defined: "b.sql:2:13", MUC: unset, MCPH: unset}}},
		{name: "RENAME in a chain within one statement",
			files: []string{"CREATE USER a WITH MAX_USER_CONNECTIONS 4; RENAME USER a TO b, b TO c;"},
			want: []stateSum{{Account: "'c'@'%'", Defined: "a.sql:1:13", MUC: "4 @a.sql:1:41", MCPH: unset, Notes: []string{
				"a.sql:1:61: renamed from 'a'@'%'", "a.sql:1:69: renamed from 'b'@'%'"}}}},
		{name: "hosts differ by case only in the script",
			files: []string{"CREATE USER a@'DB.Example.com'; ALTER USER a@db.example.COM WITH MAX_USER_CONNECTIONS 6;"},
			want:  []stateSum{{Account: "'a'@'db.example.com'", Defined: "a.sql:1:13", MUC: "6 @a.sql:1:87", MCPH: unset}}},
		{name: "user names are case-sensitive",
			files: []string{"CREATE USER a; CREATE USER A;"},
			want: []stateSum{
				{Account: "'A'@'%'", Defined: "a.sql:1:28", MUC: unset, MCPH: unset},
				{Account: "'a'@'%'", Defined: "a.sql:1:13", MUC: unset, MCPH: unset},
			}},
		{name: "empty host",
			files: []string{"CREATE USER a@'';"},
			want: []stateSum{{Account: "'a'@''", Defined: "a.sql:1:13", MUC: unset, MCPH: unset, Notes: []string{
				"a.sql:1:13: MariaDB stores the empty host '' as '%'"}}}},
		{name: "a 6-digit MariaDB version",
			files: []string{"/*!100500 CREATE USER a */;"},
			want: []stateSum{{Account: "'a'@'%'", Defined: "a.sql:1:23", MUC: unset, MCPH: unset, Notes: []string{
				"a.sql:1:11: inside /*!100500 … */: MariaDB runs it from version 10.5.0; MySQL's reading of a 6-digit version is not modeled"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var files []*File
			for i, src := range tc.files {
				f, err := Parse(string(rune('a'+i))+".sql", []byte(src))
				if err != nil {
					t.Fatal(err)
				}
				if len(f.Skipped) > 0 {
					t.Fatalf("Parse() skipped %+v", f.Skipped)
				}
				files = append(files, f)
			}
			if diff := cmp.Diff(tc.want, summarizeStates(Apply(files)), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Apply() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyNotSetOrigin(t *testing.T) {
	f, _ := Parse("a.sql", []byte("CREATE USER a;"))
	got := Apply([]*File{f})
	if len(got) != 1 || got[0].MaxUserConnections.V != 0 || got[0].MaxUserConnections.Origin.Pos.IsValid() ||
		!strings.HasPrefix(got[0].MaxUserConnections.Origin.String(), "not set") {
		t.Errorf("Apply() = %+v, want MAX_USER_CONNECTIONS 0 with a Named origin %q", got, NotSet)
	}
}
