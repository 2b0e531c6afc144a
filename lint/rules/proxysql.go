package rules

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/proxysql"
	"github.com/conncap/conncap/lint"
	"github.com/conncap/conncap/planner/demand"
	"github.com/conncap/conncap/planner/system"
)

// proxyNote is said under every ProxySQL finding: the file is not the
// runtime configuration once ProxySQL has started.
const proxyNote = "proxysql.cnf only takes effect when ProxySQL starts without proxysql.db (first start, --initial, --reload); " +
	"after that, change the Admin tables (UPDATE …; LOAD … TO RUNTIME; SAVE … TO DISK) as well as the file."

// proxyExample is a ProxySQL tier the examples share: a 2-replica ProxySQL
// Deployment in front of a StatefulSet mysql, and an api of 12 pods × 10
// that connects to it.
func proxyExample(cnf string) map[string]string {
	return map[string]string{
		"etc/mysql/my.cnf": "[mysqld]\nmax_connections = 300\nwait_timeout = 300\n",
		"k8s/mysql.yaml": "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: mysql\nspec:\n  replicas: 1\n  template:\n" +
			"    spec:\n      containers:\n        - name: mysql\n          image: mysql:8.4\n",
		"k8s/proxysql.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: proxysql\nspec:\n  replicas: 2\n  template:\n" +
			"    spec:\n      containers:\n        - name: proxysql\n          image: proxysql/proxysql:2.7.1\n",
		"k8s/api.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 12\n  template:\n" +
			"    spec:\n      containers:\n        - name: api\n          image: api:1\n          env:\n" +
			"            - name: DATABASE_URL\n              value: mysql://app:x@proxysql:6033/app?connectionLimit=10\n",
		"k8s/proxysql.cnf": cnf,
	}
}

// ProxyBackendOverMaxConnections reports a ProxySQL whose backend caps let
// it open more connections than the server accepts.
var ProxyBackendOverMaxConnections = &lint.Rule{
	ID:       "proxysql-backend-over-max-connections",
	Severity: lint.Warning,
	Summary:  "a ProxySQL tier may open more backend connections than the server's max_connections",
	Doc: lint.Doc{
		Why: "Each ProxySQL instance opens up to max_connections of a mysql_servers row to that backend (1000 when " +
			"the row does not say). Multiplexing keeps the number low only while sessions do not pin their " +
			"connection: transactions, LOCK TABLES, GET_LOCK(), user variables and temporary tables all do. Under " +
			"load the instances together reach their caps, and once that passes the server's max_connections the " +
			"backend answers ERROR 1040, ProxySQL shuns it, and every client behind the proxy sees errors at once.\n\n" +
			proxyNote,
		Fix: "Set max_connections on the rows that reach this server so that instances × Σ row max_connections, " +
			"plus the clients that connect directly, stays under the headroom of the server's max_connections.",
		Config: []string{"thresholds.headroom"},
		Example: lint.Example{Files: proxyExample(
			"mysql_servers = ( { address = \"mysql-0.mysql\"; port = 3306; hostgroup = 10; } )\n" +
				"mysql_users = ( { username = \"app\"; password = \"x\"; default_hostgroup = 10; } )\n"),
			Args: []string{"--nofile=65535"}},
	},
	Run: proxyBackendOver,
}

// directPeak is the most a scenario sends the server besides the proxy p.
func directPeak(r demand.Result, skip string) int {
	n := r.Fixed
	for _, l := range r.Lines {
		if l.Via == "" {
			n += l.Connections
		}
	}
	for _, pl := range r.Proxies {
		if pl.Proxy != skip {
			n += pl.Backend
		}
	}
	return n
}

func proxyBackendOver(p *lint.Pass) {
	mc := p.Analysis.Server.Effective.MaxConnections
	h := p.Config.Thresholds.Headroom
	for i, px := range p.Analysis.Proxies {
		if len(px.Backends) == 0 || !px.Capped() {
			continue
		}
		// The scenario where the proxy's caps add up to the most.
		worst, capTotal, inst := demand.Result{}, -1, 0
		for _, r := range p.Analysis.Demand {
			if c := r.Proxies[i].BackendCap + directPeak(r, px.Name); c > capTotal {
				worst, capTotal, inst = r, c, r.Proxies[i].Instances
			}
		}
		if capTotal <= int(mc.V) || inst == 0 {
			continue
		}
		others := directPeak(worst, px.Name)
		room := int(math.Floor(float64(mc.V)*h)) - others
		per := room / inst / len(px.Backends)
		row := px.Backends[0]
		pos, end := row.MaxConnections.Origin.Pos, 0
		if pos.IsValid() {
			end = pos.Col + len(fmt.Sprint(row.MaxConnections.V))
		} else {
			pos = row.Pos
		}
		fix := fmt.Sprintf("set max_connections = %d on the %s rows (%d instances × %d + %d direct stays under %.0f %% of %d)",
			per, row.Address.V, inst, per*len(px.Backends), others, 100*h, mc.V)
		if per < 1 {
			fix = fmt.Sprintf("the connections that bypass %s (%d) leave it no room under %.0f %% of %d: raise max_connections or route them through the proxy", px.Name, others, 100*h, mc.V)
		}
		var rel []lint.Related
		for _, b := range px.Backends[1:] {
			rel = append(rel, lint.Related{Pos: b.Pos, Message: fmt.Sprintf("hostgroup %d row for %s, max_connections %d", b.Hostgroup.V, b.Address.V, b.MaxConnections.V)})
		}
		rel = append(rel, related(mc.Origin, "max_connections %d", mc.V)...)
		rel = append(rel, related(px.Instances.Origin, "%d ProxySQL instances", inst)...)
		p.Report(lint.Diagnostic{
			Pos: pos, End: end,
			Message: fmt.Sprintf("%s may open %d × %d = %d connections to %s in the %s scenario (max_connections %s of its rows), plus %d that connect directly: %d, more than the server's max_connections %d",
				px.Name, inst, px.BackendCap(), inst*px.BackendCap(), row.Address.V, worst.Scenario, capSource(px.Backends), others, capTotal, mc.V),
			Related: rel,
			Fix:     &lint.Fix{Message: fix},
		})
	}
}

// capSource says where the rows' caps come from: "300" or "1000 (ProxySQL
// default)".
func capSource(rows []proxysql.Server) string {
	var parts []string
	for _, r := range rows {
		s := fmt.Sprint(r.MaxConnections.V)
		if !r.MaxConnections.Origin.Pos.IsValid() {
			s += " (default)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " + ")
}

// ProxyFrontendOverLimit reports clients that pass a ProxySQL instance's
// mysql-max_connections or a mysql_users row's max_connections.
var ProxyFrontendOverLimit = &lint.Rule{
	ID:       "proxysql-frontend-over-limit",
	Severity: lint.Error,
	Summary:  "more clients connect to a ProxySQL instance than it accepts",
	Doc: lint.Doc{
		Why: "ProxySQL caps client connections per instance twice: mysql-max_connections for all clients (10000 by " +
			"default) and each mysql_users row's max_connections for that user (10000 by default). Past either, the " +
			"proxy refuses the connection with \"Too many connections\", whatever the server behind it could take. " +
			"Pools connect eagerly, so a rollout or a scale-out of the tier hits the cap at once.\n\n" + proxyNote,
		Fix: "Raise mysql_variables.max_connections (or the user's max_connections), run more ProxySQL instances, or " +
			"shrink the pools: a pool far larger than the proxy's backend cap only queues in the proxy anyway.",
		Example: lint.Example{Files: proxyExample(
			"mysql_variables = { max_connections = 50 }\n" +
				"mysql_servers = ( { address = \"mysql-0.mysql\"; port = 3306; hostgroup = 10; max_connections = 100; } )\n" +
				"mysql_users = ( { username = \"app\"; password = \"x\"; default_hostgroup = 10; } )\n"),
			Args: []string{"--nofile=65535"}},
	},
	Run: proxyFrontendOver,
}

func proxyFrontendOver(p *lint.Pass) {
	for i, px := range p.Analysis.Proxies {
		if px.Kind != "proxysql" {
			continue
		}
		// All clients against mysql-max_connections.
		worst := busiestScenario(p, i)
		pl := worst.Proxies[i]
		if pl.FrontendPerInstance > pl.FrontendCap {
			pos := px.Pos
			if px.Config != nil && px.Config.MaxConnections.Origin.Pos.IsValid() {
				pos = px.Config.MaxConnections.Origin.Pos
			}
			p.Report(lint.Diagnostic{
				Pos: pos,
				Message: fmt.Sprintf("in the %s scenario %d clients reach each of %d %s instances, which accept %d (mysql-max_connections, %s): the rest get \"Too many connections\" from the proxy",
					worst.Scenario, pl.FrontendPerInstance, pl.Instances, px.Name, pl.FrontendCap, frontendSource(px)),
				Related: related(px.Instances.Origin, "%d ProxySQL instances", pl.Instances),
				Fix:     &lint.Fix{Message: fmt.Sprintf("set mysql_variables max_connections to at least %d, or run %d instances", int(math.Ceil(float64(pl.FrontendPerInstance)/p.Config.Thresholds.Headroom)), (pl.Frontend+pl.FrontendCap-1)/pl.FrontendCap)},
			})
		}
		proxyUsersOver(p, i, px)
	}
}

// busiestScenario is the scenario with the most clients per instance of
// proxy i (the first on ties).
func busiestScenario(p *lint.Pass, i int) demand.Result {
	return slices.MaxFunc(p.Analysis.Demand, func(a, b demand.Result) int {
		return a.Proxies[i].FrontendPerInstance - b.Proxies[i].FrontendPerInstance
	})
}

func frontendSource(px *system.Proxy) string { return where(px.FrontendCapOrigin()) }

// proxyUsersOver checks each mysql_users row against the clients of the
// services that log in as it.
func proxyUsersOver(p *lint.Pass, i int, px *system.Proxy) {
	if px.Config == nil {
		return
	}
	for _, u := range px.Config.Users {
		worstN, worstSc, inst := 0, demand.Scenario(""), 0
		for _, r := range p.Analysis.Demand {
			n := 0
			for j, l := range r.Lines {
				if s := p.Analysis.Services[j]; s.Via == px && s.Account.V == u.Username.V {
					n += l.Connections
				}
			}
			pi := max(r.Proxies[i].Instances, 1)
			if per := (n + pi - 1) / pi; per > worstN {
				worstN, worstSc, inst = per, r.Scenario, pi
			}
		}
		if worstN <= u.MaxConnections.V {
			continue
		}
		pos := u.Pos
		if u.MaxConnections.Origin.Pos.IsValid() {
			pos = u.MaxConnections.Origin.Pos
		}
		p.Report(lint.Diagnostic{
			Pos: pos,
			Message: fmt.Sprintf("in the %s scenario %d clients log in as %q on each of %d %s instances, which accept %d for that user (%s)",
				worstSc, worstN, u.Username.V, inst, px.Name, u.MaxConnections.V, where(u.MaxConnections.Origin)),
			Fix: &lint.Fix{Message: fmt.Sprintf("set max_connections = %d on the mysql_users row for %q", int(math.Ceil(float64(worstN)/p.Config.Thresholds.Headroom)), u.Username.V)},
		})
	}
}

// ProxyUserMissing reports a service that logs in through ProxySQL as a
// user the proxy does not know, or has made inactive.
var ProxyUserMissing = &lint.Rule{
	ID:       "proxysql-user-missing",
	Severity: lint.Error,
	Summary:  "a service logs in through ProxySQL as a user its mysql_users does not hold",
	Doc: lint.Doc{
		Why: "ProxySQL authenticates clients itself, against its mysql_users table: a user missing there, or with " +
			"active = 0, gets \"Access denied\" from the proxy even though the server has the account.\n\n" + proxyNote,
		Fix: "Add the user to mysql_users (with its default_hostgroup and max_connections), or set active = 1.",
		Example: lint.Example{Files: proxyExample(
			"mysql_servers = ( { address = \"mysql-0.mysql\"; port = 3306; hostgroup = 10; max_connections = 100; } )\n" +
				"mysql_users = ( { username = \"reporting\"; password = \"x\"; default_hostgroup = 10; } )\n"),
			Args: []string{"--nofile=65535"}},
	},
	Run: proxyUserMissing,
}

func proxyUserMissing(p *lint.Pass) {
	for _, px := range p.Analysis.Proxies {
		if px.Config == nil || len(px.Config.Users) == 0 {
			continue // users kept in the Admin tables only: nothing to check against
		}
		for _, s := range px.Services {
			if s.Account.V == "" {
				continue
			}
			u, ok := px.User(s)
			pos := s.Account.Origin.Pos
			if !pos.IsValid() {
				pos = s.Pos
			}
			switch {
			case !ok:
				p.Report(lint.Diagnostic{Pos: pos,
					Message: fmt.Sprintf("%s logs in as %q through %s, but %s has no mysql_users row for it: ProxySQL refuses the login", s.Name, s.Account.V, px.Name, px.Config.Path),
					Fix:     &lint.Fix{Message: fmt.Sprintf("add { username = %q; password = …; default_hostgroup = …; } to mysql_users", s.Account.V)}})
			case !u.Active.V:
				p.Report(lint.Diagnostic{Pos: pos,
					Message: fmt.Sprintf("%s logs in as %q through %s, whose mysql_users row sets active = 0 (%s): ProxySQL refuses the login", s.Name, s.Account.V, px.Name, u.Active.Origin),
					Related: related(u.Active.Origin, "active = 0"),
					Fix:     &lint.Fix{Message: "set active = 1"}})
			}
		}
	}
}

// ProxyIgnoredSetting reports a proxysql.cnf setting ProxySQL passes over.
var ProxyIgnoredSetting = &lint.Rule{
	ID:       "proxysql-ignored-setting",
	Severity: lint.Warning,
	Summary:  "a proxysql.cnf setting ProxySQL silently ignores",
	Doc: lint.Doc{
		Why: "ProxySQL reads each key of mysql_servers and mysql_users with a fixed type and no conversion: " +
			"max_connections = \"300\" (quoted) or 300L counts as absent and the default (1000 per server row) " +
			"applies. An entry without its mandatory key (address, hostgroup, username) is skipped with only a log " +
			"line, and a later entry for the same server or user replaces an earlier one. The file then says one " +
			"thing and the proxy does another.\n\n" + proxyNote,
		Fix: "Write numbers unquoted and without the L suffix, give every entry its mandatory keys, and keep one " +
			"entry per server and hostgroup, and per user.",
		Example: lint.Example{Files: proxyExample(
			"mysql_servers = ( { address = \"mysql-0.mysql\"; port = 3306; hostgroup = 10; max_connections = 100; } )\n" +
				"mysql_users = ( { username = \"app\"; password = \"x\"; default_hostgroup = 10; },\n" +
				"  { user = \"reporting\"; password = \"y\"; } )\n"),
			Args: []string{"--nofile=65535"}},
	},
	Run: proxyIgnored,
}

func proxyIgnored(p *lint.Pass) {
	for _, cfg := range p.Analysis.Facts.Proxies {
		for _, ig := range cfg.Ignored {
			p.Report(lint.Diagnostic{Pos: ig.Pos, Message: ig.Msg})
		}
	}
}
