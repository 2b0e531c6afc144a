package grants

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// NotSet is the origin note of a limit no statement sets: 0 means the
// account has no limit of its own (the global max_user_connections applies).
const NotSet = "not set: 0 (no per-account limit)"

// State is an account as it exists after the statements are replayed.
type State struct {
	Account Account
	// DefinedAt is the account's name in the statement that created it
	// (for a renamed account, the statement that created the old name).
	DefinedAt source.Pos
	// MaxUserConnections is the account's limit, positioned at the value in
	// the statement that set it last; V is 0 with a Named origin (NotSet)
	// when no statement sets it.
	MaxUserConnections    source.Value[int64]
	MaxConnectionsPerHour source.Value[int64]
	// Notes say what the replay assumed or what the servers do differently,
	// each starting with the position of the statement concerned.
	Notes []string
}

func (s *State) notef(pos source.Pos, format string, args ...any) {
	s.Notes = append(s.Notes, pos.String()+": "+fmt.Sprintf(format, args...))
}

// Apply replays the statements of files in order (callers pass the files
// sorted by name, as docker-entrypoint-initdb.d runs them) and returns the
// accounts that exist at the end, sorted by user, then host.
//
// It follows MariaDB, which handles each account of a statement on its own:
// CREATE USER creates the missing accounts (IF NOT EXISTS and a failing
// CREATE leave an existing one untouched; OR REPLACE starts it afresh),
// ALTER USER and GRANT … WITH set the limits of existing accounts (the last
// statement wins), a GRANT to a missing account creates it (with a note: only
// some servers and modes do), RENAME USER moves an account unless the new
// name exists, DROP USER removes it. Statements about CURRENT_USER are
// skipped: the session's account is unknown offline. Every statement is
// replayed, whatever executable comment it sits in; the notes say when one
// server would not run it.
func Apply(files []*File) []State {
	accts := map[Account]*State{}
	for _, f := range files {
		if f == nil {
			continue
		}
		for i := range f.Statements {
			apply(accts, &f.Statements[i])
		}
	}
	out := make([]State, 0, len(accts))
	for _, s := range accts {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b State) int {
		return cmp.Or(strings.Compare(a.Account.User, b.Account.User), strings.Compare(a.Account.Host, b.Account.Host))
	})
	return out
}

// newState is an account created by a statement, without limits.
func newState(ref AccountRef) *State {
	return &State{
		Account:               ref.Account,
		DefinedAt:             ref.Pos,
		MaxUserConnections:    source.Value[int64]{Origin: source.Named(NotSet)},
		MaxConnectionsPerHour: source.Value[int64]{Origin: source.Named(NotSet)},
	}
}

// setsLimit reports whether st sets a limit State keeps.
func (st *Statement) setsLimit() bool {
	return st.MaxUserConnections != nil || st.MaxConnectionsPerHour != nil
}

// setLimits copies the limits st sets to s, with the notes that go with them.
func setLimits(s *State, st *Statement) {
	if !st.setsLimit() {
		return
	}
	if st.MaxUserConnections != nil {
		s.MaxUserConnections = *st.MaxUserConnections
	}
	if st.MaxConnectionsPerHour != nil {
		s.MaxConnectionsPerHour = *st.MaxConnectionsPerHour
	}
	if st.Kind == KindGrant && st.Removed {
		s.notef(st.Pos, "limit set by GRANT … WITH: MySQL 8 rejects this syntax (it takes limits only in CREATE USER and ALTER USER); MariaDB applies it")
	}
}

// conditionalNote says which server skips a statement in an executable
// comment, or "" when both run it.
func conditionalNote(cond string) string {
	switch {
	case cond == "" || cond == "!":
		return ""
	case strings.HasPrefix(cond, "M!"):
		return fmt.Sprintf("inside /*%s … */: MySQL skips it (a MariaDB-only executable comment)", cond)
	}
	v, err := strconv.Atoi(cond[1:])
	if err != nil {
		return ""
	}
	if len(cond) == 7 {
		return fmt.Sprintf("inside /*%s … */: MariaDB runs it from version %s; MySQL's reading of a 6-digit version is not modeled", cond, version(v))
	}
	if v < 50700 {
		return ""
	}
	return fmt.Sprintf("inside /*%s … */: MariaDB skips it (it runs /*!NNNNN only below 50700), MySQL runs it from version %s", cond, version(v))
}

// version formats a comment version number: 80030 is 8.0.30, 100601 10.6.1.
func version(v int) string {
	return fmt.Sprintf("%d.%d.%d", v/10000, v/100%100, v%100)
}

// apply replays one statement.
func apply(accts map[Account]*State, st *Statement) {
	cond := conditionalNote(st.Conditional)
	touched := func(s *State) {
		if cond != "" {
			s.notef(st.Pos, "%s", cond)
		}
	}
	switch st.Kind {
	case KindCreateUser:
		var failing []string
		for _, ref := range st.Accounts {
			if _, ok := accts[ref.Account]; ok && !ref.Current && !st.IfNotExists && !st.OrReplace {
				failing = append(failing, ref.Account.String())
			}
		}
		for _, ref := range st.Accounts {
			if ref.Current {
				continue
			}
			old, exists := accts[ref.Account]
			switch {
			case exists && st.IfNotExists:
				old.notef(ref.Pos, "CREATE USER IF NOT EXISTS leaves the existing account untouched")
				continue
			case exists && !st.OrReplace:
				old.notef(ref.Pos, "CREATE USER fails for the existing account (ERROR 1396) and leaves it untouched")
				continue
			}
			s := newState(ref)
			if exists {
				s.Notes = old.Notes
				s.notef(ref.Pos, "CREATE OR REPLACE USER drops the account defined at %s and creates it afresh", old.DefinedAt)
			}
			if ref.Account.Host == "" {
				s.notef(ref.Pos, "MariaDB stores the empty host '' as '%%'")
			}
			if len(failing) > 0 {
				s.notef(ref.Pos, "MySQL 8 does not create this account: the statement fails as a whole because %s exists (MariaDB creates the others)", strings.Join(failing, ", "))
			}
			setLimits(s, st)
			touched(s)
			accts[ref.Account] = s
		}
	case KindAlterUser:
		for _, ref := range st.Accounts {
			if s, ok := accts[ref.Account]; ok && !ref.Current && st.setsLimit() {
				setLimits(s, st)
				touched(s)
			}
		}
	case KindGrant:
		for _, ref := range st.Accounts {
			if ref.Current {
				continue
			}
			s, ok := accts[ref.Account]
			if !ok {
				if st.RoleGrant {
					continue
				}
				s = newState(ref)
				if ref.Identified {
					s.notef(ref.Pos, "created by GRANT … IDENTIFIED: MariaDB and MySQL 5.7 create a missing account this way; MySQL 8 rejects the statement")
				} else {
					s.notef(ref.Pos, "created by GRANT without IDENTIFIED: only a server whose sql_mode lacks NO_AUTO_CREATE_USER creates it (MariaDB's and MySQL 5.7's defaults have it and reject the statement); MySQL 8 rejects it")
				}
				accts[ref.Account] = s
				touched(s)
			} else if st.setsLimit() {
				touched(s)
			}
			setLimits(s, st)
		}
	case KindRenameUser:
		for i, from := range st.Accounts {
			if i >= len(st.RenameTo) {
				break
			}
			to := st.RenameTo[i]
			s, ok := accts[from.Account]
			if from.Current || to.Current || !ok {
				continue
			}
			if other, exists := accts[to.Account]; exists {
				s.notef(to.Pos, "RENAME USER to %s fails: that account exists (defined at %s)", to.Account, other.DefinedAt)
				continue
			}
			delete(accts, from.Account)
			s.Account = to.Account
			s.notef(to.Pos, "renamed from %s", from.Account)
			touched(s)
			accts[to.Account] = s
		}
	case KindDropUser:
		for _, ref := range st.Accounts {
			if !ref.Current {
				delete(accts, ref.Account)
			}
		}
	}
}
