package grants

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Order is the way a server ranks accounts when several match a client.
type Order int

const (
	// MySQLOrder is MySQL's documented order (get_sort(2, host, user) in
	// sql/auth/sql_auth_cache.cc, sorted descending): literal hosts and IPs
	// (with or without a netmask) first, then patterns by the position of
	// their first wildcard (the longer the literal prefix, the earlier), then
	// '%', then the empty host; within a host, a named user before the
	// anonymous one.
	MySQLOrder Order = iota
	// MariaDBOrder is MariaDB's (get_magic_sort("hu", host, user) in
	// sql/sql_acl.cc, 10.11 checked against the server): patterns rank by how
	// many strings they match, so the count of literal characters decides
	// rather than where the first wildcard is; '1%' and '%.0.0.1' swap places
	// compared with MySQL. A named account wins unless an anonymous one ranks
	// strictly higher.
	MariaDBOrder
)

// String names the order's server family.
func (o Order) String() string {
	if o == MariaDBOrder {
		return "MariaDB"
	}
	return "MySQL"
}

// MatchAccount finds the account the server authenticates user as when it
// connects from clientHost (an IP address or a host name; "localhost" for a
// socket), with MySQL's order; the note names the account and the
// alternatives, and says when MariaDB would pick another. When clientHost is
// "" (unknown) it picks user's account with host '%', or user's only account,
// and says so. ok is false when no account fits.
func MatchAccount(states []State, user, clientHost string) (State, string, bool) {
	s, note, ok := MatchAccountOrder(MySQLOrder, states, user, clientHost)
	if clientHost == "" {
		return s, note, ok
	}
	if m, _, mok := MatchAccountOrder(MariaDBOrder, states, user, clientHost); mok != ok || m.Account != s.Account {
		if mok {
			note += fmt.Sprintf("; MariaDB picks %s instead (it ranks host patterns by their literal characters)", m.Account)
		} else {
			note += "; MariaDB finds no account"
		}
	}
	return s, note, ok
}

// MatchAccountOrder is MatchAccount with a given server order.
func MatchAccountOrder(order Order, states []State, user, clientHost string) (State, string, bool) {
	if clientHost == "" {
		return matchUnknownHost(states, user)
	}
	var named, anon []int
	for i, s := range states {
		switch s.Account.User {
		case user:
			named = append(named, i)
		case "":
			anon = append(anon, i)
		}
	}
	all := append(slices.Clone(named), anon...)
	key := func(i int) uint64 { return sortKey(order, states[i].Account) }
	byRank := func(a, b int) int {
		return cmp.Or(cmp.Compare(key(b), key(a)), strings.Compare(states[b].Account.Host, states[a].Account.Host), cmp.Compare(a, b))
	}
	slices.SortFunc(all, byRank)
	matches := func(i int) bool { return hostMatches(order, states[i].Account.Host, clientHost) }
	best := -1
	if order == MySQLOrder {
		for _, i := range all {
			if matches(i) {
				best = i
				break
			}
		}
	} else { // find_by_username_or_anon: the named match, unless an anonymous account ranks strictly higher
		slices.SortFunc(named, byRank)
		slices.SortFunc(anon, byRank)
		for _, i := range named {
			if matches(i) {
				best = i
				break
			}
		}
		for _, i := range anon {
			if best >= 0 && key(i) <= key(best) {
				break
			}
			if matches(i) {
				best = i
				break
			}
		}
	}
	if best < 0 {
		return State{}, fmt.Sprintf("no account matches user %q from %s (%s)", user, clientHost, candidates(states, all)), false
	}
	s := states[best]
	var note string
	switch {
	case s.Account.User == "" && user != "":
		note = fmt.Sprintf("the anonymous account %s is the most specific match for %q from %s in %s's order: the server authenticates the client as the anonymous user (%s)", s.Account, user, clientHost, order, candidates(states, all))
	case len(all) == 1:
		note = fmt.Sprintf("matched %s for %q from %s (its only account)", s.Account, user, clientHost)
	default:
		note = fmt.Sprintf("matched %s for %q from %s, the most specific in %s's order (%s)", s.Account, user, clientHost, order, candidates(states, all))
	}
	return s, note, true
}

// matchUnknownHost picks user's account with host '%', or user's only one.
func matchUnknownHost(states []State, user string) (State, string, bool) {
	var named []int
	for i, s := range states {
		if s.Account.User == user {
			named = append(named, i)
		}
	}
	switch {
	case len(named) == 0:
		return State{}, fmt.Sprintf("client host unknown and no account is named %q", user), false
	case len(named) == 1:
		s := states[named[0]]
		return s, fmt.Sprintf("client host unknown: took %s, the only account named %q", s.Account, user), true
	}
	for _, i := range named {
		if states[i].Account.Host == "%" {
			return states[i], fmt.Sprintf("client host unknown: took %s, the one for any host (%s)", states[i].Account, candidates(states, named)), true
		}
	}
	return State{}, fmt.Sprintf("client host unknown and %q has %d accounts, none for any host (%s): cannot tell which applies", user, len(named), candidates(states, named)), false
}

// candidates lists accounts for a note.
func candidates(states []State, idx []int) string {
	if len(idx) == 0 {
		return "no candidates"
	}
	names := make([]string, len(idx))
	for k, i := range idx {
		names[k] = states[i].Account.String()
	}
	return "candidates: " + strings.Join(names, ", ")
}

// sortKey ranks an account: the higher, the more specific.
func sortKey(order Order, a Account) uint64 {
	if order == MariaDBOrder {
		host := a.Host
		if host == "" { // MariaDB stores '' as '%'
			host = "%"
		}
		anon := uint64(0)
		if a.User == "" {
			anon = 1
		}
		return ^(magic(host)<<1 + anon)
	}
	return getSort(a.Host)<<8 + getSort(a.User)
}

// getSort is MySQL's get_sort for one string: 0 for the empty string, 1 for
// '%' alone, the first wildcard's index + 2 (at most 127) for other
// patterns, 128 for a string without wildcards. A backslash escapes the
// next character.
func getSort(s string) uint64 {
	chars := uint64(0)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
		case c == '%' || c == '_':
			if i == 0 && c == '%' && len(s) == 1 {
				return 1
			}
			return uint64(min(i+2, 127))
		}
		chars = 128
	}
	return chars
}

// maxHostnameLength is MariaDB's max_hostname_length, the width of
// mysql.global_priv.Host in 10.6+ (255, checked on 10.11).
const maxHostnameLength = 255

// magic is MariaDB's get_magic_sort for a host pattern: larger is more
// generic. N literal characters, M '_', K runs of '%', P the literal prefix
// before the first wildcard, L the characters a '%' may stand for.
func magic(pat string) uint64 {
	var n, m, k, p uint64
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; {
		case c == '%':
			if k == 0 && m == 0 {
				p = n
			}
			k++
			for i+1 < len(pat) && pat[i+1] == '%' {
				i++
			}
			continue
		case c == '_':
			if k == 0 && m == 0 {
				p = n
			}
			m++
			continue
		case c == '\\' && i+1 < len(pat):
			i++
		}
		n++
	}
	k, m = min(k, 31), min(m, 31)
	var l uint64
	if k > 0 && n+m < maxHostnameLength {
		l = maxHostnameLength - n - m
	}
	d := uint64(maxHostnameLength + 1)
	d1 := min(d, 32)
	if l > m {
		return (((l*2+1)*d+k)*d1+m)*d + p
	}
	return (((m*2)*d+l)*d1+k)*d + p
}

// hostMatches is the server's compare_hostname: the empty host matches any
// client; an IPv4 address with a netmask (a.b.c.d/m.m.m.m, and for MySQL
// 8.0.23+ also a.b.c.d/nn) matches an IPv4 client in that network;
// otherwise the pattern is compared with '%' and '_' wildcards, ignoring case.
func hostMatches(order Order, pattern, client string) bool {
	if pattern == "" {
		return true
	}
	if addr, mask, ok := netmask(order, pattern); ok {
		if c, ok := ipv4(client); ok {
			return c&mask == addr
		}
	}
	return wildMatch([]rune(strings.ToLower(client)), []rune(strings.ToLower(pattern)))
}

// netmask parses a.b.c.d/m.m.m.m (both servers) and a.b.c.d/nn (MySQL).
func netmask(order Order, pattern string) (addr, mask uint32, ok bool) {
	a, m, found := strings.Cut(pattern, "/")
	if !found {
		return 0, 0, false
	}
	if addr, ok = ipv4(a); !ok {
		return 0, 0, false
	}
	if mask, ok = ipv4(m); ok {
		return addr, mask, true
	}
	if order != MySQLOrder {
		return 0, 0, false
	}
	bits, err := strconv.Atoi(m)
	if err != nil || bits < 0 || bits > 32 || len(m) > 2 {
		return 0, 0, false
	}
	return addr, ^uint32(0) << (32 - bits), true
}

// ipv4 parses a dotted IPv4 address of four decimal parts 0-255.
func ipv4(s string) (uint32, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return 0, false
	}
	var v uint32
	for _, p := range parts {
		if p == "" || len(p) > 3 {
			return 0, false
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 255 || strings.ContainsAny(p, "+-") {
			return 0, false
		}
		v = v<<8 | uint32(n)
	}
	return v, true
}

// wildMatch matches s against a LIKE pattern ('%' any run, '_' one
// character, '\' escapes the next) with the classic backtracking on the last
// '%': O(len(s)·len(p)) steps at worst.
func wildMatch(s, p []rune) bool {
	si, pi := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch c := p[pi]; {
			case c == '%':
				starP, starS = pi, si
				pi++
				continue
			case c == '_':
				si++
				pi++
				continue
			case c == '\\' && pi+1 < len(p):
				if unicode.ToLower(p[pi+1]) == s[si] {
					si++
					pi += 2
					continue
				}
			case c == s[si]:
				si++
				pi++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		si, pi = starS, starP+1
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}
