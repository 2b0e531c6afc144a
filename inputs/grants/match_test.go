package grants

import (
	"strings"
	"testing"
)

// states builds accounts from "user@host" strings ('@' splits at the last one).
func states(accts ...string) []State {
	var out []State
	for _, a := range accts {
		k := strings.LastIndexByte(a, '@')
		out = append(out, State{Account: Account{User: a[:k], Host: a[k+1:]}})
	}
	return out
}

func TestMatchAccount(t *testing.T) {
	tests := []struct {
		name       string
		accts      []string
		user, host string
		want       string // the matched account, "" for none
		note       string
	}{
		{name: "the more specific pattern wins",
			accts: []string{"app@%", "app@10.%"}, user: "app", host: "10.1.2.3", want: "'app'@'10.%'",
			note: `matched 'app'@'10.%' for "app" from 10.1.2.3, the most specific in MySQL's order (candidates: 'app'@'10.%', 'app'@'%')`},
		{name: "a client outside the pattern falls back to '%'",
			accts: []string{"app@%", "app@10.%"}, user: "app", host: "192.168.1.9", want: "'app'@'%'"},
		{name: "unknown client host takes the '%' account",
			accts: []string{"app@10.%", "app@%", "other@%"}, user: "app", host: "", want: "'app'@'%'",
			note: `client host unknown: took 'app'@'%', the one for any host (candidates: 'app'@'10.%', 'app'@'%')`},
		{name: "unknown client host takes the only account",
			accts: []string{"app@10.%"}, user: "app", host: "", want: "'app'@'10.%'",
			note: `client host unknown: took 'app'@'10.%', the only account named "app"`},
		{name: "unknown client host and no account for any host",
			accts: []string{"app@10.%", "app@localhost"}, user: "app", host: "", want: "",
			note: `client host unknown and "app" has 2 accounts, none for any host (candidates: 'app'@'10.%', 'app'@'localhost'): cannot tell which applies`},
		{name: "unknown client host and no such user",
			accts: []string{"app@%"}, user: "nobody", host: "", want: "",
			note: `client host unknown and no account is named "nobody"`},
		{name: "the anonymous account on localhost outranks app@%",
			accts: []string{"app@%", "@localhost"}, user: "app", host: "localhost", want: "''@'localhost'",
			note: `the anonymous account ''@'localhost' is the most specific match for "app" from localhost in MySQL's order: the server authenticates the client as the anonymous user (candidates: ''@'localhost', 'app'@'%')`},
		{name: "a named account beats an anonymous one with the same host",
			accts: []string{"@%", "app@%"}, user: "app", host: "10.0.0.1", want: "'app'@'%'"},
		{name: "the anonymous account matches any user",
			accts: []string{"@%", "app@%"}, user: "bob", host: "10.0.0.1", want: "''@'%'"},
		{name: "user names are case-sensitive",
			accts: []string{"App@%"}, user: "app", host: "10.0.0.1", want: "",
			note: `no account matches user "app" from 10.0.0.1 (no candidates)`},
		{name: "host names are not",
			accts: []string{"app@db.example.com"}, user: "app", host: "DB.Example.COM", want: "'app'@'db.example.com'",
			note: `matched 'app'@'db.example.com' for "app" from DB.Example.COM (its only account)`},
		{name: "an escaped wildcard is literal",
			accts: []string{`app@h\_1`}, user: "app", host: "hx1", want: ""},
		{name: "an escaped wildcard matches itself",
			accts: []string{`app@h\_1`}, user: "app", host: "h_1", want: `'app'@'h\\_1'`},
		{name: "a netmask is as specific as a literal address",
			accts: []string{"app@10.%", "app@10.0.0.0/255.0.0.0"}, user: "app", host: "10.1.2.3", want: "'app'@'10.0.0.0/255.0.0.0'"},
		{name: "MySQL's CIDR form; MariaDB reads it as a name",
			accts: []string{"app@%", "app@10.0.0.0/8"}, user: "app", host: "10.1.2.3", want: "'app'@'10.0.0.0/8'",
			note: `matched 'app'@'10.0.0.0/8' for "app" from 10.1.2.3, the most specific in MySQL's order (candidates: 'app'@'10.0.0.0/8', 'app'@'%'); MariaDB picks 'app'@'%' instead (it ranks host patterns by their literal characters)`},
		{name: "the position of the first wildcard ranks patterns in MySQL, the literal count in MariaDB",
			accts: []string{"app@1%", "app@%.0.0.1"}, user: "app", host: "127.0.0.1", want: "'app'@'1%'",
			note: `matched 'app'@'1%' for "app" from 127.0.0.1, the most specific in MySQL's order (candidates: 'app'@'1%', 'app'@'%.0.0.1'); MariaDB picks 'app'@'%.0.0.1' instead (it ranks host patterns by their literal characters)`},
		{name: "the empty host matches any client, after '%'",
			accts: []string{"app@", "app@%"}, user: "app", host: "10.9.9.9", want: "'app'@'%'"},
		{name: "no account matches",
			accts: []string{"app@10.%"}, user: "app", host: "192.168.1.1", want: "",
			note: `no account matches user "app" from 192.168.1.1 (candidates: 'app'@'10.%')`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, note, ok := MatchAccount(states(tc.accts...), tc.user, tc.host)
			if ok != (tc.want != "") || (ok && got.Account.String() != tc.want) {
				t.Errorf("MatchAccount(%q, %q) = %s, %v, want %q (note: %s)", tc.user, tc.host, got.Account, ok, tc.want, note)
			}
			if tc.note != "" && note != tc.note {
				t.Errorf("MatchAccount(%q, %q) note:\n got %s\nwant %s", tc.user, tc.host, note, tc.note)
			}
		})
	}
}

// matchOrderCases are accounts of user m competing for a client; the
// MariaDB column was checked on MariaDB 10.11 (TestMariadbdOracle repeats it
// on the real server), the MySQL one follows get_sort.
var matchOrderCases = []struct {
	accts          []string
	host           string
	mysql, mariadb string
}{
	{[]string{"m@1%", "m@%.0.0.1"}, "127.0.0.1", "'m'@'1%'", "'m'@'%.0.0.1'"},
	{[]string{"m@127.0.0.%", "m@127.0.0.0/255.0.0.0"}, "127.0.0.1", "'m'@'127.0.0.0/255.0.0.0'", "'m'@'127.0.0.0/255.0.0.0'"},
	{[]string{"m@1_7.0.0.1", "m@12%"}, "127.0.0.1", "'m'@'12%'", "'m'@'1_7.0.0.1'"},
	{[]string{"m@127.0.0.1", "m@localhost"}, "127.0.0.1", "'m'@'127.0.0.1'", "'m'@'127.0.0.1'"},
	{[]string{"m@%", "@127.0.0.1"}, "127.0.0.1", "''@'127.0.0.1'", "''@'127.0.0.1'"},
	{[]string{"m@127.%", "@%"}, "127.0.0.1", "'m'@'127.%'", "'m'@'127.%'"},
	{[]string{"m@%", "m@127.0.0.0/8"}, "127.0.0.1", "'m'@'127.0.0.0/8'", "'m'@'%'"},
	{[]string{"m@127.0.0.1", "@127.0.0.1"}, "127.0.0.1", "'m'@'127.0.0.1'", "'m'@'127.0.0.1'"},
	{[]string{"m@12_.0.0.1", "m@127.0.0._"}, "127.0.0.1", "'m'@'127.0.0._'", "'m'@'12_.0.0.1'"},
}

// TestMatchAccountOrder checks both orders on matchOrderCases.
func TestMatchAccountOrder(t *testing.T) {
	for _, tc := range matchOrderCases {
		for order, want := range map[Order]string{MySQLOrder: tc.mysql, MariaDBOrder: tc.mariadb} {
			got, note, ok := MatchAccountOrder(order, states(tc.accts...), "m", tc.host)
			if !ok || got.Account.String() != want {
				t.Errorf("%s: MatchAccountOrder(%v, m, %s) = %s, %v, want %s (%s)", order, tc.accts, tc.host, got.Account, ok, want, note)
			}
		}
	}
}

func TestGetSort(t *testing.T) {
	long := strings.Repeat("a", 200) + "%"
	for in, want := range map[string]uint64{
		"": 0, "%": 1, "%a": 2, "_": 2, "a%": 3, "10.0.%": 7, "localhost": 128, `a\%`: 128, `a\%%`: 5,
		"10.0.0.0/255.0.0.0": 128, long: 127, "%%": 2,
	} {
		if got := getSort(in); got != want {
			t.Errorf("getSort(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestMagicOrder(t *testing.T) {
	// From most specific to most generic, per get_magic_sort.
	ordered := []string{"127.0.0.1", "1_7.0.0.1", "127.0.0.%", "%.0.0.1", "12%", "1%", "%"}
	for i := 1; i < len(ordered); i++ {
		if a, b := magic(ordered[i-1]), magic(ordered[i]); a >= b {
			t.Errorf("magic(%q) = %d, not below magic(%q) = %d", ordered[i-1], a, ordered[i], b)
		}
	}
	if magic("127.0.0.1") != magic("localhost") {
		t.Errorf("literal hosts rank equal: magic(127.0.0.1) = %d, magic(localhost) = %d", magic("127.0.0.1"), magic("localhost"))
	}
}

func TestWildMatch(t *testing.T) {
	tests := []struct {
		s, p string
		want bool
	}{
		{"", "", true}, {"", "%", true}, {"a", "", false}, {"abc", "a%c", true}, {"abc", "a_c", true},
		{"ac", "a_c", false}, {"abcbd", "a%bd", true}, {"abcbe", "a%bd", false}, {"a%", `a\%`, true},
		{"ab", `a\%`, false}, {`a\`, `a\`, true}, {"10.1.2.3", "10.%", true}, {"110.1.2.3", "10.%", false},
		{"héte", "h_te", true}, {strings.Repeat("a", 300), strings.Repeat("%a", 30) + "b", false},
	}
	for _, tc := range tests {
		if got := wildMatch([]rune(tc.s), []rune(tc.p)); got != tc.want {
			t.Errorf("wildMatch(%q, %q) = %v, want %v", tc.s, tc.p, got, tc.want)
		}
	}
}
