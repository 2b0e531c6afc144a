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
	got := demand.Compute(services, []demand.Consumer{{Name: "exporter", Connections: 1}, {Name: "replica", Connections: 2}}, 151)
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
	got := demand.Compute([]demand.Service{{Name: "go", Replicas: 2, MaxReplicas: 2, PerInstance: 2, Unbounded: true}}, nil, 0)
	if !got[0].Unbounded || got[0].Utilisation() != 0 || got[1].Rolling != "" {
		t.Errorf("unbounded, no limit, no surge: got %+v", got[:2])
	}
	if len(demand.Compute(nil, nil, 151)) != len(demand.Scenarios()) {
		t.Error("no services: want one (empty) result per scenario")
	}
}
