package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/systemd"
	"github.com/conncap/conncap/planner"
	"github.com/conncap/conncap/planner/system"
)

func showCommand() *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "print the facts read and the values predicted, with their origins (--format json: stable schema)",
		ArgsUsage: "[PATH...]",
		Flags:     commonFlags(),
		Action: func(c *cli.Context) error {
			switch c.String("format") {
			case "text", "json":
			default:
				return usagef("--format: show prints text or json, not %q", c.String("format"))
			}
			ls, err := loadAll(c)
			if err != nil {
				return err
			}
			if c.String("format") == "json" {
				return writeShowJSON(c.App.Writer, ls)
			}
			return eachTarget(c.App.Writer, ls, func(l *loaded) error { return writeShowText(c.App.Writer, l.analysis) })
		},
	}
}

// showDoc is the stable JSON schema of `conncap show --format json`
// (documented in the README; fields are only ever added).
type showDoc struct {
	Server showServer `json:"server"`
	// Proxies are the ProxySQL tiers in front of the server (absent
	// without one).
	Proxies []showProxy `json:"proxies,omitempty"`
	Files   []showFile  `json:"files"`
	Notes   []string    `json:"notes"`
}

type showProxy struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"` // "proxysql" or "mysql-router"
	Source    string `json:"source"`
	Config    string `json:"config,omitempty"`
	Sidecar   bool   `json:"sidecar"`
	Instances int    `json:"instances"` // 0 for a sidecar: one per pod
	// FrontendCap is mysql-max_connections with its origin.
	FrontendCap showInt `json:"frontend_cap"`
	// Backends are the mysql_servers rows that reach this server.
	Backends []showBackend `json:"backends"`
	Services []string      `json:"services"`
}

type showBackend struct {
	Address        string  `json:"address"`
	Port           int     `json:"port"`
	Hostgroup      int     `json:"hostgroup"`
	Status         string  `json:"status"`
	MaxConnections showInt `json:"max_connections"`
}

type showFile struct {
	Path string `json:"path"`
	Kind string `json:"kind"` // "option-file", "unit", "drop-in"
}

type showServer struct {
	Flavor         string            `json:"flavor"`
	Version        string            `json:"version"`
	VersionSource  string            `json:"version_source"`
	Unit           *showUnit         `json:"unit"`
	NoFile         showNoFile        `json:"nofile"`
	CPUs           showInt           `json:"cpus"`
	Options        []showOption      `json:"options"`
	IgnoredOptions []showOption      `json:"ignored_options"`
	Configured     map[string]int64  `json:"configured"`
	ConfiguredFrom map[string]string `json:"configured_source"`
	Effective      map[string]int64  `json:"effective"`
	EffectiveFrom  map[string]string `json:"effective_source"`
	StartupRequest uint64            `json:"startup_request"`
	StartupLog     []string          `json:"startup_log"`
}

type showUnit struct {
	Name    string   `json:"name"`
	Path    string   `json:"path"`
	DropIns []string `json:"drop_ins"`
}

type showNoFile struct {
	Soft   int64  `json:"soft"` // -1: infinity
	Hard   int64  `json:"hard"` // -1: infinity
	Source string `json:"source"`
}

type showInt struct {
	Value  int    `json:"value"`
	Source string `json:"source"`
}

type showOption struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	HasValue bool   `json:"has_value"`
	Group    string `json:"group"` // "" for the command line
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Variable string `json:"variable"` // canonical name; "" when unknown
	Status   string `json:"status"`   // "set", "overridden", "unknown", "loose-unknown", "prefix", "ignored-group"
}

func limitJSON(n uint64) int64 {
	if n == systemd.Infinity {
		return -1
	}
	return int64(n)
}

// values lists a Values struct as name → value and name → origin.
func values(v system.Values) (map[string]int64, map[string]string) {
	fields := map[string]source.Value[int64]{
		"max_connections":            v.MaxConnections,
		"max_user_connections":       v.MaxUserConnections,
		"table_open_cache":           v.TableOpenCache,
		"table_open_cache_instances": v.TableOpenCacheInstances,
		"open_files_limit":           v.OpenFilesLimit,
		"wait_timeout":               v.WaitTimeout,
		"interactive_timeout":        v.InteractiveTimeout,
	}
	vals, from := map[string]int64{}, map[string]string{}
	for k, f := range fields {
		vals[k], from[k] = f.V, f.Origin.String()
	}
	return vals, from
}

func optionJSON(o *system.Option, status string) showOption {
	return showOption{Name: o.Name, Value: o.Value, HasValue: o.HasValue, Group: o.InGroup, File: o.Pos.Path,
		Line: o.Pos.Line, Column: o.Pos.Col, Variable: o.Res.Var.Name, Status: status}
}

func optionStatus(s *system.Server, o *system.Option) string {
	switch {
	case len(o.Res.Ambiguous) > 0 || (!o.Res.Known && !o.Res.Loose):
		return "unknown"
	case !o.Res.Known:
		return "loose-unknown"
	}
	if st, ok := s.Settings[o.Res.Var.Name]; ok && st.Last() != o {
		return "overridden"
	}
	if o.Res.PrefixMatch {
		return "prefix"
	}
	return "set"
}

func showData(a *planner.Analysis) showDoc {
	s := a.Server
	d := showDoc{Notes: append([]string{}, a.Notes...), Files: []showFile{}}
	if a.Facts.Options != nil {
		for _, f := range a.Facts.Options.Files {
			d.Files = append(d.Files, showFile{Path: f.Path, Kind: "option-file"})
		}
	}
	srv := showServer{
		Flavor: string(s.Version.V.Flavor), Version: s.Version.V.Version, VersionSource: s.Version.Origin.String(),
		NoFile:         showNoFile{Soft: limitJSON(s.NoFile.V.Soft), Hard: limitJSON(s.NoFile.V.Hard), Source: s.NoFile.Origin.String()},
		CPUs:           showInt{Value: s.CPUs.V, Source: s.CPUs.Origin.String()},
		Options:        []showOption{},
		IgnoredOptions: []showOption{},
		StartupRequest: s.Startup.Request,
		StartupLog:     append([]string{}, s.Startup.Log...),
	}
	if u := s.Unit; u != nil {
		srv.Unit = &showUnit{Name: u.Name, Path: u.Path, DropIns: append([]string{}, u.DropIns...)}
		d.Files = append(d.Files, showFile{Path: u.Path, Kind: "unit"})
		for _, p := range u.DropIns {
			d.Files = append(d.Files, showFile{Path: p, Kind: "drop-in"})
		}
	}
	for _, o := range s.Options {
		srv.Options = append(srv.Options, optionJSON(o, optionStatus(s, o)))
	}
	for _, o := range s.Ignored {
		srv.IgnoredOptions = append(srv.IgnoredOptions, optionJSON(o, "ignored-group"))
	}
	srv.Configured, srv.ConfiguredFrom = values(s.Configured)
	srv.Effective, srv.EffectiveFrom = values(s.Effective)
	d.Server = srv
	for _, px := range a.Proxies {
		sp := showProxy{Name: px.Name, Kind: px.Kind, Source: px.Pos.String(), Sidecar: px.Sidecar, Instances: px.Demand().Instances,
			FrontendCap: showInt{Value: px.FrontendCap(), Source: px.FrontendCapOrigin().String()},
			Backends:    []showBackend{}, Services: []string{}}
		if c := px.Config; c != nil {
			sp.Config = c.Path
			d.Files = append(d.Files, showFile{Path: c.Path, Kind: "proxysql"})
		}
		for _, b := range px.Backends {
			sp.Backends = append(sp.Backends, showBackend{Address: b.Address.V, Port: b.Port.V, Hostgroup: b.Hostgroup.V, Status: b.Status.V,
				MaxConnections: showInt{Value: b.MaxConnections.V, Source: b.MaxConnections.Origin.String()}})
		}
		for _, svc := range px.Services {
			sp.Services = append(sp.Services, svc.Name)
		}
		d.Proxies = append(d.Proxies, sp)
	}
	return d
}

// writeShowJSON writes the model; with targets, {"targets": [{"target":
// NAME, "show": SHOW}, …]}.
func writeShowJSON(w io.Writer, ls []*loaded) error {
	return writeTargetsJSON(w, ls, "show", showData)
}

func writeShowText(w io.Writer, a *planner.Analysis) error {
	d := showData(a)
	s := d.Server
	var b strings.Builder
	fmt.Fprintf(&b, "server: %s-%s (%s)\n", s.Flavor, s.Version, s.VersionSource)
	if s.Unit != nil {
		fmt.Fprintf(&b, "unit: %s (%s)\n", s.Unit.Name, s.Unit.Path)
		for _, p := range s.Unit.DropIns {
			fmt.Fprintf(&b, "  drop-in: %s\n", p)
		}
	} else {
		fmt.Fprintf(&b, "unit: none found\n")
	}
	fmt.Fprintf(&b, "nofile: %s (%s)\n", system.FormatLimit(a.Server.NoFile.V), s.NoFile.Source)
	fmt.Fprintf(&b, "cpus: %d (%s)\n", s.CPUs.Value, s.CPUs.Source)
	fmt.Fprintf(&b, "\noption files, in the order the server reads them:\n")
	n := 0
	for _, f := range d.Files {
		if f.Kind == "option-file" {
			fmt.Fprintf(&b, "  %s\n", f.Path)
			n++
		}
	}
	if n == 0 {
		fmt.Fprintf(&b, "  (none)\n")
	}
	fmt.Fprintf(&b, "\noptions the server reads:\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, o := range s.Options {
		grp := "[" + o.Group + "]"
		if o.Group == "" {
			grp = "(command line)"
		}
		val := o.Value
		if !o.HasValue {
			val = "(no value)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t= %s\t%s\n", source.Pos{Path: o.File, Line: o.Line, Col: o.Column}, grp, o.Name, val, o.Status)
	}
	tw.Flush()
	if len(s.IgnoredOptions) > 0 {
		fmt.Fprintf(&b, "\noptions in groups this server does not read: %d\n", len(s.IgnoredOptions))
	}
	fmt.Fprintf(&b, "\npredicted at startup (file request %d):\n", s.StartupRequest)
	tw = tabwriter.NewWriter(&b, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "  variable\tconfigured\teffective\t\n")
	names := []string{"max_connections", "max_user_connections", "table_open_cache", "table_open_cache_instances", "open_files_limit", "wait_timeout", "interactive_timeout"}
	for _, k := range names {
		fmt.Fprintf(tw, "  %s\t%d\t%d\t\n", k, s.Configured[k], s.Effective[k])
	}
	tw.Flush()
	fmt.Fprintf(&b, "\norigins:\n")
	for _, k := range names {
		fmt.Fprintf(&b, "  %s: %s\n", k, s.EffectiveFrom[k])
	}
	if len(s.StartupLog) > 0 {
		fmt.Fprintf(&b, "\nstartup log the server will print:\n")
		for _, l := range s.StartupLog {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	for _, px := range d.Proxies {
		inst := fmt.Sprintf("%d instances", px.Instances)
		if px.Sidecar {
			inst = "a sidecar in every pod"
		}
		fmt.Fprintf(&b, "\nproxy %s (%s, %s), in front of %s:\n", px.Name, px.Source, inst, strings.Join(px.Services, ", "))
		fmt.Fprintf(&b, "  kind: %s\n  clients per instance: at most %d (%s)\n", px.Kind, px.FrontendCap.Value, px.FrontendCap.Source)
		for _, be := range px.Backends {
			fmt.Fprintf(&b, "  to %s:%d, hostgroup %d, %s: at most %d per instance (%s)\n", be.Address, be.Port, be.Hostgroup, be.Status, be.MaxConnections.Value, be.MaxConnections.Source)
		}
	}
	for _, n := range d.Notes {
		fmt.Fprintf(&b, "\nnote: %s", n)
	}
	if len(d.Notes) > 0 {
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
