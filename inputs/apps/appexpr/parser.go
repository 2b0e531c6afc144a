package appexpr

import "github.com/conncap/conncap/inputs/source"

// Value is what the short-circuit operators need of one language's
// evaluated values.
type Value interface {
	// Unknown reports whether the value cannot be worked out offline.
	Unknown() bool
	// Why says why an unknown value is unknown.
	Why() string
	// Truthy reports whether the language counts the value as true.
	Truthy() bool
}

// UnknownFunc makes an unknown value at pos whose Why is
// fmt.Sprintf(format, args...).
type UnknownFunc[V Value] func(pos source.Pos, format string, args ...any) V

// MaxDepth is how deeply Parser.Nest lets expressions nest.
const MaxDepth = 64

// Parser is the part of a recursive-descent evaluator that does not depend
// on the language: a Cursor over the tokens T, a bound on nesting, and the
// short-circuit operators over the values V. A language's parser embeds
// it and adds the rest of its grammar.
type Parser[T Token, V Value] struct {
	Cursor[T]
	unknownAt UnknownFunc[V]
	depth     int
}

// NewParser returns a parser at the first of toks (see NewCursor) that
// makes its unknown values with unknownAt.
func NewParser[T Token, V Value](toks []T, unknownAt UnknownFunc[V]) Parser[T, V] {
	return Parser[T, V]{Cursor: NewCursor(toks), unknownAt: unknownAt}
}

// Nest evaluates a nested expression with eval. Past MaxDepth levels it
// evaluates nothing and returns an unknown value at the current token.
func (p *Parser[T, V]) Nest(eval func() V) V {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > MaxDepth {
		return p.unknownAt(p.Peek().Pos(), "expression nested too deeply")
	}
	return eval()
}

// Or evaluates "x || y || ...": operands read by operand, joined by any
// of ops (the first of which names the operator in reasons). The result
// is the first truthy operand, or else the last one.
//
// An unknown operand on the left ends the chain after its right operand:
// the result is that operand when the right one is unknown too, and
// otherwise an unknown value saying the operator cannot be evaluated.
func (p *Parser[T, V]) Or(operand func() V, ops ...string) V {
	return p.chain(operand, ops, func(v V) bool { return !v.Truthy() }, true)
}

// And evaluates "x && y && ...": operands read by operand, joined by any
// of ops (the first of which names the operator in reasons). The result
// is the first falsy operand, or else the last one.
//
// An unknown operand on the left ends the chain after its right operand
// with an unknown value saying the operator cannot be evaluated.
func (p *Parser[T, V]) And(operand func() V, ops ...string) V {
	return p.chain(operand, ops, func(v V) bool { return v.Truthy() }, false)
}

// Coalesce evaluates "x ?? y ?? ...": operands read by operand, joined by
// any of ops (the first of which names the operator in reasons). The
// result is the first operand that is not nullish, or else the last one.
// Unknown operands are treated as by Or.
func (p *Parser[T, V]) Coalesce(operand func() V, nullish func(V) bool, ops ...string) V {
	return p.chain(operand, ops, nullish, true)
}

// chain evaluates a left-associative chain of one short-circuit operator.
// takeRight reports whether the operator goes on to its right operand when
// the left one is known; keep makes an unknown left operand the result
// when the right one is unknown too.
func (p *Parser[T, V]) chain(operand func() V, ops []string, takeRight func(V) bool, keep bool) V {
	v := operand()
	for p.isAny(ops) {
		t := p.Next()
		w := operand()
		switch {
		case v.Unknown():
			if keep && w.Unknown() {
				return v
			}
			return p.unknownAt(t.Pos(), "%s, so the %s cannot be evaluated", v.Why(), ops[0])
		case takeRight(v):
			v = w
		}
	}
	return v
}

// isAny reports whether the current token is one of ops.
func (p *Parser[T, V]) isAny(ops []string) bool {
	for _, op := range ops {
		if p.Is(op) {
			return true
		}
	}
	return false
}

// Choose is the value of a conditional expression whose condition and
// branches are all evaluated: then when cond is truthy, otherwise when it
// is falsy. An unknown condition gives an unknown value at pos, where the
// expression starts, whose Why reads "<what> on <cond's Why>".
func (p *Parser[T, V]) Choose(pos source.Pos, what string, cond, then, otherwise V) V {
	switch {
	case cond.Unknown():
		return p.unknownAt(pos, "%s on %s", what, cond.Why())
	case cond.Truthy():
		return then
	}
	return otherwise
}
