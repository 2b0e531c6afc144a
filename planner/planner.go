// Package planner turns what conncap read into an Analysis: the server model
// with its predicted startup values, and the notes on what was assumed. It is
// pure: no I/O, the same facts give the same analysis.
package planner

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/discover"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/planner/demand"
	"github.com/conncap/conncap/planner/emit"
	"github.com/conncap/conncap/planner/memory"
	"github.com/conncap/conncap/planner/recommend"
	"github.com/conncap/conncap/planner/system"
)

// Options are the user's declarations (flags and configuration).
type Options = system.Options

// Analysis is everything rules and commands read.
type Analysis struct {
	Facts  *discover.Facts
	Server *system.Server
	// Services are the application tiers that connect to the server,
	// Consumers the fixed connections beside them, and Demand the
	// connections they open in each scenario against the server's
	// effective max_connections.
	Services  []*system.Service
	Proxies   []*system.Proxy
	Consumers []demand.Consumer
	Demand    []demand.Result
	// Accounts are the MySQL accounts the services log in as, with their
	// binding limits; AccountDemand their connections per scenario.
	Accounts      []*system.Account
	AccountDemand map[*system.Account][]int
	// AccountLimits are the recommended per-account limits (ALTER USER).
	AccountLimits []emit.AccountLimit
	// Memory is the worst-case memory of the server as configured, against
	// its budget when one is known.
	Memory MemoryCheck
	// Plan holds the recommended values.
	Plan     *recommend.Plan
	headroom float64
	Comments []Comment // conncap: directives found in the inputs
	Notes    []string  // assumptions, said in the output
}

// MemoryCheck is MySQLTuner's worst case for the server as configured: the
// global buffers plus max_connections × the per-thread buffers.
type MemoryCheck struct {
	Estimate memory.Estimate
	// Budget is the memory the server may use (V 0 when unknown), from
	// --memory, the unit's MemoryMax, the container's limit or the
	// configuration file.
	Budget source.Value[int64]
	// Fits is the largest max_connections whose worst case fits Budget.
	Fits int64
}

// DefaultHeadroom is the fraction of max_connections plans aim under, as
// incident guides advise alerting at 75 %.
const DefaultHeadroom = 0.75

// Headroom is the fraction of max_connections the plan aims under.
func (a *Analysis) Headroom() float64 { return a.headroom }

// Comment is a conncap: directive and where it was written. A comment
// covers its own line and the next; a conncap.io/ignore annotation covers
// its whole object, the lines FirstLine to LastLine.
type Comment struct {
	Pos                 source.Pos
	Text                string
	FirstLine, LastLine int // 0 for a comment
}

// IgnoreAnnotation is the Kubernetes annotation that suppresses findings
// in its object: "RULE[,RULE] reason".
const IgnoreAnnotation = "conncap.io/ignore"

// Analyze builds the analysis of the facts.
func Analyze(f *discover.Facts, opt Options) (*Analysis, error) {
	srv, err := system.Build(f, opt)
	if err != nil {
		return nil, err
	}
	a := &Analysis{Facts: f, Server: srv, Notes: srv.Notes}
	a.Services = system.Services(f, opt)
	if bad := system.UnknownScale(a.Services, opt.Scale); len(bad) > 0 {
		return nil, fmt.Errorf("--scale: no service or workload named %s", strings.Join(bad, ", "))
	}
	a.Proxies = system.Proxies(f, a.Services)
	var ds []demand.Service
	for _, s := range a.Services {
		ds = append(ds, s.Demand())
	}
	var dp []demand.Proxy
	for _, p := range a.Proxies {
		dp = append(dp, p.Demand())
		a.Notes = append(a.Notes, p.Notes...)
	}
	for _, c := range opt.Consumers {
		a.Consumers = append(a.Consumers, demand.Consumer{Name: c.Name, Connections: c.Connections})
	}
	a.Demand = demand.Compute(ds, dp, a.Consumers, int(srv.Effective.MaxConnections.V))
	a.Accounts = system.Accounts(a.Services, f.Grants, srv.Version.V, srv.Effective.MaxUserConnections)
	a.AccountDemand = map[*system.Account][]int{}
	for _, acct := range a.Accounts {
		per := make([]int, len(a.Demand))
		for i, r := range a.Demand {
			per[i] = accountConnections(acct, a.Services, r)
		}
		a.AccountDemand[acct] = per
	}
	a.headroom = opt.Headroom
	if a.headroom <= 0 {
		a.headroom = DefaultHeadroom
	}
	ropt := recommend.Options{Headroom: a.headroom}
	budget, budgetOrigin := memoryBudget(f, srv, opt)
	budgetFrom := budgetOrigin.String()
	if budgetOrigin.Pos.IsValid() && budgetOrigin.Note != "" {
		budgetFrom = budgetOrigin.Note + " at " + budgetOrigin.Pos.String() // "MemoryMax at x.service:7:11"
	}
	in := memory.FromServer(srv, srv.Effective.MaxConnections.V, budget)
	a.Memory.Estimate = memory.Worst(in)
	if budget > 0 {
		ropt.MemoryBudget, ropt.MaxConnectionsForMemory = budget, memory.MaxConnectionsFor(in, budget)
		a.Memory.Budget = source.Value[int64]{V: budget, Origin: budgetOrigin}
		a.Memory.Fits = ropt.MaxConnectionsForMemory
	}
	a.Plan = recommend.Compute(srv, a.Services, a.Demand, ropt)
	a.AccountLimits = accountLimits(a)
	if a.Plan.Need > srv.Effective.MaxConnections.V {
		now := memory.Worst(in).Peak
		in.MaxConnections = a.Plan.Need
		then := memory.Worst(in).Peak
		a.Plan.Memory = fmt.Sprintf("worst case %s at max_connections %d (%s more than at %d; MySQLTuner's formula)",
			gib(then), a.Plan.Need, gib(then-now), srv.Effective.MaxConnections.V)
		if budget > 0 {
			a.Plan.Memory += fmt.Sprintf(", budget %s (%s)", gib(budget), budgetFrom)
		}
	}
	if f.Options != nil {
		for _, c := range f.Options.Comments {
			a.Comments = append(a.Comments, Comment{Pos: c.Pos, Text: c.Text})
		}
	}
	for _, g := range f.Grants {
		for _, c := range g.Comments {
			a.Comments = append(a.Comments, Comment{Pos: c.Pos, Text: c.Text})
		}
	}
	if f.Kube != nil {
		for _, kf := range f.KubeFiles {
			for _, c := range kf.Comments {
				a.Comments = append(a.Comments, Comment{Pos: c.Pos, Text: c.Text})
			}
			for _, o := range kf.Objects {
				if v, ok := o.Annotations[IgnoreAnnotation]; ok {
					a.Comments = append(a.Comments, Comment{Pos: v.Origin.Pos, Text: "conncap:ignore " + v.V,
						FirstLine: o.FirstLine, LastLine: o.LastLine})
				}
			}
		}
	}
	for _, cfg := range f.Proxies {
		for _, c := range cfg.Comments {
			if t := strings.TrimSpace(c.Text); strings.HasPrefix(t, "conncap:") {
				a.Comments = append(a.Comments, Comment{Pos: c.Pos, Text: t})
			}
		}
	}
	for _, u := range f.Units {
		for _, file := range u.Files {
			for _, c := range file.Comments {
				a.Comments = append(a.Comments, Comment{Pos: c.Pos, Text: c.Text})
			}
		}
	}
	return a, nil
}

// accountConnections is what an account's services open at the server in
// one scenario: their direct connections, plus what reaches the server of
// their connections through each proxy (ProxySQL logs in to the backend as
// the client's user, and opens no more than its cap).
func accountConnections(acct *system.Account, services []*system.Service, r demand.Result) int {
	n := 0
	via := map[string]int{}
	for j, l := range r.Lines {
		if !slices.Contains(acct.Services, services[j]) {
			continue
		}
		if l.Via == "" {
			n += l.Connections
		} else {
			via[l.Via] += l.Connections
		}
	}
	for _, pl := range r.Proxies {
		n += min(via[pl.Proxy], pl.Backend)
	}
	return n
}

// memoryBudget is the memory the server may use, and where that comes
// from: --memory, else the unit's MemoryMax, else the server container's
// memory limit, else the configuration file's memory (0 when none says).
func memoryBudget(f *discover.Facts, srv *system.Server, opt Options) (int64, source.Origin) {
	if opt.Memory > 0 {
		return opt.Memory, source.Named("flag --memory")
	}
	if srv.Unit != nil {
		if m, ok := srv.Unit.Last("Service", "MemoryMax"); ok {
			if n, err := memory.ParseSize(m.Value); err == nil && n > 0 {
				return n, source.Origin{Pos: m.ValuePos, Note: "MemoryMax"}
			}
		}
	} else if len(f.ServerContainers) > 0 {
		if m := f.ServerContainers[0].MemoryLimit; m.V > 0 {
			return m.V, source.Origin{Pos: m.Origin.Pos, Note: "container memory limit"}
		}
	}
	if opt.MemoryFallback.V > 0 {
		return opt.MemoryFallback.V, opt.MemoryFallback.Origin
	}
	return 0, source.Origin{}
}

func gib(n int64) string { return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30)) }

// accountLimits recommends MAX_USER_CONNECTIONS for each account whose
// worst demand passes the headroom of its limit, when the server can hold
// it; otherwise the pools must shrink (the plan's pool recommendations).
func accountLimits(a *Analysis) []emit.AccountLimit {
	var out []emit.AccountLimit
	mc := a.Server.Effective.MaxConnections.V
	for _, acct := range a.Accounts {
		if acct.Kind != system.LimitAccount && acct.Kind != system.LimitGlobal && acct.Kind != system.LimitBlocked {
			continue
		}
		worst := slices.Max(append([]int{0}, a.AccountDemand[acct]...))
		need := int64(math.Ceil(float64(worst) / a.headroom))
		if acct.Kind != system.LimitBlocked && float64(worst) <= a.headroom*float64(acct.Limit.V) {
			continue
		}
		why := fmt.Sprintf("its services open up to %d connections; %d keeps them under %.0f %%", worst, need, 100*a.headroom)
		if need >= mc {
			why += fmt.Sprintf("; that is not below max_connections %d, so shrink the pools instead (the limit then cannot bind)", mc)
		}
		out = append(out, emit.AccountLimit{User: acct.User, Host: acct.Host, Current: acct.Limit.V, Recommended: need, Why: why})
	}
	return out
}
