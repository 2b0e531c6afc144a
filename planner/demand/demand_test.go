package demand_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/planner/demand"
)

type total struct {
	Scenario demand.Scenario
	Total    int
	Rolling  string
}

func totals(rs []demand.Result) []total {
	var out []total
	for _, r := range rs {
		out = append(out, total{r.Scenario, r.Total, r.Rolling})
	}
	return out
}

func TestCompute(t *testing.T) {
	// The seed incident: 24 pods (HPA max 30) × Hikari 10, rolling 25 % surge
	// (6 pods), plus a worker tier of 4 × 5 with surge 1, and 3 fixed.
	services := []demand.Service{
		{Name: "api", Replicas: 24, MaxReplicas: 30, Surge: 6, PerInstance: 10},
		{Name: "worker", Replicas: 4, MaxReplicas: 4, Surge: 1, PerInstance: 5},
	}
	got := demand.Compute(services, nil, []demand.Consumer{{Name: "exporter", Connections: 1}, {Name: "replica", Connections: 2}}, 151)
	want := []total{
		{demand.Steady, 240 + 20 + 3, ""},
		{demand.Rollout, 240 + 60 + 20 + 3, "api"},
		{demand.RolloutAll, 240 + 60 + 20 + 5 + 3, ""},
		{demand.Autoscale, 300 + 20 + 3, ""},
	}
	if diff := cmp.Diff(want, totals(got)); diff != "" {
		t.Errorf("Compute() mismatch (-want +got):\n%s", diff)
	}
	if u := got[0].Utilisation(); u < 1.74 || u > 1.75 {
		t.Errorf("steady utilisation = %v, want 263/151", u)
	}
	if w := demand.Worst(got); w.Scenario != demand.RolloutAll {
		t.Errorf("Worst() = %s, want rollout-all (328 > 323)", w.Scenario)
	}
}

func TestComputeEdges(t *testing.T) {
	got := demand.Compute([]demand.Service{{Name: "go", Replicas: 2, MaxReplicas: 2, PerInstance: 2, Unbounded: true}}, nil, nil, 0)
	if !got[0].Unbounded || got[0].Utilisation() != 0 || got[1].Rolling != "" {
		t.Errorf("unbounded, no limit, no surge: got %+v", got[:2])
	}
	if len(demand.Compute(nil, nil, nil, 151)) != len(demand.Scenarios()) {
		t.Error("no services: want one (empty) result per scenario")
	}
}

func TestComputeThroughProxy(t *testing.T) {
	// 24 pods × 10 reach two ProxySQL instances capped at 50 backend
	// connections each; a sidecar proxy (one per pod, cap 3) fronts 4 × 5
	// workers; an unbounded Go pool behind the first proxy is bounded by it.
	services := []demand.Service{
		{Name: "api", Replicas: 24, MaxReplicas: 30, Surge: 6, PerInstance: 10, Via: "proxysql"},
		{Name: "worker", Replicas: 4, MaxReplicas: 4, PerInstance: 5, Via: "sidecar"},
		{Name: "cron", Replicas: 1, MaxReplicas: 1, PerInstance: 2},
	}
	proxies := []demand.Proxy{
		{Name: "proxysql", Instances: 2, BackendCap: 50, FrontendCap: 2048},
		{Name: "sidecar", BackendCap: 3, FrontendCap: 2048},
	}
	got := demand.Compute(services, proxies, nil, 151)
	steady := got[0]
	want := []demand.ProxyLine{
		{Proxy: "proxysql", Instances: 2, Frontend: 240, FrontendPerInstance: 120, FrontendCap: 2048, Backend: 100, BackendCap: 100},
		{Proxy: "sidecar", Instances: 4, Frontend: 20, FrontendPerInstance: 5, FrontendCap: 2048, Backend: 12, BackendCap: 12},
	}
	if diff := cmp.Diff(want, steady.Proxies); diff != "" {
		t.Errorf("steady proxies mismatch (-want +got):\n%s", diff)
	}
	if steady.Total != 100+12+2 {
		t.Errorf("steady total = %d, want 114 (backends + the direct cron)", steady.Total)
	}
	small := demand.Compute([]demand.Service{{Name: "api", Replicas: 2, MaxReplicas: 2, PerInstance: 10, Via: "p"}},
		[]demand.Proxy{{Name: "p", Instances: 1, BackendCap: 1000}}, nil, 151)
	if small[0].Total != 20 {
		t.Errorf("frontend below the cap: total = %d, want 20 (every session may pin a backend)", small[0].Total)
	}
	refused := demand.Compute([]demand.Service{{Name: "api", Replicas: 10, MaxReplicas: 10, PerInstance: 10, Via: "p"}},
		[]demand.Proxy{{Name: "p", Instances: 1, BackendCap: 1000, FrontendCap: 50}}, nil, 151)
	if refused[0].Total != 50 {
		t.Errorf("frontend past mysql-max_connections: total = %d, want 50 (the rest are refused by the proxy)", refused[0].Total)
	}
	unb := demand.Compute([]demand.Service{{Name: "go", Replicas: 2, MaxReplicas: 2, Unbounded: true, Via: "p"}},
		[]demand.Proxy{{Name: "p", Instances: 3, BackendCap: 40}}, nil, 151)
	if unb[0].Total != 120 || unb[0].Unbounded {
		t.Errorf("unbounded behind a proxy: total %d unbounded %v, want 120 bounded by the proxy", unb[0].Total, unb[0].Unbounded)
	}
}
