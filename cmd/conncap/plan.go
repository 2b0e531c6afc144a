package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/conncap/conncap/planner"
	"github.com/conncap/conncap/planner/demand"
	"github.com/conncap/conncap/planner/recommend"
	"github.com/conncap/conncap/planner/system"
)

func planCommand() *cli.Command {
	return &cli.Command{
		Name:      "plan",
		Usage:     "print the capacity table: connections per scenario against the server's effective limit",
		ArgsUsage: "[PATH...]",
		Flags: append(commonFlags(),
			&cli.StringSliceFlag{Name: "scale", Usage: "what-if: run service or workload `NAME=N` instances (repeatable)"},
			&cli.Float64Flag{Name: "headroom", Value: 0.75, Usage: "plan for the worst scenario to use at most this `FRACTION` of max_connections"},
			&cli.StringFlag{Name: "memory", Usage: "the server's memory budget (e.g. 16G): max_connections is not grown past what fits"},
			&cli.StringFlag{Name: "emit", Usage: "write ready-to-apply snippets: mycnf, systemd, sql, pools or all"},
			&cli.StringFlag{Name: "out", Usage: "with --emit: write the snippets as files into `DIR` instead of stdout"},
		),
		Action: func(c *cli.Context) error {
			switch c.String("format") {
			case "text", "json":
			default:
				return usagef("--format: plan prints text or json, not %q", c.String("format"))
			}
			l, err := load(c)
			if err != nil {
				return err
			}
			if e := c.String("emit"); e != "" {
				return writeSnippets(c, l.analysis, e)
			}
			if c.String("format") == "json" {
				return writePlanJSON(c.App.Writer, l.analysis)
			}
			return writePlanText(c.App.Writer, l.analysis)
		},
	}
}

type planDoc struct {
	Server    planServer     `json:"server"`
	Services  []planService  `json:"services"`
	Consumers []planConsumer `json:"consumers"`
	Scenarios []planScenario `json:"scenarios"`
	// Recommendations are the values to change (absent when none).
	Recommendations planRecommendations `json:"recommendations"`
	Notes           []string            `json:"notes"`
}

type planRecommendations struct {
	Worst     string        `json:"worst_scenario"`
	Need      int64         `json:"max_connections_needed"`
	GrowFits  bool          `json:"grow_fits_memory"`
	Memory    string        `json:"memory,omitempty"`
	Server    []planValue   `json:"server"`
	Pools     []planPool    `json:"pools"`
	Accounts  []planAccount `json:"accounts"`
	Proxy     bool          `json:"proxy"`
	Rationale []string      `json:"rationale"`
}

type planValue struct {
	Name        string `json:"name"`
	Current     int64  `json:"current"`
	Source      string `json:"source"`
	Recommended int64  `json:"recommended"`
	Reason      string `json:"reason"`
}

type planPool struct {
	Service     string `json:"service"`
	Current     int    `json:"current"`
	Recommended int    `json:"recommended"`
	Source      string `json:"source"`
}

type planAccount struct {
	Account     string `json:"account"`
	Current     int64  `json:"current"`
	Recommended int64  `json:"recommended"`
	Reason      string `json:"reason"`
}

type planServer struct {
	Name                 string `json:"name"`
	MaxConnections       int64  `json:"max_connections"`
	MaxConnectionsSource string `json:"max_connections_source"`
}

type planService struct {
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	Source       string `json:"source"`
	Replicas     int    `json:"replicas"`
	MaxReplicas  int    `json:"max_replicas"`
	Surge        int    `json:"surge"`
	PerInstance  int    `json:"per_instance"`
	Unbounded    bool   `json:"unbounded"`
	PoolUnknown  bool   `json:"pool_unknown"`
	ReplicasFrom string `json:"replicas_source"`
}

type planConsumer struct {
	Name        string `json:"name"`
	Connections int    `json:"connections"`
}

type planScenario struct {
	Scenario    string         `json:"scenario"`
	Total       int            `json:"total"`
	Limit       int            `json:"limit"`
	Utilisation float64        `json:"utilisation"` // fraction, 3 decimals
	Rolling     string         `json:"rolling,omitempty"`
	LowerBound  bool           `json:"lower_bound"` // a pool is unbounded: the total is a floor
	Services    map[string]int `json:"services"`
}

func planData(a *planner.Analysis) planDoc {
	s := a.Server
	d := planDoc{
		Server: planServer{Name: s.Version.V.String(), MaxConnections: s.Effective.MaxConnections.V,
			MaxConnectionsSource: s.Effective.MaxConnections.Origin.String()},
		Services: []planService{}, Consumers: []planConsumer{}, Scenarios: []planScenario{},
		Notes: append([]string{}, a.Notes...),
	}
	for _, svc := range a.Services {
		n, unb, unk := svc.PerInstance()
		d.Services = append(d.Services, planService{Name: svc.Name, Kind: svc.Kind, Source: svc.Pos.String(),
			Replicas: svc.Replicas.V, MaxReplicas: svc.MaxReplicas.V, Surge: svc.Surge.V, PerInstance: n,
			Unbounded: unb, PoolUnknown: unk, ReplicasFrom: svc.Replicas.Origin.String()})
	}
	for _, c := range a.Consumers {
		d.Consumers = append(d.Consumers, planConsumer(c))
	}
	if p := a.Plan; p != nil {
		rec := planRecommendations{Worst: string(p.Worst.Scenario), Need: p.Need, GrowFits: p.Grow, Memory: p.Memory, Proxy: p.Proxy,
			Server: []planValue{}, Pools: []planPool{}, Accounts: []planAccount{}, Rationale: append([]string{}, p.Rationale...)}
		for _, v := range p.Server {
			rec.Server = append(rec.Server, planValue{v.Name, v.Current.V, v.Current.Origin.String(), v.Recommended, v.Reason})
		}
		for _, pl := range p.Pools {
			rec.Pools = append(rec.Pools, planPool{pl.Service, pl.Current, pl.Recommended, pl.Where.String()})
		}
		for _, al := range a.AccountLimits {
			rec.Accounts = append(rec.Accounts, planAccount{fmt.Sprintf("'%s'@'%s'", al.User, al.Host), al.Current, al.Recommended, al.Why})
		}
		d.Recommendations = rec
	}
	for _, r := range a.Demand {
		ps := planScenario{Scenario: string(r.Scenario), Total: r.Total, Limit: r.Limit, Rolling: r.Rolling,
			LowerBound: r.Unbounded, Services: map[string]int{}}
		ps.Utilisation = float64(int(r.Utilisation()*1000+0.5)) / 1000
		for _, l := range r.Lines {
			ps.Services[l.Service] = l.Connections
		}
		d.Scenarios = append(d.Scenarios, ps)
	}
	return d
}

func writePlanJSON(w io.Writer, a *planner.Analysis) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(planData(a))
}

// writePlanText prints scenarios as columns and services, total, limit and
// utilisation as rows.
func writePlanText(w io.Writer, a *planner.Analysis) error {
	s := a.Server
	var b strings.Builder
	fmt.Fprintf(&b, "server: %s, max_connections %d at startup (%s)\n\n", s.Version.V, s.Effective.MaxConnections.V, s.Effective.MaxConnections.Origin)
	if len(a.Services) == 0 && len(a.Consumers) == 0 {
		fmt.Fprintf(&b, "no application tier found: nothing connects to this server in the inputs\n")
		fmt.Fprintf(&b, "(declare services in .conncap.yaml, or pass the manifests and app config)\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for _, r := range a.Demand {
		fmt.Fprintf(tw, "%s\t", r.Scenario)
	}
	fmt.Fprintln(tw)
	for i, svc := range a.Services {
		n, unb, unk := svc.PerInstance()
		label := fmt.Sprintf("%s (%d × %d)", svc.Name, svc.Replicas.V, n)
		switch {
		case unk:
			label = svc.Name + " (pool unknown)"
		case unb:
			label = fmt.Sprintf("%s (%d × unbounded)", svc.Name, svc.Replicas.V)
		}
		fmt.Fprintf(tw, "%s\t", label)
		for _, r := range a.Demand {
			fmt.Fprintf(tw, "%s\t", cell(r.Lines[i]))
		}
		fmt.Fprintln(tw)
	}
	if len(a.Consumers) > 0 {
		fmt.Fprint(tw, "fixed consumers\t")
		for _, r := range a.Demand {
			fmt.Fprintf(tw, "%d\t", r.Fixed)
		}
		fmt.Fprintln(tw)
	}
	row := func(name string, f func(demand.Result) string) {
		fmt.Fprintf(tw, "%s\t", name)
		for _, r := range a.Demand {
			fmt.Fprintf(tw, "%s\t", f(r))
		}
		fmt.Fprintln(tw)
	}
	row("total", func(r demand.Result) string {
		if r.Unbounded {
			return fmt.Sprintf("≥%d", r.Total)
		}
		return fmt.Sprint(r.Total)
	})
	row("max_connections", func(r demand.Result) string { return fmt.Sprint(r.Limit) })
	row("utilisation", func(r demand.Result) string { return fmt.Sprintf("%.0f %%", 100*r.Utilisation()) })
	row("", func(r demand.Result) string { return bar(r.Utilisation()) })
	tw.Flush()
	if r, ok := firstBreak(a.Demand); ok {
		fmt.Fprintf(&b, "\n%s breaks first: %d connections against max_connections %d (%d over)", r.Scenario, r.Total, r.Limit, r.Total-r.Limit)
		if r.Rolling != "" {
			fmt.Fprintf(&b, " while %s rolls", r.Rolling)
		}
		b.WriteString("\n")
	} else if r := demand.Worst(a.Demand); r.Limit > 0 {
		fmt.Fprintf(&b, "\nworst case %s: %d of %d connections (%d free)\n", r.Scenario, r.Total, r.Limit, r.Limit-r.Total)
	}
	writeAccounts(&b, a)
	writeRecommendations(&b, a)
	for _, n := range a.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeAccounts prints the per-account table: services, demand per
// scenario, the binding limit and its headroom.
func writeAccounts(b *strings.Builder, a *planner.Analysis) {
	if len(a.Accounts) == 0 {
		return
	}
	b.WriteString("\naccounts:\n")
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for _, r := range a.Demand {
		fmt.Fprintf(tw, "%s\t", r.Scenario)
	}
	fmt.Fprint(tw, "limit\t\n")
	for _, acct := range a.Accounts {
		var names []string
		for _, s := range acct.Services {
			names = append(names, s.Name)
		}
		fmt.Fprintf(tw, "%s (%s)\t", acct, strings.Join(names, ", "))
		for _, n := range a.AccountDemand[acct] {
			fmt.Fprintf(tw, "%d\t", n)
		}
		limit := "none"
		if acct.Kind != system.LimitNone {
			limit = fmt.Sprintf("%d %s", acct.Limit.V, acct.Kind)
		}
		fmt.Fprintf(tw, "%s\t\n", limit)
	}
	tw.Flush()
	for _, acct := range a.Accounts {
		if acct.Kind != system.LimitNone {
			fmt.Fprintf(b, "  %s: limit from %s\n", acct, acct.Limit.Origin)
		}
		for _, n := range acct.Notes {
			fmt.Fprintf(b, "  %s: %s\n", acct, n)
		}
	}
}

// writeRecommendations prints both ways out: smaller pools first (the
// incident guides' preference), then a bigger server with what it costs,
// then the other values.
func writeRecommendations(b *strings.Builder, a *planner.Analysis) {
	p := a.Plan
	if p == nil || (len(p.Server) == 0 && len(p.Pools) == 0 && len(a.AccountLimits) == 0) {
		return
	}
	fmt.Fprintf(b, "\nrecommendations (worst case: %s, %d connections):\n", p.Worst.Scenario, p.Worst.Total)
	if len(p.Pools) > 0 {
		fmt.Fprintf(b, "  shrink the pools (preferred), to stay under %d connections:\n", int(float64(p.Worst.Limit)*a.Headroom()))
		for _, pl := range p.Pools {
			fmt.Fprintf(b, "    %s: pool %d -> %d per process (%s): %d instances × %d × %d = %d\n",
				pl.Service, pl.Current, pl.Recommended, pl.Where, pl.Instances, pl.Processes, pl.Recommended, pl.Instances*pl.Processes*pl.Recommended)
		}
	}
	var grow, other []recommend.Value
	for _, v := range p.Server {
		switch v.Name {
		case "max_connections", "LimitNOFILE", "open_files_limit", "table_open_cache":
			grow = append(grow, v)
		default:
			other = append(other, v)
		}
	}
	if len(grow) > 0 {
		head := "or grow the server"
		if len(p.Pools) == 0 {
			head = "grow the server"
		}
		if !p.Grow {
			head += " (does not fit the memory budget)"
		}
		fmt.Fprintf(b, "  %s:\n", head)
		for _, v := range grow {
			fmt.Fprintf(b, "    %s %d -> %d (%s): %s\n", v.Name, v.Current.V, v.Recommended, v.Current.Origin, v.Reason)
		}
		if p.Memory != "" {
			fmt.Fprintf(b, "    memory: %s\n", p.Memory)
		}
	}
	for _, v := range other {
		fmt.Fprintf(b, "  %s %d -> %d (%s): %s\n", v.Name, v.Current.V, v.Recommended, v.Current.Origin, v.Reason)
	}
	for _, al := range a.AccountLimits {
		fmt.Fprintf(b, "  ALTER USER '%s'@'%s' WITH MAX_USER_CONNECTIONS %d;  -- was %d: %s\n", al.User, al.Host, al.Recommended, al.Current, al.Why)
	}
	for _, r := range p.Rationale {
		fmt.Fprintf(b, "  %s\n", r)
	}
}

func cell(l demand.Line) string {
	switch {
	case l.Unknown:
		return "?"
	case l.Unbounded:
		return fmt.Sprintf("≥%d", l.Connections)
	}
	return fmt.Sprint(l.Connections)
}

// bar draws utilisation as ten cells, capped at the limit, with '!' past it.
func bar(u float64) string {
	n := min(int(u*10+0.5), 10)
	s := strings.Repeat("#", n) + strings.Repeat(".", 10-n)
	if u > 1 {
		s += "!"
	}
	return "[" + s + "]"
}

// firstBreak returns the first scenario, in display order, whose demand
// passes the limit.
func firstBreak(rs []demand.Result) (demand.Result, bool) {
	for _, r := range rs {
		if r.Limit > 0 && r.Total > r.Limit {
			return r, true
		}
	}
	return demand.Result{}, false
}
