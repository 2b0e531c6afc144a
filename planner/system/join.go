package system

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/dburl"
	"github.com/conncap/conncap/inputs/discover"
	"github.com/conncap/conncap/inputs/kube"
	"github.com/conncap/conncap/inputs/source"
)

// tier is a workload or compose service before its pools are attached.
type tier struct {
	svc        *Service
	file       string // the manifest that declares it
	containers []tierContainer
}

type tierContainer struct {
	name string
	env  apps.Env
	cmd  []source.Value[string] // command then args, as the manifest writes them
}

// kubeTiers turns the Kubernetes workloads into tiers.
func kubeTiers(set *kube.Set, nodes int) []*tier {
	if set == nil {
		return nil
	}
	var out []*tier
	for _, w := range set.Workloads {
		t := &tier{file: w.Pos.Path, svc: &Service{Name: w.Name, Kind: w.Kind, Pos: w.Pos}}
		server := false
		for _, c := range w.Containers {
			if discover.IsServerImage(c.Image.V) {
				server = true
				continue
			}
			if discover.IsProxySQLImage(c.Image.V) {
				continue // a proxy, not an application (see Proxies)
			}
			if c.Init && !c.Sidecar {
				continue // runs before the app and exits
			}
			t.containers = append(t.containers, tierContainer{name: c.Name, env: c.EnvMap(), cmd: append(slices.Clone(c.Command), c.Args...)})
		}
		if server || len(t.containers) == 0 {
			continue
		}
		s := t.svc
		s.Replicas = w.Replicas
		switch w.Kind {
		case "DaemonSet":
			n := max(nodes, 1)
			s.Replicas = source.Value[int]{V: w.Replicas.V * n, Origin: source.Named(fmt.Sprintf("DaemonSet: one pod per node × %d nodes (--nodes)", n))}
		case "Job", "CronJob":
			s.Replicas = w.Parallelism
		}
		s.MaxReplicas = s.Replicas
		if a := set.AutoscalerFor(w); a != nil {
			s.MaxReplicas = a.Max
			s.Notes = append(s.Notes, fmt.Sprintf("autoscaled by %s %s to %d (%s)", a.Kind, a.Name, a.Max.V, a.Max.Origin))
		}
		s.Surge = source.Value[int]{V: 0, Origin: source.Named(w.Kind + ": no surge")}
		if w.Kind == "Deployment" && w.Strategy.Type.V != "Recreate" {
			if surge, _, err := w.Strategy.Surge(s.Replicas.V); err == nil {
				s.Surge = source.Value[int]{V: surge, Origin: w.Strategy.MaxSurge.Origin}
			}
		}
		out = append(out, t)
	}
	return out
}

// composeTiers turns compose services into tiers.
func composeTiers(projects []*discover.ComposeProject) []*tier {
	var out []*tier
	for _, cp := range projects {
		for _, cs := range cp.Project.Services {
			if discover.IsServerImage(cs.Image.V) || discover.IsProxySQLImage(cs.Image.V) {
				continue
			}
			s := &Service{Name: cs.Name, Kind: "compose", Pos: cs.Pos, Replicas: cs.Replicas, MaxReplicas: cs.Replicas,
				Surge: source.Value[int]{Origin: source.Named("compose recreates containers: no surge")}}
			out = append(out, &tier{svc: s, file: cs.Pos.Path,
				containers: []tierContainer{{name: cs.Name, env: cs.Env(cp.EnvFiles[cs.Name]...), cmd: append(slices.Clone(cs.Entrypoint), cs.Command...)}}})
		}
	}
	return out
}

// commonDirs counts the leading directories two paths share.
func commonDirs(a, b string) int {
	da, db := strings.Split(path.Dir(a), "/"), strings.Split(b, "/")
	n := 0
	for n < len(da) && n < len(db) && da[n] == db[n] && da[n] != "." {
		n++
	}
	return n
}

// appsFor picks the application configurations a tier runs: those whose
// root is named like the tier or one of its containers, else those under
// the deepest directory the tier's manifest shares with them, else the
// only application when there is exactly one.
func appsFor(t *tier, all []*discover.App, tiers int) []*discover.App {
	var named []*discover.App
	for _, a := range all {
		base := path.Base(a.Root)
		if base == t.svc.Name || slices.ContainsFunc(t.containers, func(c tierContainer) bool { return c.name == base }) {
			named = append(named, a)
		}
	}
	if len(named) > 0 {
		return named
	}
	best, bestN := []*discover.App(nil), 0
	for _, a := range all {
		switch n := commonDirs(t.file, a.Root); {
		case n > bestN:
			best, bestN = []*discover.App{a}, n
		case n == bestN && n > 0:
			best = append(best, a)
		}
	}
	if bestN > 0 {
		return best
	}
	if len(all) == 1 && tiers == 1 {
		return all
	}
	return nil
}

// attachPools resolves each tier's pools against its containers' env.
func attachPools(tiers []*tier, all []*discover.App) (used map[*discover.App]bool) {
	used = map[*discover.App]bool{}
	for _, t := range tiers {
		for _, c := range t.containers {
			var pools []apps.Pool
			for _, a := range appsFor(t, all, len(tiers)) {
				used[a] = true
				ps, err := a.PoolsFor(c.env, c.cmd)
				if err != nil {
					t.svc.Notes = append(t.svc.Notes, fmt.Sprintf("%s configuration under %s: %v", a.Ecosystem, a.Root, err))
					continue
				}
				pools = append(pools, ps...)
			}
			if len(pools) == 0 {
				pools = dburl.PoolsFromEnv(c.env)
			}
			t.svc.Pools = append(t.svc.Pools, pools...)
		}
		t.svc.Account = accountOf(t.svc.Pools)
		for _, c := range t.containers {
			if t.svc.Account.V == "" {
				t.svc.Account = envAccount(c.env)
			}
		}
	}
	return used
}

// accountOf is the user the first pool that names one logs in as.
func accountOf(pools []apps.Pool) source.Value[string] {
	for _, p := range pools {
		if p.User.V != "" {
			return p.User
		}
	}
	return source.Value[string]{}
}

// userEnvNames are environment variables that name the database user.
var userEnvNames = []string{"SPRING_DATASOURCE_USERNAME", "DB_USER", "DB_USERNAME", "DATABASE_USER", "DATABASE_USERNAME", "MYSQL_USER", "MARIADB_USER"}

// envAccount is the user a container's environment names.
func envAccount(env apps.Env) source.Value[string] {
	for _, n := range userEnvNames {
		if v, ok := env.Lookup(n); ok && !v.Unknown && v.Value.V != "" {
			return v.Value
		}
	}
	return source.Value[string]{}
}
