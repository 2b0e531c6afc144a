// Package demand computes how many connections the application tier opens
// in each scenario — steady state, a rolling deploy, the autoscalers'
// maximum — per service and in total, and compares it with the server's
// effective limit. It is pure arithmetic over the model; no I/O.
package demand

import (
	"slices"
)

// Scenario names a moment in the life of the system.
type Scenario string

// The scenarios, in the order they are shown.
const (
	// Steady: every workload at its declared replica count.
	Steady Scenario = "steady"
	// Rollout: one service rolls at a time (the worst one), its surge pods
	// running beside the old ones; the others are steady.
	Rollout Scenario = "rollout"
	// RolloutAll: every service rolls at once (a release train, or a
	// cluster-wide restart), each with its surge.
	RolloutAll Scenario = "rollout-all"
	// Autoscale: every autoscaled workload at its autoscaler's maximum.
	Autoscale Scenario = "autoscale"
)

// Scenarios lists every scenario in display order.
func Scenarios() []Scenario { return []Scenario{Steady, Rollout, RolloutAll, Autoscale} }

// Service is what demand needs to know about one application tier.
type Service struct {
	Name        string
	Replicas    int  // steady instances
	MaxReplicas int  // autoscaler maximum (>= Replicas), or Replicas
	Surge       int  // extra instances while it rolls (0 for Recreate)
	PerInstance int  // connections one instance opens: Σ pools × processes
	Unbounded   bool // some pool has no upper bound
	Unknown     bool // no pool size could be determined
	// Via names the proxy the service connects through ("" for direct):
	// its connections reach the proxy, and the proxy's backend
	// connections reach the server.
	Via string
}

// Proxy is a multiplexing proxy (ProxySQL) between services and the server.
type Proxy struct {
	Name string
	// Instances is how many proxy processes run; 0 for a sidecar, which
	// runs one per instance of the services behind it.
	Instances int
	// BackendCap is the most connections one proxy instance opens to the
	// server; FrontendCap the most client connections one accepts.
	BackendCap  int
	FrontendCap int
}

// ProxyLine is one proxy's share of a scenario.
type ProxyLine struct {
	Proxy     string
	Instances int
	// Frontend is the client connections its services open to it;
	// FrontendPerInstance the share of the busiest instance (spread evenly).
	Frontend            int
	FrontendPerInstance int
	FrontendCap         int
	// Backend is the connections it opens to the server at worst: every
	// client session it admits (at most Instances × FrontendCap) pinned to
	// its own backend connection (transactions, locks, user variables),
	// bounded by Instances × BackendCap.
	Backend    int
	BackendCap int // Instances × the per-instance cap
}

// Consumer is a fixed number of connections outside the application tier.
type Consumer struct {
	Name        string
	Connections int
}

// Line is one service's share of a scenario.
type Line struct {
	Service     string
	Instances   int
	PerInstance int
	Connections int
	Unbounded   bool
	Unknown     bool
	Via         string // the proxy it connects through; Connections then reach the proxy, not the server
}

// Result is one scenario's demand against the limit.
type Result struct {
	Scenario  Scenario
	Lines     []Line      // one per service, in input order
	Proxies   []ProxyLine // one per proxy, in input order
	Fixed     int         // consumers
	Total     int         // Σ direct lines + Σ proxy backends + fixed
	Limit     int         // the server's effective max_connections
	Rolling   string      // Rollout: the service whose rollout is the worst case
	Unbounded bool        // some pool has no upper bound: Total is a lower bound
}

// Utilisation is Total / Limit (0 when there is no limit).
func (r Result) Utilisation() float64 {
	if r.Limit <= 0 {
		return 0
	}
	return float64(r.Total) / float64(r.Limit)
}

// Compute returns the demand of every scenario. Services that name a proxy
// in Via reach the server through it.
func Compute(services []Service, proxies []Proxy, consumers []Consumer, limit int) []Result {
	fixed := 0
	for _, c := range consumers {
		fixed += c.Connections
	}
	var out []Result
	for _, sc := range Scenarios() {
		r := Result{Scenario: sc, Fixed: fixed, Limit: limit}
		worst, worstExtra := -1, 0
		if sc == Rollout {
			for i, s := range services {
				if extra := s.Surge * s.PerInstance; extra > worstExtra {
					worst, worstExtra = i, extra
				}
			}
			if worst >= 0 {
				r.Rolling = services[worst].Name
			}
		}
		for i, s := range services {
			n := s.Replicas
			switch sc {
			case Rollout:
				if i == worst {
					n += s.Surge
				}
			case RolloutAll:
				n += s.Surge
			case Autoscale:
				n = max(s.MaxReplicas, s.Replicas)
			}
			l := Line{Service: s.Name, Instances: n, PerInstance: s.PerInstance, Connections: n * s.PerInstance, Unbounded: s.Unbounded, Unknown: s.Unknown, Via: s.Via}
			r.Lines = append(r.Lines, l)
			if l.Via == "" {
				r.Total += l.Connections
				r.Unbounded = r.Unbounded || s.Unbounded
			}
		}
		for _, p := range proxies {
			pl := through(p, r.Lines)
			r.Proxies = append(r.Proxies, pl)
			r.Total += pl.Backend
		}
		r.Total += fixed
		out = append(out, r)
	}
	return out
}

// through is what a proxy sees of a scenario's lines.
func through(p Proxy, lines []Line) ProxyLine {
	pl := ProxyLine{Proxy: p.Name, Instances: p.Instances, FrontendCap: p.FrontendCap}
	unbounded := false
	for _, l := range lines {
		if l.Via != p.Name {
			continue
		}
		pl.Frontend += l.Connections
		unbounded = unbounded || l.Unbounded
		if p.Instances == 0 {
			pl.Instances += l.Instances // a sidecar per instance
		}
	}
	pl.BackendCap = pl.Instances * p.BackendCap
	admitted := pl.Frontend // clients past mysql-max_connections are refused, not forwarded
	if p.FrontendCap > 0 {
		admitted = min(admitted, pl.Instances*p.FrontendCap)
	}
	pl.Backend = min(admitted, pl.BackendCap)
	if unbounded {
		pl.Backend = pl.BackendCap
	}
	if pl.Instances > 0 {
		pl.FrontendPerInstance = (pl.Frontend + pl.Instances - 1) / pl.Instances
	}
	return pl
}

// Worst returns the scenario with the highest total (the first on ties).
func Worst(rs []Result) Result {
	if len(rs) == 0 {
		return Result{}
	}
	return slices.MaxFunc(rs, func(a, b Result) int { return a.Total - b.Total })
}
