package appexpr

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/source"
)

// tok is a test token: its text, at column Col of line 1; "" ends the input.
type tok struct {
	Text string
	Col  int
}

func (t tok) Pos() source.Pos  { return source.Pos{Path: "t", Line: 1, Col: t.Col} }
func (t tok) Is(s string) bool { return t.Text == s }
func (t tok) EOF() bool        { return t.Text == "" }
func (t tok) String() string   { return t.Text }

// lex splits src at blanks; each token's Col is its index plus one.
func lex(src string) []tok {
	var out []tok
	for i, f := range strings.Fields(src) {
		out = append(out, tok{Text: f, Col: i + 1})
	}
	return append(out, tok{Col: len(out) + 1})
}

// val is a test value. An operand token spells one: its first letter
// says what it is (T truthy, F falsy, N nullish and falsy, U unknown) and
// the whole token is its name, so "U1" is unknown because "U1". The
// unknown values the parser makes are named "?" and their reason.
type val struct {
	Name string
	Col  int // where it was made
}

func (v val) Unknown() bool { return v.Name[0] == 'U' || v.Name[0] == '?' }
func (v val) Why() string   { return v.Name }
func (v val) Truthy() bool  { return v.Name[0] == 'T' }
func (v val) nullish() bool { return v.Name[0] == 'N' }

// unknownAt is the test parser's UnknownFunc.
func unknownAt(pos source.Pos, format string, args ...any) val {
	return val{Name: "?" + fmt.Sprintf(format, args...), Col: pos.Col}
}

func newTestParser(src string) *Parser[tok, val] {
	p := NewParser(lex(src), unknownAt)
	return &p
}

// operand reads one operand token.
func operand(p *Parser[tok, val]) func() val {
	return func() val {
		t := p.Next()
		return val{Name: t.Text, Col: t.Col}
	}
}

// rest is what is left of the input.
func rest[T Token](c *Cursor[T]) string {
	var out []string
	for !c.AtEOF() {
		out = append(out, fmt.Sprint(c.Next()))
	}
	return strings.Join(out, " ")
}

func TestShortCircuit(t *testing.T) {
	or := func(p *Parser[tok, val]) val { return p.Or(operand(p), "||", "or") }
	and := func(p *Parser[tok, val]) val { return p.And(operand(p), "&&") }
	coalesce := func(p *Parser[tok, val]) val { return p.Coalesce(operand(p), val.nullish, "??") }
	type result struct {
		V    val
		Rest string
	}
	for _, tc := range []struct {
		name string
		eval func(*Parser[tok, val]) val
		src  string
		want result
	}{
		{"or single", or, "F1", result{val{"F1", 1}, ""}},
		{"or falsy then truthy", or, "F1 || T2", result{val{"T2", 3}, ""}},
		{"or truthy stops", or, "T1 || F2 || T3", result{val{"T1", 1}, ""}},
		{"or all falsy is the last", or, "F1 || F2 || F3", result{val{"F3", 5}, ""}},
		{"or other spelling, first names it", or, "F1 or U2 || T3", result{val{"?U2, so the || cannot be evaluated", 4}, ""}},
		{"or unknown then known", or, "U1 || T2 || T3", result{val{"?U1, so the || cannot be evaluated", 2}, "|| T3"}},
		{"or unknown then unknown keeps the left", or, "U1 || U2 || T3", result{val{"U1", 1}, "|| T3"}},
		{"or stops at another operator", or, "F1 && T2", result{val{"F1", 1}, "&& T2"}},
		{"and truthy then falsy", and, "T1 && F2 && T3", result{val{"F2", 3}, ""}},
		{"and all truthy is the last", and, "T1 && T2", result{val{"T2", 3}, ""}},
		{"and falsy", and, "F1 && T2", result{val{"F1", 1}, ""}},
		{"and unknown then known", and, "U1 && T2 && T3", result{val{"?U1, so the && cannot be evaluated", 2}, "&& T3"}},
		{"and unknown then unknown", and, "U1 && U2", result{val{"?U1, so the && cannot be evaluated", 2}, ""}},
		{"and known then unknown", and, "T1 && U2", result{val{"U2", 3}, ""}},
		{"coalesce nullish", coalesce, "N1 ?? F2", result{val{"F2", 3}, ""}},
		{"coalesce falsy is not nullish", coalesce, "F1 ?? T2", result{val{"F1", 1}, ""}},
		{"coalesce unknown then known", coalesce, "U1 ?? T2", result{val{"?U1, so the ?? cannot be evaluated", 2}, ""}},
		{"coalesce unknown then unknown", coalesce, "U1 ?? U2", result{val{"U1", 1}, ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestParser(tc.src)
			got := result{V: tc.eval(p)}
			got.Rest = rest(&p.Cursor)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s: (-want +got)\n%s", tc.src, diff)
			}
		})
	}
}

func TestChoose(t *testing.T) {
	at := source.Pos{Path: "t", Line: 1, Col: 9}
	then, otherwise := val{"T2", 2}, val{"F3", 3}
	for _, tc := range []struct {
		cond val
		want val
	}{
		{val{"T1", 1}, then},
		{val{"F1", 1}, otherwise},
		{val{"N1", 1}, otherwise},
		{val{"U1", 1}, val{"?a conditional on U1", 9}},
	} {
		got := newTestParser("").Choose(at, "a conditional", tc.cond, then, otherwise)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Choose(%s): (-want +got)\n%s", tc.cond.Name, diff)
		}
	}
}

func TestNest(t *testing.T) {
	p := newTestParser("( ( x")
	levels := 0
	var nest func() val
	nest = func() val {
		return p.Nest(func() val {
			levels++
			return nest()
		})
	}
	got := nest()
	want := val{"?expression nested too deeply", 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deep nesting: (-want +got)\n%s", diff)
	}
	if levels != MaxDepth {
		t.Errorf("eval ran %d levels deep, want %d", levels, MaxDepth)
	}
	// The bound is on depth, not on the number of expressions.
	for range 2 * MaxDepth {
		if v := p.Nest(func() val { return val{"T", 0} }); v.Unknown() {
			t.Fatalf("Nest after returning = %v, want T", v)
		}
	}
}

func TestCursor(t *testing.T) {
	c := NewCursor(lex("a ( b [ c ) d ] e ) f"))
	type step struct {
		Op   string
		Tok  string
		Rest string
	}
	var got []step
	do := func(op string, f func() string) {
		r := f()
		c2 := c
		got = append(got, step{op, r, rest(&c2)})
	}
	do("Peek", func() string { return c.Peek().Text })
	do("Ahead(2)", func() string { return c.Ahead(2).Text })
	do("Ahead(99)", func() string { return fmt.Sprint(c.Ahead(99).EOF()) })
	do("Accept(x)", func() string { return fmt.Sprint(c.Accept("x")) })
	do("Accept(a)", func() string { return fmt.Sprint(c.Accept("a")) })
	do("Next", func() string { return c.Next().Text })
	do("SkipOut", func() string { c.SkipOut(); return "" })
	do("Index", func() string { return fmt.Sprint(c.Index()) })
	do("SkipTo(f)", func() string { c.SkipTo("f"); return c.Peek().Text })
	do("Seek(2)", func() string { c.Seek(2); return c.Peek().Text })
	do("SkipTo(zz)", func() string { c.SkipTo("zz"); return fmt.Sprint(c.AtEOF()) })
	do("Next at EOF", func() string { c.Next(); return fmt.Sprint(c.Next().EOF(), c.Index()) })
	want := []step{
		{"Peek", "a", "a ( b [ c ) d ] e ) f"},
		{"Ahead(2)", "b", "a ( b [ c ) d ] e ) f"},
		{"Ahead(99)", "true", "a ( b [ c ) d ] e ) f"},
		{"Accept(x)", "false", "a ( b [ c ) d ] e ) f"},
		{"Accept(a)", "true", "( b [ c ) d ] e ) f"},
		{"Next", "(", "b [ c ) d ] e ) f"},
		// "[" opens, ")" closes it (mismatched: not ours to report), "]"
		// closes the group the cursor was in.
		{"SkipOut", "", "e ) f"},
		{"Index", "8", "e ) f"},
		{"SkipTo(f)", "f", "f"},
		{"Seek(2)", "b", "b [ c ) d ] e ) f"},
		{"SkipTo(zz)", "true", ""},
		{"Next at EOF", "true 11", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}
