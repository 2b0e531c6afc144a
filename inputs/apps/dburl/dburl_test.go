package dburl_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/apps/dburl"
	"github.com/conncap/conncap/inputs/source"
)

var envPos = source.Pos{Path: "k8s/deploy.yaml", Line: 21, Col: 18}

func TestParseURL(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *dburl.URL
	}{
		{
			name: "JDBC MySQL from the Spring sample",
			in:   "jdbc:mysql://mysql.db.svc:3306/orders",
			want: &dburl.URL{Format: dburl.JDBC, Scheme: "jdbc:mysql", Host: "mysql.db.svc", Port: 3306, Hosts: []string{"mysql.db.svc:3306"}, Database: "orders"},
		},
		{
			name: "JDBC with user and password in the authority and params",
			in:   "jdbc:mysql://app:s3cr%40t@db:3306/shop?useSSL=true&serverTimezone=UTC",
			want: &dburl.URL{Format: dburl.JDBC, Scheme: "jdbc:mysql", User: "app", HasPassword: true, Host: "db", Port: 3306, Hosts: []string{"db:3306"}, Database: "shop",
				Params: map[string]string{"useSSL": "true", "serverTimezone": "UTC"}},
		},
		{
			name: "JDBC user= parameter",
			in:   "jdbc:mysql://db/shop?user=report&password=x",
			want: &dburl.URL{Format: dburl.JDBC, Scheme: "jdbc:mysql", User: "report", Host: "db", Hosts: []string{"db"}, Database: "shop",
				Params: map[string]string{"user": "report", "password": "x"}},
		},
		{
			name: "JDBC multi-host load balancing",
			in:   "jdbc:mysql:loadbalance://db1:3306,db2:3307/shop",
			want: &dburl.URL{Format: dburl.JDBC, Scheme: "jdbc:mysql:loadbalance", Host: "db1", Port: 3306, Hosts: []string{"db1:3306", "db2:3307"}, Database: "shop"},
		},
		{
			name: "JDBC address-equals host form",
			in:   "jdbc:mysql://address=(host=db1)(port=3307)(type=primary),(host=db2,port=3308)/shop",
			want: &dburl.URL{Format: dburl.JDBC, Scheme: "jdbc:mysql", Host: "db1", Port: 3307, Hosts: []string{"db1:3307", "db2:3308"}, Database: "shop"},
		},
		{
			name: "JDBC bracketed host list",
			in:   "jdbc:mysql://[db1:3306,db2]/shop",
			want: &dburl.URL{Format: dburl.JDBC, Scheme: "jdbc:mysql", Host: "db1", Port: 3306, Hosts: []string{"db1:3306", "db2"}, Database: "shop"},
		},
		{
			name: "JDBC IPv6",
			in:   "jdbc:mysql://[::1]:3306/shop",
			want: &dburl.URL{Format: dburl.JDBC, Scheme: "jdbc:mysql", Host: "::1", Port: 3306, Hosts: []string{"[::1]:3306"}, Database: "shop"},
		},
		{
			name: "MariaDB Connector/J with its own pool",
			in:   "jdbc:mariadb://db:3306/shop?pool=true&maxPoolSize=12",
			want: &dburl.URL{Format: dburl.JDBC, Scheme: "jdbc:mariadb", Host: "db", Port: 3306, Hosts: []string{"db:3306"}, Database: "shop",
				Params: map[string]string{"pool": "true", "maxPoolSize": "12"}},
		},
		{
			name: "scheme is case-insensitive",
			in:   "JDBC:MySQL://DB/Shop",
			want: &dburl.URL{Format: dburl.JDBC, Scheme: "jdbc:mysql", Host: "DB", Hosts: []string{"DB"}, Database: "Shop"},
		},
		{
			name: "Prisma",
			in:   "mysql://app:pw@db:3306/shop?connection_limit=7&pool_timeout=20",
			want: &dburl.URL{Format: dburl.URI, Scheme: "mysql", User: "app", HasPassword: true, Host: "db", Port: 3306, Hosts: []string{"db:3306"}, Database: "shop",
				Params: map[string]string{"connection_limit": "7", "pool_timeout": "20"}},
		},
		{
			name: "Rails mysql2 with pool",
			in:   "mysql2://u:p@db/shop?pool=15",
			want: &dburl.URL{Format: dburl.URI, Scheme: "mysql2", User: "u", HasPassword: true, Host: "db", Hosts: []string{"db"}, Database: "shop",
				Params: map[string]string{"pool": "15"}},
		},
		{
			name: "SQLAlchemy dialect+driver, no password",
			in:   "mysql+pymysql://app@db/shop",
			want: &dburl.URL{Format: dburl.URI, Scheme: "mysql+pymysql", User: "app", Host: "db", Hosts: []string{"db"}, Database: "shop"},
		},
		{
			name: "unescaped '@' in the password: userinfo ends at the last '@'",
			in:   "mariadb://app:p@ss@db:3306/shop",
			want: &dburl.URL{Format: dburl.URI, Scheme: "mariadb", User: "app", HasPassword: true, Host: "db", Port: 3306, Hosts: []string{"db:3306"}, Database: "shop"},
		},
		{
			name: "query '+' is a space, fragment dropped",
			in:   "mysql://db/shop?application_name=a+b#frag",
			want: &dburl.URL{Format: dburl.URI, Scheme: "mysql", Host: "db", Hosts: []string{"db"}, Database: "shop",
				Params: map[string]string{"application_name": "a b"}},
		},
		{
			name: "no database",
			in:   "mysql://db:3306",
			want: &dburl.URL{Format: dburl.URI, Scheme: "mysql", Host: "db", Port: 3306, Hosts: []string{"db:3306"}},
		},
		{
			name: "Go DSN from the sample",
			in:   "app:pw@tcp(db:3306)/shop?parseTime=true",
			want: &dburl.URL{Format: dburl.GoDSN, User: "app", HasPassword: true, Host: "db", Port: 3306, Hosts: []string{"db:3306"}, Database: "shop",
				Params: map[string]string{"parseTime": "true"}},
		},
		{
			name: "Go DSN password with '@' and '/' (last '/' and last '@' win)",
			in:   "app:p@/w@tcp(db)/shop",
			want: &dburl.URL{Format: dburl.GoDSN, User: "app", HasPassword: true, Host: "db", Hosts: []string{"db"}, Database: "shop"},
		},
		{
			name: "Go DSN unix socket",
			in:   "root@unix(/var/run/mysqld/mysqld.sock)/shop",
			want: &dburl.URL{Format: dburl.GoDSN, User: "root", Socket: "/var/run/mysqld/mysqld.sock", Database: "shop"},
		},
		{
			name: "Go DSN with nothing but a database",
			in:   "/shop",
			want: &dburl.URL{Format: dburl.GoDSN, Database: "shop"},
		},
		{
			name: "surrounding blanks are trimmed",
			in:   "  mysql://db/shop\n",
			want: &dburl.URL{Format: dburl.URI, Scheme: "mysql", Host: "db", Hosts: []string{"db"}, Database: "shop"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dburl.ParseURL(tc.in, envPos)
			if err != nil {
				t.Fatalf("ParseURL(%q) error: %v", tc.in, err)
			}
			tc.want.Pos = envPos
			if tc.want.Params == nil {
				tc.want.Params = map[string]string{}
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseURL(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
			if !dburl.IsMySQL(tc.in) && tc.in != "/shop" {
				t.Errorf("IsMySQL(%q) = false, want true", tc.in)
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", " ", "k8s/deploy.yaml:21:18: empty database URL"},
		{"PostgreSQL URI", "postgres://u:p@db/shop", `k8s/deploy.yaml:21:18: URL scheme "postgres" is not a MySQL or MariaDB scheme`},
		{"PostgreSQL JDBC", "jdbc:postgresql://db/shop", `k8s/deploy.yaml:21:18: JDBC URL for "jdbc:postgresql" is not a MySQL or MariaDB URL`},
		{"JDBC without //", "jdbc:mysql:db/shop", `k8s/deploy.yaml:21:18: JDBC URL "jdbc:mysql:db/shop" has no "//" after the subprotocol`},
		{"bad port", "mysql://u:hunter2@db:33o6/shop", `k8s/deploy.yaml:21:18: invalid port "33o6": want a number from 0 to 65535`},
		{"port out of range", "jdbc:mysql://db:70000/shop", `k8s/deploy.yaml:21:18: invalid port "70000": want a number from 0 to 65535`},
		{"bad percent escape", "mysql://db/shop?x=%zz", `k8s/deploy.yaml:21:18: invalid percent-encoding in value of parameter "x"`},
		{"unclosed IPv6", "mysql://[::1/shop", `k8s/deploy.yaml:21:18: IPv6 address "[::1" has no closing ']'`},
		{"bare IPv6", "mysql://::1:3306/shop", `k8s/deploy.yaml:21:18: host "::1:3306" has more than one ':' (IPv6 addresses go in brackets)`},
		{"Go DSN unescaped paren", "u:p@tcp(db:3306/shop", `k8s/deploy.yaml:21:18: invalid DSN: unescaped '(' in the address; did you forget to escape a param value?`},
		{"not a URL", "localhost", `k8s/deploy.yaml:21:18: not a database URL or DSN: no scheme and no '/' before a database name`},
		{"address form without host", "jdbc:mysql://(port=3306)/shop", `k8s/deploy.yaml:21:18: host specification "(port=3306)" names no host`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dburl.ParseURL(tc.in, envPos)
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("ParseURL(%q) error = %v, want a *source.Error", tc.in, err)
			}
			if se.Pos != envPos {
				t.Errorf("error at %v, want %v", se.Pos, envPos)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("ParseURL(%q) error:\n got %s\nwant %s", tc.in, got, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

func TestIsMySQL(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"jdbc:mysql://db/x", true},
		{"jdbc:mariadb:replication://db1,db2/x", true},
		{"jdbc:postgresql://db/x", false},
		{"mysql2://db/x", true},
		{"trilogy://db/x", true},
		{"mariadb+mariadbconnector://db/x", true},
		{"postgresql://db/x", false},
		{"redis://cache:6379/0", false},
		{"app:pw@tcp(db:3306)/shop", true},
		{"/var/lib/app.db", false}, // a valid DSN ("/db"), but far more likely a file path
		{"localhost:6379", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := dburl.IsMySQL(tc.in); got != tc.want {
			t.Errorf("IsMySQL(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"jdbc:mysql://app:pw@db1:3306,db2/shop?x=1", "jdbc:mysql://app:xxxxx@db1:3306,db2/shop"},
		{"app:pw@tcp(db:3306)/shop", "app:xxxxx@tcp(db:3306)/shop"},
		{"root@unix(/run/mysqld.sock)/shop", "root@unix(/run/mysqld.sock)/shop"},
	}
	for _, tc := range tests {
		u, err := dburl.ParseURL(tc.in, envPos)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.String(); got != tc.want {
			t.Errorf("String() of %q = %q, want %q", tc.in, got, tc.want)
		}
	}
}
