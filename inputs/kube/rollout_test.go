package kube_test

import (
	"testing"

	"github.com/conncap/conncap/inputs/kube"
	"github.com/conncap/conncap/inputs/source"
)

func strat(kind, typ, surge, unavailable string) kube.Strategy {
	return kube.Strategy{
		Kind:           kind,
		Type:           source.Value[string]{V: typ},
		MaxSurge:       source.Value[string]{V: surge},
		MaxUnavailable: source.Value[string]{V: unavailable},
	}
}

// TestSurge pins the rollout arithmetic against the Kubernetes
// controllers' rules (deployment util ResolveFenceposts, daemon util
// SurgeCount/UnavailableCount, StatefulSet getStatefulSetMaxUnavailable).
func TestSurge(t *testing.T) {
	tests := []struct {
		name              string
		s                 kube.Strategy
		replicas          int
		surge, unavailble int
	}{
		// Deployment: surge rounds up, unavailable rounds down.
		{"10 replicas 25%/25%", strat("Deployment", "RollingUpdate", "25%", "25%"), 10, 3, 2},
		{"1 replica 25%/25%", strat("Deployment", "RollingUpdate", "25%", "25%"), 1, 1, 0},
		{"both 0 → unavailable 1", strat("Deployment", "RollingUpdate", "0", "0"), 10, 0, 1},
		{"both round to 0 → unavailable 1", strat("Deployment", "RollingUpdate", "0%", "10%"), 5, 0, 1},
		{"50% of 3", strat("Deployment", "RollingUpdate", "50%", "50%"), 3, 2, 1},
		{"4 replicas", strat("Deployment", "RollingUpdate", "25%", "25%"), 4, 1, 1},
		{"40 replicas", strat("Deployment", "RollingUpdate", "25%", "25%"), 40, 10, 10},
		{"absolute", strat("Deployment", "RollingUpdate", "3", "1"), 10, 3, 1},
		{"absolute above replicas", strat("Deployment", "RollingUpdate", "5", "0"), 2, 5, 0},
		{"0 replicas", strat("Deployment", "RollingUpdate", "25%", "25%"), 0, 0, 1},
		{"default type is a rolling update", strat("Deployment", "", "1", "0"), 3, 1, 0},
		{"unset values count as 0", strat("Deployment", "RollingUpdate", "", ""), 3, 0, 1},
		{"recreate", strat("Deployment", "Recreate", "", ""), 6, 0, 6},
		// DaemonSet: both round up; both 0 with nodes → unavailable 1.
		{"daemonset defaults", strat("DaemonSet", "RollingUpdate", "0", "1"), 50, 0, 1},
		{"daemonset percentages round up", strat("DaemonSet", "RollingUpdate", "10%", "10%"), 15, 2, 2},
		{"daemonset both 0", strat("DaemonSet", "RollingUpdate", "0%", "0"), 3, 0, 1},
		{"daemonset no nodes", strat("DaemonSet", "RollingUpdate", "0", "0"), 0, 0, 0},
		{"daemonset on delete", strat("DaemonSet", "OnDelete", "", ""), 9, 0, 0},
		// StatefulSet: never surges; unavailable rounds down, at least 1.
		{"statefulset default", strat("StatefulSet", "RollingUpdate", "0", ""), 3, 0, 1},
		{"statefulset 50%", strat("StatefulSet", "RollingUpdate", "0", "50%"), 5, 0, 2},
		{"statefulset 10% of 3", strat("StatefulSet", "RollingUpdate", "0", "10%"), 3, 0, 1},
		{"statefulset on delete", strat("StatefulSet", "OnDelete", "", ""), 3, 0, 0},
		// No rollout.
		{"replicaset", kube.Strategy{Kind: "ReplicaSet"}, 3, 0, 0},
		{"job", kube.Strategy{Kind: "Job"}, 3, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			surge, unavailable, err := tc.s.Surge(tc.replicas)
			if err != nil {
				t.Fatalf("Surge(%d) error: %v", tc.replicas, err)
			}
			if surge != tc.surge || unavailable != tc.unavailble {
				t.Errorf("Surge(%d) = %d, %d; want %d, %d", tc.replicas, surge, unavailable, tc.surge, tc.unavailble)
			}
		})
	}
}

func TestSurgeErrors(t *testing.T) {
	for _, s := range []kube.Strategy{
		strat("Deployment", "RollingUpdate", "x", "1"),
		strat("Deployment", "RollingUpdate", "1", "25"+"%%"),
		strat("Deployment", "RollingUpdate", "-1", "0"),
		strat("Deployment", "Rolling", "1", "1"),
		strat("DaemonSet", "RollingUpdate", "1", "1.5"),
		strat("Deployment", "RollingUpdate", "99999999999%", "0"),
	} {
		if _, _, err := s.Surge(1 << 30); err == nil {
			t.Errorf("Surge(%+v) = nil error, want one", s)
		}
	}
	if _, _, err := strat("Deployment", "RollingUpdate", "1", "1").Surge(-1); err == nil {
		t.Error("Surge(-1) = nil error, want one")
	}
}

// TestSurgeFromManifest runs the arithmetic on parsed defaults: the
// reference's example, 4 replicas with maxSurge 25% and maxUnavailable 0.
func TestSurgeFromManifest(t *testing.T) {
	f := parseFile(t, "testdata/deployment-hpa.yaml")
	w := f.Objects[2].Workload
	surge, unavailable, err := w.Strategy.Surge(12) // at the HPA's maxReplicas
	if err != nil || surge != 3 || unavailable != 0 {
		t.Errorf("Surge(12) = %d, %d, %v; want 3, 0, nil", surge, unavailable, err)
	}
	d := parseFile(t, "testdata/keda.yaml").Objects[1].Workload // defaults 25%/25%
	if surge, unavailable, err := d.Strategy.Surge(10); err != nil || surge != 3 || unavailable != 2 {
		t.Errorf("default Surge(10) = %d, %d, %v; want 3, 2, nil", surge, unavailable, err)
	}
}
