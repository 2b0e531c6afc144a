package proxysql_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/proxysql"
	"github.com/conncap/conncap/inputs/source"
)

// view is a Config in short form: each value with where it came from.
type view struct {
	MaxConnections string
	Interfaces     string
	Ports          []int
	Servers        []string
	Users          []string
	Ignored        []string
}

func at(o source.Origin) string {
	if o.Pos.IsValid() {
		return fmt.Sprintf("%d:%d", o.Pos.Line, o.Pos.Col)
	}
	return "default"
}

func viewOf(c *proxysql.Config) view {
	v := view{
		MaxConnections: fmt.Sprintf("%d@%s", c.MaxConnections.V, at(c.MaxConnections.Origin)),
		Interfaces:     fmt.Sprintf("%s@%s", c.Interfaces.V, at(c.Interfaces.Origin)),
		Ports:          c.Ports(),
	}
	for _, s := range c.Servers {
		v.Servers = append(v.Servers, fmt.Sprintf("%d:%d hg%d@%s %s:%d@%s max %d@%s %s",
			s.Pos.Line, s.Pos.Col, s.Hostgroup.V, at(s.Hostgroup.Origin), s.Address.V, s.Port.V, at(s.Port.Origin),
			s.MaxConnections.V, at(s.MaxConnections.Origin), s.Status.V))
	}
	for _, u := range c.Users {
		v.Users = append(v.Users, fmt.Sprintf("%d:%d %s hg%d active=%v max %d@%s",
			u.Pos.Line, u.Pos.Col, u.Username.V, u.DefaultHostgroup.V, u.Active.V, u.MaxConnections.V, at(u.MaxConnections.Origin)))
	}
	for _, ig := range c.Ignored {
		v.Ignored = append(v.Ignored, fmt.Sprintf("%d:%d %s", ig.Pos.Line, ig.Pos.Col, ig.Msg))
	}
	return v
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		file string
		want view
	}{
		{"sample.cnf", view{
			MaxConnections: "4000@13:18",
			Interfaces:     "0.0.0.0:6033;/tmp/proxysql.sock@15:13",
			Ports:          []int{6033},
			Servers: []string{
				"21:2 hg10@24:15 mysql-0.mysql:3306@23:10 max 300@25:21 ONLINE",
				"27:2 hg20@27:52 mysql-1.mysql:3306@27:35 max 300@27:72 OFFLINE_SOFT",
			},
			Users: []string{"32:2 app hg10 active=true max 3000@36:19"},
		}},
		{"empty.cnf", view{
			MaxConnections: "10000@default",
			Interfaces:     "0.0.0.0:6033@default",
			Ports:          []int{6033},
		}},
		{"quirks.cnf", view{
			MaxConnections: "10000@default",
			Interfaces:     "0.0.0.0:6033@default",
			Ports:          []int{6033},
			Servers:        []string{"5:3 hg1@5:33 db:3306@default max 1000@default ONLINE"},
			Users:          []string{"12:3 app hg1 active=true max 10000@default"},
			Ignored: []string{
				"1:39 mysql_variables.max_connections must be an integer from 1 to 1000000 (ProxySQL reads it with atoi); ProxySQL keeps 10000",
				"3:3 replaced by the mysql_servers entry at quirks.cnf:5:3 (same hostgroup, address and port)",
				"3:58 ProxySQL reads max_connections only as a plain integer, not a string (\"300\"); it uses 1000 (ProxySQL default mysql_servers.max_connections 1000)",
				"3:72 ProxySQL reads port only as a plain integer, not a string (\"3307\"); it uses 3306 (ProxySQL default port 3306)",
				"4:3 mysql_servers entry without a mandatory integer hostgroup (or hostgroup_id); ProxySQL skips it",
				"5:54 ProxySQL reads max_connections only as a plain integer, not a 64-bit integer; it uses 1000 (ProxySQL default mysql_servers.max_connections 1000)",
				"5:69 status \"gone\" is not ONLINE, SHUNNED, OFFLINE_SOFT or OFFLINE_HARD; ProxySQL uses ONLINE",
				"6:3 a mysql_servers entry must be a group { … }; ProxySQL skips it",
				"7:3 mysql_servers entry without a mandatory address (or hostname); ProxySQL skips it",
				"10:3 replaced by the mysql_users entry at quirks.cnf:12:3 (same username)",
				"11:3 mysql_users entry without a mandatory username; ProxySQL skips it",
			},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			c, err := proxysql.Parse(tc.file, src, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, viewOf(c)); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tc.file, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	_, err := proxysql.Parse("p.cnf", []byte("mysql_servers = (\n  { address = \"db\" hostgroup = }\n)\n"), nil)
	var se *source.Error
	var sl source.ErrorList
	switch {
	case errors.As(err, &se):
	case errors.As(err, &sl) && len(sl) > 0:
		se = sl[0]
	default:
		t.Fatalf("Parse() error = %v, want a positioned error", err)
	}
	if se.Pos.Path != "p.cnf" || se.Pos.Line != 2 {
		t.Errorf("error at %s, want p.cnf:2: %v", se.Pos, err)
	}
}

// TestVariablesAtoi: mysql_variables values go through text and C's atoi.
func TestVariablesAtoi(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  int // 0: rejected, the default stays
	}{
		{"300", 300}, {"\"300\"", 300}, {"\" 300 connections\"", 300}, {"\"+7\"", 7},
		{"\"x300\"", 0}, {"\"\"", 0}, {"0", 0}, {"-5", 0}, {"1000000", 1000000}, {"1000001", 0},
		{"\"99999999999999999999\"", 0}, {"true", 0}, {"300L", 0}, {"3.5", 0},
	} {
		c, err := proxysql.Parse("p.cnf", []byte("mysql_variables = { max_connections = "+tc.value+" }\n"), nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.value, err)
		}
		want := tc.want
		if want == 0 {
			want = proxysql.DefaultMaxConnections
			if len(c.Ignored) != 1 {
				t.Errorf("%s: want the value reported as ignored, got %v", tc.value, c.Ignored)
			}
		}
		if c.MaxConnections.V != want {
			t.Errorf("max_connections = %s: got %d, want %d", tc.value, c.MaxConnections.V, want)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		path, src string
		want      bool
	}{
		{"etc/proxysql.cnf", "", true},
		{"deploy/proxy.conf", "# proxy\nmysql_servers =\n(\n)\n", true},
		{"deploy/proxy.conf", "mysql_users: ( )\n", true},
		{"etc/mysql/my.cnf", "[mysqld]\nmax_connections = 10\n", false},
		{"notes.txt", "the mysql_servers table\n", false},
		{"k8s/cm.yaml", "data:\n  proxysql.cnf: |\n    mysql_servers = ( )\n", false}, // embedded: read from the ConfigMap
	} {
		if got := proxysql.Match(tc.path, []byte(tc.src)); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.path, tc.src, got, tc.want)
		}
	}
}

// TestHostgroups: a user's queries may reach its default hostgroup and the
// destination of every active rule for it or for everyone.
func TestHostgroups(t *testing.T) {
	src := `mysql_users = ( { username = "app"; default_hostgroup = 10; }, { username = "etl"; default_hostgroup = 30; } )
mysql_query_rules = (
  { rule_id = 1; match_digest = "^SELECT .* FOR UPDATE"; destination_hostgroup = 10; apply = 1; },
  { rule_id = 2; match_digest = "^SELECT"; destination_hostgroup = 20; apply = 1; },
  { rule_id = 3; username = "etl"; destination_hostgroup = 40; },
  { rule_id = 4; active = 0; destination_hostgroup = 50; },
  { rule_id = 5; match_digest = "^SET"; multiplex = 0; },
  { rule_id = 6; username = "app"; destination_hostgroup = "60"; },
  { rule_id = 2; destination_hostgroup = 21; },
  { destination_hostgroup = 70; }
)
`
	c, err := proxysql.Parse("p.cnf", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]int{}
	for _, u := range []string{"app", "etl", "nobody"} {
		if hgs, ok := c.Hostgroups(u); ok {
			got[u] = hgs
		}
	}
	want := map[string][]int{"app": {10, 21}, "etl": {30, 10, 21, 40}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Hostgroups mismatch (-want +got):\n%s", diff)
	}
	var ignored []string
	for _, ig := range c.Ignored {
		ignored = append(ignored, fmt.Sprintf("%d:%d %s", ig.Pos.Line, ig.Pos.Col, ig.Msg))
	}
	wantIgnored := []string{
		"4:3 replaced by the mysql_query_rules entry at p.cnf:9:3 (same rule_id)",
		"8:60 ProxySQL reads destination_hostgroup only as a plain integer, not a string (\"60\"); it uses -1 (no destination_hostgroup)",
		"10:3 mysql_query_rules entry without a mandatory integer rule_id; ProxySQL skips it",
	}
	if diff := cmp.Diff(wantIgnored, ignored); diff != "" {
		t.Errorf("Ignored mismatch (-want +got):\n%s", diff)
	}
}
