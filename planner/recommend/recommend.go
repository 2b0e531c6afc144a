// Package recommend turns the analysis into concrete values: the
// max_connections the worst scenario needs with headroom, the
// LimitNOFILE and open_files_limit that make the server really grant it
// (computed with the flavor's own startup formula), the table cache, a
// wait_timeout bounded below by the pools' lifetimes, per-account limits,
// and — when the server should not grow — the pool size per service that
// fits. Pure: the same analysis gives the same recommendations.
package recommend

import (
	"fmt"
	"math"
	"slices"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/planner/demand"
	"github.com/conncap/conncap/planner/startup"
	"github.com/conncap/conncap/planner/system"
)

// Options tune the recommendations.
type Options struct {
	Headroom    float64 // fraction of max_connections the worst scenario may use (default 0.75)
	WaitTimeout int64   // target wait_timeout in seconds (default 300)
	// MemoryBudget in bytes (0: unknown) and MaxConnectionsForMemory, the
	// largest max_connections whose worst-case memory fits it (0: unknown).
	MemoryBudget            int64
	MaxConnectionsForMemory int64
}

// Value is one recommended setting: what it is now, what it should be, why,
// and where the change goes.
type Value struct {
	Name        string
	Current     source.Value[int64]
	Recommended int64
	Reason      string
}

// Pool is a recommended pool size for one service.
type Pool struct {
	Service     string
	Current     int // per process
	Recommended int
	Processes   int
	Instances   int // in the worst scenario
	Where       source.Origin
	Ecosystem   string
}

// ProxyRow is a recommended max_connections for a ProxySQL mysql_servers
// row that reaches the server.
type ProxyRow struct {
	Proxy       string
	Address     string
	Port        int
	Hostgroup   int
	Current     int
	Recommended int
	Where       source.Origin // the row's max_connections, or the row
	Instances   int
	Reason      string
}

// Plan is the set of recommendations.
type Plan struct {
	Worst demand.Result
	// Need is the max_connections the worst scenario needs with headroom.
	Need int64
	// Grow says whether raising max_connections to Need fits the memory
	// budget (true when the budget is unknown). Pools says how small the
	// pools must be for the worst scenario to fit the current limit: both
	// ways out are offered, smaller pools first.
	Grow      bool
	Server    []Value // max_connections, open_files_limit, LimitNOFILE, table_open_cache, wait_timeout, interactive_timeout
	Pools     []Pool
	ProxyRows []ProxyRow // backend caps for the proxies in front of the server
	Proxy     bool       // a multiplexing proxy fits better than either
	Memory    string     // what growing costs in memory, when known
	Rationale []string
}

// Compute recommends values for the server and services.
func Compute(s *system.Server, services []*system.Service, results []demand.Result, opt Options) *Plan {
	if opt.Headroom <= 0 || opt.Headroom > 1 {
		opt.Headroom = 0.75
	}
	if opt.WaitTimeout <= 0 {
		opt.WaitTimeout = 300
	}
	p := &Plan{Worst: demand.Worst(results)}
	mc := s.Effective.MaxConnections
	p.Need = int64(math.Ceil(float64(p.Worst.Total) / opt.Headroom))
	target := max(p.Need, s.Configured.MaxConnections.V)
	if p.Need > mc.V {
		p.Grow = opt.MaxConnectionsForMemory == 0 || p.Need <= opt.MaxConnectionsForMemory
		p.Server = append(p.Server, Value{Name: "max_connections", Current: mc, Recommended: p.Need,
			Reason: fmt.Sprintf("the %s scenario opens %d connections; at %.0f %% headroom that needs %d", p.Worst.Scenario, p.Worst.Total, 100*opt.Headroom, p.Need)})
		if !p.Grow {
			target = s.Configured.MaxConnections.V
			p.Rationale = append(p.Rationale, fmt.Sprintf("max_connections %d would pass the memory budget (at most %d fit in %d MiB): shrink the pools instead", p.Need, opt.MaxConnectionsForMemory, opt.MemoryBudget>>20))
		}
	}
	// File descriptors: what the server asks for at the target, so that the
	// target is really granted.
	in := s.StartupInput
	in.MaxConnections = uint64(max(target, 1))
	in.Soft, in.Hard = startup.Infinity, startup.Infinity
	req := startup.Predict(in).Request
	if s.NoFile.V.Hard < req || s.NoFile.V.Soft < req && s.NoFile.V.Hard < req {
		p.Server = append(p.Server, Value{Name: "LimitNOFILE", Current: source.Value[int64]{V: clampU(s.NoFile.V.Hard), Origin: s.NoFile.Origin}, Recommended: int64(req),
			Reason: fmt.Sprintf("%s asks for %d file descriptors at startup with max_connections %d; with fewer it lowers max_connections or the table cache", s.Version.V, req, target)})
	}
	if s.IsSet("open_files_limit") && s.Configured.OpenFilesLimit.V < int64(req) {
		p.Server = append(p.Server, Value{Name: "open_files_limit", Current: s.Configured.OpenFilesLimit, Recommended: int64(req),
			Reason: "open_files_limit is a floor of the startup request; keep it at the request or remove it"})
	}
	if e, c := s.Effective.TableOpenCache, s.Configured.TableOpenCache; e.V < c.V {
		p.Server = append(p.Server, Value{Name: "table_open_cache", Current: e, Recommended: c.V,
			Reason: fmt.Sprintf("the server cuts it to %d for lack of descriptors; LimitNOFILE=%d keeps %d", e.V, req, c.V)})
	}
	// wait_timeout: modest, but above every pool's lifetime plus a margin.
	longest := int64(0)
	for _, svc := range services {
		for _, pl := range svc.Pools {
			if pl.MaxLifetime.Known && pl.MaxLifetime.V > 0 {
				longest = max(longest, int64(pl.MaxLifetime.V.Seconds()))
			}
		}
	}
	wt := s.Effective.WaitTimeout
	want := max(opt.WaitTimeout, longest+30)
	if wt.V > want || wt.V < longest+30 {
		reason := fmt.Sprintf("idle and leaked connections should give their slot back within minutes (target %d s)", opt.WaitTimeout)
		if want > opt.WaitTimeout {
			reason += fmt.Sprintf("; the longest pool max lifetime is %d s, so wait_timeout stays above it by 30 s", longest)
			p.Rationale = append(p.Rationale, fmt.Sprintf("to bring wait_timeout down to %d s, first shorten every pool's max lifetime to %d s or less", opt.WaitTimeout, opt.WaitTimeout-30))
		}
		p.Server = append(p.Server, Value{Name: "wait_timeout", Current: wt, Recommended: want, Reason: reason})
	}
	if it := s.Effective.InteractiveTimeout; it.V > max(want, 1800) {
		p.Server = append(p.Server, Value{Name: "interactive_timeout", Current: it, Recommended: 1800,
			Reason: "interactive sessions (mysql clients) left open hold slots too; 30 min is plenty"})
	}
	p.ProxyRows = proxyRows(services, results, mc.V, opt.Headroom)
	// The other way out, preferred by the incident guides: smaller pools;
	// behind a proxy, capping its backend connections is that way out.
	if p.Worst.Total > int(float64(mc.V)*opt.Headroom) && len(p.ProxyRows) == 0 {
		p.Pools = shrink(services, p.Worst, mc.V, opt.Headroom)
		inst := 0
		for _, l := range p.Worst.Lines {
			if l.Via == "" {
				inst += l.Instances
			}
		}
		if inst > int(float64(mc.V)*opt.Headroom) {
			p.Proxy = true
			p.Rationale = append(p.Rationale, fmt.Sprintf("%d instances need at least one connection each, more than %d fit: put a multiplexing proxy such as ProxySQL in front of the tier", inst, int(float64(mc.V)*opt.Headroom)))
		}
	}
	return p
}

// shrink scales every service's pool by one factor so the worst scenario
// fits the headroom, at least one connection per process.
func shrink(services []*system.Service, worst demand.Result, limit int64, headroom float64) []Pool {
	budget := float64(limit)*headroom - float64(worst.Fixed)
	for _, pl := range worst.Proxies {
		budget -= float64(pl.Backend) // bounded by the proxy, not by the pools
	}
	app := 0
	for _, l := range worst.Lines {
		if l.Via == "" {
			app += l.Connections
		}
	}
	if app == 0 {
		return nil
	}
	f := budget / float64(app)
	var out []Pool
	for i, svc := range services {
		if i >= len(worst.Lines) {
			break
		}
		if worst.Lines[i].Via != "" {
			continue
		}
		for _, pl := range svc.Pools {
			if pl.Unbounded || system.UnknownSize(pl) {
				continue
			}
			rec := max(int(math.Floor(float64(pl.Max.V)*f)), 1)
			if rec >= pl.Max.V {
				continue
			}
			out = append(out, Pool{Service: svc.Name, Current: pl.Max.V, Recommended: rec, Processes: max(pl.Processes.V, 1),
				Instances: worst.Lines[i].Instances, Where: pl.Max.Origin, Ecosystem: pl.Ecosystem})
		}
	}
	return out
}

// proxyRows caps the backend connections of each proxy whose rows could
// together pass the server's limit: the rows share what the headroom
// leaves beside the direct clients and the other proxies, per instance.
func proxyRows(services []*system.Service, results []demand.Result, limit int64, headroom float64) []ProxyRow {
	var proxies []*system.Proxy
	for _, svc := range services {
		if svc.Via != nil && !slices.Contains(proxies, svc.Via) {
			proxies = append(proxies, svc.Via)
		}
	}
	var out []ProxyRow
	for _, px := range proxies {
		if len(px.Backends) == 0 || !px.Capped() {
			continue
		}
		// The scenario with the most instances, and what else reaches the
		// server in it.
		inst, others := 0, 0
		for _, r := range results {
			i := slices.IndexFunc(r.Proxies, func(pl demand.ProxyLine) bool { return pl.Proxy == px.Name })
			if i < 0 {
				continue
			}
			o := r.Total - r.Proxies[i].Backend
			if r.Proxies[i].Instances > inst || r.Proxies[i].Instances == inst && o > others {
				inst, others = r.Proxies[i].Instances, o
			}
		}
		if inst == 0 || int64(inst*px.BackendCap()+others) <= int64(float64(limit)*headroom) {
			continue
		}
		per := (int(float64(limit)*headroom) - others) / inst / len(px.Backends)
		if per < 1 {
			continue // no room: the server must grow (max_connections) instead
		}
		for _, b := range px.Backends {
			if b.MaxConnections.V <= per {
				continue
			}
			where := b.MaxConnections.Origin
			if !where.Pos.IsValid() {
				where = source.Origin{Pos: b.Pos, Note: b.MaxConnections.Origin.Note}
			}
			out = append(out, ProxyRow{Proxy: px.Name, Address: b.Address.V, Port: b.Port.V, Hostgroup: b.Hostgroup.V,
				Current: b.MaxConnections.V, Recommended: per, Where: where, Instances: inst,
				Reason: fmt.Sprintf("%d instances × %d rows × %d + %d other connections stays under %.0f %% of %d; clients past the cap wait in the proxy instead of failing at the server",
					inst, len(px.Backends), per, others, 100*headroom, limit)})
		}
	}
	return out
}

func clampU(n uint64) int64 {
	if n > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(n)
}
