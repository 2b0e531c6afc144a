package rules

import (
	"fmt"
	"math"
	"strings"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/lint"
	"github.com/conncap/conncap/planner/demand"
	"github.com/conncap/conncap/planner/system"
)

// accountShare lists who contributes to an account's demand in a scenario.
func accountShare(p *lint.Pass, a *system.Account, r demand.Result) (parts []string, alone []int) {
	for i, l := range r.Lines {
		s := p.Analysis.Services[i]
		for _, as := range a.Services {
			if as == s && l.Connections > 0 {
				parts = append(parts, fmt.Sprintf("%s: %d × %d (%s)", l.Service, l.Instances, l.PerInstance, s.Pos))
				alone = append(alone, l.Connections)
			}
		}
	}
	return parts, alone
}

// limitPos is where an account's binding limit is set: the statement's
// value, the max_user_connections option, or the account's definition.
func limitPos(p *lint.Pass, a *system.Account) source.Pos {
	switch {
	case a.Limit.Origin.Pos.IsValid():
		return a.Limit.Origin.Pos
	case a.DefinedAt.IsValid():
		return a.DefinedAt
	}
	return p.Analysis.Server.Entry
}

// limitName says what binds, in the server's terms.
func limitName(a *system.Account) string {
	if a.Kind == system.LimitGlobal {
		return fmt.Sprintf("the global max_user_connections %d (%s)", a.Limit.V, where(a.Limit.Origin))
	}
	return fmt.Sprintf("its MAX_USER_CONNECTIONS %d (%s)", a.Limit.V, where(a.Limit.Origin))
}

// errCode is the error clients get when the limit binds.
func errCode(a *system.Account) string {
	if a.Kind == system.LimitGlobal {
		return "ERROR 1203 (User already has more than 'max_user_connections' active connections)"
	}
	return "ERROR 1226 (User has exceeded the 'max_user_connections' resource)"
}

// accountScenarios returns, per binding account, the scenarios whose
// demand passes keep, escalating as the demand rules do.
func accountScenarios(p *lint.Pass, keep func(a *system.Account, total int) bool, each func(a *system.Account, r demand.Result, total int)) {
	for _, a := range p.Analysis.Accounts {
		if a.Kind != system.LimitAccount && a.Kind != system.LimitGlobal {
			continue
		}
		per := p.Analysis.AccountDemand[a]
		top := -1
		for i, r := range p.Analysis.Demand {
			if i >= len(per) || per[i] <= top || !keep(a, per[i]) {
				continue
			}
			top = per[i]
			each(a, r, per[i])
		}
	}
}

// UserConnectionsExceeded reports an account whose services open more
// connections than its per-account or the global per-user limit.
var UserConnectionsExceeded = &lint.Rule{
	ID:       "user-connections-exceeded",
	Severity: lint.Error,
	Summary:  "the services logging in as one account open more connections than its limit",
	Doc: lint.Doc{
		Why: "MAX_USER_CONNECTIONS (set by CREATE USER / ALTER USER … WITH, or GRANT … WITH on MariaDB) caps one account's " +
			"concurrent connections; when it is 0 the global max_user_connections applies. Past it the server refuses " +
			"that account (ERROR 1226 / 1203) while it still has free slots for everyone else: one tier goes down alone, " +
			"typically during a deploy or a scale-out.",
		Fix: "Raise the account's limit with ALTER USER … WITH MAX_USER_CONNECTIONS N (conncap prints N), or shrink the pools " +
			"of the services that use it.",
		Example: lint.Example{Files: map[string]string{
			"etc/mysql/my.cnf":     "[mysqld]\nmax_connections = 500\nwait_timeout = 300\n",
			"db/init/01-users.sql": "CREATE USER 'app'@'%' IDENTIFIED BY 'secret';\nALTER USER 'app'@'%' WITH MAX_USER_CONNECTIONS 50;\n",
			".conncap.yaml":        "services:\n  - name: api\n    instances: 8\n    pool: 10\n    account: app\n",
		}, Args: []string{"--nofile=65535"}},
	},
	Run: userConnectionsExceeded,
}

func userConnectionsExceeded(p *lint.Pass) {
	accountScenarios(p, func(a *system.Account, total int) bool { return int64(total) > a.Limit.V }, func(a *system.Account, r demand.Result, total int) {
		parts, alone := accountShare(p, a, r)
		if len(alone) > 1 && everyFits(alone, a.Limit.V) {
			return // shared-account-exceeded says it better
		}
		need := int64(math.Ceil(float64(total) / p.Config.Thresholds.Headroom))
		p.Report(lint.Diagnostic{
			Pos: limitPos(p, a),
			Message: fmt.Sprintf("%s demand of %s is %d (%s) but %s: %s past %d",
				r.Scenario, a, total, strings.Join(parts, ", "), limitName(a), errCode(a), a.Limit.V),
			Related: serviceRelated(a),
			Fix:     &lint.Fix{Message: fmt.Sprintf("ALTER USER %s WITH MAX_USER_CONNECTIONS %d, or shrink the pools", a, need)},
		})
	})
}

func everyFits(alone []int, limit int64) bool {
	for _, n := range alone {
		if int64(n) > limit {
			return false
		}
	}
	return true
}

func serviceRelated(a *system.Account) []lint.Related {
	var rel []lint.Related
	for _, s := range a.Services {
		rel = append(rel, lint.Related{Pos: s.Pos, Message: fmt.Sprintf("%s logs in as %s", s.Name, a)})
	}
	return rel
}

// SharedAccountExceeded reports services that share an account and fit its
// limit one by one but not together.
var SharedAccountExceeded = &lint.Rule{
	ID:       "shared-account-exceeded",
	Severity: lint.Error,
	Summary:  "services sharing one account exceed its limit together while each alone fits",
	Doc: lint.Doc{
		Why: "The per-account counter is shared by every client that matches the account: three services each sized to " +
			"fit an account capped at 50 lock each other out once they run together. Each team's own check passes; only " +
			"the sum fails.",
		Fix: "Give each service its own account (and limit), raise the shared limit to the sum, or shrink the pools.",
		Example: lint.Example{Files: map[string]string{
			"etc/mysql/my.cnf":     "[mysqld]\nmax_connections = 500\nwait_timeout = 300\n",
			"db/init/01-users.sql": "CREATE USER 'app'@'%' WITH MAX_USER_CONNECTIONS 50;\n",
			".conncap.yaml":        "services:\n  - name: api\n    instances: 4\n    pool: 10\n    account: app\n  - name: worker\n    instances: 3\n    pool: 10\n    account: app\n",
		}, Args: []string{"--nofile=65535"}},
	},
	Run: sharedAccountExceeded,
}

func sharedAccountExceeded(p *lint.Pass) {
	accountScenarios(p, func(a *system.Account, total int) bool { return int64(total) > a.Limit.V }, func(a *system.Account, r demand.Result, total int) {
		parts, alone := accountShare(p, a, r)
		if len(alone) < 2 || !everyFits(alone, a.Limit.V) {
			return
		}
		p.Report(lint.Diagnostic{
			Pos: limitPos(p, a),
			Message: fmt.Sprintf("%s: %d services share %s and open %d together (%s) although each fits %s: %s past %d",
				r.Scenario, len(alone), a, total, strings.Join(parts, ", "), limitName(a), errCode(a), a.Limit.V),
			Related: serviceRelated(a),
			Fix:     &lint.Fix{Message: fmt.Sprintf("give each service its own account, or ALTER USER %s WITH MAX_USER_CONNECTIONS %d", a, int64(math.Ceil(float64(total)/p.Config.Thresholds.Headroom)))},
		})
	})
}

// UserConnectionsNearLimit reports an account above the headroom threshold of its limit.
var UserConnectionsNearLimit = &lint.Rule{
	ID:       "user-connections-near-limit",
	Severity: lint.Warning,
	Summary:  "an account's demand leaves less headroom than the threshold under its limit",
	Doc: lint.Doc{
		Why:    "An account at its limit fails the next deploy or reconnect burst; plan under 75 % of it, as for max_connections.",
		Fix:    "Raise the account's MAX_USER_CONNECTIONS or shrink the pools of the services using it.",
		Config: []string{"thresholds.headroom"},
		Example: lint.Example{Files: map[string]string{
			"etc/mysql/my.cnf":     "[mysqld]\nmax_connections = 500\nwait_timeout = 300\n",
			"db/init/01-users.sql": "CREATE USER 'app'@'%' WITH MAX_USER_CONNECTIONS 50;\n",
			".conncap.yaml":        "services:\n  - name: api\n    instances: 4\n    pool: 10\n    account: app\n",
		}, Args: []string{"--nofile=65535"}},
	},
	Run: userConnectionsNearLimit,
}

func userConnectionsNearLimit(p *lint.Pass) {
	h := p.Config.Thresholds.Headroom
	accountScenarios(p, func(a *system.Account, total int) bool {
		return int64(total) <= a.Limit.V && float64(total) > h*float64(a.Limit.V)
	}, func(a *system.Account, r demand.Result, total int) {
		parts, _ := accountShare(p, a, r)
		p.Report(lint.Diagnostic{
			Pos: limitPos(p, a),
			Message: fmt.Sprintf("%s demand of %s is %d of %d (%.0f %%, above the %.0f %% threshold): %s",
				r.Scenario, a, total, a.Limit.V, 100*float64(total)/float64(a.Limit.V), 100*h, strings.Join(parts, ", ")),
			Related: serviceRelated(a),
			Fix:     &lint.Fix{Message: fmt.Sprintf("ALTER USER %s WITH MAX_USER_CONNECTIONS %d", a, int64(math.Ceil(float64(total)/h)))},
		})
	})
}

// UserLimitAboveMaxConnections reports a per-account limit that cannot bind.
var UserLimitAboveMaxConnections = &lint.Rule{
	ID:       "user-limit-above-max-connections",
	Severity: lint.Info,
	Summary:  "a per-account limit above max_connections cannot bind",
	Doc: lint.Doc{
		Why: "An account limit at or above the server's max_connections never takes effect: the server runs out of " +
			"connections first. It documents an intent the configuration does not enforce.",
		Fix: "Lower the account's MAX_USER_CONNECTIONS to the share of max_connections it should have.",
		Example: lint.Example{Files: map[string]string{
			"etc/mysql/my.cnf":     "[mysqld]\nmax_connections = 151\nwait_timeout = 300\n",
			"db/init/01-users.sql": "CREATE USER 'app'@'%' WITH MAX_USER_CONNECTIONS 500;\n",
			".conncap.yaml":        "services:\n  - name: api\n    instances: 2\n    pool: 5\n    account: app\n",
		}, Args: []string{"--nofile=65535"}},
	},
	Run: userLimitAboveMaxConnections,
}

func userLimitAboveMaxConnections(p *lint.Pass) {
	mc := p.Analysis.Server.Effective.MaxConnections
	for _, a := range p.Analysis.Accounts {
		if a.Kind != system.LimitAccount || a.Limit.V < mc.V {
			continue
		}
		p.Report(lint.Diagnostic{
			Pos:     limitPos(p, a),
			Message: fmt.Sprintf("MAX_USER_CONNECTIONS %d of %s is not below max_connections %d (%s): it can never bind", a.Limit.V, a, mc.V, where(mc.Origin)),
			Fix:     &lint.Fix{Message: fmt.Sprintf("lower it below %d, to the share %s should have", mc.V, a)},
		})
	}
}

// AccountUndefined reports a service whose account no SQL input defines.
var AccountUndefined = &lint.Rule{
	ID:       "account-undefined",
	Severity: lint.Info,
	Summary:  "a service logs in as an account no SQL input defines",
	Doc: lint.Doc{
		Why: "conncap checks per-account limits from the CREATE USER / ALTER USER / GRANT statements it reads. An account " +
			"none of them defines is checked against the global max_user_connections only; its real limit may differ. " +
			"Reported only when some SQL account statements are in the inputs.",
		Fix: "Add the account's provisioning script to the inputs, or correct the user name the service logs in as.",
		Example: lint.Example{Files: map[string]string{
			"etc/mysql/my.cnf":     "[mysqld]\nmax_connections = 151\nwait_timeout = 300\n",
			"db/init/01-users.sql": "CREATE USER 'app'@'%';\n",
			".conncap.yaml":        "services:\n  - name: api\n    instances: 2\n    pool: 5\n    account: reporting\n",
		}, Args: []string{"--nofile=65535"}},
	},
	Run: accountUndefined,
}

func accountUndefined(p *lint.Pass) {
	if len(p.Analysis.Facts.Grants) == 0 {
		return
	}
	for _, a := range p.Analysis.Accounts {
		if a.Defined {
			continue
		}
		for _, s := range a.Services {
			p.Report(lint.Diagnostic{
				Pos:     s.Account.Origin.Pos,
				Message: fmt.Sprintf("%s logs in as %q, which no SQL input defines: only the global max_user_connections is checked for it", s.Name, s.Account.V),
				Fix:     &lint.Fix{Message: "add its CREATE USER script to the inputs, or fix the user name"},
			})
		}
	}
}
