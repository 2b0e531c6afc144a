package kube

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Surge returns how many pods a rollout may add above the desired count
// (surge) and take down below it (unavailable), for replicas desired pods
// (for a DaemonSet, the number of nodes it runs on), by the controllers' own
// rules:
//
//   - Deployment (deployment util ResolveFenceposts): a maxSurge percentage
//     rounds up, a maxUnavailable percentage rounds down, and when both come
//     to 0, unavailable becomes 1;
//   - DaemonSet (daemon util SurgeCount, UnavailableCount): both round up;
//     when both come to 0 and there are nodes, unavailable becomes 1;
//   - StatefulSet (getStatefulSetMaxUnavailable): no surge; maxUnavailable
//     (default 1) rounds down, at least 1. Without the
//     MaxUnavailableStatefulSet feature gate the controller replaces one pod
//     at a time whatever the field says;
//   - Recreate: no surge, all replicas down; OnDelete: nothing until pods
//     are deleted by hand; kinds without a rollout (ReplicaSet, Job,
//     CronJob, Pod): 0, 0.
//
// An empty MaxSurge or MaxUnavailable counts as 0, as ValueOrDefault makes
// it. A malformed value is an error.
func (s Strategy) Surge(replicas int) (surge, unavailable int, err error) {
	if replicas < 0 {
		return 0, 0, fmt.Errorf("negative replica count %d", replicas)
	}
	switch s.Type.V {
	case "Recreate":
		return 0, replicas, nil
	case "OnDelete":
		return 0, 0, nil
	case "", "RollingUpdate":
	default:
		return 0, 0, fmt.Errorf("unknown strategy type %q", s.Type.V)
	}
	switch s.Kind {
	case "Deployment":
		if surge, err = scaled(s.MaxSurge.V, replicas, true); err != nil {
			return 0, 0, fmt.Errorf("maxSurge: %w", err)
		}
		if unavailable, err = scaled(s.MaxUnavailable.V, replicas, false); err != nil {
			return 0, 0, fmt.Errorf("maxUnavailable: %w", err)
		}
		if surge == 0 && unavailable == 0 {
			unavailable = 1
		}
	case "DaemonSet":
		if surge, err = scaled(s.MaxSurge.V, replicas, true); err != nil {
			return 0, 0, fmt.Errorf("maxSurge: %w", err)
		}
		if unavailable, err = scaled(s.MaxUnavailable.V, replicas, true); err != nil {
			return 0, 0, fmt.Errorf("maxUnavailable: %w", err)
		}
		if replicas > 0 && surge == 0 && unavailable == 0 {
			unavailable = 1
		}
	case "StatefulSet":
		mu := s.MaxUnavailable.V
		if mu == "" {
			mu = "1"
		}
		if unavailable, err = scaled(mu, replicas, false); err != nil {
			return 0, 0, fmt.Errorf("maxUnavailable: %w", err)
		}
		unavailable = max(unavailable, 1)
	}
	return surge, unavailable, nil
}

// scaled resolves an IntOrString against total as apimachinery's
// GetScaledValueFromIntOrPercent does, float arithmetic included: an
// integer is itself, "N%" is N×total/100 rounded up or down.
func scaled(v string, total int, roundUp bool) (int, error) {
	if v == "" {
		return 0, nil
	}
	digits, pct := strings.CutSuffix(v, "%")
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0, fmt.Errorf("invalid value %q: want an integer or a percentage", v)
	}
	if n < 0 {
		return 0, fmt.Errorf("invalid value %q: negative", v)
	}
	if !pct {
		return n, nil
	}
	f := float64(n) * float64(total) / 100
	if roundUp {
		f = math.Ceil(f)
	} else {
		f = math.Floor(f)
	}
	if f > math.MaxInt32 {
		return 0, fmt.Errorf("invalid value %q: %s of %d is out of range", v, v, total)
	}
	return int(f), nil
}
