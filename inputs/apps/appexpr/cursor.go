package appexpr

import "github.com/conncap/conncap/inputs/source"

// Token is what a Cursor needs of one language's tokens.
type Token interface {
	// Pos is where the token starts.
	Pos() source.Pos
	// Is reports whether the token is the punctuator, operator or keyword
	// spelled s.
	Is(s string) bool
	// EOF reports whether the token marks the end of the input.
	EOF() bool
}

// A Cursor walks a token slice whose last token marks the end of the
// input. It never moves past that last token, so Peek and Next always
// have a token to return.
type Cursor[T Token] struct {
	toks []T
	i    int
}

// NewCursor returns a cursor at the first of toks, which must not be
// empty and must end with the end-of-input token.
func NewCursor[T Token](toks []T) Cursor[T] { return Cursor[T]{toks: toks} }

// Peek returns the current token.
func (c *Cursor[T]) Peek() T { return c.toks[c.i] }

// Ahead returns the token n places after the current one, or the last
// token when fewer are left.
func (c *Cursor[T]) Ahead(n int) T { return c.toks[min(c.i+n, len(c.toks)-1)] }

// Next returns the current token and moves past it, unless it is the
// last.
func (c *Cursor[T]) Next() T {
	t := c.toks[c.i]
	if c.i < len(c.toks)-1 {
		c.i++
	}
	return t
}

// Is reports whether the current token is s.
func (c *Cursor[T]) Is(s string) bool { return c.Peek().Is(s) }

// Accept moves past the current token when it is s, and reports whether
// it was.
func (c *Cursor[T]) Accept(s string) bool {
	if c.Is(s) {
		c.Next()
		return true
	}
	return false
}

// AtEOF reports whether the current token marks the end of the input.
func (c *Cursor[T]) AtEOF() bool { return c.Peek().EOF() }

// Index returns the index of the current token, for a later Seek.
func (c *Cursor[T]) Index() int { return c.i }

// Seek makes the token at index i current; i must index the tokens.
func (c *Cursor[T]) Seek(i int) { c.i = i }

// SkipTo moves to the next token s, or to the end of the input; s itself
// stays current.
func (c *Cursor[T]) SkipTo(s string) {
	for !c.AtEOF() && !c.Is(s) {
		c.Next()
	}
}

// SkipOut moves past the end of the bracketed group the cursor is in:
// past the first ")", "]" or "}" that closes no bracket opened after the
// cursor. Which closing bracket it is does not matter: the tokenizers
// report mismatched brackets.
func (c *Cursor[T]) SkipOut() {
	depth := 0
	for !c.AtEOF() {
		switch t := c.Next(); {
		case t.Is("(") || t.Is("[") || t.Is("{"):
			depth++
		case t.Is(")") || t.Is("]") || t.Is("}"):
			if depth == 0 {
				return
			}
			depth--
		}
	}
}
