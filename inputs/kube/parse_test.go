package kube_test

import (
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/kube"
	"github.com/conncap/conncap/inputs/source"
)

// in returns helpers that build positions and values in one file.
func in(path string) (at func(line, col int) source.Pos, s func(v string, line, col int) source.Value[string], n func(v, line, col int) source.Value[int]) {
	at = func(line, col int) source.Pos { return source.Pos{Path: path, Line: line, Col: col} }
	s = func(v string, line, col int) source.Value[string] {
		return source.Value[string]{V: v, Origin: source.At(at(line, col))}
	}
	n = func(v, line, col int) source.Value[int] {
		return source.Value[int]{V: v, Origin: source.At(at(line, col))}
	}
	return at, s, n
}

func namedS(v, note string) source.Value[string] {
	return source.Value[string]{V: v, Origin: source.Named(note)}
}

func namedN(v int, note string) source.Value[int] {
	return source.Value[int]{V: v, Origin: source.Named(note)}
}

var notSet = namedS("", "not set")

func ptr[T any](v T) *T { return &v }

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return src
}

func parseFile(t *testing.T, path string) *kube.File {
	t.Helper()
	f, err := kube.Parse(path, mustRead(t, path))
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	checkPositions(t, f, mustRead(t, path))
	return f
}

var cmpOpts = cmp.Options{cmpopts.EquateEmpty()}

// TestParseDeploymentHPA pins every fact of a realistic Deployment with an
// HPA and two ConfigMaps, positions included, as Parse reports them before
// Resolve (ConfigMap references still unknown).
func TestParseDeploymentHPA(t *testing.T) {
	const path = "testdata/deployment-hpa.yaml"
	at, s, n := in(path)
	want := &kube.File{Path: path, Objects: []kube.Object{
		{
			FirstLine: 1, LastLine: 10,
			APIVersion: "v1", Kind: "ConfigMap", Name: "orders-env", Namespace: "shop", Pos: at(5, 9),
			ConfigMap: &kube.ConfigMap{Name: "orders-env", Namespace: "shop", Pos: at(5, 9), Data: map[string]source.Value[string]{
				"SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE": s("30", 8, 45),
				"DB_HOST": s("mysql.db.svc", 9, 12),
				"DB_PORT": s("3306", 10, 12),
			}},
		},
		{
			FirstLine: 12, LastLine: 18,
			APIVersion: "v1", Kind: "ConfigMap", Name: "orders-pool", Namespace: "shop", Pos: at(15, 9),
			ConfigMap: &kube.ConfigMap{Name: "orders-pool", Namespace: "shop", Pos: at(15, 9), Data: map[string]source.Value[string]{
				"pool-max": s("15", 18, 13),
			}},
		},
		{
			FirstLine: 20, LastLine: 71,
			APIVersion: "apps/v1", Kind: "Deployment", Name: "orders", Namespace: "shop", Pos: at(23, 9),
			Labels:      map[string]string{"app": "orders"},
			Annotations: map[string]source.Value[string]{"conncap.io/pool": s("15", 28, 22)},
			Workload: &kube.Workload{
				Kind: "Deployment", Name: "orders", Namespace: "shop", Pos: at(23, 9), PodLabels: map[string]string{"app": "orders"},
				Replicas: n(4, 30, 13), ReplicasSet: true,
				Strategy: kube.Strategy{
					Kind:           "Deployment",
					Type:           s("RollingUpdate", 32, 11),
					MaxSurge:       s("25%", 33, 31),
					MaxUnavailable: s("0", 33, 52),
				},
				PodAnnotations: map[string]source.Value[string]{"prometheus.io/scrape": s("true", 42, 31)},
				Containers: []kube.Container{
					{
						Name: "app", Pos: at(53, 15),
						Image: s("orders:1.4", 54, 16),
						Args:  []source.Value[string]{s("--spring.profiles.active=prod", 55, 16)},
						EnvFrom: []kube.EnvFromSource{
							{Kind: "ConfigMap", Name: "orders-env", Pos: at(57, 32)},
						},
						EnvSpec: []kube.EnvSource{
							{Name: s("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", 59, 17), From: &kube.ValueFrom{Kind: "configMapKeyRef", Name: "orders-pool", Key: "pool-max", Pos: at(61, 30)}},
							{Name: s("SPRING_PROFILES_ACTIVE", 62, 17), Value: ptr(s("prod", 63, 18))},
							{Name: s("DB_PASSWORD", 64, 17), From: &kube.ValueFrom{Kind: "secretKeyRef", Name: "orders-db", Key: "password", Pos: at(66, 27)}},
							{Name: s("SPRING_DATASOURCE_URL", 67, 17), Value: ptr(s("jdbc:mysql://$(DB_HOST):$(DB_PORT)/orders", 68, 18))},
						},
						Env: []apps.EnvVar{
							{Name: "SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", Unknown: true, Value: source.Value[string]{Origin: source.Origin{Pos: at(61, 30), Note: "ConfigMap orders-pool key pool-max"}}},
							{Name: "SPRING_PROFILES_ACTIVE", Value: s("prod", 63, 18)},
							{Name: "DB_PASSWORD", Unknown: true, Value: source.Value[string]{Origin: source.Origin{Pos: at(66, 27), Note: "Secret orders-db key password"}}},
							// $(DB_HOST) may come from the unresolved envFrom: unknown until Resolve.
							{Name: "SPRING_DATASOURCE_URL", Unknown: true, Value: s("jdbc:mysql://$(DB_HOST):$(DB_PORT)/orders", 68, 18)},
						},
						CPURequest: s("500m", 70, 27), MemoryRequest: s("1Gi", 70, 41),
						CPULimit: s("2", 71, 25), MemoryLimit: s("2Gi", 71, 38),
					},
					{
						Name: "migrate", Pos: at(45, 15), Init: true,
						Image:    s("orders-migrate:1.4", 46, 16),
						Command:  []source.Value[string]{s("/bin/migrate", 47, 19), s("up", 47, 35)},
						CPULimit: notSet, CPURequest: notSet, MemoryLimit: notSet, MemoryRequest: notSet,
					},
					{
						Name: "cloud-sql-proxy", Pos: at(48, 15), Init: true, Sidecar: true,
						Image:    s("gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.8.0", 49, 16),
						Args:     []source.Value[string]{s("--max-connections=50", 51, 16), s("project:region:db", 51, 40)},
						CPULimit: notSet, CPURequest: notSet, MemoryLimit: notSet, MemoryRequest: notSet,
					},
				},
			},
		},
		{
			FirstLine: 73, LastLine: 89,
			APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler", Name: "orders", Namespace: "shop", Pos: at(76, 9),
			Autoscaler: &kube.Autoscaler{
				Kind: "HorizontalPodAutoscaler", Name: "orders", Namespace: "shop", Pos: at(76, 9),
				TargetKind: "Deployment", TargetName: "orders",
				Min: n(4, 83, 16), Max: n(12, 84, 16),
			},
		},
	}}
	got := parseFile(t, path)
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
	}
}

// TestParseWorkloads pins the workload view of each other fixture. Defaults
// carry Named origins; containers are checked by TestParseDeploymentHPA.
func TestParseWorkloads(t *testing.T) {
	ignoreContainers := cmpopts.IgnoreFields(kube.Workload{}, "Containers")
	tests := []struct {
		path string
		want func(at func(int, int) source.Pos, s func(string, int, int) source.Value[string], n func(int, int, int) source.Value[int]) []*kube.Workload
	}{
		{"testdata/statefulset.yaml", func(at func(int, int) source.Pos, s func(string, int, int) source.Value[string], n func(int, int, int) source.Value[int]) []*kube.Workload {
			return []*kube.Workload{{
				Kind: "StatefulSet", Name: "mysql", Pos: at(5, 9), PodLabels: map[string]string{"app": "mysql"},
				Replicas: n(3, 11, 13), ReplicasSet: true,
				Strategy: kube.Strategy{
					Kind:           "StatefulSet",
					Type:           s("RollingUpdate", 13, 11),
					MaxSurge:       namedS("0", "a StatefulSet never surges"),
					MaxUnavailable: namedS("1", "Kubernetes default maxUnavailable 1"),
					Partition:      n(1, 15, 18),
				},
			}}
		}},
		{"testdata/daemonset.yaml", func(at func(int, int) source.Pos, s func(string, int, int) source.Value[string], n func(int, int, int) source.Value[int]) []*kube.Workload {
			return []*kube.Workload{{
				Kind: "DaemonSet", Name: "node-exporter-mysql", Namespace: "monitoring", Pos: at(4, 9), PodLabels: map[string]string{"app": "node-agent"},
				Replicas: namedN(1, "DaemonSet: one pod per node"), PerNode: true,
				Strategy: kube.Strategy{
					Kind:           "DaemonSet",
					Type:           namedS("RollingUpdate", "Kubernetes default updateStrategy RollingUpdate"),
					MaxSurge:       s("1", 12, 17),
					MaxUnavailable: s("0", 13, 23),
				},
			}}
		}},
		{"testdata/cronjob.yaml", func(at func(int, int) source.Pos, s func(string, int, int) source.Value[string], n func(int, int, int) source.Value[int]) []*kube.Workload {
			return []*kube.Workload{
				{
					Kind: "CronJob", Name: "nightly-report", Namespace: "shop", Pos: at(4, 9),
					Replicas:          namedN(1, "CronJob: its pods at once are its jobs' parallelism"),
					Strategy:          kube.Strategy{Kind: "CronJob"},
					ConcurrencyPolicy: s("Forbid", 8, 22),
					Parallelism:       n(5, 11, 20),
					Completions:       n(20, 12, 20), CompletionsSet: true,
				},
				{
					Kind: "Job", Name: "reindex", Namespace: "shop", Pos: at(26, 9),
					Replicas:    namedN(1, "Job: its pods at once are its parallelism"),
					Strategy:    kube.Strategy{Kind: "Job"},
					Parallelism: n(3, 29, 16),
					Completions: namedN(0, "completions not set: a work-queue Job"),
				},
			}
		}},
		{"testdata/keda.yaml", func(at func(int, int) source.Pos, s func(string, int, int) source.Value[string], n func(int, int, int) source.Value[int]) []*kube.Workload {
			return []*kube.Workload{{
				Kind: "Deployment", Name: "worker", Namespace: "shop", Pos: at(19, 9), PodLabels: map[string]string{"app": "worker"},
				Replicas: namedN(1, "Kubernetes default replicas 1"),
				Strategy: kube.Strategy{
					Kind:           "Deployment",
					Type:           namedS("RollingUpdate", "Kubernetes default strategy RollingUpdate"),
					MaxSurge:       namedS("25%", "Kubernetes default maxSurge 25%"),
					MaxUnavailable: namedS("25%", "Kubernetes default maxUnavailable 25%"),
				},
			}}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			f := parseFile(t, tc.path)
			var got []*kube.Workload
			for _, o := range f.Objects {
				if o.Workload != nil {
					got = append(got, o.Workload)
				}
			}
			if diff := cmp.Diff(tc.want(in(tc.path)), got, cmpOpts, ignoreContainers); diff != "" {
				t.Errorf("Parse() workloads mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAutoscalers(t *testing.T) {
	tests := []struct {
		path string
		want func(at func(int, int) source.Pos, n func(int, int, int) source.Value[int]) *kube.Autoscaler
	}{
		{"testdata/keda.yaml", func(at func(int, int) source.Pos, n func(int, int, int) source.Value[int]) *kube.Autoscaler {
			return &kube.Autoscaler{
				Kind: "ScaledObject", Name: "worker", Namespace: "shop", Pos: at(4, 9),
				TargetKind: "Deployment", TargetName: "worker",
				Min: namedN(0, "KEDA default minReplicaCount 0"),
				Max: namedN(100, "KEDA default maxReplicaCount 100"),
			}
		}},
		{"testdata/helm-template.yaml", func(at func(int, int) source.Pos, n func(int, int, int) source.Value[int]) *kube.Autoscaler {
			return &kube.Autoscaler{
				Kind: "HorizontalPodAutoscaler", Name: "release-name-shop", Pos: at(63, 9),
				TargetKind: "Deployment", TargetName: "release-name-shop",
				Min: n(2, 69, 16), Max: n(20, 70, 16),
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			f := parseFile(t, tc.path)
			var got *kube.Autoscaler
			for _, o := range f.Objects {
				if o.Autoscaler != nil {
					got = o.Autoscaler
				}
			}
			at, _, n := in(tc.path)
			if diff := cmp.Diff(tc.want(at, n), got); diff != "" {
				t.Errorf("Parse() autoscaler mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseKinds pins which objects each fixture yields, in order, with the
// helm "# Source:" comment where there is one.
func TestParseKinds(t *testing.T) {
	type obj struct{ Kind, Name, Source string }
	tests := []struct {
		path string
		want []obj
	}{
		{"testdata/list.yaml", []obj{{"Deployment", "api", ""}, {"Service", "api", ""}}},
		{"testdata/helm-template.yaml", []obj{
			{"ServiceAccount", "release-name-shop", "shop/templates/serviceaccount.yaml"},
			{"ConfigMap", "release-name-shop", "shop/templates/configmap.yaml"},
			{"Deployment", "release-name-shop", "shop/templates/deployment.yaml"},
			{"HorizontalPodAutoscaler", "release-name-shop", "shop/templates/hpa.yaml"},
		}},
		{"testdata/cronjob.yaml", []obj{{"CronJob", "nightly-report", ""}, {"Job", "reindex", ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			var got []obj
			for _, o := range parseFile(t, tc.path).Objects {
				got = append(got, obj{o.Kind, o.Name, o.Source})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse() objects mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseList checks a `kubectl get -o yaml` List: the live replicas of
// its items are read, status is ignored.
func TestParseList(t *testing.T) {
	const path = "testdata/list.yaml"
	at, s, n := in(path)
	f := parseFile(t, path)
	w := f.Objects[0].Workload
	if w == nil {
		t.Fatal("Parse(): List item 0 has no workload view")
	}
	want := &kube.Workload{
		Kind: "Deployment", Name: "api", Namespace: "default", Pos: at(12, 11), PodLabels: map[string]string{"app": "api"},
		Replicas: n(9, 18, 15), ReplicasSet: true,
		Strategy: kube.Strategy{Kind: "Deployment", Type: s("RollingUpdate", 27, 13), MaxSurge: s("25%", 25, 19), MaxUnavailable: s("25%", 26, 25)},
		Containers: []kube.Container{{
			Name: "api", Pos: at(40, 17), Image: s("api:5.2", 38, 18),
			EnvSpec:  []kube.EnvSource{{Name: s("DB_POOL_MAX", 36, 19), Value: ptr(s("20", 37, 20))}},
			Env:      []apps.EnvVar{{Name: "DB_POOL_MAX", Value: s("20", 37, 20)}},
			CPULimit: notSet, CPURequest: notSet, MemoryLimit: notSet, MemoryRequest: notSet,
		}},
	}
	if diff := cmp.Diff(want, w, cmpOpts); diff != "" {
		t.Errorf("Parse() List item mismatch (-want +got):\n%s", diff)
	}
}

// TestParseNotKubernetes: other YAML and unrendered templates give
// ErrNotKubernetes, never another error.
func TestParseNotKubernetes(t *testing.T) {
	for _, path := range []string{
		"testdata/github-workflow.yaml",
		"testdata/helm-chart/templates/deployment.yaml",
		"testdata/helm-chart/templates/hpa.yaml",
		"testdata/helm-chart/templates/configmap.yaml",
	} {
		t.Run(path, func(t *testing.T) {
			f, err := kube.Parse(path, mustRead(t, path))
			if !errors.Is(err, kube.ErrNotKubernetes) {
				t.Fatalf("Parse() error = %v, want ErrNotKubernetes", err)
			}
			if f != nil {
				t.Errorf("Parse() file = %+v, want nil", f)
			}
		})
	}
	for _, src := range []string{"", "\n", "---\n---\n", "# only a comment\n", "~\n", "- a\n- b\n", "kind: Deployment\n", "apiVersion: v1\nkind: List\nitems: []\n"} {
		if _, err := kube.Parse("x.yaml", []byte(src)); !errors.Is(err, kube.ErrNotKubernetes) {
			t.Errorf("Parse(%q) error = %v, want ErrNotKubernetes", src, err)
		}
	}
}

// TestParseInline covers forms the fixtures do not.
func TestParseInline(t *testing.T) {
	const path = "m.yaml"
	at, s, n := in(path)
	tests := []struct {
		name, src string
		want      *kube.Workload
	}{
		{
			name: "recreate",
			src:  "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: 2\n  strategy: {type: Recreate}\n",
			want: &kube.Workload{Kind: "Deployment", Name: "a", Pos: at(3, 18), Replicas: n(2, 5, 13), ReplicasSet: true,
				Strategy: kube.Strategy{Kind: "Deployment", Type: s("Recreate", 6, 20)}},
		},
		{
			name: "replicas 3.0 is 3 in kubectl's JSON",
			src:  "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: a}\nspec: {replicas: 3.0}\n",
			want: &kube.Workload{Kind: "ReplicaSet", Name: "a", Pos: at(3, 18), Replicas: n(3, 4, 18), ReplicasSet: true,
				Strategy: kube.Strategy{Kind: "ReplicaSet"}},
		},
		{
			// yaml.v3 places an anchored node at its anchor: "&n 5" is at the "&".
			name: "replicas through an alias points at the anchored value",
			src:  "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  minReadySeconds: &n 5\n  strategy: {rollingUpdate: {maxSurge: 0}}\n  replicas: *n\n",
			want: &kube.Workload{Kind: "Deployment", Name: "a", Pos: at(3, 18), Replicas: n(5, 5, 20), ReplicasSet: true,
				Strategy: kube.Strategy{Kind: "Deployment", Type: namedS("RollingUpdate", "Kubernetes default strategy RollingUpdate"),
					MaxSurge: s("0", 6, 40), MaxUnavailable: namedS("25%", "Kubernetes default maxUnavailable 25%")}},
		},
		{
			name: "merge key",
			src:  "base: &b {replicas: 7}\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: a}\nspec:\n  <<: *b\n  updateStrategy: {type: OnDelete}\n",
			want: &kube.Workload{Kind: "StatefulSet", Name: "a", Pos: at(4, 18), Replicas: n(7, 1, 21), ReplicasSet: true,
				Strategy: kube.Strategy{Kind: "StatefulSet", Type: s("OnDelete", 7, 26)}},
		},
		{
			name: "bare pod",
			src:  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {a: b}\nspec:\n  containers: [{name: c, image: i}]\n",
			want: &kube.Workload{Kind: "Pod", Name: "p", Pos: at(4, 9), Replicas: namedN(1, "a Pod is one replica"),
				Strategy:       kube.Strategy{Kind: "Pod"},
				PodAnnotations: map[string]source.Value[string]{"a": s("b", 5, 20)},
				Containers: []kube.Container{{Name: "c", Pos: at(7, 23), Image: s("i", 7, 33),
					CPULimit: notSet, CPURequest: notSet, MemoryLimit: notSet, MemoryRequest: notSet}}},
		},
		{
			name: "job without parallelism or completions",
			src:  "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {}\n",
			want: &kube.Workload{Kind: "Job", Name: "j", Pos: at(3, 18), Replicas: namedN(1, "Job: its pods at once are its parallelism"),
				Strategy:    kube.Strategy{Kind: "Job"},
				Parallelism: namedN(1, "Kubernetes default parallelism 1"), Completions: namedN(1, "Kubernetes default completions 1")},
		},
		{
			name: "cronjob defaults",
			src:  "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {schedule: '@daily'}\n",
			want: &kube.Workload{Kind: "CronJob", Name: "c", Pos: at(3, 18), Replicas: namedN(1, "CronJob: its pods at once are its jobs' parallelism"),
				Strategy:          kube.Strategy{Kind: "CronJob"},
				ConcurrencyPolicy: namedS("Allow", "Kubernetes default concurrencyPolicy Allow"),
				Parallelism:       namedN(1, "Kubernetes default parallelism 1"), Completions: namedN(1, "Kubernetes default completions 1")},
		},
		{
			name: "CRLF line endings and a document start marker",
			src:  "---\r\napiVersion: apps/v1\r\nkind: DaemonSet\r\nmetadata:\r\n  name: d\r\nspec:\r\n  updateStrategy:\r\n    type: OnDelete\r\n",
			want: &kube.Workload{Kind: "DaemonSet", Name: "d", Pos: at(5, 9), Replicas: namedN(1, "DaemonSet: one pod per node"), PerNode: true,
				Strategy: kube.Strategy{Kind: "DaemonSet", Type: s("OnDelete", 8, 11)}},
		},
		{
			name: "a line break yaml.v3 counts and an editor does not (U+2028 in a string)",
			src:  "apiVersion: apps/v1\nkind: Deployment\nmetadata: {annotations: {note: \"a\u2028b\"}, name: x}\nspec: {replicas: 2}\n",
			want: &kube.Workload{Kind: "Deployment", Name: "x", Pos: at(3, 46), Replicas: n(2, 4, 18), ReplicasSet: true,
				Strategy: kube.Strategy{Kind: "Deployment", Type: namedS("RollingUpdate", "Kubernetes default strategy RollingUpdate"),
					MaxSurge: namedS("25%", "Kubernetes default maxSurge 25%"), MaxUnavailable: namedS("25%", "Kubernetes default maxUnavailable 25%")}},
		},
		{
			name: "byte order mark: an editor counts it, yaml.v3 does not",
			src:  "\ufeffmetadata: {name: x}\napiVersion: apps/v1\nkind: Deployment\nspec: {replicas: 1}\n",
			want: &kube.Workload{Kind: "Deployment", Name: "x", Pos: at(1, 19), Replicas: n(1, 4, 18), ReplicasSet: true,
				Strategy: kube.Strategy{Kind: "Deployment", Type: namedS("RollingUpdate", "Kubernetes default strategy RollingUpdate"),
					MaxSurge: namedS("25%", "Kubernetes default maxSurge 25%"), MaxUnavailable: namedS("25%", "Kubernetes default maxUnavailable 25%")}},
		},
		{
			name: "columns count runes",
			src:  "apiVersion: apps/v1\nkind: Deployment\nmetadata: {labels: {é: é}, name: nm}\nspec: {replicas: 1}\n",
			want: &kube.Workload{Kind: "Deployment", Name: "nm", Pos: at(3, 34), Replicas: n(1, 4, 18), ReplicasSet: true,
				Strategy: kube.Strategy{Kind: "Deployment", Type: namedS("RollingUpdate", "Kubernetes default strategy RollingUpdate"),
					MaxSurge: namedS("25%", "Kubernetes default maxSurge 25%"), MaxUnavailable: namedS("25%", "Kubernetes default maxUnavailable 25%")}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := kube.Parse(path, []byte(tc.src))
			if err != nil {
				t.Fatalf("Parse() error: %v", err)
			}
			checkPositions(t, f, []byte(tc.src))
			var got *kube.Workload
			for _, o := range f.Objects {
				if o.Workload != nil {
					got = o.Workload
				}
			}
			if diff := cmp.Diff(tc.want, got, cmpOpts); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseSecret: keys and their positions, never values.
func TestParseSecret(t *testing.T) {
	const path = "s.yaml"
	at, _, _ := in(path)
	src := "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata:\n  password: c2VjcmV0\nstringData:\n  user: app\n"
	f, err := kube.Parse(path, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &kube.Secret{Name: "db", Pos: at(3, 18), Keys: map[string]source.Pos{"password": at(5, 3), "user": at(7, 3)}}
	if diff := cmp.Diff(want, f.Objects[0].Secret); diff != "" {
		t.Errorf("Parse() secret mismatch (-want +got):\n%s", diff)
	}
}

// TestParseComments: "# conncap:" comments are kept verbatim with the
// position of their "#", on their own line or after a value; the same text
// inside a string or a block scalar is not a comment.
func TestParseComments(t *testing.T) {
	const path = "c.yaml"
	at, _, _ := in(path)
	src := "# conncap:ignore head reason\n" +
		"apiVersion: v1 # conncap:ignore line x\n" +
		"kind: ConfigMap\n" +
		"metadata: {name: c}  # not a directive\n" +
		"data:\n" +
		"  a: \"x # conncap:ignore not\"\n" +
		"  b: |\n" +
		"    # conncap:ignore block\n" +
		"  # conncap:ignore foot é\n" +
		"---\n" +
		"  # conncap:ignore second-doc\n" +
		"apiVersion: v1\nkind: Secret\n"
	f := parseSrc(t, path, src)
	want := []kube.Comment{
		{Pos: at(1, 1), Text: "conncap:ignore head reason"},
		{Pos: at(2, 16), Text: "conncap:ignore line x"},
		{Pos: at(9, 3), Text: "conncap:ignore foot é"},
		{Pos: at(11, 3), Text: "conncap:ignore second-doc"},
	}
	if diff := cmp.Diff(want, f.Comments); diff != "" {
		t.Errorf("Parse() comments mismatch (-want +got):\n%s", diff)
	}
}
