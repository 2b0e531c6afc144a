package compose

import (
	"errors"
	"fmt"
	"strings"
)

// ref is one variable a substitution read.
type ref struct {
	Name       string
	Set        bool   // the variable was found
	UsedAlt    bool   // a default or alternative value was used instead of the variable
	Expr       string // the whole expression, e.g. "${POOL:-10}"
	Unknowable bool   // lookup said the variable exists but its value is not known
}

// span maps a piece of substitute's output to the input: text copied as
// written, a $$ escape, or a variable expression (refs[refLo:refHi] are the
// variables it read, the first being the expression's own).
type span struct {
	out, outLen int // in the output
	raw, rawLen int // in the input
	isVar       bool
	refLo       int
	refHi       int
}

// result is substitute's output with the map back to its input.
type result struct {
	text  string
	refs  []ref
	spans []span
}

// lookupFunc returns a variable's value; known is false when the variable
// exists but its value is not in the inputs (a Secret).
type lookupFunc func(name string) (value string, set, known bool)

// errInterpolation is wrapped by every interpolation error.
var errInterpolation = errors.New("invalid interpolation format")

// maxInterpDepth bounds nested defaults such as ${A:-${B:-${C}}}.
const maxInterpDepth = 16

// substitute expands s as Compose does (compose-spec 12-interpolation.md):
// $$ is a literal $, $NAME and ${NAME} read a variable (unset is empty),
// ${NAME:-default} / ${NAME-default} use default when NAME is unset or
// empty / unset, ${NAME:?err} / ${NAME?err} fail, ${NAME:+alt} /
// ${NAME+alt} use alt when NAME is set (and non-empty), and defaults nest.
// Any other use of $ is an error, as in Compose.
func substitute(s string, lookup lookupFunc) (string, []ref, error) {
	res, err := substituteMap(s, lookup)
	return res.text, res.refs, err
}

// substituteMap is substitute with the map from output to input.
func substituteMap(s string, lookup lookupFunc) (result, error) {
	var spans []span
	text, refs, err := subst(s, lookup, 0, &spans)
	return result{text: text, refs: refs, spans: spans}, err
}

func subst(s string, lookup lookupFunc, depth int, spans *[]span) (string, []ref, error) {
	if depth > maxInterpDepth {
		return "", nil, fmt.Errorf("%w: defaults nested more than %d deep", errInterpolation, maxInterpDepth)
	}
	if !strings.Contains(s, "$") && spans == nil {
		return s, nil, nil
	}
	var b strings.Builder
	var refs []ref
	// add records a span at top level.
	add := func(sp span) {
		if spans == nil {
			return
		}
		if n := len(*spans); n > 0 && !sp.isVar && !(*spans)[n-1].isVar && sp.outLen == sp.rawLen {
			last := &(*spans)[n-1]
			if last.out+last.outLen == sp.out && last.raw+last.rawLen == sp.raw && last.outLen == last.rawLen {
				last.outLen += sp.outLen
				last.rawLen += sp.rawLen
				return
			}
		}
		*spans = append(*spans, sp)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != '$' {
			add(span{out: b.Len(), outLen: 1, raw: i, rawLen: 1})
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", nil, fmt.Errorf("%w in %q: a lone $ at the end; write $$ for a literal $", errInterpolation, s)
		}
		switch n := s[i+1]; {
		case n == '$':
			add(span{out: b.Len(), outLen: 1, raw: i, rawLen: 2})
			b.WriteByte('$')
			i += 2
		case isNameStart(n):
			j := i + 1
			for j < len(s) && isNameChar(s[j]) {
				j++
			}
			name := s[i+1 : j]
			v, set, known := lookup(name)
			add(span{out: b.Len(), outLen: len(v), raw: i, rawLen: j - i, isVar: true, refLo: len(refs), refHi: len(refs) + 1})
			refs = append(refs, ref{Name: name, Set: set, Expr: s[i:j], Unknowable: set && !known})
			b.WriteString(v)
			i = j
		case n == '{':
			end := matchBrace(s, i+2)
			if end < 0 {
				return "", nil, fmt.Errorf("%w in %q: missing }", errInterpolation, s)
			}
			v, rs, err := braced(s[i+2:end], lookup, depth)
			if err != nil {
				return "", nil, err
			}
			if len(rs) > 0 {
				rs[0].Expr = s[i : end+1]
			}
			add(span{out: b.Len(), outLen: len(v), raw: i, rawLen: end + 1 - i, isVar: true, refLo: len(refs), refHi: len(refs) + len(rs)})
			refs = append(refs, rs...)
			b.WriteString(v)
			i = end + 1
		default:
			return "", nil, fmt.Errorf("%w in %q: write $$ for a literal $", errInterpolation, s)
		}
	}
	return b.String(), refs, nil
}

// braced evaluates the inside of ${...}; the first ref is the variable.
func braced(body string, lookup lookupFunc, depth int) (string, []ref, error) {
	j := 0
	for j < len(body) && isNameChar(body[j]) {
		j++
	}
	name := body[:j]
	if name == "" || !isNameStart(name[0]) {
		return "", nil, fmt.Errorf("%w: ${%s}", errInterpolation, body)
	}
	v, set, known := lookup(name)
	r := ref{Name: name, Set: set, Unknowable: set && !known}
	rest := body[j:]
	if rest == "" || r.Unknowable {
		// An unknown value makes the whole expression unknown: whether a
		// default applies cannot be told.
		return v, []ref{r}, nil
	}
	op := rest[:1]
	if len(rest) > 1 && rest[0] == ':' {
		op = rest[:2]
	}
	arg := rest[len(op):]
	nonEmpty := set && v != ""
	switch op {
	case ":-", "-":
		use := !set || op == ":-" && v == ""
		if !use {
			return v, []ref{r}, nil
		}
		d, rs, err := subst(arg, lookup, depth+1, nil)
		if err != nil {
			return "", nil, err
		}
		r.UsedAlt, r.Unknowable = true, false
		return d, append([]ref{r}, rs...), nil
	case ":?", "?":
		if !set || op == ":?" && v == "" {
			msg, _, _ := subst(arg, lookup, depth+1, nil)
			return "", nil, fmt.Errorf("required variable %s is missing a value: %s", name, msg)
		}
		return v, []ref{r}, nil
	case ":+", "+":
		use := set && (op == "+" || nonEmpty)
		if !use {
			r.UsedAlt = true
			return "", []ref{r}, nil
		}
		a, rs, err := subst(arg, lookup, depth+1, nil)
		if err != nil {
			return "", nil, err
		}
		r.UsedAlt, r.Unknowable = true, false
		return a, append([]ref{r}, rs...), nil
	}
	return "", nil, fmt.Errorf("%w: ${%s}", errInterpolation, body)
}

// matchBrace returns the index of the } closing a ${ whose body starts at
// from, counting nested ${...}; -1 when there is none.
func matchBrace(s string, from int) int {
	depth := 1
	for i := from; i < len(s); i++ {
		switch {
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			depth++
			i++
		case s[i] == '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameChar(c byte) bool  { return isNameStart(c) || c >= '0' && c <= '9' }
