package kube

import (
	"fmt"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

// nsName names a namespaced object; ns is never "" (see namespaceOf).
type nsName struct{ ns, name string }

// namespaceOf is the namespace an object lands in when the manifest names
// none and kubectl is given no -n: "default".
func namespaceOf(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

// lookups holds the ConfigMaps and Secrets of all inputs, for Resolve.
type lookups struct {
	configMaps map[nsName]*ConfigMap
	secrets    map[nsName]*Secret
}

// envBuilder is kubelet's tmpEnv: a later definition of a name replaces
// the earlier one. seq orders the result by the definition that won.
type envBuilder struct {
	vars map[string]envDef
	seq  int
}

type envDef struct {
	v   apps.EnvVar
	seq int
}

func (b *envBuilder) set(v apps.EnvVar) {
	b.seq++
	b.vars[v.Name] = envDef{v: v, seq: b.seq}
}

// resolveEnv computes a container's environment as kubelet does
// (pkg/kubelet makeEnvironmentVariables): envFrom sources in order, each
// key with its prefix (a later source wins; names that are not valid
// variable names are skipped), then env entries in order, a non-empty
// value with $(VAR) references expanded against the variables defined so
// far, a valueFrom resolved. ns is the pod's namespace. With look nil
// (Parse, before Resolve) ConfigMap references are Unknown, envFrom adds
// nothing, and no notes are made.
func resolveEnv(c *Container, ns string, look *lookups) ([]apps.EnvVar, []Note) {
	b := &envBuilder{vars: map[string]envDef{}}
	var notes []Note
	note := func(pos source.Pos, format string, args ...any) {
		if look != nil {
			notes = append(notes, Note{Pos: pos, Msg: fmt.Sprintf(format, args...)})
		}
	}
	ns = namespaceOf(ns)
	// opaque is set when an envFrom source could not be read: a $(VAR)
	// reference to no known variable may then name one of its keys.
	opaque := false
	for _, from := range c.EnvFrom {
		if look == nil {
			opaque = true
			continue
		}
		var keys []string
		var origin func(k string) (source.Value[string], bool)
		switch from.Kind {
		case "ConfigMap":
			cm := look.configMaps[nsName{ns, from.Name}]
			if cm == nil {
				note(from.Pos, "container %q: envFrom ConfigMap %q (namespace %q) is not in the inputs: its variables are unknown", c.Name, from.Name, ns)
				opaque = true
				continue
			}
			keys = sortedKeys(cm.Data)
			origin = func(k string) (source.Value[string], bool) {
				d := cm.Data[k]
				return source.Value[string]{V: d.V, Origin: source.Origin{Pos: d.Origin.Pos, Note: "envFrom ConfigMap " + from.Name}}, false
			}
		case "Secret":
			s := look.secrets[nsName{ns, from.Name}]
			if s == nil {
				note(from.Pos, "container %q: envFrom Secret %q (namespace %q) is not in the inputs: its variable names are unknown", c.Name, from.Name, ns)
				opaque = true
				continue
			}
			keys = sortedKeys(s.Keys)
			origin = func(k string) (source.Value[string], bool) {
				return source.Value[string]{Origin: source.Origin{Pos: s.Keys[k], Note: "envFrom Secret " + from.Name}}, true
			}
		default:
			continue
		}
		for _, k := range keys {
			name := from.Prefix + k
			if !envNameOK(name) {
				note(from.Pos, "container %q: %s %q key %q gives the variable name %q, which kubelet skips", c.Name, from.Kind, from.Name, k, name)
				continue
			}
			v, unknown := origin(k)
			b.set(apps.EnvVar{Name: name, Value: v, Unknown: unknown})
		}
	}
	for _, e := range c.EnvSpec {
		name := e.Name.V
		switch {
		case e.Value != nil && e.Value.V != "":
			s, unknown, changed := expandEnv(e.Value.V, b.vars, opaque)
			v := apps.EnvVar{Name: name, Value: source.Value[string]{V: s, Origin: e.Value.Origin}, Unknown: unknown}
			if changed {
				v.Value.Origin.Note = "$(VAR) references expanded"
			}
			b.set(v)
		case e.From != nil:
			v, ok := valueFrom(c.Name, name, e.From, ns, look, note)
			if ok {
				b.set(v)
			}
		default:
			origin := e.Name.Origin
			if e.Value != nil {
				origin = e.Value.Origin
			}
			b.set(apps.EnvVar{Name: name, Value: source.Value[string]{Origin: origin}})
		}
	}
	defs := make([]envDef, 0, len(b.vars))
	for _, d := range b.vars {
		defs = append(defs, d)
	}
	slices.SortFunc(defs, func(a, b envDef) int { return a.seq - b.seq })
	env := make([]apps.EnvVar, len(defs))
	for i, d := range defs {
		env[i] = d.v
	}
	return env, notes
}

// valueFrom resolves an env entry's valueFrom. ok is false when kubelet
// leaves the variable unset (an optional reference to a missing key).
func valueFrom(container, name string, f *ValueFrom, ns string, look *lookups, note func(source.Pos, string, ...any)) (apps.EnvVar, bool) {
	unknown := func(desc string) (apps.EnvVar, bool) {
		return apps.EnvVar{Name: name, Unknown: true, Value: source.Value[string]{Origin: source.Origin{Pos: f.Pos, Note: desc}}}, true
	}
	switch f.Kind {
	case "configMapKeyRef":
		desc := fmt.Sprintf("ConfigMap %s key %s", f.Name, f.Key)
		if look == nil {
			return unknown(desc)
		}
		cm := look.configMaps[nsName{ns, f.Name}]
		if cm == nil {
			note(f.Pos, "container %q: env %s: ConfigMap %q (namespace %q) is not in the inputs: its value is unknown", container, name, f.Name, ns)
			return unknown(desc)
		}
		d, ok := cm.Data[f.Key]
		switch {
		case ok:
			return apps.EnvVar{Name: name, Value: source.Value[string]{V: d.V, Origin: source.Origin{Pos: d.Origin.Pos, Note: desc}}}, true
		case f.Optional:
			return apps.EnvVar{}, false
		default:
			note(f.Pos, "container %q: env %s: ConfigMap %q has no key %q: kubelet will not start the container", container, name, f.Name, f.Key)
			return unknown(desc)
		}
	case "secretKeyRef":
		return unknown(fmt.Sprintf("Secret %s key %s", f.Name, f.Key))
	case "fieldRef", "resourceFieldRef":
		return unknown(f.Kind + " " + f.Key)
	default:
		return unknown(f.Kind)
	}
}

// expandEnv expands $(VAR) references in s as kubelet does
// (third_party/forked/golang/expansion Expand): "$$" is a literal "$", a
// reference to a defined variable is replaced by its value, anything else
// is kept as written; it works on bytes, as kubelet's does. unknown is set
// when a referenced variable's value is unknown, or when opaque is set and
// the reference names no known variable (its reference is then kept);
// changed when a reference was replaced.
func expandEnv(s string, vars map[string]envDef, opaque bool) (out string, unknown, changed bool) {
	if !strings.Contains(s, "$") {
		return s, false, false
	}
	var buf strings.Builder
	checkpoint := 0
	for cursor := 0; cursor < len(s); cursor++ {
		if s[cursor] != '$' || cursor+1 >= len(s) {
			continue
		}
		buf.WriteString(s[checkpoint:cursor])
		read, isVar, advance := readVarName(s[cursor+1:])
		switch d, ok := vars[read]; {
		case !isVar:
			buf.WriteString(read)
		case ok && d.v.Unknown:
			unknown = true
			buf.WriteString("$(" + read + ")")
		case ok:
			changed = true
			buf.WriteString(d.v.Value.V)
		default:
			unknown = unknown || opaque
			buf.WriteString("$(" + read + ")")
		}
		cursor += advance
		checkpoint = cursor + 1
	}
	return buf.String() + s[checkpoint:], unknown, changed
}

// readVarName reads what follows a "$": it returns the text to emit or the
// variable name, whether it is a variable, and how many bytes it used.
func readVarName(in string) (string, bool, int) {
	switch in[0] {
	case '$':
		return "$", false, 1
	case '(':
		if i := strings.IndexByte(in[1:], ')'); i >= 0 {
			return in[1 : i+1], true, i + 2
		}
		return "$(", false, 1
	default:
		// kubelet converts the byte, not the rune, after a lone "$"
		// (string(input[0])); a non-ASCII byte comes out re-encoded.
		return "$" + string(rune(in[0])), false, 1
	}
}

// envNameOK reports whether kubelet accepts name from envFrom: any
// printable ASCII but "=" (RelaxedEnvironmentVariableValidation, on by
// default in current Kubernetes; older kubelets wanted a C identifier).
func envNameOK(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < ' ' || c > '~' || c == '=' {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
