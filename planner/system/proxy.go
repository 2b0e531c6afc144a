package system

import (
	"cmp"
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/discover"
	"github.com/conncap/conncap/inputs/proxysql"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/planner/demand"
)

// Proxy is a proxy tier between some services and the server — ProxySQL,
// or an InnoDBCluster's MySQL Router — with how many instances run and,
// for ProxySQL, its configuration and which of its mysql_servers rows reach
// this server.
type Proxy struct {
	Name string
	// Kind is "proxysql"; "mysql-router" for an InnoDBCluster's MySQL
	// Router pods; "haproxy" for a PerconaXtraDBCluster's HAProxy pods. The
	// latter two pass each client connection through to a server connection
	// of its own (no multiplexing) and accept at most ClientCap clients each.
	Kind string
	// ClientCap is a pass-through proxy's client limit per instance:
	// Router's max_total_connections, HAProxy's global maxconn.
	ClientCap source.Value[int]
	Pos       source.Pos // the workload's name, or the configuration file
	// Config is the proxysql.cnf the proxy reads; nil when the inputs run a
	// ProxySQL image but hold no configuration for it.
	Config *proxysql.Config
	// Instances is how many ProxySQL processes run. A sidecar (Sidecar set)
	// runs one per pod of its workload, and Instances is then 0.
	Instances source.Value[int]
	Sidecar   bool
	// Backends are the mysql_servers rows of one backend that is this
	// server (the busiest when the rows name several), in the hostgroups
	// its users default to.
	Backends []proxysql.Server
	// Hosts are the names clients reach it by: its workload's name and
	// the Services that select its pods.
	Hosts []string
	// Services connect through the proxy.
	Services []*Service
	Notes    []string
}

// unlimited stands for a backend cap nothing in the inputs sets.
const unlimited = math.MaxInt32

// Capped reports whether the inputs bound the proxy's backend connections
// to this server (a proxysql.cnf with mysql_servers rows); BackendCap is
// meaningless otherwise.
func (p *Proxy) Capped() bool { return p.BackendCap() < unlimited }

// BackendCap is the most connections one instance opens to this server:
// Σ max_connections of its rows (OFFLINE_HARD rows get none), or a huge
// number when nothing caps them (see Capped).
func (p *Proxy) BackendCap() int {
	if p.Config == nil || len(p.Config.Servers) == 0 {
		return unlimited
	}
	n := 0
	for _, s := range p.Backends {
		if s.Status.V != "OFFLINE_HARD" {
			n += max(s.MaxConnections.V, 0)
		}
	}
	return n
}

// RouterMaxTotalConnections is MySQL Router's default
// max_total_connections (8.0.27 and later): the client connections one
// Router process accepts across its routes (reference §E.2).
const RouterMaxTotalConnections = 512

// PerconaHAProxyMaxConn is the global maxconn of the HAProxy configuration
// the Percona operator ships (reference §E.3).
const PerconaHAProxyMaxConn = 2048

// FrontendCap is the client connections one instance accepts:
// mysql-max_connections for ProxySQL, ClientCap for a pass-through proxy.
func (p *Proxy) FrontendCap() int { return p.frontendCap().V }

// FrontendCapOrigin says where FrontendCap comes from.
func (p *Proxy) FrontendCapOrigin() source.Origin { return p.frontendCap().Origin }

func (p *Proxy) frontendCap() source.Value[int] {
	switch {
	case p.Kind != "proxysql":
		return p.ClientCap
	case p.Config == nil:
		return source.Value[int]{V: proxysql.DefaultMaxConnections,
			Origin: source.Named("ProxySQL built-in default mysql-max_connections 10000 (no proxysql.cnf in the inputs)")}
	}
	return p.Config.MaxConnections
}

// FrontendCapName is the setting FrontendCap is, in the proxy's terms.
func (p *Proxy) FrontendCapName() string {
	switch p.Kind {
	case "mysql-router":
		return "max_total_connections"
	case "haproxy":
		return "maxconn"
	}
	return "mysql-max_connections"
}

// PassThrough reports a proxy that gives every client connection a server
// connection of its own.
func (p *Proxy) PassThrough() bool { return p.Kind == "mysql-router" || p.Kind == "haproxy" }

// Demand returns the proxy as demand's arithmetic sees it.
func (p *Proxy) Demand() demand.Proxy {
	n := p.Instances.V
	if p.Sidecar {
		n = 0
	}
	return demand.Proxy{Name: p.Name, Instances: n, BackendCap: p.BackendCap(), FrontendCap: p.FrontendCap()}
}

// User is the mysql_users row a service logs in as, if any.
func (p *Proxy) User(s *Service) (proxysql.User, bool) {
	if p.Config == nil {
		return proxysql.User{}, false
	}
	for _, u := range p.Config.Users {
		if u.Username.V == s.Account.V {
			return u, true
		}
	}
	return proxysql.User{}, false
}

// proxyTier is a workload or compose service that runs a ProxySQL image.
type proxyTier struct {
	name     string
	hosts    []string // the name and the Services selecting its pods
	pos      source.Pos
	file     string
	replicas source.Value[int]
	sidecar  bool // beside application containers in one pod
}

// proxyTiers finds the workloads that run ProxySQL.
func proxyTiers(f *discover.Facts) []proxyTier {
	var out []proxyTier
	if f.Kube != nil {
		for _, w := range f.Kube.Workloads {
			proxy, app := false, false
			for _, c := range w.Containers {
				switch {
				case discover.IsProxySQLImage(c.Image.V):
					proxy = true
				case discover.IsServerImage(c.Image.V), c.Init && !c.Sidecar:
				default:
					app = true
				}
			}
			if proxy {
				hosts := []string{strings.ToLower(w.Name)}
				for _, svc := range f.Kube.Services {
					if svc.Selects(w) && !slices.Contains(hosts, strings.ToLower(svc.Name)) {
						hosts = append(hosts, strings.ToLower(svc.Name))
					}
				}
				out = append(out, proxyTier{name: w.Name, hosts: hosts, pos: w.Pos, file: w.Pos.Path, replicas: w.Replicas, sidecar: app})
			}
		}
	}
	for _, cp := range f.Compose {
		for _, cs := range cp.Project.Services {
			if discover.IsProxySQLImage(cs.Image.V) {
				out = append(out, proxyTier{name: cs.Name, hosts: []string{strings.ToLower(cs.Name)}, pos: cs.Pos, file: cs.Pos.Path, replicas: cs.Replicas})
			}
		}
	}
	return out
}

// Proxies finds the proxy tiers in front of the server — ProxySQL
// workloads paired with their configuration files (a configuration no
// workload runs is one ProxySQL on a host), and the proxies operators run —
// routes the services that connect to them through them, and, for
// ProxySQL, picks the rows that reach this server.
func Proxies(f *discover.Facts, services []*Service) []*Proxy {
	tiers := proxyTiers(f)
	configs := slices.Clone(f.Proxies)
	var out []*Proxy
	for _, t := range tiers {
		p := &Proxy{Name: t.name, Kind: "proxysql", Hosts: t.hosts, Pos: t.pos, Sidecar: t.sidecar, Instances: t.replicas}
		if i := nearestConfig(t.file, configs, len(tiers)); i >= 0 {
			p.Config = configs[i]
			configs = slices.Delete(configs, i, i+1)
		} else {
			p.Notes = append(p.Notes, fmt.Sprintf("no proxysql.cnf for %s in the inputs: its limits are ProxySQL's defaults and its backend connections are not capped", t.name))
		}
		out = append(out, p)
	}
	for _, c := range configs {
		name := "proxysql"
		if len(configs) > 1 {
			name = "proxysql:" + path.Dir(c.Path)
		}
		out = append(out, &Proxy{Name: name, Kind: "proxysql", Pos: source.Pos{Path: c.Path}, Config: c,
			Instances: source.Value[int]{V: 1, Origin: source.Named("no manifest runs this ProxySQL: one instance assumed")}})
	}
	out = append(out, operatorProxies(f)...)
	servers := serverNames(f)
	for _, p := range out {
		for _, s := range services {
			if s.Via == nil && connectsTo(p, s) {
				s.Via = p
				p.Services = append(p.Services, s)
			}
		}
		if p.PassThrough() {
			continue // one server connection per client: nothing to pick
		}
		p.Backends, p.Notes = backendsTo(p, servers, p.Notes)
		if p.Config != nil {
			p.Notes = append(p.Notes, fmt.Sprintf("%s takes effect only when ProxySQL starts without proxysql.db (first start, --initial or --reload); check the runtime tables too", p.Config.Path))
		}
	}
	return out
}

// operatorProxies are the pass-through proxies operators run in front of
// their clusters. An InnoDBCluster's clients reach it through its MySQL
// Router pods, by the Service named after the cluster; a
// PerconaXtraDBCluster's through its HAProxy pods, by <cluster>-haproxy
// (and -replicas).
func operatorProxies(f *discover.Facts) []*Proxy {
	var out []*Proxy
	for _, sc := range f.ServerContainers {
		cl := sc.Cluster
		switch {
		case cl == nil:
		case cl.Operator == "mysql-operator" && cl.Routers.V > 0:
			out = append(out, &Proxy{Name: cl.Name + "-router", Kind: "mysql-router", Pos: cl.Pos,
				Hosts: []string{strings.ToLower(cl.Name)}, Instances: cl.Routers,
				ClientCap: source.Value[int]{V: RouterMaxTotalConnections,
					Origin: source.Named("MySQL Router default max_total_connections 512 (the operator's Router configuration is not in the inputs)")}})
		case cl.HAProxy != nil:
			hp := &Proxy{Name: cl.Name + "-haproxy", Kind: "haproxy", Pos: cl.HAProxy.Pos,
				Hosts:     []string{strings.ToLower(cl.Name) + "-haproxy", strings.ToLower(cl.Name) + "-haproxy-replicas"},
				Instances: cl.HAProxy.Instances,
				ClientCap: source.Value[int]{V: PerconaHAProxyMaxConn, Origin: source.Named("maxconn 2048 in the HAProxy configuration the Percona operator ships")}}
			if sc.HAProxy != nil && sc.HAProxy.MaxConn.V > 0 {
				hp.ClientCap = sc.HAProxy.MaxConn
			}
			out = append(out, hp)
		}
	}
	return out
}

// nearestConfig picks the configuration sharing the most directories with
// the workload's manifest, or the only one when there is one of each.
func nearestConfig(file string, configs []*proxysql.Config, tiers int) int {
	best, bestN := -1, 0
	for i, c := range configs {
		if n := commonDirs(file, path.Dir(c.Path)); n > bestN {
			best, bestN = i, n
		}
	}
	if best < 0 && len(configs) == 1 && tiers == 1 {
		return 0
	}
	return best
}

// connectsTo reports whether a service connects through the proxy: it is
// the proxy's own pod (a sidecar), or a pool's host names the proxy (its
// workload, a Service selecting it; for a proxy no manifest runs, a host
// called like ProxySQL).
func connectsTo(p *Proxy, s *Service) bool {
	if p.Sidecar {
		return s.Name == p.Name
	}
	for _, pl := range s.Pools {
		host := firstLabel(pl.Host.V)
		if host != "" && (slices.Contains(p.Hosts, host) || len(p.Hosts) == 0 && strings.Contains(host, "proxysql")) {
			return true
		}
	}
	return false
}

// firstLabel is a host name's first DNS label, without a port.
func firstLabel(host string) string {
	host, _, _ = strings.Cut(host, ":")
	host, _, _ = strings.Cut(host, ".")
	return strings.ToLower(host)
}

// serverNames are the names the server's containers answer to.
func serverNames(f *discover.Facts) []string {
	var out []string
	for _, c := range f.ServerContainers {
		out = append(out, strings.ToLower(c.Name))
	}
	return out
}

// namesServer reports whether a backend address is one of the server's
// names: the workload or compose service itself, a StatefulSet pod of it
// (mysql-0), or a pod under its headless service (mysql-0.mysql).
func namesServer(addr string, servers []string) bool {
	labels := strings.Split(strings.ToLower(addr), ".")
	for _, name := range servers {
		if labels[0] == name || len(labels) > 1 && labels[1] == name {
			return true
		}
		if rest, ok := strings.CutPrefix(labels[0], name+"-"); ok {
			if _, err := strconv.Atoi(rest); err == nil {
				return true
			}
		}
	}
	return false
}

// backendsTo picks the rows that reach this server, in the hostgroups the
// proxy's users' queries may reach (their default hostgroup and their query
// rules' destinations; every hostgroup when no user is known), and of those
// the backend with the largest cap.
func backendsTo(p *Proxy, servers []string, notes []string) ([]proxysql.Server, []string) {
	if p.Config == nil || len(p.Config.Servers) == 0 {
		return nil, notes
	}
	groups := map[int]bool{}
	for _, s := range p.Services {
		hgs, _ := p.Config.Hostgroups(s.Account.V)
		for _, hg := range hgs {
			groups[hg] = true
		}
	}
	type backend struct {
		addr string
		rows []proxysql.Server
		cap  int
	}
	var bs []*backend
	for _, row := range p.Config.Servers {
		if len(groups) > 0 && !groups[row.Hostgroup.V] {
			continue
		}
		if len(servers) > 0 && !namesServer(row.Address.V, servers) {
			continue
		}
		addr := fmt.Sprintf("%s:%d", row.Address.V, row.Port.V)
		i := slices.IndexFunc(bs, func(b *backend) bool { return b.addr == addr })
		if i < 0 {
			bs = append(bs, &backend{addr: addr})
			i = len(bs) - 1
		}
		bs[i].rows = append(bs[i].rows, row)
		if row.Status.V != "OFFLINE_HARD" {
			bs[i].cap += row.MaxConnections.V
		}
	}
	if len(bs) == 0 {
		return nil, append(notes, fmt.Sprintf("no mysql_servers row of %s reaches this server: its services send it nothing", p.Config.Path))
	}
	top := slices.MaxFunc(bs, func(a, b *backend) int { return cmp.Compare(a.cap, b.cap) })
	if len(bs) > 1 {
		notes = append(notes, fmt.Sprintf("%s names %d backends of this server; the busiest, %s (cap %d per ProxySQL), is the one checked", p.Config.Path, len(bs), top.addr, top.cap))
	}
	return top.rows, notes
}
