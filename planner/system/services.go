package system

import (
	"fmt"
	"path"
	"slices"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/config"
	"github.com/conncap/conncap/inputs/discover"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/planner/demand"
)

// Service is one application tier that connects to the server: a
// Kubernetes workload, a compose service, or one declared in .conncap.yaml.
type Service struct {
	Name string
	Kind string     // "Deployment", "StatefulSet", "compose", "declared", …
	Pos  source.Pos // where the tier is declared (its name)
	// Replicas is the steady instance count (for a DaemonSet: per node ×
	// nodes); MaxReplicas the autoscaler's maximum (= Replicas without
	// one); Surge the extra instances a rolling update adds.
	Replicas    source.Value[int]
	MaxReplicas source.Value[int]
	Surge       source.Value[int]
	// Pools are the pools one process of one instance opens.
	Pools []apps.Pool
	// Account is the MySQL user the tier logs in as, when known.
	Account source.Value[string]
	// Via is the proxy the tier connects through; nil for direct.
	Via *Proxy
	// Notes say how the numbers were found.
	Notes []string
}

// PerInstance is the connections one instance opens: Σ pool max × processes.
// unbounded is set when a pool has no upper bound; unknown when there is no
// pool at all, or a pool's size is set but cannot be known offline (a
// Secret, a non-constant expression): such a pool counts as 0.
func (s *Service) PerInstance() (n int, unbounded, unknown bool) {
	if len(s.Pools) == 0 {
		return 0, false, true
	}
	for _, p := range s.Pools {
		if p.Unbounded {
			unbounded = true
			continue
		}
		if UnknownSize(p) {
			unknown = true
			continue
		}
		procs := max(p.Processes.V, 1)
		n += p.Max.V * procs
	}
	return n, unbounded, false
}

// Demand returns the service as demand's arithmetic sees it.
func (s *Service) Demand() demand.Service {
	n, unb, unk := s.PerInstance()
	d := demand.Service{Name: s.Name, Replicas: s.Replicas.V, MaxReplicas: max(s.MaxReplicas.V, s.Replicas.V),
		Surge: s.Surge.V, PerInstance: n, Unbounded: unb, Unknown: unk}
	if s.Via != nil {
		d.Via = s.Via.Name
	}
	return d
}

// declaredService turns a .conncap.yaml service into a Service.
func declaredService(d config.Service) *Service {
	at := source.At(d.Pos)
	s := &Service{Name: d.Name, Kind: "declared", Pos: d.Pos,
		Replicas:    source.Value[int]{V: max(d.Instances, 1), Origin: at},
		MaxReplicas: source.Value[int]{V: max(d.MaxInstances, d.Instances, 1), Origin: at},
		Surge:       source.Value[int]{V: 0, Origin: source.Named("declared service: no rollout surge")},
	}
	if d.Pool > 0 {
		s.Pools = []apps.Pool{{Ecosystem: "declared", Name: d.Name, Declared: true,
			Max:       source.Value[int]{V: d.Pool, Origin: at},
			Processes: source.Value[int]{V: max(d.Processes, 1), Origin: at},
			MinIdle:   source.Value[int]{V: -1, Origin: at}}}
	}
	if d.Account != "" {
		s.Account = source.Value[string]{V: d.Account, Origin: at}
	}
	return s
}

// applyDeclared completes or adds services from the configuration: a
// declared service with the name of a found one overrides the numbers it
// gives; others are added.
func applyDeclared(found []*Service, decl []config.Service) []*Service {
	for _, d := range decl {
		var hit *Service
		for _, s := range found {
			if s.Name == d.Name {
				hit = s
				break
			}
		}
		if hit == nil {
			found = append(found, declaredService(d))
			continue
		}
		ds := declaredService(d)
		if d.Instances > 0 {
			hit.Replicas = ds.Replicas
		}
		if d.MaxInstances > 0 {
			hit.MaxReplicas = ds.MaxReplicas
		}
		if d.Pool > 0 {
			hit.Pools = ds.Pools
		}
		if d.Account != "" {
			hit.Account = ds.Account
		}
		hit.Notes = append(hit.Notes, fmt.Sprintf("numbers completed from %s", d.Pos))
	}
	return found
}

// Services returns the application tiers found in the facts, completed and
// extended by the declared ones, in a stable order.
func Services(f *discover.Facts, opt Options) []*Service {
	tiers := append(kubeTiers(f.Kube, opt.Nodes), composeTiers(f.Compose)...)
	used := attachPools(tiers, f.Apps)
	var found []*Service
	for _, t := range tiers {
		found = append(found, t.svc)
	}
	// Application configuration no manifest runs: one instance assumed.
	for _, a := range f.Apps {
		if used[a] {
			continue
		}
		s := &Service{Name: path.Base(a.Root), Kind: "app", Pos: source.Pos{Path: a.Files[0], Line: 1},
			Replicas:    source.Value[int]{V: 1, Origin: source.Named("no manifest runs it: 1 instance assumed")},
			MaxReplicas: source.Value[int]{V: 1, Origin: source.Named("no manifest runs it: 1 instance assumed")},
			Surge:       source.Value[int]{Origin: source.Named("no manifest: no surge")}}
		if s.Name == "." {
			s.Name = a.Ecosystem
		}
		ps, err := a.Pools(apps.EnvMap{})
		if err != nil {
			s.Notes = append(s.Notes, err.Error())
		}
		s.Pools, s.Account = ps, accountOf(ps)
		found = append(found, s)
	}
	return applyScale(applyDeclared(found, opt.Services), opt.Scale)
}

// applyScale sets the instance counts of --scale NAME=N: the steady count
// becomes N, the autoscaler's maximum at least N, and the rollout surge
// keeps its proportion.
func applyScale(services []*Service, scale map[string]int) []*Service {
	for _, s := range services {
		n, ok := scale[s.Name]
		if !ok {
			continue
		}
		origin := source.Named(fmt.Sprintf("flag --scale %s=%d", s.Name, n))
		if old := s.Replicas.V; old > 0 && s.Surge.V > 0 {
			s.Surge = source.Value[int]{V: (s.Surge.V*n + old - 1) / old, Origin: s.Surge.Origin}
		}
		s.Replicas = source.Value[int]{V: n, Origin: origin}
		if s.MaxReplicas.V < n {
			s.MaxReplicas = source.Value[int]{V: n, Origin: origin}
		}
	}
	return services
}

// UnknownScale returns the --scale names that match no service.
func UnknownScale(services []*Service, scale map[string]int) []string {
	var out []string
	for name := range scale {
		if !slices.ContainsFunc(services, func(s *Service) bool { return s.Name == name }) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// UnknownSize reports a pool whose size is set but not knowable offline
// (readers report it as Declared with Max 0 and the reason in the origin).
func UnknownSize(p apps.Pool) bool { return p.Declared && p.Max.V == 0 && !p.Unbounded }
