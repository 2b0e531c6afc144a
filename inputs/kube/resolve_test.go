package kube_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/kube"
	"github.com/conncap/conncap/inputs/source"
)

func parseSrc(t *testing.T, path, src string) *kube.File {
	t.Helper()
	f, err := kube.Parse(path, []byte(src))
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	return f
}

// TestResolveDeploymentHPA resolves the realistic fixture: env beats
// envFrom, configMapKeyRef takes the ConfigMap's value with its position,
// $(VAR) expands to envFrom values, and the HPA finds its Deployment.
func TestResolveDeploymentHPA(t *testing.T) {
	const path = "testdata/deployment-hpa.yaml"
	at, s, _ := in(path)
	f := parseFile(t, path)
	set := kube.Resolve([]*kube.File{f})
	if len(set.Workloads) != 1 || len(set.ConfigMaps) != 2 || len(set.Autoscalers) != 1 {
		t.Fatalf("Resolve() = %d workloads, %d ConfigMaps, %d autoscalers; want 1, 2, 1", len(set.Workloads), len(set.ConfigMaps), len(set.Autoscalers))
	}
	w := set.Workloads[0]
	want := []apps.EnvVar{
		{Name: "DB_HOST", Value: source.Value[string]{V: "mysql.db.svc", Origin: source.Origin{Pos: at(9, 12), Note: "envFrom ConfigMap orders-env"}}},
		{Name: "DB_PORT", Value: source.Value[string]{V: "3306", Origin: source.Origin{Pos: at(10, 12), Note: "envFrom ConfigMap orders-env"}}},
		// env beats envFrom's "30"; the value is the ConfigMap's, at its position.
		{Name: "SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", Value: source.Value[string]{V: "15", Origin: source.Origin{Pos: at(18, 13), Note: "ConfigMap orders-pool key pool-max"}}},
		{Name: "SPRING_PROFILES_ACTIVE", Value: s("prod", 63, 18)},
		{Name: "DB_PASSWORD", Unknown: true, Value: source.Value[string]{Origin: source.Origin{Pos: at(66, 27), Note: "Secret orders-db key password"}}},
		{Name: "SPRING_DATASOURCE_URL", Value: source.Value[string]{V: "jdbc:mysql://mysql.db.svc:3306/orders", Origin: source.Origin{Pos: at(68, 18), Note: "$(VAR) references expanded"}}},
	}
	if diff := cmp.Diff(want, w.Containers[0].Env); diff != "" {
		t.Errorf("Resolve() env mismatch (-want +got):\n%s", diff)
	}
	if got := w.Containers[0].EnvMap()["SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE"].Value.V; got != "15" {
		t.Errorf("EnvMap() pool = %q, want 15", got)
	}
	a := set.AutoscalerFor(w)
	if a == nil || a.Name != "orders" || a.Max.V != 12 || a.Max.Origin.Pos != at(84, 16) {
		t.Errorf("AutoscalerFor() = %+v, want HPA orders with maxReplicas 12 at 84:16", a)
	}
	// Only the secret is unknown, and secrets are never notes.
	if len(set.Notes) != 0 {
		t.Errorf("Resolve() notes = %+v, want none", set.Notes)
	}
	// Resolve copies: the parsed file still has the unresolved env.
	if !f.Objects[2].Workload.Containers[0].EnvMap()["SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE"].Unknown {
		t.Error("Resolve() modified the parsed File")
	}
}

// TestResolveAcrossFiles: objects link across files; the helm fixture's
// Deployment (no namespace) finds its ConfigMap and HPA in "default" and
// the KEDA ScaledObject finds its Deployment.
func TestResolveAcrossFiles(t *testing.T) {
	files := []*kube.File{parseFile(t, "testdata/helm-template.yaml"), parseFile(t, "testdata/keda.yaml"), parseFile(t, "testdata/statefulset.yaml")}
	set := kube.Resolve(files)
	got := map[string]string{}
	for _, w := range set.Workloads {
		a := set.AutoscalerFor(w)
		switch {
		case a == nil:
			got[w.Kind+"/"+w.Name] = "none"
		default:
			got[w.Kind+"/"+w.Name] = a.Kind + "/" + a.Name
		}
	}
	want := map[string]string{
		"Deployment/release-name-shop": "HorizontalPodAutoscaler/release-name-shop",
		"Deployment/worker":            "ScaledObject/worker",
		"StatefulSet/mysql":            "none",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AutoscalerFor() mismatch (-want +got):\n%s", diff)
	}
	env := set.Workloads[0].Containers[0].EnvMap()
	if v := env["DB_POOL_MAX"]; v.Value.V != "25" || v.Value.Origin.Pos != (source.Pos{Path: "testdata/helm-template.yaml", Line: 20, Col: 16}) {
		t.Errorf("helm Deployment DB_POOL_MAX = %+v, want 25 at 20:16", v)
	}
	if _, ok := env["alert.tmpl"]; !ok {
		t.Error("envFrom skipped the key alert.tmpl, which current kubelets accept")
	}
	if set.AutoscalerFor(nil) != nil {
		t.Error("AutoscalerFor(nil) != nil")
	}
}

// TestResolveEnv pins kubelet's precedence and the notes for what the
// inputs lack.
func TestResolveEnv(t *testing.T) {
	const path = "r.yaml"
	at, s, _ := in(path)
	const cms = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {A: a1, B: b1, 1X: x}\n" + // lines 1-4
		"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\ndata: {B: b2, C: c2}\n" + // lines 5-9
		"---\napiVersion: v1\nkind: Secret\nmetadata: {name: sec}\nstringData: {PASS: x}\n" // lines 10-14
	tests := []struct {
		name      string
		container string // a container spec in a Pod, from line 22 on
		env       []apps.EnvVar
		notes     []kube.Note
	}{
		{
			name:      "later envFrom source wins, env beats both, prefix",
			container: "envFrom: [{configMapRef: {name: one}}, {configMapRef: {name: two}}, {prefix: P_, configMapRef: {name: one}}]\n    env: [{name: C, value: env}]",
			env: []apps.EnvVar{
				{Name: "1X", Value: source.Value[string]{V: "x", Origin: source.Origin{Pos: at(4, 26), Note: "envFrom ConfigMap one"}}},
				{Name: "A", Value: source.Value[string]{V: "a1", Origin: source.Origin{Pos: at(4, 11), Note: "envFrom ConfigMap one"}}},
				{Name: "B", Value: source.Value[string]{V: "b2", Origin: source.Origin{Pos: at(9, 11), Note: "envFrom ConfigMap two"}}},
				{Name: "P_1X", Value: source.Value[string]{V: "x", Origin: source.Origin{Pos: at(4, 26), Note: "envFrom ConfigMap one"}}},
				{Name: "P_A", Value: source.Value[string]{V: "a1", Origin: source.Origin{Pos: at(4, 11), Note: "envFrom ConfigMap one"}}},
				{Name: "P_B", Value: source.Value[string]{V: "b1", Origin: source.Origin{Pos: at(4, 18), Note: "envFrom ConfigMap one"}}},
				{Name: "C", Value: s("env", 23, 28)},
			},
		},
		{
			name:      "later env entry wins; $(VAR) sees only what is defined before it",
			container: "env: [{name: A, value: first}, {name: R, value: $(A)-$(Z)}, {name: A, value: second}, {name: Z, value: z}]",
			env: []apps.EnvVar{
				{Name: "R", Value: source.Value[string]{V: "first-$(Z)", Origin: source.Origin{Pos: at(22, 53), Note: "$(VAR) references expanded"}}},
				{Name: "A", Value: s("second", 22, 82)},
				{Name: "Z", Value: s("z", 22, 108)},
			},
		},
		{
			name:      "missing ConfigMap, missing key, optional missing key, secret envFrom",
			container: "envFrom: [{configMapRef: {name: gone}}, {secretRef: {name: sec}}]\n    env:\n    - {name: K, valueFrom: {configMapKeyRef: {name: one, key: nope}}}\n    - {name: O, valueFrom: {configMapKeyRef: {name: one, key: nope, optional: true}}}\n    - {name: U, value: $(UNSEEN)}",
			env: []apps.EnvVar{
				{Name: "PASS", Unknown: true, Value: source.Value[string]{Origin: source.Origin{Pos: at(14, 14), Note: "envFrom Secret sec"}}},
				{Name: "K", Unknown: true, Value: source.Value[string]{Origin: source.Origin{Pos: at(24, 46), Note: "ConfigMap one key nope"}}},
				// UNSEEN may be a key of the missing ConfigMap: unknown.
				{Name: "U", Unknown: true, Value: s("$(UNSEEN)", 26, 24)},
			},
			notes: []kube.Note{
				{Pos: at(22, 37), Msg: `container "c": envFrom ConfigMap "gone" (namespace "default") is not in the inputs: its variables are unknown`},
				{Pos: at(24, 46), Msg: `container "c": env K: ConfigMap "one" has no key "nope": kubelet will not start the container`},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := cms + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    " + tc.container + "\n"
			set := kube.Resolve([]*kube.File{parseSrc(t, path, src)})
			if len(set.Workloads) != 1 {
				t.Fatalf("Resolve() = %d workloads, want 1", len(set.Workloads))
			}
			if diff := cmp.Diff(tc.env, set.Workloads[0].Containers[0].Env, cmpOpts); diff != "" {
				t.Errorf("Resolve() env mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.notes, set.Notes, cmpOpts); diff != "" {
				t.Errorf("Resolve() notes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestResolveNotes: what Resolve says about objects it cannot link.
func TestResolveNotes(t *testing.T) {
	const a = "a.yaml"
	at, _, _ := in(a)
	src := "apiVersion: apps/v1beta2\nkind: Deployment\nmetadata: {name: old}\n" + // 1-3
		"---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h1, namespace: x}\nspec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3}\n" + // 4-8
		"---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h2, namespace: x}\nspec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 9}\n" + // 9-13
		"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n" + // 14-17
		"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\ndata: {k: v}\n" // 18-22
	set := kube.Resolve([]*kube.File{parseSrc(t, a, src), nil})
	want := []kube.Note{
		{Pos: at(3, 18), Msg: `apps/v1beta2 Deployment "old" is not counted: Kubernetes 1.16 stopped serving apps/v1beta2`},
		{Pos: at(7, 18), Msg: `HorizontalPodAutoscaler "h1" scales Deployment "web" (namespace "x"), which is not in the inputs`},
		{Pos: at(12, 18), Msg: `HorizontalPodAutoscaler "h2" and HorizontalPodAutoscaler "h1" (a.yaml:7:18) both scale Deployment "web"; AutoscalerFor returns the first`},
		{Pos: at(21, 18), Msg: `ConfigMap "c" (namespace "default") is also defined at a.yaml:17:18: this later one wins`},
	}
	if diff := cmp.Diff(want, set.Notes); diff != "" {
		t.Errorf("Resolve() notes mismatch (-want +got):\n%s", diff)
	}
	if len(set.ConfigMaps) != 1 || set.ConfigMaps[0].Data["k"].V != "v" {
		t.Errorf("Resolve() ConfigMaps = %+v, want the later c only", set.ConfigMaps)
	}
}
