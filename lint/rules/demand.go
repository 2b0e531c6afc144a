package rules

import (
	"fmt"
	"math"
	"strings"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/proxysql"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/lint"
	"github.com/conncap/conncap/planner/demand"
	"github.com/conncap/conncap/planner/system"
)

// scenarioPos is the number that matters for a scenario: the replicas of
// the biggest contributor in steady state, the surge of the rolling
// service, the autoscaler's maximum at the peak.
func scenarioPos(p *lint.Pass, r demand.Result) (source.Pos, *system.Service) {
	var top *system.Service
	best := -1
	for i, l := range r.Lines {
		if l.Via == "" && l.Connections > best {
			best, top = l.Connections, p.Analysis.Services[i]
		}
	}
	// A proxy sending more than any direct service: its cap is the number.
	var busiest *system.Proxy
	for i, pl := range r.Proxies {
		if px := p.Analysis.Proxies[i]; pl.Backend > best && len(px.Backends) > 0 {
			best, busiest = pl.Backend, px
		}
	}
	if busiest != nil {
		if pos := busiest.Backends[0].MaxConnections.Origin.Pos; pos.IsValid() {
			return pos, nil
		}
		return busiest.Backends[0].Pos, nil
	}
	if top == nil {
		return p.Analysis.Server.Effective.MaxConnections.Origin.Pos, nil
	}
	origin := top.Replicas.Origin
	switch r.Scenario {
	case demand.Rollout, demand.RolloutAll:
		for _, s := range p.Analysis.Services {
			if s.Name == r.Rolling || (r.Rolling == "" && s.Surge.V > 0) {
				top, origin = s, s.Surge.Origin
				break
			}
		}
	case demand.Autoscale:
		origin = top.MaxReplicas.Origin
	}
	if origin.Pos.IsValid() {
		return origin.Pos, top
	}
	return top.Pos, top
}

// breakdown lists the contributors of a scenario: "api: 24 × 10 (k8s/api.yaml:8:13)".
func breakdown(p *lint.Pass, r demand.Result) string {
	var parts []string
	for _, l := range r.Lines {
		if l.Via != "" || l.Connections == 0 && !l.Unbounded {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %d × %d", l.Service, l.Instances, l.PerInstance))
	}
	for _, pl := range r.Proxies {
		if pl.Backend == 0 {
			continue
		}
		var behind []string
		for _, l := range r.Lines {
			if l.Via == pl.Proxy {
				behind = append(behind, fmt.Sprintf("%s %d", l.Service, l.Connections))
			}
		}
		parts = append(parts, fmt.Sprintf("%s: %d of its clients' %d (%s)", pl.Proxy, pl.Backend, pl.Frontend, strings.Join(behind, ", ")))
	}
	if r.Fixed > 0 {
		parts = append(parts, fmt.Sprintf("fixed consumers: %d", r.Fixed))
	}
	return strings.Join(parts, ", ")
}

// demandRelated names the pool lines and the max_connections line.
func demandRelated(p *lint.Pass) []lint.Related {
	var rel []lint.Related
	mc := p.Analysis.Server.Effective.MaxConnections
	if mc.Origin.Pos.IsValid() {
		rel = append(rel, lint.Related{Pos: mc.Origin.Pos, Message: fmt.Sprintf("max_connections %d", mc.V)})
	}
	for _, s := range p.Analysis.Services {
		for _, pl := range s.Pools {
			if pl.Max.Origin.Pos.IsValid() {
				rel = append(rel, lint.Related{Pos: pl.Max.Origin.Pos, Message: fmt.Sprintf("%s pool size %d", s.Name, pl.Max.V)})
			}
		}
	}
	return rel
}

// poolFit is the pool per instance that keeps the scenario at the headroom.
func poolFit(r demand.Result, headroom float64) int {
	inst, other := 0, r.Fixed
	for _, l := range r.Lines {
		if l.Via == "" {
			inst += l.Instances
		}
	}
	for _, pl := range r.Proxies {
		other += pl.Backend
	}
	if inst == 0 {
		return 0
	}
	return int(math.Floor((float64(r.Limit)*headroom - float64(other)) / float64(inst)))
}

// DemandExceedsMaxConnections reports a scenario whose connections pass the
// server's effective max_connections: ERROR 1040.
var DemandExceedsMaxConnections = &lint.Rule{
	ID:       "demand-exceeds-max-connections",
	Severity: lint.Error,
	Summary:  "the application tier opens more connections than the server allows",
	Doc: lint.Doc{
		Why: "Every instance of a service keeps its own pool, so the tier opens instances × processes × pool size connections, " +
			"and more while a rolling deploy runs old and new pods side by side or the autoscaler scales out. Past the " +
			"server's max_connections (the value it really starts with, after the file-descriptor check) new connections " +
			"fail with ERROR 1040 Too many connections, usually in the middle of a deploy or a traffic peak.",
		Fix: "Shrink the pools so that the worst scenario stays under about 75 % of max_connections (conncap prints the " +
			"pool size that fits), or raise max_connections together with LimitNOFILE, or put a multiplexing proxy " +
			"such as ProxySQL in front of a wide tier.",
		Config: []string{"services", "consumers"},
		Example: lint.Example{Files: map[string]string{
			"etc/mysql/my.cnf": "[mysqld]\nmax_connections = 151\nwait_timeout = 300\n",
			".conncap.yaml":    "services:\n  - name: api\n    instances: 24\n    pool: 10\n",
		}, Args: []string{"--nofile=65535"}},
	},
	Run: demandExceeds,
}

// escalating returns the scenarios that pass keep, dropping any whose total
// is not above every scenario reported before it: the same demand reported
// four times would only be noise.
func escalating(rs []demand.Result, keep func(demand.Result) bool) []demand.Result {
	var out []demand.Result
	top := -1
	for _, r := range rs {
		if r.Limit <= 0 || !keep(r) || r.Total <= top {
			continue
		}
		top = r.Total
		out = append(out, r)
	}
	return out
}

func demandExceeds(p *lint.Pass) {
	for _, r := range escalating(p.Analysis.Demand, func(r demand.Result) bool { return r.Total > r.Limit }) {
		pos, _ := scenarioPos(p, r)
		what := fmt.Sprintf("%s demand is %d", r.Scenario, r.Total)
		if r.Rolling != "" {
			what += fmt.Sprintf(" while %s rolls", r.Rolling)
		}
		mc := p.Analysis.Server.Effective.MaxConnections
		fix := fmt.Sprintf("raise max_connections to at least %d (with LimitNOFILE to match)", int(math.Ceil(float64(r.Total)/p.Config.Thresholds.Headroom)))
		if n := poolFit(r, p.Config.Thresholds.Headroom); n >= 1 {
			fix = fmt.Sprintf("shrink the pools to %d per instance to stay under %.0f %%, or %s", n, 100*p.Config.Thresholds.Headroom, fix)
		}
		p.Report(lint.Diagnostic{
			Pos:     pos,
			Message: fmt.Sprintf("%s (%s) but the server allows %d (%s): ERROR 1040 past %d", what, breakdown(p, r), r.Limit, where(mc.Origin), r.Limit),
			Related: demandRelated(p),
			Fix:     &lint.Fix{Message: fix},
		})
	}
}

// DemandNearLimit reports a scenario above the headroom threshold.
var DemandNearLimit = &lint.Rule{
	ID:       "demand-near-limit",
	Severity: lint.Warning,
	Summary:  "the application tier's demand leaves less headroom than the threshold",
	Doc: lint.Doc{
		Why: "Administrators, monitoring, replication, migrations and the next scale-up need slots too, and pools " +
			"reconnect in bursts after a failover. Incident guides alert at 75 % of max_connections; planning above it " +
			"leaves the next incident no room.",
		Fix:    "Shrink the pools or raise max_connections (with LimitNOFILE) so the worst scenario stays under the threshold.",
		Config: []string{"thresholds.headroom"},
		Example: lint.Example{Files: map[string]string{
			"etc/mysql/my.cnf": "[mysqld]\nmax_connections = 151\nwait_timeout = 300\n",
			".conncap.yaml":    "services:\n  - name: api\n    instances: 12\n    pool: 10\n",
		}, Args: []string{"--nofile=65535"}},
	},
	Run: demandNearLimit,
}

func demandNearLimit(p *lint.Pass) {
	h := p.Config.Thresholds.Headroom
	for _, r := range escalating(p.Analysis.Demand, func(r demand.Result) bool { return r.Total <= r.Limit && r.Utilisation() > h }) {
		pos, _ := scenarioPos(p, r)
		p.Report(lint.Diagnostic{
			Pos: pos,
			Message: fmt.Sprintf("%s demand is %d of %d connections (%.0f %%, above the %.0f %% threshold): %s",
				r.Scenario, r.Total, r.Limit, 100*r.Utilisation(), 100*h, breakdown(p, r)),
			Related: demandRelated(p),
			Fix:     &lint.Fix{Message: fmt.Sprintf("keep the %s demand under %d", r.Scenario, int(float64(r.Limit)*h))},
		})
	}
}

// poolPos is where a pool's settings live: its size's position, else the service's.
func poolPos(s *system.Service, pl apps.Pool) source.Pos {
	if pl.Max.Origin.Pos.IsValid() {
		return pl.Max.Origin.Pos
	}
	return s.Pos
}

// PoolUnbounded reports a pool without an upper bound.
var PoolUnbounded = &lint.Rule{
	ID:       "pool-unbounded",
	Severity: lint.Warning,
	Summary:  "connection pool without an upper bound",
	Doc: lint.Doc{
		Why: "Go's database/sql opens as many connections as there are concurrent queries unless SetMaxOpenConns is " +
			"called: a traffic spike or a slow query turns into hundreds of connections per instance and takes the " +
			"server's max_connections with it.",
		Fix: "Bound the pool (db.SetMaxOpenConns(N), with SetMaxIdleConns(N) and SetConnMaxLifetime below wait_timeout).",
		Example: lint.Example{Files: map[string]string{
			"etc/mysql/my.cnf": "[mysqld]\nmax_connections = 151\nwait_timeout = 300\n",
			"app/main.go":      "package main\n\nimport (\n\t\"database/sql\"\n\n\t_ \"github.com/go-sql-driver/mysql\"\n)\n\nfunc main() {\n\tdb, _ := sql.Open(\"mysql\", \"app:pw@tcp(db:3306)/app\")\n\t_ = db\n}\n",
		}, Args: []string{"--nofile=65535"}},
	},
	Run: poolUnbounded,
}

func poolUnbounded(p *lint.Pass) {
	for _, s := range p.Analysis.Services {
		for _, pl := range s.Pools {
			if !pl.Unbounded {
				continue
			}
			p.Report(lint.Diagnostic{
				Pos:     poolPos(s, pl),
				Message: fmt.Sprintf("%s's %s pool has no upper bound (%s): each of its %d instances may open any number of connections", s.Name, pl.Ecosystem, where(pl.Max.Origin), s.Replicas.V),
				Fix:     &lint.Fix{Message: "bound it, e.g. db.SetMaxOpenConns(10)"},
			})
		}
	}
}

// PoolOutlivesWaitTimeout reports a pool that keeps connections longer
// than the server does.
var PoolOutlivesWaitTimeout = &lint.Rule{
	ID:       "pool-outlives-wait-timeout",
	Severity: lint.Warning,
	Summary:  "pool max lifetime or idle timeout is not shorter than wait_timeout",
	Doc: lint.Doc{
		Why: "The server closes a connection idle for wait_timeout seconds. A pool that keeps connections longer hands " +
			"out dead ones: the next query fails with \"MySQL server has gone away\" or \"Communications link failure\". " +
			"HikariCP's own guidance is a maxLifetime several seconds shorter than any database or network timeout.",
		Fix: "Set the pool's max lifetime (and idle timeout) at least 30 s below wait_timeout, or raise wait_timeout above them.",
		Example: lint.Example{Files: map[string]string{
			"etc/mysql/my.cnf": "[mysqld]\nmax_connections = 151\nwait_timeout = 300\n",
			"svc/api/src/main/resources/application.properties": "spring.datasource.url=jdbc:mysql://db/app\nspring.datasource.hikari.maximum-pool-size=5\nspring.datasource.hikari.max-lifetime=1800000\n",
		}, Args: []string{"--nofile=65535"}},
	},
	Run: poolOutlives,
}

// lifetimeMargin is how much shorter than wait_timeout a pool should retire connections.
const lifetimeMargin = 30

func poolOutlives(p *lint.Pass) {
	for _, s := range p.Analysis.Services {
		// Behind ProxySQL a pool's connections end at the proxy, which
		// drops idle clients after its own mysql-wait_timeout (and keeps
		// its backend connections alive itself); MySQL Router passes
		// connections through, so the server's wait_timeout applies.
		wt, what := p.Analysis.Server.Effective.WaitTimeout, "the server drops them after wait_timeout"
		if s.Via != nil && s.Via.Kind == "proxysql" {
			ms := source.Value[int]{V: proxysql.DefaultWaitTimeoutMillis, Origin: source.Named("ProxySQL default mysql-wait_timeout 28800000 ms")}
			if s.Via.Config != nil {
				ms = s.Via.Config.WaitTimeout
			}
			wt = source.Value[int64]{V: int64(ms.V) / 1000, Origin: ms.Origin}
			what = s.Via.Name + " drops them after mysql-wait_timeout"
		}
		limit := wt.V - lifetimeMargin
		for _, pl := range s.Pools {
			// A connection can sit idle in the pool until the first of its
			// max lifetime and idle timeout retires it (0: never).
			if !pl.MaxLifetime.Known && !pl.IdleTimeout.Known {
				continue
			}
			var first *apps.Duration
			for _, d := range []*apps.Duration{&pl.MaxLifetime, &pl.IdleTimeout} {
				if d.Known && d.V != 0 && (first == nil || d.V < first.V) {
					first = d
				}
			}
			if first != nil && int64(first.V.Seconds()) <= limit {
				continue
			}
			keeps, pos, setting := "forever (no max lifetime or idle timeout)", pl.MaxLifetime.Origin.Pos, "max lifetime"
			if first != nil {
				keeps, pos = fmt.Sprintf("%d s (%s)", int64(first.V.Seconds()), where(first.Origin)), first.Origin.Pos
				if first == &pl.IdleTimeout {
					setting = "idle timeout"
				}
			}
			if !pos.IsValid() {
				pos = poolPos(s, pl)
			}
			p.Report(lint.Diagnostic{
				Pos: pos,
				Message: fmt.Sprintf("%s's %s pool keeps idle connections %s but %s %d s (%s): the pool hands out dead connections",
					s.Name, pl.Ecosystem, keeps, what, wt.V, where(wt.Origin)),
				Fix: &lint.Fix{Message: fmt.Sprintf("set the pool's %s to %d s or less", setting, max(limit, 1))},
			})
		}
	}
}

// MinIdleHeld reports a large tier whose pools hold every connection open while idle.
var MinIdleHeld = &lint.Rule{
	ID:       "min-idle-held",
	Severity: lint.Info,
	Summary:  "pools keep their maximum open while idle on a large tier",
	Doc: lint.Doc{
		Why: "HikariCP's minimumIdle defaults to maximumPoolSize: every instance opens its whole pool at startup and keeps " +
			"it, busy or not. On a wide tier that is most of max_connections spent on idle slots, which is fine only if " +
			"it was planned.",
		Fix: "Set a minimum-idle below the maximum (e.g. 2) so idle instances give slots back, or plan for the full pools.",
		Example: lint.Example{Files: map[string]string{
			"etc/mysql/my.cnf": "[mysqld]\nmax_connections = 1000\nwait_timeout = 300\n",
			"svc/api/src/main/resources/application.properties": "spring.datasource.url=jdbc:mysql://db/app\nspring.datasource.hikari.maximum-pool-size=10\nspring.datasource.hikari.max-lifetime=240000\n",
			".conncap.yaml": "services:\n  - name: api\n    instances: 20\n",
		}, Args: []string{"--nofile=65535"}},
	},
	Run: minIdleHeld,
}

// largeTier is the instance count from which idle-held pools are worth a note.
const largeTier = 10

func minIdleHeld(p *lint.Pass) {
	for _, s := range p.Analysis.Services {
		if s.Replicas.V < largeTier {
			continue
		}
		for _, pl := range s.Pools {
			if pl.Unbounded || pl.MinIdle.V != pl.Max.V || pl.Max.V <= 0 {
				continue
			}
			held := s.Replicas.V * max(pl.Processes.V, 1) * pl.Max.V
			p.Report(lint.Diagnostic{
				Pos:     poolPos(s, pl),
				Message: fmt.Sprintf("%s holds %d connections open while idle: minimum idle = maximum (%d, %s) on each of %d instances", s.Name, held, pl.Max.V, where(pl.MinIdle.Origin), s.Replicas.V),
				Fix:     &lint.Fix{Message: "set a minimum idle below the maximum, e.g. 2"},
			})
		}
	}
}

// PoolSizeUnknown reports a service whose pool size conncap could not find.
var PoolSizeUnknown = &lint.Rule{
	ID:       "pool-size-unknown",
	Severity: lint.Info,
	Summary:  "a service's connection pool size could not be determined",
	Doc: lint.Doc{
		Why: "conncap counts connections from the pool settings it can read. A service whose pool it cannot find " +
			"counts as zero, so the capacity plan is optimistic by however many connections it really opens.",
		Fix: "Declare the service in .conncap.yaml (services: - name, pool, processes), or pass its application config.",
		Example: lint.Example{Files: map[string]string{
			"etc/mysql/my.cnf": "[mysqld]\nmax_connections = 151\nwait_timeout = 300\n",
			".conncap.yaml":    "services:\n  - name: reports\n    instances: 2\n",
		}, Args: []string{"--nofile=65535"}},
	},
	Run: poolSizeUnknown,
}

func poolSizeUnknown(p *lint.Pass) {
	for _, s := range p.Analysis.Services {
		for _, pl := range s.Pools {
			if !system.UnknownSize(pl) {
				continue
			}
			p.Report(lint.Diagnostic{
				Pos:     poolPos(s, pl),
				Message: fmt.Sprintf("the size of %s's %s pool is set but cannot be known from the files (%s): it counts as 0 in every scenario", s.Name, pl.Ecosystem, where(pl.Max.Origin)),
				Fix:     &lint.Fix{Message: fmt.Sprintf("declare it in .conncap.yaml: services: [{name: %s, pool: N}]", s.Name)},
			})
		}
		if len(s.Pools) > 0 {
			continue
		}
		p.Report(lint.Diagnostic{
			Pos:     s.Pos,
			Message: fmt.Sprintf("the connection pool of %s (%s, %d instances) could not be determined: it counts as 0 in every scenario", s.Name, s.Kind, s.Replicas.V),
			Fix:     &lint.Fix{Message: fmt.Sprintf("declare it in .conncap.yaml: services: [{name: %s, pool: N}]", s.Name)},
		})
	}
}
