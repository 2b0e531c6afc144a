package rails

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/appexpr"
	"github.com/conncap/conncap/inputs/source"
)

// A small subset of Ruby, enough for the expressions that configure pool
// sizes and process counts: ENV["X"], ENV.fetch("X", d), ENV.fetch("X") { d },
// Integer(...), .to_i, .to_s, .presence, ||, &&, comparisons, integer
// arithmetic, literals and local variables. Nothing else is executed:
// anything outside the subset evaluates to an unknown value that says why.

// tokKind is the kind of a Ruby token.
type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tConst
	tInt
	tFloat
	tStr
	tSym
	tPunct
	tNewline
)

type token struct {
	kind tokKind
	text string // the identifier, punctuation or literal as written; the value for strings
	pos  source.Pos
	// interp is set on a double-quoted string with #{...} in it.
	interp bool
}

// Pos, Is and EOF make token an appexpr.Token.

// Pos is where t starts.
func (t token) Pos() source.Pos { return t.pos }

// Is reports whether t is the punctuator or identifier s.
func (t token) Is(s string) bool { return (t.kind == tPunct || t.kind == tIdent) && t.text == s }

// EOF reports whether t marks the end of the input.
func (t token) EOF() bool { return t.kind == tEOF }

// lexRuby splits src into tokens; start is the position of src's first
// character. Comments are dropped; newlines are kept as tokens. An
// unterminated string ends the input.
func lexRuby(src string, start source.Pos) []token {
	var toks []token
	line, col := start.Line, start.Col
	i := 0
	adv := func(n int) {
		for k := 0; k < n && i < len(src); k++ {
			r, size := utf8.DecodeRuneInString(src[i:])
			if r == '\n' {
				line++
				col = 1
			} else {
				col++
			}
			i += size
		}
	}
	for i < len(src) {
		c := src[i]
		p := source.Pos{Path: start.Path, Line: line, Col: col}
		switch {
		case c == '\n':
			toks = append(toks, token{kind: tNewline, text: "\n", pos: p})
			adv(1)
		case c == ' ' || c == '\t' || c == '\r':
			adv(1)
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			adv(2) // line continuation
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				adv(1)
			}
		case c == '=' && col == 1 && strings.HasPrefix(src[i:], "=begin"):
			end := strings.Index(src[i:], "\n=end")
			if end < 0 {
				adv(len(src) - i)
				break
			}
			adv(end + len("\n=end"))
			for i < len(src) && src[i] != '\n' {
				adv(1)
			}
		case c >= '0' && c <= '9':
			j := i
			float := false
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '_' || src[j] == '.' && j+1 < len(src) && src[j+1] >= '0' && src[j+1] <= '9') {
				if src[j] == '.' {
					float = true
				}
				j++
			}
			k := tInt
			if float {
				k = tFloat
			}
			toks = append(toks, token{kind: k, text: src[i:j], pos: p})
			adv(j - i)
		case isIdentStart(c):
			j := i
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			if j < len(src) && (src[j] == '?' || src[j] == '!') && !(j+1 < len(src) && src[j+1] == '=') {
				j++
			}
			k := tIdent
			if c >= 'A' && c <= 'Z' {
				k = tConst
			}
			toks = append(toks, token{kind: k, text: src[i:j], pos: p})
			adv(j - i)
		case c == '"' || c == '\'':
			val, n, interp, ok := lexString(src[i:])
			toks = append(toks, token{kind: tStr, text: val, pos: p, interp: interp})
			if !ok {
				adv(len(src) - i)
				break
			}
			adv(n)
		case c == ':' && i+1 < len(src) && isIdentStart(src[i+1]):
			j := i + 1
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			toks = append(toks, token{kind: tSym, text: src[i+1 : j], pos: p})
			adv(j - i)
		default:
			n := 1
			for _, op := range []string{"||=", "&&=", "||", "&&", "==", "!=", ">=", "<=", "::", "=>", "**"} {
				if strings.HasPrefix(src[i:], op) {
					n = len(op)
					break
				}
			}
			toks = append(toks, token{kind: tPunct, text: src[i : i+n], pos: p})
			adv(n)
		}
	}
	toks = append(toks, token{kind: tEOF, pos: source.Pos{Path: start.Path, Line: line, Col: col}})
	return toks
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentChar(c byte) bool  { return isIdentStart(c) || c >= '0' && c <= '9' }

// lexString reads a quoted string at the start of s; it returns the value,
// the bytes consumed and whether a double-quoted string interpolates.
func lexString(s string) (val string, n int, interp, ok bool) {
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q:
			return b.String(), i + 1, interp, true
		case c == '\\' && i+1 < len(s):
			i++
			e := s[i]
			if q == '\'' {
				if e != '\'' && e != '\\' {
					b.WriteByte('\\')
				}
				b.WriteByte(e)
				continue
			}
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(e)
			}
		case c == '#' && q == '"' && i+1 < len(s) && s[i+1] == '{':
			interp = true
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), len(s), interp, false
}

// vkind is the kind of a Ruby value.
type vkind int

const (
	vUnknown vkind = iota
	vNil
	vInt
	vStr
	vBool
)

// value is the result of evaluating an expression.
type value struct {
	kind vkind
	i    int64
	s    string
	b    bool
	// origin is where the value comes from: a literal's position, an
	// environment variable's origin, or a Named assumption.
	origin source.Origin
	// why says why an unknown value is unknown.
	why string
	// fromEnv is set on a value read from the environment.
	fromEnv bool
}

// unknown makes an unknown value at pos that says why; it is the
// parser's appexpr.UnknownFunc.
func unknown(pos source.Pos, format string, args ...any) value {
	return value{kind: vUnknown, origin: source.At(pos), why: fmt.Sprintf(format, args...)}
}

// Unknown, Why and Truthy make value an appexpr.Value.

// Unknown reports whether v is unknown offline.
func (v value) Unknown() bool { return v.kind == vUnknown }

// Why says why an unknown v is unknown.
func (v value) Why() string { return v.why }

// Truthy reports whether Ruby counts v as true: all but nil and false.
func (v value) Truthy() bool { return !(v.kind == vNil || v.kind == vBool && !v.b) }

// text is the value as ERB prints it (to_s).
func (v value) text() string {
	switch v.kind {
	case vInt:
		return strconv.FormatInt(v.i, 10)
	case vStr:
		return v.s
	case vBool:
		return strconv.FormatBool(v.b)
	}
	return ""
}

// assumedCPUs stands in for the processor count, which is unknown offline.
const assumedCPUs = 2

// evaluator evaluates expressions against an environment and the local
// variables assigned so far.
type evaluator struct {
	env  apps.Env
	vars map[string]value
}

// parser is a recursive-descent parser that evaluates as it goes.
type parser struct {
	appexpr.Parser[token, value]
	ev *evaluator
}

// newParser returns a parser at the first of toks, which end with tEOF.
func newParser(ev *evaluator, toks []token) *parser {
	return &parser{Parser: appexpr.NewParser(toks, unknown), ev: ev}
}

// expr parses and evaluates one expression.
func (p *parser) expr() value { return p.Nest(p.or) }

// paddedExpr parses and evaluates one expression, skipping the newlines
// before and after it (as inside brackets).
func (p *parser) paddedExpr() value {
	p.skipNewlines()
	v := p.expr()
	p.skipNewlines()
	return v
}

// skipNewlines moves past newline tokens.
func (p *parser) skipNewlines() {
	for p.Peek().kind == tNewline {
		p.Next()
	}
}

// or and and parse || and && (also spelled or and and), loosest first;
// Ruby's looser precedence for the word forms is not modelled.
func (p *parser) or() value  { return p.Or(p.and, "||", "or") }
func (p *parser) and() value { return p.And(p.not, "&&", "and") }

func (p *parser) not() value {
	if p.Is("!") || p.Is("not") {
		t := p.Next()
		v := p.not()
		if v.kind == vUnknown {
			return v
		}
		return value{kind: vBool, b: !v.Truthy(), origin: source.At(t.pos)}
	}
	return p.compare()
}

func (p *parser) compare() value {
	v := p.additive()
	for _, op := range []string{"==", "!=", ">=", "<=", ">", "<"} {
		if !p.Is(op) {
			continue
		}
		t := p.Next()
		w := p.additive()
		if v.kind == vUnknown {
			return v
		}
		if w.kind == vUnknown {
			return w
		}
		r := value{kind: vBool, origin: source.At(t.pos)}
		switch op {
		case "==", "!=":
			eq := v.kind == w.kind && v.i == w.i && v.s == w.s && v.b == w.b
			r.b = eq == (op == "==")
		default:
			if v.kind != vInt || w.kind != vInt {
				return unknown(t.pos, "comparison of %s with %s", kindName(v), kindName(w))
			}
			switch op {
			case ">":
				r.b = v.i > w.i
			case "<":
				r.b = v.i < w.i
			case ">=":
				r.b = v.i >= w.i
			case "<=":
				r.b = v.i <= w.i
			}
		}
		return r
	}
	return v
}

func kindName(v value) string {
	switch v.kind {
	case vNil:
		return "nil"
	case vInt:
		return "Integer"
	case vStr:
		return "String"
	case vBool:
		return "boolean"
	}
	return "unknown"
}

func (p *parser) additive() value {
	v := p.multiplicative()
	for p.Is("+") || p.Is("-") {
		t := p.Next()
		w := p.multiplicative()
		v = arith(t, v, w)
	}
	return v
}

func (p *parser) multiplicative() value {
	v := p.unary()
	for p.Is("*") || p.Is("/") || p.Is("%") {
		t := p.Next()
		w := p.unary()
		v = arith(t, v, w)
	}
	return v
}

func arith(t token, v, w value) value {
	switch {
	case v.kind == vUnknown:
		return v
	case w.kind == vUnknown:
		return w
	case t.text == "+" && v.kind == vStr && w.kind == vStr:
		return value{kind: vStr, s: v.s + w.s, origin: v.origin}
	case v.kind != vInt || w.kind != vInt:
		return unknown(t.pos, "%s %s %s", kindName(v), t.text, kindName(w))
	}
	r := value{kind: vInt}
	switch t.text {
	case "+":
		r.i = v.i + w.i
	case "-":
		r.i = v.i - w.i
	case "*":
		r.i = v.i * w.i
	case "/", "%":
		if w.i == 0 {
			return unknown(t.pos, "division by zero")
		}
		if t.text == "/" {
			r.i = v.i / w.i
		} else {
			r.i = v.i % w.i
		}
	}
	r.origin = source.At(t.pos)
	if v.origin.Note != "" || w.origin.Note != "" {
		r.origin.Note = strings.Trim(v.origin.Note+"; "+w.origin.Note, "; ")
	}
	return r
}

func (p *parser) unary() value {
	if p.Is("-") {
		t := p.Next()
		v := p.unary()
		if v.kind == vInt {
			v.i = -v.i
			v.origin = source.At(t.pos)
			return v
		}
		if v.kind == vUnknown {
			return v
		}
		return unknown(t.pos, "-%s", kindName(v))
	}
	return p.postfix()
}

func (p *parser) postfix() value {
	v := p.primary()
	for {
		switch {
		case p.Is("."):
			p.Next()
			m := p.Next()
			if m.kind != tIdent {
				return unknown(m.pos, "unexpected %q", m.text)
			}
			var args []value
			if p.Accept("(") {
				args = p.args(")")
			}
			if p.Is("{") {
				p.skipBlock() // a block on a method we do not model
			}
			v = method(v, m, args)
		case p.Is("["):
			t := p.Next()
			p.args("]")
			if v.kind != vUnknown {
				v = unknown(t.pos, "indexing %s", kindName(v))
			}
		default:
			return v
		}
	}
}

// args parses a comma-separated argument list up to close.
func (p *parser) args(close string) []value {
	var args []value
	for !p.Is(close) && !p.AtEOF() {
		args = append(args, p.paddedExpr())
		if !p.Accept(",") {
			break
		}
	}
	p.Accept(close)
	return args
}

// skipBlock skips a { ... } block.
func (p *parser) skipBlock() {
	depth := 0
	for !p.AtEOF() {
		t := p.Next()
		switch {
		case t.kind == tPunct && t.text == "{":
			depth++
		case t.kind == tPunct && t.text == "}":
			depth--
			if depth == 0 {
				return
			}
		}
	}
}

// block evaluates a { expr } or { |k| expr } block given to ENV.fetch.
func (p *parser) block() value {
	p.Next() // {
	if p.Accept("|") {
		for !p.Is("|") && !p.AtEOF() {
			p.Next()
		}
		p.Accept("|")
	}
	v := p.paddedExpr()
	if !p.Accept("}") {
		v = unknown(p.Peek().pos, "a block with more than one expression")
		p.skipRest("}")
	}
	return v
}

func (p *parser) skipRest(close string) {
	for !p.AtEOF() && !p.Accept(close) {
		p.Next()
	}
}

// method applies a method call on a value.
func method(v value, m token, args []value) value {
	if v.kind == vUnknown {
		return v
	}
	switch m.text {
	case "to_i":
		switch v.kind {
		case vInt:
			return v
		case vNil:
			return value{kind: vInt, i: 0, origin: v.origin}
		case vStr:
			return value{kind: vInt, i: rubyToI(v.s), origin: v.origin}
		}
	case "to_s":
		return value{kind: vStr, s: v.text(), origin: v.origin}
	case "presence":
		if v.kind == vNil || v.kind == vStr && strings.TrimSpace(v.s) == "" || v.kind == vBool && !v.b {
			return value{kind: vNil, origin: v.origin}
		}
		return v
	case "nil?":
		return value{kind: vBool, b: v.kind == vNil, origin: v.origin}
	case "present?", "blank?":
		blank := v.kind == vNil || v.kind == vStr && strings.TrimSpace(v.s) == "" || v.kind == vBool && !v.b
		return value{kind: vBool, b: blank == (m.text == "blank?"), origin: v.origin}
	}
	return unknown(m.pos, "calls %s on %s", m.text, kindName(v))
}

// rubyToI is String#to_i: leading blanks, an optional sign, then digits
// and underscores up to the first other character; 0 when there are none.
func rubyToI(s string) int64 {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' && i > 0 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		if n > (1<<62)/10 {
			break
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n
}

// rubyInteger is Kernel#Integer on a string: surrounding blanks allowed,
// an optional sign, decimal digits with single underscores between them,
// or a 0x/0b/0o/0 prefix. ok is false where Ruby raises ArgumentError.
func rubyInteger(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "__") || strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") {
		return 0, false
	}
	return appexpr.IntLiteral(s)
}

func (p *parser) primary() value {
	t := p.Next()
	switch t.kind {
	case tInt:
		n, ok := rubyInteger(t.text)
		if !ok {
			return unknown(t.pos, "integer literal %s", t.text)
		}
		return value{kind: vInt, i: n, origin: source.At(t.pos)}
	case tFloat:
		return unknown(t.pos, "float %s", t.text)
	case tStr:
		if t.interp {
			return unknown(t.pos, "string interpolation #{...}")
		}
		return value{kind: vStr, s: t.text, origin: source.At(t.pos)}
	case tSym:
		return value{kind: vStr, s: t.text, origin: source.At(t.pos)}
	case tPunct:
		if t.text == "(" {
			v := p.paddedExpr()
			if !p.Accept(")") {
				p.skipRest(")")
				return unknown(t.pos, "a parenthesised statement list")
			}
			return v
		}
		return unknown(t.pos, "unexpected %q", t.text)
	case tIdent:
		switch t.text {
		case "nil":
			return value{kind: vNil, origin: source.At(t.pos)}
		case "true", "false":
			return value{kind: vBool, b: t.text == "true", origin: source.At(t.pos)}
		}
		if v, ok := p.ev.vars[t.text]; ok && !p.Is("(") {
			return v
		}
		if p.Accept("(") {
			p.args(")")
		}
		return unknown(t.pos, "calls %s", t.text)
	case tConst:
		return p.constant(t)
	}
	return unknown(t.pos, "unexpected end of expression")
}

// constant handles ENV, Integer(...), String(...) and the processor-count
// calls; other constants are unknown.
func (p *parser) constant(t token) value {
	switch t.text {
	case "ENV":
		return p.env(t)
	case "Integer", "String":
		if !p.Accept("(") {
			return unknown(t.pos, "%s without arguments", t.text)
		}
		args := p.args(")")
		if len(args) == 0 {
			return unknown(t.pos, "%s()", t.text)
		}
		a := args[0]
		if a.kind == vUnknown {
			return a
		}
		if t.text == "String" {
			return value{kind: vStr, s: a.text(), origin: a.origin}
		}
		switch a.kind {
		case vInt:
			return a
		case vStr:
			if n, ok := rubyInteger(a.s); ok {
				return value{kind: vInt, i: n, origin: a.origin}
			}
			return unknown(t.pos, "Integer(%q) raises ArgumentError", a.s)
		}
		return unknown(t.pos, "Integer(%s) raises TypeError", kindName(a))
	case "Concurrent", "Etc":
		if p.Accept(".") {
			m := p.Next()
			switch m.text {
			case "physical_processor_count", "processor_count", "nprocessors", "available_processor_count":
				if p.Accept("(") {
					p.args(")")
				}
				return value{kind: vInt, i: assumedCPUs, origin: source.Named(fmt.Sprintf("%s.%s: the processor count is unknown offline; assumed %d", t.text, m.text, assumedCPUs))}
			}
			return unknown(m.pos, "calls %s.%s", t.text, m.text)
		}
	}
	for p.Accept("::") || p.Accept(".") {
		p.Next()
	}
	if p.Accept("(") {
		p.args(")")
	}
	return unknown(t.pos, "uses %s", t.text)
}

// env handles ENV["X"] and ENV.fetch("X", default) / ENV.fetch("X") { default }.
func (p *parser) env(t token) value {
	switch {
	case p.Accept("["):
		args := p.args("]")
		if len(args) != 1 || args[0].kind != vStr {
			return unknown(t.pos, "ENV[...] with a name that is not a literal")
		}
		return p.lookup(args[0].s, t.pos, nil, false)
	case p.Accept("."):
		m := p.Next()
		if m.text != "fetch" {
			if m.text == "key?" || m.text == "has_key?" || m.text == "include?" {
				if p.Accept("(") {
					args := p.args(")")
					if len(args) == 1 && args[0].kind == vStr {
						_, ok := appexpr.Lookup(p.ev.env, args[0].s)
						return value{kind: vBool, b: ok, origin: source.At(t.pos)}
					}
				}
			}
			return unknown(m.pos, "calls ENV.%s", m.text)
		}
		if !p.Accept("(") {
			return unknown(m.pos, "ENV.fetch without arguments")
		}
		args := p.args(")")
		if len(args) == 0 || args[0].kind != vStr {
			return unknown(t.pos, "ENV.fetch with a name that is not a literal")
		}
		var def *value
		if len(args) > 1 {
			def = &args[1]
		}
		if p.Is("{") {
			b := p.block()
			def = &b
		}
		return p.lookup(args[0].s, t.pos, def, true)
	}
	return unknown(t.pos, "uses ENV")
}

// lookup evaluates ENV[name] (fetch false) or ENV.fetch(name, def).
func (p *parser) lookup(name string, pos source.Pos, def *value, fetch bool) value {
	v := appexpr.Resolve(p.ev.env, name, pos)
	switch {
	case v.Unknown:
		return value{kind: vUnknown, origin: v.Origin, why: v.Why}
	case v.Set:
		return value{kind: vStr, s: v.V, origin: v.Origin, fromEnv: true}
	case def != nil:
		d := *def
		d.origin = appexpr.NoteDefault(d.origin, d.fromEnv, name)
		return d
	case fetch:
		return unknown(pos, "ENV.fetch(%q) raises KeyError: %s is not set", name, name)
	}
	return value{kind: vNil, origin: v.Origin}
}

// eval evaluates src (an expression) starting at pos.
func (ev *evaluator) eval(src string, pos source.Pos) value {
	p := newParser(ev, lexRuby(src, pos))
	v := p.paddedExpr()
	if t := p.Peek(); !t.EOF() && v.kind != vUnknown {
		return unknown(t.pos, "more than one expression (%q)", t.text)
	}
	return v
}
