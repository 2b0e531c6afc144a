package node

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/appexpr"
	"github.com/conncap/conncap/inputs/source"
)

// A JavaScript expression subset: literals, object and array literals
// (with shorthand properties and spreads of known objects), identifiers
// bound by earlier const/let/var declarations, member access, ||, ?? and
// &&, the conditional operator when its condition is known, arithmetic,
// and the calls that read configuration: process.env.X /
// process.env["X"], parseInt, Number, parseFloat, String, and
// os.cpus().length (unknown offline, assumed). Functions are not called.

type jkind int

const (
	jUnknown jkind = iota
	jUndefined
	jNull
	jNumber
	jString
	jBool
	jObject
	jArray
	jRef // an identifier or member path bound to nothing known (a module, a class)
)

// jval is the value of an expression.
type jval struct {
	kind   jkind
	n      float64
	s      string // string value; the path of a jRef
	b      bool
	props  appexpr.Fields[jval] // an object's properties, in order
	items  []jval
	pos    source.Pos
	origin source.Origin
	why    string
	// fromEnv is set on a value read from the environment.
	fromEnv bool
	// call is set on the result of a call we do not model: the callee's
	// path and the arguments, for the scanner.
	call *callInfo
}

type callInfo struct {
	callee string
	isNew  bool
	args   []jval
}

// unknownAt makes an unknown value at pos that says why; it is the
// parser's appexpr.UnknownFunc.
func unknownAt(pos source.Pos, format string, args ...any) jval {
	return jval{kind: jUnknown, pos: pos, origin: source.At(pos), why: fmt.Sprintf(format, args...)}
}

// get returns an object property.
func (v jval) get(key string) (jval, bool) {
	if v.kind != jObject {
		return jval{}, false
	}
	return v.props.Get(key)
}

// set returns a copy of v with the property key set.
func (v jval) set(key string, val jval) jval {
	v.props = v.props.Set(key, val)
	return v
}

// Unknown, Why and Truthy make jval an appexpr.Value.

// Unknown reports whether v is unknown offline.
func (v jval) Unknown() bool { return v.kind == jUnknown }

// Why says why an unknown v is unknown.
func (v jval) Why() string { return v.why }

// Truthy reports whether JavaScript counts v as true.
func (v jval) Truthy() bool {
	switch v.kind {
	case jUndefined, jNull:
		return false
	case jNumber:
		return v.n != 0
	case jString:
		return v.s != ""
	case jBool:
		return v.b
	}
	return true
}

func (v jval) nullish() bool { return v.kind == jUndefined || v.kind == jNull }

func kindName(v jval) string {
	switch v.kind {
	case jUndefined:
		return "undefined"
	case jNull:
		return "null"
	case jNumber:
		return "number"
	case jString:
		return "string"
	case jBool:
		return "boolean"
	case jObject:
		return "object"
	case jArray:
		return "array"
	case jRef:
		return v.s
	}
	return "unknown"
}

// text is String(v) for the kinds that matter.
func (v jval) text() string {
	switch v.kind {
	case jString:
		return v.s
	case jNumber:
		return strconv.FormatFloat(v.n, 'f', -1, 64)
	case jBool:
		return strconv.FormatBool(v.b)
	case jNull:
		return "null"
	}
	return "undefined"
}

// assumedCPUs stands in for the processor count, unknown offline.
const assumedCPUs = 2

// evaluator evaluates expressions against the environment and the names
// bound so far.
type evaluator struct {
	env  apps.Env
	syms map[string]jval
}

// parser evaluates JavaScript expressions as it parses them.
type parser struct {
	appexpr.Parser[token, jval]
	ev *evaluator
	// calls records every call evaluated, for the scanner.
	calls *[]jval
}

// newParser returns a parser at the first of toks, which end with tEOF.
func newParser(ev *evaluator, toks []token) *parser {
	return &parser{Parser: appexpr.NewParser(toks, unknownAt), ev: ev}
}

// expr parses an assignment expression (no commas).
func (p *parser) expr() jval { return p.Nest(p.assignment) }

// assignment parses an arrow function or a conditional expression.
func (p *parser) assignment() jval {
	if arrow := p.arrowFunction(); arrow {
		return unknownAt(p.Peek().pos, "a function")
	}
	start := p.Peek().pos
	v := p.nullish()
	if p.Accept("?") {
		a := p.expr()
		p.Accept(":")
		b := p.expr()
		return p.Choose(start, "a conditional", v, a, b)
	}
	return v
}

// arrowFunction skips "(a, b) => body", "x => body", "async ..." and
// function expressions, returning true when it did.
func (p *parser) arrowFunction() bool {
	save := p.Index()
	if p.Is("async") {
		p.Next()
	}
	if p.Is("function") {
		p.Next()
		p.SkipTo("(")
		p.skipBalanced()
		if p.Is("{") {
			p.skipBalanced()
		}
		return true
	}
	switch {
	case p.Peek().kind == tIdent && p.Ahead(1).text == "=>":
		p.Next()
	case p.Is("("):
		p.skipBalanced()
		if p.Is(":") { // TypeScript return type
			for !p.Is("=>") && !p.AtEOF() && !p.Is(",") && !p.Is(";") {
				p.Next()
			}
		}
		if !p.Is("=>") {
			p.Seek(save)
			return false
		}
	default:
		p.Seek(save)
		return false
	}
	p.Next() // =>
	if p.Is("{") {
		p.skipBalanced()
	} else {
		p.expr()
	}
	return true
}

// skipBalanced skips one bracketed group starting at the current token.
func (p *parser) skipBalanced() {
	depth := 0
	for !p.AtEOF() {
		t := p.Next()
		if t.kind != tPunct {
			if depth == 0 {
				return
			}
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		}
		if depth <= 0 {
			return
		}
	}
}

// nullish, or and and parse ??, || and &&, loosest first.
func (p *parser) nullish() jval { return p.Coalesce(p.or, jval.nullish, "??") }
func (p *parser) or() jval      { return p.Or(p.and, "||") }
func (p *parser) and() jval     { return p.And(p.compare, "&&") }

func (p *parser) compare() jval {
	v := p.additive()
	for _, op := range []string{"===", "!==", "==", "!=", ">=", "<=", ">", "<"} {
		if !p.Is(op) {
			continue
		}
		t := p.Next()
		w := p.additive()
		if v.kind == jUnknown || w.kind == jUnknown {
			return unknownAt(t.pos, "comparison of unknown values")
		}
		r := jval{kind: jBool, pos: t.pos, origin: source.At(t.pos)}
		switch {
		case op == "===" || op == "==" || op == "!==" || op == "!=":
			eq := v.kind == w.kind && v.n == w.n && v.s == w.s && v.b == w.b
			r.b = eq == (op == "===" || op == "==")
		case v.kind == jNumber && w.kind == jNumber:
			r.b = op == ">" && v.n > w.n || op == "<" && v.n < w.n || op == ">=" && v.n >= w.n || op == "<=" && v.n <= w.n
		default:
			return unknownAt(t.pos, "comparison of %s with %s", kindName(v), kindName(w))
		}
		return r
	}
	return v
}

func (p *parser) additive() jval {
	v := p.multiplicative()
	for p.Is("+") || p.Is("-") {
		t := p.Next()
		v = binop(t, v, p.multiplicative())
	}
	return v
}

func (p *parser) multiplicative() jval {
	v := p.unary()
	for p.Is("*") || p.Is("/") || p.Is("%") {
		t := p.Next()
		v = binop(t, v, p.unary())
	}
	return v
}

func binop(t token, v, w jval) jval {
	switch {
	case v.kind == jUnknown:
		return v
	case w.kind == jUnknown:
		return w
	case t.text == "+" && (v.kind == jString || w.kind == jString):
		return jval{kind: jString, s: v.text() + w.text(), pos: v.pos, origin: v.origin}
	case v.kind != jNumber || w.kind != jNumber:
		return unknownAt(t.pos, "%s %s %s", kindName(v), t.text, kindName(w))
	}
	r := jval{kind: jNumber, pos: v.pos, origin: source.At(v.pos)}
	switch t.text {
	case "+":
		r.n = v.n + w.n
	case "-":
		r.n = v.n - w.n
	case "*":
		r.n = v.n * w.n
	case "/":
		r.n = v.n / w.n
	case "%":
		if w.n == 0 {
			return unknownAt(t.pos, "modulo by zero")
		}
		r.n = float64(int64(v.n) % int64(w.n))
	}
	if notes := strings.Trim(v.origin.Note+"; "+w.origin.Note, "; "); notes != "" {
		r.origin.Note = notes
	}
	return r
}

func (p *parser) unary() jval {
	switch {
	case p.Is("!"):
		t := p.Next()
		v := p.unary()
		if v.kind == jUnknown {
			return v
		}
		return jval{kind: jBool, b: !v.Truthy(), pos: t.pos, origin: source.At(t.pos)}
	case p.Is("-") || p.Is("+"):
		t := p.Next()
		v := p.unary()
		n := toNumber(v, t.pos)
		if n.kind == jNumber && t.text == "-" {
			n.n = -n.n
		}
		return n
	case p.Is("typeof") || p.Is("void") || p.Is("await") || p.Is("delete"):
		t := p.Next()
		v := p.unary()
		if t.text == "await" {
			return v
		}
		return unknownAt(t.pos, "%s", t.text)
	case p.Is("new"):
		t := p.Next()
		v := p.postfix(true)
		if v.call != nil {
			v.call.isNew = true
		}
		_ = t
		return v
	}
	v := p.postfix(false)
	if p.Is("as") || p.Is("satisfies") { // TypeScript
		p.Next()
		p.typeExpr()
	}
	if p.Is("!") && p.Peek().kind == tPunct { // TypeScript non-null
		if nx := p.Ahead(1); nx.text != "=" {
			p.Next()
		}
	}
	return v
}

// typeExpr skips a TypeScript type after "as".
func (p *parser) typeExpr() {
	for {
		switch {
		case p.Peek().kind == tIdent:
			p.Next()
		case p.Is("<") || p.Is("{") || p.Is("[") || p.Is("("):
			if p.Is("<") {
				depth := 0
				for !p.AtEOF() {
					t := p.Next()
					if t.text == "<" {
						depth++
					} else if t.text == ">" {
						depth--
						if depth == 0 {
							break
						}
					}
				}
			} else {
				p.skipBalanced()
			}
		case p.Is(".") || p.Is("|") || p.Is("&"):
			p.Next()
		default:
			return
		}
	}
}

// toNumber is Number(v).
func toNumber(v jval, pos source.Pos) jval {
	switch v.kind {
	case jNumber, jUnknown:
		return v
	case jString:
		s := strings.TrimSpace(v.s)
		if s == "" {
			return jval{kind: jNumber, n: 0, pos: v.pos, origin: v.origin, fromEnv: v.fromEnv}
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return jval{kind: jNumber, n: f, pos: v.pos, origin: v.origin, fromEnv: v.fromEnv}
		}
		return jval{kind: jNumber, n: nan(), pos: v.pos, origin: v.origin}
	case jBool:
		n := 0.0
		if v.b {
			n = 1
		}
		return jval{kind: jNumber, n: n, pos: v.pos, origin: v.origin}
	case jNull:
		return jval{kind: jNumber, n: 0, pos: v.pos, origin: v.origin}
	}
	return jval{kind: jNumber, n: nan(), pos: pos, origin: source.At(pos)}
}

func nan() float64 { z := 0.0; return z / z }

// parseInt is JavaScript's parseInt(s, 10): leading blanks, a sign, then
// decimal digits; NaN when there are none.
func parseInt(v jval, pos source.Pos) jval {
	if v.kind == jUnknown {
		return v
	}
	if v.kind == jNumber {
		v.n = float64(int64(v.n))
		return v
	}
	s := strings.TrimLeft(v.text(), " \t\n\r")
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	digits := end
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == digits {
		return jval{kind: jNumber, n: nan(), pos: v.pos, origin: v.origin}
	}
	n, _ := strconv.ParseFloat(s[:end], 64)
	return jval{kind: jNumber, n: n, pos: v.pos, origin: v.origin, fromEnv: v.fromEnv}
}

// postfix parses a primary followed by member accesses and calls.
func (p *parser) postfix(isNew bool) jval {
	start := p.Peek()
	v, path := p.primary()
	for {
		switch {
		case p.Is(".") || p.Is("?."):
			p.Next()
			if p.Is("(") || p.Is("[") {
				continue
			}
			t := p.Next()
			if t.kind != tIdent {
				return unknownAt(t.pos, "unexpected %q", t.text)
			}
			if path == "process.env" {
				v, path = p.envVar(t.text, start.pos), ""
				continue
			}
			if path != "" {
				path += "." + t.text
			}
			switch {
			case v.kind == jObject:
				if w, ok := v.get(t.text); ok {
					v = w
				} else {
					v = jval{kind: jUndefined, pos: t.pos, origin: source.At(t.pos)}
				}
			case t.text == "length" && v.kind == jArray:
				v = jval{kind: jNumber, n: float64(len(v.items)), pos: v.pos, origin: v.origin}
			case t.text == "length" && v.call != nil && (strings.HasSuffix(v.call.callee, "os.cpus") || v.call.callee == "cpus"):
				v = jval{kind: jNumber, n: assumedCPUs, pos: start.pos, origin: source.Named(fmt.Sprintf("os.cpus().length: the processor count is unknown offline; assumed %d", assumedCPUs))}
			case v.kind == jRef:
				if b, ok := p.ev.syms[path]; ok && path != "" {
					v = b
				} else {
					v = jval{kind: jRef, s: v.s + "." + t.text, pos: start.pos, origin: source.At(start.pos)}
				}
			case v.kind != jUnknown:
				v = unknownAt(t.pos, "property %s of %s", t.text, kindName(v))
			}
		case p.Is("["):
			t := p.Next()
			idx := p.expr()
			p.SkipOut()
			switch {
			case path == "process.env":
				if idx.kind == jString {
					v = p.envVar(idx.s, start.pos)
				} else {
					v = unknownAt(t.pos, "process.env[...] with a name that is not a literal")
				}
			case v.kind == jObject && idx.kind == jString:
				if w, ok := v.get(idx.s); ok {
					v = w
				} else {
					v = jval{kind: jUndefined, pos: t.pos, origin: source.At(t.pos)}
				}
			case v.kind == jArray && idx.kind == jNumber && idx.n >= 0 && int(idx.n) < len(v.items):
				v = v.items[int(idx.n)]
			case v.kind != jUnknown:
				v = unknownAt(t.pos, "an index of %s", kindName(v))
			}
			path = ""
		case p.Is("("):
			p.Next()
			args := p.args()
			v = p.call(path, v, args, start.pos, isNew)
			isNew = false
			path = ""
		case p.Peek().kind == tTemplate: // a tagged template
			t := p.Next()
			v = unknownAt(t.pos, "a tagged template")
		default:
			return v
		}
	}
}

// args parses call arguments after "(" up to ")".
func (p *parser) args() []jval {
	var out []jval
	for !p.Is(")") && !p.AtEOF() {
		if p.Accept("...") {
			v := p.expr()
			out = append(out, unknownAt(v.pos, "a spread argument"))
		} else {
			out = append(out, p.expr())
		}
		if !p.Accept(",") {
			break
		}
	}
	p.SkipOut()
	return out
}

// envVar reads process.env.NAME.
func (p *parser) envVar(name string, pos source.Pos) jval {
	v := appexpr.Resolve(p.ev.env, name, pos)
	switch {
	case v.Unknown:
		return jval{kind: jUnknown, pos: pos, origin: v.Origin, why: v.Why}
	case v.Set:
		return jval{kind: jString, s: v.V, pos: pos, origin: v.Origin, fromEnv: true}
	}
	return jval{kind: jUndefined, pos: pos, origin: v.Origin}
}

// call evaluates the conversion calls; others are recorded.
func (p *parser) call(path string, fn jval, args []jval, pos source.Pos, isNew bool) jval {
	first := jval{kind: jUndefined, pos: pos, origin: source.At(pos)}
	if len(args) > 0 {
		first = args[0]
	}
	switch path {
	case "parseInt", "Number.parseInt":
		return parseInt(first, pos)
	case "Number", "parseFloat", "Number.parseFloat":
		return toNumber(first, pos)
	case "String":
		if first.kind == jUnknown {
			return first
		}
		return jval{kind: jString, s: first.text(), pos: first.pos, origin: first.origin}
	case "require":
		if first.kind == jString {
			return jval{kind: jRef, s: "require:" + first.s, pos: pos, origin: source.At(pos)}
		}
	}
	callee := path
	if fn.kind == jRef {
		callee = fn.s
	}
	v := unknownAt(pos, "calls %s", callee)
	v.call = &callInfo{callee: callee, isNew: isNew, args: args}
	if p.calls != nil {
		*p.calls = append(*p.calls, v)
	}
	return v
}

// primary parses literals, identifiers, objects, arrays and parentheses.
func (p *parser) primary() (jval, string) {
	t := p.Next()
	switch t.kind {
	case tNumber:
		text := strings.ReplaceAll(t.text, "_", "")
		if n, err := strconv.ParseFloat(text, 64); err == nil {
			return jval{kind: jNumber, n: n, pos: t.pos, origin: source.At(t.pos)}, ""
		}
		if n, ok := appexpr.IntLiteral(t.text); ok {
			return jval{kind: jNumber, n: float64(n), pos: t.pos, origin: source.At(t.pos)}, ""
		}
		return unknownAt(t.pos, "number %s", t.text), ""
	case tString:
		return jval{kind: jString, s: t.text, pos: t.pos, origin: source.At(t.pos)}, ""
	case tTemplate:
		body := t.text[1:max(1, len(t.text)-1)]
		if !strings.Contains(body, "${") && !strings.Contains(body, `\`) {
			return jval{kind: jString, s: body, pos: t.pos, origin: source.At(t.pos)}, ""
		}
		return unknownAt(t.pos, "a template literal with substitutions"), ""
	case tRegexp:
		return unknownAt(t.pos, "a regular expression"), ""
	case tIdent:
		switch t.text {
		case "undefined":
			return jval{kind: jUndefined, pos: t.pos, origin: source.At(t.pos)}, ""
		case "null":
			return jval{kind: jNull, pos: t.pos, origin: source.At(t.pos)}, ""
		case "true", "false":
			return jval{kind: jBool, b: t.text == "true", pos: t.pos, origin: source.At(t.pos)}, ""
		case "class":
			p.SkipTo("{")
			p.skipBalanced()
			return unknownAt(t.pos, "a class"), ""
		}
		if v, ok := p.ev.syms[t.text]; ok {
			return v, t.text
		}
		return jval{kind: jRef, s: t.text, pos: t.pos, origin: source.At(t.pos)}, t.text
	case tPunct:
		switch t.text {
		case "(":
			v := p.expr()
			for p.Accept(",") {
				v = p.expr()
			}
			p.SkipOut()
			return v, ""
		case "[":
			v := jval{kind: jArray, pos: t.pos, origin: source.At(t.pos)}
			for !p.Is("]") && !p.AtEOF() {
				if p.Accept("...") {
					sub := p.expr()
					if sub.kind == jArray {
						v.items = append(v.items, sub.items...)
					} else {
						v.items = append(v.items, unknownAt(sub.pos, "a spread element"))
					}
				} else if p.Is(",") {
					v.items = append(v.items, jval{kind: jUndefined})
				} else {
					v.items = append(v.items, p.expr())
				}
				if !p.Accept(",") {
					break
				}
			}
			p.SkipOut()
			return v, ""
		case "{":
			return p.object(t), ""
		}
	}
	return unknownAt(t.pos, "unexpected %q", t.text), ""
}

// object parses an object literal after "{".
func (p *parser) object(open token) jval {
	v := jval{kind: jObject, pos: open.pos, origin: source.At(open.pos)}
	for !p.Is("}") && !p.AtEOF() {
		if p.Accept("...") {
			sub := p.expr()
			switch sub.kind {
			case jObject:
				v.props = v.props.Merge(sub.props)
			case jUndefined, jNull:
			default:
				v = v.set("...", unknownAt(sub.pos, "a spread of %s", kindName(sub)))
			}
		} else {
			kt := p.Next()
			key := kt.text
			switch {
			case kt.kind == tPunct && kt.text == "[":
				k := p.expr()
				p.SkipOut()
				key = k.s
				if k.kind != jString {
					key = ""
				}
			case kt.kind == tIdent && (kt.text == "get" || kt.text == "set" || kt.text == "async") && !p.Is(":") && !p.Is(",") && !p.Is("}") && !p.Is("("):
				kt = p.Next()
				key = kt.text
			case kt.kind == tNumber || kt.kind == tString || kt.kind == tIdent:
			default:
				p.SkipOut()
				return unknownAt(open.pos, "an object literal with %q", kt.text)
			}
			switch {
			case p.Accept(":"):
				val := p.expr()
				if key != "" {
					v = v.set(key, val)
				}
			case p.Is("("): // a method
				p.skipBalanced()
				if p.Is(":") {
					for !p.Is("{") && !p.AtEOF() {
						p.Next()
					}
				}
				p.skipBalanced()
			default: // shorthand { host }
				if key != "" {
					if b, ok := p.ev.syms[key]; ok {
						v = v.set(key, b)
					} else {
						v = v.set(key, jval{kind: jRef, s: key, pos: kt.pos, origin: source.At(kt.pos)})
					}
				}
			}
		}
		if !p.Accept(",") {
			break
		}
	}
	p.SkipOut()
	return v
}
