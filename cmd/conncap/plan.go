package main

import (
	"fmt"
	"io"
	"math"
	"slices"
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
			&cli.StringFlag{Name: "emit", Usage: "write ready-to-apply snippets: mycnf, systemd, sql, pools, proxysql or all"},
			&cli.StringFlag{Name: "out", Usage: "with --emit: write the snippets as files into `DIR` instead of stdout"},
		),
		Action: func(c *cli.Context) error {
			switch c.String("format") {
			case "text", "json":
			default:
				return usagef("--format: plan prints text or json, not %q", c.String("format"))
			}
			ls, err := loadAll(c)
			if err != nil {
				return err
			}
			if e := c.String("emit"); e != "" {
				for _, l := range ls {
					if err := writeSnippets(c, l.analysis, e, l.target); err != nil {
						return err
					}
				}
				return nil
			}
			if c.String("format") == "json" {
				return writePlanJSON(c.App.Writer, ls)
			}
			return eachTarget(c.App.Writer, ls, func(l *loaded) error {
				return writePlanText(c.App.Writer, l.analysis, useColor(c, c.App.Writer))
			})
		},
	}
}

type planDoc struct {
	Server    planServer     `json:"server"`
	Services  []planService  `json:"services"`
	Consumers []planConsumer `json:"consumers"`
	Proxies   []planProxy    `json:"proxies,omitempty"`
	// Memory is MySQLTuner's worst case for the server as configured.
	Memory    planMemory     `json:"memory"`
	Scenarios []planScenario `json:"scenarios"`
	// Recommendations are the values to change (absent when none).
	Recommendations planRecommendations `json:"recommendations"`
	Notes           []string            `json:"notes"`
}

type planRecommendations struct {
	Worst    string        `json:"worst_scenario"`
	Need     int64         `json:"max_connections_needed"`
	GrowFits bool          `json:"grow_fits_memory"`
	Memory   string        `json:"memory,omitempty"`
	Server   []planValue   `json:"server"`
	Pools    []planPool    `json:"pools"`
	Accounts []planAccount `json:"accounts"`
	// ProxyRows are backend caps for ProxySQL mysql_servers rows.
	ProxyRows []planProxyRow `json:"proxysql_rows,omitempty"`
	Proxy     bool           `json:"proxy"`
	Rationale []string       `json:"rationale"`
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

type planMemory struct {
	WorstCase     int64  `json:"worst_case_bytes"`
	GlobalBuffers int64  `json:"global_buffers_bytes"`
	PerThread     int64  `json:"per_thread_bytes"`
	Budget        int64  `json:"budget_bytes"` // 0: unknown
	BudgetSource  string `json:"budget_source,omitempty"`
	Fits          int64  `json:"max_connections_that_fit,omitempty"`
}

type planProxyRow struct {
	Proxy       string `json:"proxy"`
	Address     string `json:"address"`
	Port        int    `json:"port"`
	Hostgroup   int    `json:"hostgroup"`
	Current     int    `json:"current"`
	Recommended int    `json:"recommended"`
	Source      string `json:"source"`
	Reason      string `json:"reason"`
}

type planProxy struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"` // "proxysql" or "mysql-router"
	Source   string   `json:"source"`
	Config   string   `json:"config,omitempty"` // the proxysql.cnf read
	Sidecar  bool     `json:"sidecar"`
	Services []string `json:"services"`
	// Instances is 0 for a sidecar (one per pod of its services).
	Instances   int `json:"instances"`
	BackendCap  int `json:"backend_cap_per_instance"` // 0: no cap in the inputs
	FrontendCap int `json:"frontend_cap_per_instance"`
}

type planProxyLine struct {
	Proxy               string `json:"proxy"`
	Instances           int    `json:"instances"`
	Frontend            int    `json:"frontend"`
	FrontendPerInstance int    `json:"frontend_per_instance"`
	Backend             int    `json:"backend"`
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
	// Proxies are what reaches each proxy and what it sends the server.
	Proxies []planProxyLine `json:"proxies,omitempty"`
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
	m := a.Memory
	d.Memory = planMemory{WorstCase: m.Estimate.Peak, GlobalBuffers: m.Estimate.ServerBuffers, PerThread: m.Estimate.PerThread,
		Budget: m.Budget.V, Fits: m.Fits}
	if m.Budget.V > 0 {
		d.Memory.BudgetSource = m.Budget.Origin.String()
	}
	for _, px := range a.Proxies {
		pp := planProxy{Name: px.Name, Kind: px.Kind, Source: px.Pos.String(), Sidecar: px.Sidecar, Services: []string{},
			Instances: px.Demand().Instances, BackendCap: px.BackendCap(), FrontendCap: px.FrontendCap()}
		if !px.Capped() {
			pp.BackendCap = 0
		}
		if px.Config != nil {
			pp.Config = px.Config.Path
		}
		for _, s := range px.Services {
			pp.Services = append(pp.Services, s.Name)
		}
		d.Proxies = append(d.Proxies, pp)
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
		for _, r := range p.ProxyRows {
			rec.ProxyRows = append(rec.ProxyRows, planProxyRow{r.Proxy, r.Address, r.Port, r.Hostgroup, r.Current, r.Recommended, r.Where.String(), r.Reason})
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
		for _, pl := range r.Proxies {
			ps.Proxies = append(ps.Proxies, planProxyLine{Proxy: pl.Proxy, Instances: pl.Instances, Frontend: pl.Frontend,
				FrontendPerInstance: pl.FrontendPerInstance, Backend: pl.Backend})
		}
		d.Scenarios = append(d.Scenarios, ps)
	}
	return d
}

// writePlanJSON writes the plan; with targets, {"targets": [{"target":
// NAME, "plan": PLAN}, …]}.
func writePlanJSON(w io.Writer, ls []*loaded) error {
	return writeTargetsJSON(w, ls, "plan", planData)
}

// writePlanText prints scenarios as columns and services, total, limit and
// utilisation as rows. With color, the utilisation of each scenario is
// green, yellow past the headroom and red past the limit, and the scenario
// that breaks first is bold red.
func writePlanText(w io.Writer, a *planner.Analysis, color bool) error {
	s := a.Server
	var b strings.Builder
	fmt.Fprintf(&b, "server: %s, max_connections %d at startup (%s)\n\n", s.Version.V, s.Effective.MaxConnections.V, s.Effective.MaxConnections.Origin)
	if len(a.Services) == 0 && len(a.Consumers) == 0 {
		fmt.Fprintf(&b, "no application tier found: nothing connects to this server in the inputs\n")
		fmt.Fprintf(&b, "(declare services in .conncap.yaml, or pass the manifests and app config)\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', tabwriter.AlignRight)
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
		if svc.Via != nil {
			label += " → " + svc.Via.Name
		}
		fmt.Fprintf(tw, "%s\t", label)
		for _, r := range a.Demand {
			fmt.Fprintf(tw, "%s\t", cell(r.Lines[i]))
		}
		fmt.Fprintln(tw)
	}
	for i, p := range a.Proxies {
		inst := fmt.Sprint(p.Instances.V)
		if p.Sidecar {
			inst = "per pod"
		}
		fmt.Fprintf(tw, "%s clients per instance (cap %d)\t", p.Name, p.FrontendCap())
		for _, r := range a.Demand {
			fmt.Fprintf(tw, "%d\t", r.Proxies[i].FrontendPerInstance)
		}
		fmt.Fprintln(tw)
		capText := "no cap"
		switch c := p.BackendCap(); {
		case p.Kind == "mysql-router":
			capText = "one per client"
		case p.Capped():
			capText = fmt.Sprintf("≤ %d each", c)
		}
		fmt.Fprintf(tw, "%s → server (%s × %s)\t", p.Name, inst, capText)
		for _, r := range a.Demand {
			fmt.Fprintf(tw, "%d\t", r.Proxies[i].Backend)
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
	if color {
		b.WriteString(paintPlan(table.String(), a.Demand, a.Headroom()))
	} else {
		b.WriteString(table.String())
	}
	if r, ok := firstBreak(a.Demand); ok {
		fmt.Fprintf(&b, "\n%s breaks first: %d connections against max_connections %d (%d over)", r.Scenario, r.Total, r.Limit, r.Total-r.Limit)
		if r.Rolling != "" {
			fmt.Fprintf(&b, " while %s rolls", r.Rolling)
		}
		b.WriteString("\n")
	} else if r := demand.Worst(a.Demand); r.Limit > 0 {
		fmt.Fprintf(&b, "\nworst case %s: %d of %d connections (%d free)\n", r.Scenario, r.Total, r.Limit, r.Limit-r.Total)
	}
	for i, px := range a.Proxies {
		for _, r := range a.Demand {
			if pl := r.Proxies[i]; pl.FrontendPerInstance > pl.FrontendCap {
				worst := slices.MaxFunc(a.Demand, func(x, y demand.Result) int { return x.Proxies[i].Frontend - y.Proxies[i].Frontend }).Proxies[i]
				need := int(math.Ceil(float64(worst.Frontend) / (float64(worst.FrontendCap) * a.Headroom())))
				fmt.Fprintf(&b, "%s turns clients away first in the %s scenario: %d per instance against %s %d (%d over); %d instances keep every scenario under %.0f %% of it\n",
					px.Name, r.Scenario, pl.FrontendPerInstance, px.FrontendCapName(), pl.FrontendCap, pl.FrontendPerInstance-pl.FrontendCap, need, 100*a.Headroom())
				break
			}
		}
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
	if p == nil || (len(p.Server) == 0 && len(p.Pools) == 0 && len(a.AccountLimits) == 0 && len(p.ProxyRows) == 0) {
		return
	}
	fmt.Fprintf(b, "\nrecommendations (worst case: %s, %d connections):\n", p.Worst.Scenario, p.Worst.Total)
	if len(p.ProxyRows) > 0 {
		b.WriteString("  cap the proxy's backend connections:\n")
		for _, r := range p.ProxyRows {
			fmt.Fprintf(b, "    %s mysql_servers %s:%d hostgroup %d: max_connections %d -> %d (%s): %s\n",
				r.Proxy, r.Address, r.Port, r.Hostgroup, r.Current, r.Recommended, r.Where, r.Reason)
		}
	}
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
		if len(p.Pools) == 0 && len(p.ProxyRows) == 0 {
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
// ANSI styles for the plan table.
const (
	ansiReset   = "\x1b[0m"
	ansiRed     = "\x1b[31m"
	ansiBoldRed = "\x1b[1;31m"
	ansiYellow  = "\x1b[33m"
	ansiGreen   = "\x1b[32m"
)

// paintPlan colours a rendered plan table: the header of the scenario that
// breaks first bold red, and in the total, utilisation and bar rows each
// scenario's cell by its utilisation. Cells are found by the columns of
// the header, which the right-aligned table shares with every row; the
// table is ASCII but for labels, so columns are counted in runes.
func paintPlan(table string, rs []demand.Result, headroom float64) string {
	lines := strings.Split(table, "\n")
	if len(lines) == 0 {
		return table
	}
	header := []rune(lines[0])
	ends := make([]int, len(rs)) // rune index after each scenario's name
	from := 0
	for i, r := range rs {
		name := []rune(string(r.Scenario))
		for j := from; j+len(name) <= len(header); j++ {
			if string(header[j:j+len(name)]) == string(name) {
				ends[i], from = j+len(name), j+len(name)
				break
			}
		}
	}
	style := func(r demand.Result) string {
		switch u := r.Utilisation(); {
		case r.Limit <= 0:
			return ""
		case u > 1:
			return ansiRed
		case u > headroom:
			return ansiYellow
		default:
			return ansiGreen
		}
	}
	first, broke := firstBreak(rs)
	paint := func(line string, styleOf func(i int) string) string {
		rs := []rune(line)
		var out strings.Builder
		at := 0
		for i, end := range ends {
			st := styleOf(i)
			// A cell starts after the two or more spaces of padding
			// before it; a cell itself never holds two spaces in a row.
			start := min(end, len(rs))
			for start > 1 && !(rs[start-1] == ' ' && rs[start-2] == ' ') {
				start--
			}
			if st == "" || end > len(rs) || start >= end || start < at {
				continue
			}
			out.WriteString(string(rs[at:start]) + st + string(rs[start:end]) + ansiReset)
			at = end
		}
		out.WriteString(string(rs[at:]))
		return out.String()
	}
	lines[0] = paint(lines[0], func(i int) string {
		if broke && rs[i].Scenario == first.Scenario {
			return ansiBoldRed
		}
		return ""
	})
	for k := 1; k < len(lines); k++ {
		label := strings.TrimSpace(lines[k])
		if strings.HasPrefix(label, "total") || strings.HasPrefix(label, "utilisation") || label != "" && strings.Trim(label, "[#.!] ") == "" {
			lines[k] = paint(lines[k], func(i int) string { return style(rs[i]) })
		}
	}
	return strings.Join(lines, "\n")
}

func firstBreak(rs []demand.Result) (demand.Result, bool) {
	for _, r := range rs {
		if r.Limit > 0 && r.Total > r.Limit {
			return r, true
		}
	}
	return demand.Result{}, false
}
