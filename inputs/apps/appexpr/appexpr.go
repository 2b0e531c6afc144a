// Package appexpr holds what the application-configuration evaluators
// (node, python, rails) share: reading a variable from the environment
// with its origin, noting where a default stands in for an unset
// variable, reading integer literals, the language-independent part of
// their recursive-descent parsers: a token Cursor and a Parser with the
// nesting bound and the short-circuit operators (||, &&, ??, and the
// conditional), generic over each language's tokens and values, and
// Fields, the insertion-ordered keys and values of an object or dict
// literal.
package appexpr

import (
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

// Lookup reads name from env; a nil env has no variables.
func Lookup(env apps.Env, name string) (apps.EnvVar, bool) {
	if env == nil {
		return apps.EnvVar{}, false
	}
	return env.Lookup(name)
}

// Var is what an expression reading the variable Name finds.
type Var struct {
	// Set: the variable is set and its value V is known.
	Set bool
	// Unknown: the variable is set from a source whose value is not in
	// the inputs; Why says so.
	Unknown bool
	V       string
	Why     string
	// Origin is the value's origin when the variable is set, and the
	// reading position noted "NAME is not set" when it is not.
	Origin source.Origin
}

// Resolve reads name from env (which may be nil) for an expression at pos.
func Resolve(env apps.Env, name string, pos source.Pos) Var {
	v, ok := Lookup(env, name)
	switch {
	case ok && v.Unknown:
		return Var{Unknown: true, Origin: v.Value.Origin, Why: name + " comes from a source whose value is not in the inputs"}
	case ok:
		return Var{Set: true, V: v.Value.V, Origin: v.Value.Origin}
	}
	return Var{Origin: source.Origin{Pos: pos, Note: UnsetNote(name)}}
}

// UnsetNote is the note on a value that stands in for the unset name.
func UnsetNote(name string) string { return name + " is not set" }

// NoteDefault returns the origin of a default used because name is unset:
// o noted "NAME is not set", unless o already has a note or the default
// itself came from the environment.
func NoteDefault(o source.Origin, fromEnv bool, name string) source.Origin {
	if o.Note == "" && !fromEnv {
		o.Note = UnsetNote(name)
	}
	return o
}

// IntLiteral reads an integer literal with underscores between digits and
// an optional 0x/0o/0b/0 prefix, as strconv.ParseInt with base 0 does.
func IntLiteral(text string) (int64, bool) {
	n, err := strconv.ParseInt(strings.ReplaceAll(text, "_", ""), 0, 64)
	return n, err == nil
}
