package appexpr

import (
	"testing"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

func TestResolve(t *testing.T) {
	k8s := source.At(source.Pos{Path: "k8s.yaml", Line: 3, Col: 18})
	here := source.Pos{Path: "app.py", Line: 7, Col: 5}
	env := apps.EnvMap{
		"SET":    {Name: "SET", Value: source.Value[string]{V: "8", Origin: k8s}},
		"SECRET": {Name: "SECRET", Unknown: true, Value: source.Value[string]{Origin: k8s}},
	}
	for _, tc := range []struct {
		env  apps.Env
		name string
		want Var
	}{
		{env, "SET", Var{Set: true, V: "8", Origin: k8s}},
		{env, "SECRET", Var{Unknown: true, Origin: k8s, Why: "SECRET comes from a source whose value is not in the inputs"}},
		{env, "UNSET", Var{Origin: source.Origin{Pos: here, Note: "UNSET is not set"}}},
		{nil, "SET", Var{Origin: source.Origin{Pos: here, Note: "SET is not set"}}},
	} {
		if got := Resolve(tc.env, tc.name, here); got != tc.want {
			t.Errorf("Resolve(%s) = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestNoteDefault(t *testing.T) {
	o := source.At(source.Pos{Path: "a", Line: 1, Col: 1})
	if got := NoteDefault(o, false, "X").Note; got != "X is not set" {
		t.Errorf("plain default: note %q", got)
	}
	if got := NoteDefault(o, true, "X").Note; got != "" {
		t.Errorf("default from the environment: note %q", got)
	}
	o.Note = "kept"
	if got := NoteDefault(o, false, "X").Note; got != "kept" {
		t.Errorf("noted default: note %q", got)
	}
}

func TestIntLiteral(t *testing.T) {
	for s, want := range map[string]int64{"25": 25, "1_000": 1000, "0x10": 16, "0o17": 15, "0b11": 3, "010": 8} {
		if n, ok := IntLiteral(s); !ok || n != want {
			t.Errorf("IntLiteral(%q) = %d, %v; want %d", s, n, ok, want)
		}
	}
	for _, s := range []string{"", "1.5", "x", "99999999999999999999"} {
		if _, ok := IntLiteral(s); ok {
			t.Errorf("IntLiteral(%q) ok", s)
		}
	}
}
