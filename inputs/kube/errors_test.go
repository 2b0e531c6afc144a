package kube_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/kube"
	"github.com/conncap/conncap/inputs/source"
)

// errorsOf parses src and returns its input errors as "line:col: msg".
func errorsOf(t *testing.T, path string, src []byte) (*kube.File, []string) {
	t.Helper()
	f, err := kube.Parse(path, src)
	if err == nil {
		return f, nil
	}
	var list source.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse() error %v (%T) is not a source.ErrorList", err, err)
	}
	var got []string
	for _, e := range list {
		if e.Pos.Path != path {
			t.Errorf("error %v: path %q, want %q", e, e.Pos.Path, path)
		}
		got = append(got, strings.TrimPrefix(e.Error(), path+":"))
	}
	checkPositions(t, f, src)
	return f, got
}

// TestParseErrorFixtures pins the error fixtures' positions and messages.
func TestParseErrorFixtures(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		// yaml.v3 names the line where the bad mapping value is.
		{"testdata/errors/syntax.yaml", []string{"12: mapping values are not allowed in this context"}},
		{"testdata/errors/replicas-string.yaml", []string{`6:13: spec.replicas: string "three" where Kubernetes expects an integer (int32)`}},
		{"testdata/errors/replicas-float.yaml", []string{`6:13: spec.replicas: number 3.5 where Kubernetes expects an integer (int32)`}},
		{"testdata/errors/alias-bomb.yaml", []string{`12:13: aliases expand the document past 1000000 nodes (an alias bomb?): conncap does not expand it`}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			f, got := errorsOf(t, tc.path, mustRead(t, tc.path))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse() errors mismatch (-want +got):\n%s", diff)
			}
			if f == nil || len(f.Objects) != 0 {
				t.Errorf("Parse() file = %+v, want an empty File", f)
			}
		})
	}
}

// TestParseErrors pins the errors Parse reports for input the API server
// or kubectl would reject.
func TestParseErrors(t *testing.T) {
	const deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n"
	const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
	tests := []struct {
		name, src string
		want      []string
		objects   int // objects that still read
	}{
		{
			name: "replicas quoted",
			src:  deploy + "spec: {replicas: \"3\"}\n",
			want: []string{`4:18: spec.replicas: string "3" where Kubernetes expects an integer (int32)`},
		},
		{
			name: "replicas beyond int32",
			src:  deploy + "spec: {replicas: 3000000000}\n",
			want: []string{`4:18: spec.replicas: number 3000000000 where Kubernetes expects an integer (int32)`},
		},
		{
			name: "replicas negative",
			src:  deploy + "spec: {replicas: -1}\n",
			want: []string{`4:18: spec.replicas: -1 is negative: the API server rejects it`},
		},
		{
			name: "replicas as YAML 1.1 boolean",
			src:  deploy + "spec: {replicas: yes}\n",
			want: []string{`4:18: spec.replicas: boolean true (YAML 1.1 reads "yes" as a boolean) where Kubernetes expects an integer (int32)`},
		},
		{
			name: "spec is a list",
			src:  deploy + "spec: []\n",
			want: []string{`4:7: spec: a list where Kubernetes expects an object`},
		},
		{
			name: "maxSurge as a quoted integer",
			src:  deploy + "spec:\n  strategy:\n    rollingUpdate: {maxSurge: \"1\", maxUnavailable: 101%}\n",
			want: []string{
				`6:31: spec.strategy.rollingUpdate.maxSurge: string "1" is neither an integer nor a percentage like "25%": the API server rejects it`,
				`6:52: spec.strategy.rollingUpdate.maxUnavailable: 101% is more than 100%: the API server rejects it`,
			},
		},
		{
			name: "maxUnavailable float",
			src:  deploy + "spec: {strategy: {rollingUpdate: {maxUnavailable: 0.5}}}\n",
			want: []string{`4:51: spec.strategy.rollingUpdate.maxUnavailable: number 0.5 where Kubernetes expects an integer or a percentage`},
		},
		{
			name: "unknown strategy type",
			src:  deploy + "spec: {strategy: {type: Rolling}}\n",
			want: []string{`4:25: spec.strategy.type: "Rolling" is not one of RollingUpdate, Recreate: the API server rejects it`},
		},
		{
			name: "env value unquoted number",
			src:  pod + "    env: [{name: POOL, value: 15}]\n",
			want: []string{`7:31: spec.containers[0].env[0].value: number 15 where Kubernetes expects a string`},
		},
		{
			name: "env without name",
			src:  pod + "    env: [{value: x}]\n",
			want: []string{`7:11: spec.containers[0].env[0]: env entry without a name: the API server rejects it`},
		},
		{
			name: "bad quantity",
			src:  pod + "    resources: {limits: {cpu: 500 m, memory: -1Gi}}\n",
			want: []string{
				`7:31: spec.containers[0].resources.limits.cpu: "500 m" is not a quantity: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
				`7:46: spec.containers[0].resources.limits.memory: "-1Gi" is negative: the API server rejects it`,
			},
		},
		{
			name: "ConfigMap data as YAML 1.1 boolean and number",
			src:  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  FEATURE: on\n  PORT: 3306\n",
			want: []string{
				`5:12: data.FEATURE: boolean true (YAML 1.1 reads "on" as a boolean) where Kubernetes expects a string`,
				`6:9: data.PORT: number 3306 where Kubernetes expects a string`,
			},
		},
		{
			name: "annotation key with a slash",
			src:  deploy[:len(deploy)-2] + ", annotations: {a.io/b: 1}}\nspec: {}\n",
			want: []string{`3:43: metadata.annotations["a.io/b"]: number 1 where Kubernetes expects a string`},
		},
		{
			name: "HPA without maxReplicas",
			src:  "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Deployment, name: a}\n",
			want: []string{`5:3: spec.maxReplicas is missing: the API server requires it`},
		},
		{
			name: "kind is not a string",
			src:  "apiVersion: v1\nkind: [ConfigMap]\n",
			want: []string{`2:7: kind: a list where Kubernetes expects a string`},
		},
		{
			name:    "one bad object among good ones",
			src:     deploy + "spec: {replicas: x}\n---\n" + deploy + "spec: {replicas: 2}\n",
			want:    []string{`4:18: spec.replicas: string "x" where Kubernetes expects an integer (int32)`},
			objects: 1,
		},
		{
			name:    "text after the document separator",
			src:     deploy + "--- {a: 1}\n" + deploy,
			want:    []string{`4:5: text "{a: 1}" after the document separator "---": kubectl rejects it`},
			objects: 2,
		},
		{
			name: "anchor containing itself",
			src:  "apiVersion: v1\nkind: ConfigMap\ndata: &d {a: *d}\n",
			want: []string{`3:14: anchor "d" contains an alias to itself`},
		},
		{
			name: "unknown anchor",
			src:  "apiVersion: v1\nkind: ConfigMap\ndata: *nope\n",
			want: []string{`1: unknown anchor 'nope' referenced`},
		},
		{
			name: "YAML that yaml.v3 accepts and kubectl's converter does not",
			src:  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: .nan}\n",
			want: []string{`1: json: unsupported value: NaN`},
		},
		{
			name: "not UTF-8",
			src:  "apiVersion: v1\nkind: ConfigMap\ndata: {a: \"\xff\"}\n",
			want: []string{`3:12: file is not UTF-8 text`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, got := errorsOf(t, "e.yaml", []byte(tc.src))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse() errors mismatch (-want +got):\n%s", diff)
			}
			if f == nil {
				t.Fatal("Parse() returned a nil File with input errors")
			}
			if len(f.Objects) != tc.objects {
				t.Errorf("Parse() kept %d objects, want %d", len(f.Objects), tc.objects)
			}
		})
	}
}

// TestParseErrorsOutsideKubernetes: a broken document that does not look
// like Kubernetes is skipped, not reported.
func TestParseErrorsOutsideKubernetes(t *testing.T) {
	src := "name: ci\non: [push\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
	f, err := kube.Parse("x.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse() error: %v", err)
	}
	if len(f.Objects) != 1 || f.Objects[0].Name != "c" {
		t.Errorf("Parse() objects = %+v, want ConfigMap c", f.Objects)
	}
}

// TestParseTemplates: a template action in a failing document, or in a
// name, makes the file an unrendered template; in a rendered string value
// it is text.
func TestParseTemplates(t *testing.T) {
	tests := []struct {
		name, src string
		template  bool
	}{
		{"flow mapping key", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n", true},
		{"quoted name", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"{{ .Release.Name }}\"\n", true},
		{"quoted replicas", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec: {replicas: \"{{ .Values.n }}\"}\n", true},
		{"action lines", "{{- if .Values.on }}\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n{{- end }}\n", true},
		{"rendered alertmanager template", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  t: |\n    {{ define \"x\" }}{{ .Status }}{{ end }}\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := kube.Parse("t.yaml", []byte(tc.src))
			if got := errors.Is(err, kube.ErrNotKubernetes); got != tc.template {
				t.Fatalf("Parse() error = %v; template = %v, want %v", err, got, tc.template)
			}
			if !tc.template && (err != nil || len(f.Objects) != 1) {
				t.Errorf("Parse() = %+v, %v; want one object", f, err)
			}
		})
	}
}

// TestParseLimits: hostile input returns a positioned error quickly and
// without holding much memory.
func TestParseLimits(t *testing.T) {
	const head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
	deepBlock := func(n int) string {
		var b strings.Builder
		b.WriteString(head + "data:\n")
		for i := range n {
			b.WriteString(strings.Repeat(" ", i+2) + "k:\n")
		}
		return b.String()
	}
	big := head + "data:\n  blob: \"" + strings.Repeat("x", 5<<20) + "\"\n"
	tests := []struct {
		name, src string
		want      string
	}{
		{"billion laughs", string(mustRead(t, "testdata/errors/alias-bomb.yaml")), "12:13: aliases expand the document past 1000000 nodes (an alias bomb?): conncap does not expand it"},
		{"merge-key bomb", head + "a: &a {a0: 1, a1: 1, a2: 1, a3: 1, a4: 1, a5: 1, a6: 1, a7: 1, a8: 1, a9: 1}\n" +
			"b: &b {<<: [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]}\n" +
			"c: &c {<<: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]}\n" +
			"d: &d {<<: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]}\n" +
			"data: {<<: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]}\n", "8:16: aliases expand the document past 1000000 nodes (an alias bomb?): conncap does not expand it"},
		{"deep block nesting", deepBlock(1500), "1003:1001: nesting deeper than 1000 levels: conncap does not read it"},
		{"deep flow nesting past yaml.v3's limit", head + "data: " + strings.Repeat("[", 20000) + "\n", "4: exceeded max depth of 10000"},
		{"5 MB document", big, "1: document is 5.0 MiB, larger than the 3 MiB the API server accepts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, got := errorsOf(t, "l.yaml", []byte(tc.src))
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if diff := cmp.Diff([]string{tc.want}, got); diff != "" {
				t.Errorf("Parse() errors mismatch (-want +got):\n%s", diff)
			}
			// Generous bounds: the point is "not exponential", not a benchmark.
			if elapsed > 5*time.Second {
				t.Errorf("Parse() took %v", elapsed)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 200<<20 {
				t.Errorf("Parse() allocated %d MiB", alloc>>20)
			}
		})
	}
}
