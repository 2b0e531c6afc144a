package kube

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	yaml "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

func envVar(name, v string, unknown bool) apps.EnvVar {
	return apps.EnvVar{Name: name, Value: source.Value[string]{V: v}, Unknown: unknown}
}

// TestYAML11Gap pins the gap STYLE.md §3 names: kubectl reads YAML 1.1
// through sigs.k8s.io/yaml, where `on` is true; yaml.v3 reads YAML 1.2,
// where it is the string "on". Values come from the first, so a ConfigMap
// with `enabled: on` is a type error, as the API server reports it, and a
// key `on` is "true".
func TestYAML11Gap(t *testing.T) {
	const src = "enabled: on\non: 1\n"
	var v3 map[string]any
	if err := yaml.Unmarshal([]byte(src), &v3); err != nil {
		t.Fatal(err)
	}
	var kubectl map[string]any
	if err := sigsyaml.Unmarshal([]byte(src), &kubectl); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"enabled": "on", "on": 1}, v3); diff != "" {
		t.Errorf("yaml.v3 mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"enabled": true, "true": float64(1)}, kubectl); diff != "" {
		t.Errorf("sigs.k8s.io/yaml mismatch (-want +got):\n%s", diff)
	}

	f, err := Parse("gap.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  on: \"1\"\n  enabled: \"on\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]source.Value[string]{
		"true":    {V: "1", Origin: source.At(source.Pos{Path: "gap.yaml", Line: 5, Col: 7})},
		"enabled": {V: "on", Origin: source.At(source.Pos{Path: "gap.yaml", Line: 6, Col: 12})},
	}
	if diff := cmp.Diff(want, f.Objects[0].ConfigMap.Data); diff != "" {
		t.Errorf("Parse() data mismatch (-want +got):\n%s", diff)
	}
	_, err = Parse("gap.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {enabled: on}\n"))
	const wantErr = `gap.yaml:4:17: data.enabled: boolean true (YAML 1.1 reads "on" as a boolean) where Kubernetes expects a string`
	if err == nil || err.Error() != wantErr {
		t.Errorf("Parse() error = %v, want %s", err, wantErr)
	}
}

// TestKeyString checks our YAML 1.1 key resolution, used only to find the
// position of a key, against kubectl's own conversion.
func TestKeyString(t *testing.T) {
	for _, k := range []string{
		"plain", "on", "Off", "y", "N", "yes", "NO", "true", "False", "~", "null", "",
		"0777", "0x1F", "0o17", "0b101", "-0b101", "1_000", "+12", "-3", "1.5", "3.14159265358979",
		".5", "1e3", "1E-2", "6.02e23", ".inf", "-.Inf", ".NaN", "1.", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
		"12:30", "1:20:30", "9223372036854775807", "9223372036854775808", "18446744073709551616",
		"0x", "+", "-", ".", "_1", "1__0", "0b", "é", "a.io/b", "'quoted'", "\"on\"", "!!str on", "!!str 1",
	} {
		src := []byte(k + ": v\n")
		var root yaml.Node
		if err := yaml.Unmarshal(src, &root); err != nil {
			continue // not a key yaml.v3 reads
		}
		key := deref(&root)
		if key == nil || key.Kind != yaml.MappingNode {
			continue
		}
		got, gotOK := keyString(key.Content[0])
		j, err := sigsyaml.YAMLToJSON(src)
		var m map[string]any
		if err == nil {
			err = json.Unmarshal(j, &m)
		}
		wantOK := err == nil && len(m) == 1
		want := ""
		for k := range m {
			want = k
		}
		if got != want || gotOK != wantOK {
			t.Errorf("keyString(%q) = %q, %v; kubectl has %q, %v (%v)", k, got, gotOK, want, wantOK, err)
		}
	}
}

// TestSplitDocuments pins kubectl's YAMLReader rules.
func TestSplitDocuments(t *testing.T) {
	type doc struct {
		Src  string
		Line int
	}
	tests := []struct {
		name, src string
		docs      []doc
		errs      []sepError
	}{
		{"one", "a: 1\n", []doc{{"a: 1\n", 1}}, nil},
		{"separators and empty documents", "---\na: 1\n---\n---\nb: 2\n---\n", []doc{{"a: 1\n", 2}, {"b: 2\n", 5}}, nil},
		{"comment after the separator", "a: 1\n--- # next\nb: 2", []doc{{"a: 1\n", 1}, {"b: 2", 3}}, nil},
		{"CRLF", "a: 1\r\n---\r\nb: 2\r\n", []doc{{"a: 1\r\n", 1}, {"b: 2\r\n", 3}}, nil},
		{"indented dashes are content", "a: |\n  ---\n", []doc{{"a: |\n  ---\n", 1}}, nil},
		{"document end marker is content", "a: 1\n...\n", []doc{{"a: 1\n...\n", 1}}, nil},
		{"text after the separator", "a: 1\n--- !x\nb: 2\n----\n", []doc{{"a: 1\n", 1}, {"b: 2\n", 3}},
			[]sepError{{line: 2, col: 5, text: "!x"}, {line: 4, col: 4, text: "-"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chunks, errs := splitDocuments([]byte(tc.src))
			var got []doc
			for _, c := range chunks {
				got = append(got, doc{string(c.src), c.line})
			}
			if diff := cmp.Diff(tc.docs, got); diff != "" {
				t.Errorf("splitDocuments() mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.errs, errs, cmp.AllowUnexported(sepError{})); diff != "" {
				t.Errorf("splitDocuments() errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestYAMLErrorLine is the one place go-yaml's error text is matched.
func TestYAMLErrorLine(t *testing.T) {
	tests := []struct {
		msg  string
		line int
		rest string
	}{
		{"yaml: line 2: mapping values are not allowed in this context", 2, "mapping values are not allowed in this context"},
		{"yaml: line 13: did not find expected key", 13, "did not find expected key"},
		{"yaml: control characters are not allowed", 0, "control characters are not allowed"},
		{"yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `x` into int", 3, "cannot unmarshal !!str `x` into int"},
		{"error converting YAML to JSON: yaml: line 7: found character that cannot start any token", 7, "found character that cannot start any token"},
		{"json: unsupported value: NaN", 0, "json: unsupported value: NaN"},
		{"yaml: line 0: odd", 0, "line 0: odd"},
	}
	for _, tc := range tests {
		line, rest := yamlErrorLine(tc.msg)
		if line != tc.line || rest != tc.rest {
			t.Errorf("yamlErrorLine(%q) = %d, %q; want %d, %q", tc.msg, line, rest, tc.line, tc.rest)
		}
	}
	// The helper against the real thing: yaml.v3's messages for a few
	// broken documents, with the line yaml.v3 names.
	for _, tc := range []struct {
		src  string
		line int
	}{
		{"a: b\nc: d: e\n", 2},
		{"a: b\n\tc: d\n", 2},
		{"a: 'b\n", 2},
		{"a:\n  - b\n  c: d\n", 1}, // yaml.v3 names the line before the block sequence's first entry
	} {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(tc.src), &n)
		if err == nil {
			t.Fatalf("yaml.v3 accepted %q", tc.src)
		}
		if line, _ := yamlErrorLine(err.Error()); line != tc.line {
			t.Errorf("yamlErrorLine(%q) line = %d, want %d", err, line, tc.line)
		}
	}
}

// TestLineMap maps yaml.v3's lines back to the file's when a document holds
// line breaks only yaml.v3 counts.
func TestLineMap(t *testing.T) {
	src := "a: \"x\ry\"\nb: [1,\u0085 2]\nc: 3\n"
	m := newLineMap("f", chunk{src: []byte(src), line: 10})
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		t.Fatal(err)
	}
	top := deref(&root)
	got := map[string]source.Pos{
		"c":  m.node(top.Content[4]),
		"3":  m.node(top.Content[5]),
		"2":  m.node(top.Content[3].Content[1]),
		"b":  m.node(top.Content[2]),
		"bl": m.pos(99, 4), // past the end: clamped to the last line
	}
	want := map[string]source.Pos{
		"b":  {Path: "f", Line: 11, Col: 1},
		"2":  {Path: "f", Line: 11, Col: 9},
		"c":  {Path: "f", Line: 12, Col: 1},
		"3":  {Path: "f", Line: 12, Col: 4},
		"bl": {Path: "f", Line: 12},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lineMap mismatch (-want +got):\n%s", diff)
	}
}

func TestExpandEnv(t *testing.T) {
	vars := map[string]envDef{
		"A":   {v: envVar("A", "alpha", false)},
		"B":   {v: envVar("B", "", true)},
		"E":   {v: envVar("E", "", false)},
		"X Y": {v: envVar("X Y", "odd", false)},
	}
	tests := []struct {
		in, out          string
		opaque           bool
		unknown, changed bool
	}{
		{in: "plain", out: "plain"},
		{in: "$(A)", out: "alpha", changed: true},
		{in: "x$(A)y$(A)", out: "xalphayalpha", changed: true},
		{in: "$$(A)", out: "$(A)"},
		{in: "$$$(A)", out: "$alpha", changed: true},
		{in: "$(A", out: "$(A"},
		{in: "$A", out: "$A"},
		{in: "$", out: "$"},
		{in: "a$", out: "a$"},
		{in: "$()", out: "$()"},
		{in: "$(E)x", out: "x", changed: true},
		{in: "$(X Y)", out: "odd", changed: true},
		{in: "$(NOPE)", out: "$(NOPE)"},
		{in: "$(NOPE)", out: "$(NOPE)", opaque: true, unknown: true},
		{in: "$(B)-$(A)", out: "$(B)-alpha", unknown: true, changed: true},
		// kubelet converts the byte after a lone "$", so a multi-byte rune
		// comes out re-encoded, byte by byte.
		{in: "$é", out: "$\u00c3\xa9"},
	}
	for _, tc := range tests {
		out, unknown, changed := expandEnv(tc.in, vars, tc.opaque)
		if out != tc.out || unknown != tc.unknown || changed != tc.changed {
			t.Errorf("expandEnv(%q, opaque %v) = %q, %v, %v; want %q, %v, %v", tc.in, tc.opaque, out, unknown, changed, tc.out, tc.unknown, tc.changed)
		}
	}
}
