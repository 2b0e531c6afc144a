package system

import (
	"fmt"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/grants"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/planner/catalog"
)

// LimitKind says which limit binds an account.
type LimitKind string

// The kinds of per-account limit.
const (
	LimitNone    LimitKind = "none"    // no per-account and no global limit
	LimitAccount LimitKind = "account" // the account's own MAX_USER_CONNECTIONS
	LimitGlobal  LimitKind = "global"  // the server's max_user_connections
	LimitBlocked LimitKind = "blocked" // MariaDB: a negative limit refuses every connection
)

// Account is a MySQL account the application tier logs in as.
type Account struct {
	User, Host string
	Defined    bool       // a statement in the inputs defines it
	DefinedAt  source.Pos // that statement
	// PerAccount is the account's own MAX_USER_CONNECTIONS (0: none).
	PerAccount source.Value[int64]
	// Limit is what binds: the account's own limit when non-zero, else the
	// global max_user_connections when non-zero, else none (V 0).
	Limit    source.Value[int64]
	Kind     LimitKind
	Services []*Service // the services logging in as it, in service order
	Notes    []string   // how the account was matched
}

// String writes the account as 'user'@'host'.
func (a *Account) String() string { return fmt.Sprintf("'%s'@'%s'", a.User, a.Host) }

// Accounts joins the services with the account definitions: each service
// logging in as a user is matched to the account the server would pick,
// and the account's binding limit is worked out per flavor
// (reference/mysqld.md §5.1).
func Accounts(services []*Service, files []*grants.File, srv catalog.Server, global source.Value[int64]) []*Account {
	states := grants.Apply(files)
	var out []*Account
	find := func(user, host string) *Account {
		for _, a := range out {
			if a.User == user && a.Host == host {
				return a
			}
		}
		return nil
	}
	for _, s := range services {
		if s.Account.V == "" {
			continue
		}
		order := grants.MySQLOrder
		if srv.Flavor == catalog.MariaDB {
			order = grants.MariaDBOrder
		}
		st, note, ok := grants.MatchAccountOrder(order, states, s.Account.V, "")
		user, host := s.Account.V, "%"
		if ok {
			user, host = st.Account.User, st.Account.Host
		}
		a := find(user, host)
		if a == nil {
			a = &Account{User: user, Host: host}
			if ok {
				a.Defined, a.DefinedAt, a.PerAccount = true, st.DefinedAt, st.MaxUserConnections
			}
			if note != "" {
				a.Notes = append(a.Notes, note)
			}
			a.bind(srv, global)
			out = append(out, a)
		}
		a.Services = append(a.Services, s)
	}
	slices.SortStableFunc(out, func(x, y *Account) int {
		return strings.Compare(x.User+"@"+x.Host, y.User+"@"+y.Host)
	})
	return out
}

// bind decides which limit applies.
func (a *Account) bind(srv catalog.Server, global source.Value[int64]) {
	switch p := a.PerAccount.V; {
	case p > 0:
		a.Limit, a.Kind = a.PerAccount, LimitAccount
	case p < 0 && srv.Flavor == catalog.MariaDB:
		a.Limit, a.Kind = a.PerAccount, LimitBlocked
	case global.V > 0:
		a.Limit, a.Kind = global, LimitGlobal
	case global.V < 0 && srv.Flavor == catalog.MariaDB:
		a.Limit, a.Kind = global, LimitBlocked
	default:
		a.Limit, a.Kind = source.Value[int64]{Origin: source.Named("no per-account or global limit")}, LimitNone
	}
}
