package python

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/appexpr"
	"github.com/conncap/conncap/inputs/apps/dburl"
	"github.com/conncap/conncap/inputs/source"
)

// A Python expression subset: literals (numbers, strings with implicit
// concatenation, True/False/None, dicts, lists, tuples), names bound by
// earlier module-level assignments, subscripts of those, integer
// arithmetic, "or"/"and", and the calls that read the environment:
// os.environ.get / os.getenv / os.environ[...] / environ.get, int(), str(),
// django-environ's env()/env.int(), python-decouple's config(),
// dj_database_url.config()/parse(), and os.cpu_count() /
// multiprocessing.cpu_count() (unknown offline, assumed). Anything else is
// an unknown value that says why. Nothing is executed.

type pkind int

const (
	pUnknown pkind = iota
	pNone
	pInt
	pFloat
	pStr
	pBool
	pDict
	pList
	pRef // a name or attribute not bound to a value: a class or function (NullPool)
)

// pval is the value of an expression.
type pval struct {
	kind    pkind
	i       int64
	f       float64
	s       string // string value; the dotted name of a pRef
	b       bool
	entries appexpr.Fields[pval] // a dict's entries with string keys (the only ones kept), in order
	items   []pval
	origin  source.Origin
	pos     source.Pos // where the expression starts
	why     string     // for pUnknown
	// fromEnv is set on a value read from the environment.
	fromEnv bool
}

// unknownAt makes an unknown value at pos that says why; it is the
// parser's appexpr.UnknownFunc.
func unknownAt(pos source.Pos, format string, args ...any) pval {
	return pval{kind: pUnknown, pos: pos, origin: source.At(pos), why: fmt.Sprintf(format, args...)}
}

// get returns a dict entry.
func (v pval) get(key string) (pval, bool) {
	if v.kind != pDict {
		return pval{}, false
	}
	return v.entries.Get(key)
}

// set returns a copy of dict v with key set.
func (v pval) set(key string, val pval) pval {
	v.entries = v.entries.Set(key, val)
	return v
}

// Unknown, Why and Truthy make pval an appexpr.Value.

// Unknown reports whether v is unknown offline.
func (v pval) Unknown() bool { return v.kind == pUnknown }

// Why says why an unknown v is unknown.
func (v pval) Why() string { return v.why }

// Truthy reports whether Python counts v as true.
func (v pval) Truthy() bool {
	switch v.kind {
	case pNone:
		return false
	case pInt:
		return v.i != 0
	case pFloat:
		return v.f != 0
	case pStr:
		return v.s != ""
	case pBool:
		return v.b
	case pDict:
		return v.entries.Len() > 0
	case pList:
		return len(v.items) > 0
	}
	return true
}

func kindName(v pval) string {
	switch v.kind {
	case pNone:
		return "None"
	case pInt:
		return "int"
	case pFloat:
		return "float"
	case pStr:
		return "str"
	case pBool:
		return "bool"
	case pDict:
		return "dict"
	case pList:
		return "list"
	case pRef:
		return v.s
	}
	return "unknown"
}

// assumedCPUs stands in for the processor count, unknown offline.
const assumedCPUs = 2

// evaluator evaluates expressions against the environment and the names
// bound so far.
type evaluator struct {
	env  apps.Env
	syms map[string]pval
}

// arg is one argument of a call: Name is "" for a positional one.
type arg struct {
	name string
	val  pval
	pos  source.Pos
}

// parser evaluates Python expressions as it parses them.
type parser struct {
	appexpr.Parser[token, pval]
	ev *evaluator
}

// newParser returns a parser at the token toks[i]; toks end with tEOF.
func newParser(ev *evaluator, toks []token, i int) *parser {
	p := &parser{Parser: appexpr.NewParser(toks, unknownAt), ev: ev}
	p.Seek(i)
	return p
}

// expr parses and evaluates one expression.
func (p *parser) expr() pval { return p.Nest(p.conditional) }

// conditional parses "a if c else b", which evaluates to unknown unless
// c is known.
func (p *parser) conditional() pval {
	start := p.Peek().pos
	v := p.or()
	if p.Accept("if") {
		c := p.or()
		var alt pval
		if p.Accept("else") {
			alt = p.expr()
		}
		return p.Choose(start, "conditional expression", c, v, alt)
	}
	return v
}

// or and and parse Python's boolean operators, loosest first.
func (p *parser) or() pval  { return p.Or(p.and, "or") }
func (p *parser) and() pval { return p.And(p.not, "and") }

func (p *parser) not() pval {
	if p.Is("not") {
		t := p.Next()
		v := p.not()
		if v.kind == pUnknown {
			return v
		}
		return pval{kind: pBool, b: !v.Truthy(), origin: source.At(t.pos), pos: t.pos}
	}
	return p.compare()
}

func (p *parser) compare() pval {
	v := p.arith()
	for _, op := range []string{"==", "!=", ">=", "<=", ">", "<"} {
		if !p.Is(op) {
			continue
		}
		t := p.Next()
		w := p.arith()
		if v.kind == pUnknown || w.kind == pUnknown {
			return unknownAt(t.pos, "comparison of unknown values")
		}
		r := pval{kind: pBool, origin: source.At(t.pos), pos: t.pos}
		switch {
		case op == "==" || op == "!=":
			eq := v.kind == w.kind && v.i == w.i && v.s == w.s && v.b == w.b
			r.b = eq == (op == "==")
		case v.kind == pInt && w.kind == pInt:
			r.b = op == ">" && v.i > w.i || op == "<" && v.i < w.i || op == ">=" && v.i >= w.i || op == "<=" && v.i <= w.i
		default:
			return unknownAt(t.pos, "comparison of %s with %s", kindName(v), kindName(w))
		}
		return r
	}
	return v
}

func (p *parser) arith() pval {
	v := p.term()
	for p.Is("+") || p.Is("-") {
		t := p.Next()
		v = binop(t, v, p.term())
	}
	return v
}

func (p *parser) term() pval {
	v := p.unary()
	for p.Is("*") || p.Is("//") || p.Is("%") || p.Is("/") {
		t := p.Next()
		v = binop(t, v, p.unary())
	}
	return v
}

func binop(t token, v, w pval) pval {
	switch {
	case v.kind == pUnknown:
		return v
	case w.kind == pUnknown:
		return w
	case t.text == "+" && v.kind == pStr && w.kind == pStr:
		return pval{kind: pStr, s: v.s + w.s, origin: v.origin, pos: v.pos}
	case v.kind != pInt || w.kind != pInt:
		return unknownAt(t.pos, "%s %s %s", kindName(v), t.text, kindName(w))
	}
	r := pval{kind: pInt, pos: v.pos, origin: source.At(v.pos)}
	switch t.text {
	case "+":
		r.i = v.i + w.i
	case "-":
		r.i = v.i - w.i
	case "*":
		r.i = v.i * w.i
	case "//", "%", "/":
		if w.i == 0 {
			return unknownAt(t.pos, "division by zero")
		}
		switch t.text {
		case "//":
			r.i = v.i / w.i
		case "%":
			r.i = v.i % w.i
		default:
			return pval{kind: pFloat, f: float64(v.i) / float64(w.i), pos: v.pos, origin: source.At(v.pos)}
		}
	}
	if notes := strings.Trim(v.origin.Note+"; "+w.origin.Note, "; "); notes != "" {
		r.origin.Note = notes
	}
	return r
}

func (p *parser) unary() pval {
	if p.Is("-") || p.Is("+") {
		t := p.Next()
		v := p.unary()
		switch v.kind {
		case pInt:
			if t.text == "-" {
				v.i = -v.i
			}
			v.pos, v.origin = t.pos, source.At(t.pos)
			return v
		case pFloat:
			if t.text == "-" {
				v.f = -v.f
			}
			return v
		case pUnknown:
			return v
		}
		return unknownAt(t.pos, "%s%s", t.text, kindName(v))
	}
	return p.postfix()
}

// postfix parses an atom followed by attributes, subscripts and calls.
func (p *parser) postfix() pval {
	start := p.Peek()
	v, name := p.atom()
	for {
		switch {
		case p.Is("."):
			p.Next()
			t := p.Next()
			if t.kind != tName {
				return unknownAt(t.pos, "unexpected %q", t.text)
			}
			if name != "" {
				name += "." + t.text
				if b, ok := p.ev.syms[name]; ok {
					v = b
				} else {
					v = pval{kind: pRef, s: name, pos: start.pos, origin: source.At(start.pos)}
				}
				continue
			}
			v = unknownAt(t.pos, "attribute .%s of %s", t.text, kindName(v))
		case p.Is("["):
			t := p.Next()
			idx := p.expr()
			p.SkipOut()
			switch {
			case name == "os.environ" || name == "environ":
				v = p.environ(idx, nil, start.pos, true)
			case v.kind == pDict && idx.kind == pStr:
				if e, ok := v.get(idx.s); ok {
					v = e
				} else {
					v = unknownAt(t.pos, "KeyError %q", idx.s)
				}
			case v.kind == pUnknown:
			default:
				v = unknownAt(t.pos, "subscript of %s", kindName(v))
			}
			name = ""
		case p.Is("("):
			p.Next()
			args := p.args()
			v = p.call(name, v, args, start.pos)
			name = ""
		default:
			return v
		}
	}
}

// args parses a call's arguments after "(" up to ")".
func (p *parser) args() []arg {
	var out []arg
	for !p.Is(")") && !p.AtEOF() {
		t := p.Peek()
		switch {
		case p.Is("*") || p.Is("**"):
			p.Next()
			v := p.expr()
			out = append(out, arg{name: "**", val: v, pos: t.pos})
		case t.kind == tName && p.Ahead(1).Is("="):
			p.Next()
			p.Next()
			out = append(out, arg{name: t.text, val: p.expr(), pos: t.pos})
		default:
			out = append(out, arg{val: p.expr(), pos: t.pos})
		}
		if p.Is("for") { // a generator argument
			p.SkipOut()
			return append(out, arg{val: unknownAt(t.pos, "a generator expression")})
		}
		if !p.Accept(",") {
			break
		}
	}
	p.SkipOut()
	return out
}

// atom returns a value and, for a name or dotted name, the name.
func (p *parser) atom() (pval, string) {
	t := p.Next()
	switch t.kind {
	case tNumber:
		if n, ok := appexpr.IntLiteral(t.text); ok {
			return pval{kind: pInt, i: n, pos: t.pos, origin: source.At(t.pos)}, ""
		}
		if f, err := strconv.ParseFloat(strings.ReplaceAll(t.text, "_", ""), 64); err == nil {
			return pval{kind: pFloat, f: f, pos: t.pos, origin: source.At(t.pos)}, ""
		}
		return unknownAt(t.pos, "number %s", t.text), ""
	case tString:
		v := pval{kind: pStr, s: t.text, pos: t.pos, origin: source.At(t.pos)}
		fstr := t.fstring
		for p.Peek().kind == tString { // implicit concatenation
			n := p.Next()
			v.s += n.text
			fstr = fstr || n.fstring
		}
		if fstr {
			if strings.Contains(v.s, "{") {
				return unknownAt(t.pos, "an f-string"), ""
			}
		}
		return v, ""
	case tName:
		switch t.text {
		case "None":
			return pval{kind: pNone, pos: t.pos, origin: source.At(t.pos)}, ""
		case "True", "False":
			return pval{kind: pBool, b: t.text == "True", pos: t.pos, origin: source.At(t.pos)}, ""
		case "lambda":
			p.skipLambda()
			return unknownAt(t.pos, "a lambda"), ""
		}
		if v, ok := p.ev.syms[t.text]; ok {
			return v, t.text
		}
		return pval{kind: pRef, s: t.text, pos: t.pos, origin: source.At(t.pos)}, t.text
	case tOp:
		switch t.text {
		case "(":
			if p.Accept(")") {
				return pval{kind: pList, pos: t.pos, origin: source.At(t.pos)}, ""
			}
			v := p.expr()
			if p.Is(",") {
				items := []pval{v}
				for p.Accept(",") && !p.Is(")") {
					items = append(items, p.expr())
				}
				v = pval{kind: pList, items: items, pos: t.pos, origin: source.At(t.pos)}
			}
			p.SkipOut()
			return v, ""
		case "[":
			v := pval{kind: pList, pos: t.pos, origin: source.At(t.pos)}
			for !p.Is("]") && !p.AtEOF() {
				v.items = append(v.items, p.expr())
				if p.Is("for") {
					p.SkipOut()
					return unknownAt(t.pos, "a list comprehension"), ""
				}
				if !p.Accept(",") {
					break
				}
			}
			p.SkipOut()
			return v, ""
		case "{":
			return p.dict(t), ""
		}
	}
	return unknownAt(t.pos, "unexpected %q", t.text), ""
}

func (p *parser) skipLambda() {
	for !p.AtEOF() && !p.Is(",") && !p.Is(")") && !p.Is("]") && !p.Is("}") {
		p.Next()
	}
}

// dict parses a dict (or set) display after "{".
func (p *parser) dict(open token) pval {
	v := pval{kind: pDict, pos: open.pos, origin: source.At(open.pos)}
	for !p.Is("}") && !p.AtEOF() {
		if p.Accept("**") {
			sub := p.expr()
			if sub.kind == pDict {
				v.entries = v.entries.Merge(sub.entries)
			} else {
				return unknownAt(open.pos, "a dict merged from %s", kindName(sub))
			}
		} else {
			k := p.expr()
			if !p.Accept(":") {
				p.SkipOut()
				return unknownAt(open.pos, "a set")
			}
			val := p.expr()
			if p.Is("for") {
				p.SkipOut()
				return unknownAt(open.pos, "a dict comprehension")
			}
			if k.kind == pStr {
				v = v.set(k.s, val)
			}
		}
		if !p.Accept(",") {
			break
		}
	}
	p.SkipOut()
	return v
}

// call evaluates the calls that read configuration; others are unknown.
func (p *parser) call(name string, fn pval, args []arg, pos source.Pos) pval {
	positional := func(i int) (pval, bool) {
		n := 0
		for _, a := range args {
			if a.name == "" {
				if n == i {
					return a.val, true
				}
				n++
			}
		}
		return pval{}, false
	}
	keyword := func(k string) (pval, bool) {
		for _, a := range args {
			if a.name == k {
				return a.val, true
			}
		}
		return pval{}, false
	}
	// argOr is the keyword argument k, else the positional argument i;
	// nil when the call has neither.
	argOr := func(i int, k string) *pval {
		if v, ok := keyword(k); ok {
			return &v
		}
		if v, ok := positional(i); ok {
			return &v
		}
		return nil
	}
	switch name {
	case "int", "str", "float", "bool":
		a, ok := positional(0)
		if !ok {
			return unknownAt(pos, "%s()", name)
		}
		return convert(name, a, pos)
	case "os.environ.get", "environ.get", "os.getenv", "getenv":
		k, ok := positional(0)
		if !ok || k.kind != pStr {
			return unknownAt(pos, "%s with a name that is not a literal", name)
		}
		return p.environ(k, argOr(1, "default"), pos, false)
	case "env", "env.int", "env.str", "env.bool", "config", "decouple.config", "environ.Env", "env.db", "env.db_url":
		if name == "environ.Env" {
			return unknownAt(pos, "calls environ.Env")
		}
		k, ok := positional(0)
		if !ok || k.kind != pStr {
			return unknownAt(pos, "%s with a name that is not a literal", name)
		}
		def := argOr(1, "default")
		v := p.environ(k, def, pos, def == nil)
		if name == "env.int" {
			return convert("int", v, pos)
		}
		if c, ok := keyword("cast"); ok && c.kind == pRef && c.s == "int" {
			return convert("int", v, pos)
		}
		return v
	case "os.cpu_count", "multiprocessing.cpu_count", "cpu_count", "psutil.cpu_count":
		return pval{kind: pInt, i: assumedCPUs, pos: pos, origin: source.Named(fmt.Sprintf("%s(): the processor count is unknown offline; assumed %d", name, assumedCPUs))}
	case "dj_database_url.config", "dj_database_url.parse", "db_url.config":
		return p.djDatabaseURL(name, args, keyword, positional, pos)
	case "dict":
		v := pval{kind: pDict, pos: pos, origin: source.At(pos)}
		for _, a := range args {
			if a.name != "" && a.name != "**" {
				v = v.set(a.name, a.val)
			}
		}
		return v
	}
	if fn.kind == pUnknown {
		return fn
	}
	if name == "" {
		name = kindName(fn)
	}
	return unknownAt(pos, "calls %s", name)
}

// convert applies int(), str(), float() or bool().
func convert(fn string, a pval, pos source.Pos) pval {
	if a.kind == pUnknown {
		return a
	}
	switch fn {
	case "int":
		switch a.kind {
		case pInt:
			return a
		case pBool:
			a.kind, a.i = pInt, 0
			if a.b {
				a.i = 1
			}
			return a
		case pStr:
			n, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(a.s), "_", ""), 10, 64)
			if err != nil {
				return unknownAt(pos, "int(%q) raises ValueError", a.s)
			}
			return pval{kind: pInt, i: n, pos: a.pos, origin: a.origin, fromEnv: a.fromEnv}
		case pFloat:
			return pval{kind: pInt, i: int64(a.f), pos: a.pos, origin: a.origin}
		}
		return unknownAt(pos, "int(%s) raises TypeError", kindName(a))
	case "str":
		switch a.kind {
		case pStr:
			return a
		case pInt:
			return pval{kind: pStr, s: strconv.FormatInt(a.i, 10), pos: a.pos, origin: a.origin}
		case pNone:
			return pval{kind: pStr, s: "None", pos: a.pos, origin: a.origin}
		}
	case "float":
		switch a.kind {
		case pFloat:
			return a
		case pInt:
			return pval{kind: pFloat, f: float64(a.i), pos: a.pos, origin: a.origin}
		case pStr:
			if f, err := strconv.ParseFloat(strings.TrimSpace(a.s), 64); err == nil {
				return pval{kind: pFloat, f: f, pos: a.pos, origin: a.origin}
			}
		}
	case "bool":
		return pval{kind: pBool, b: a.Truthy(), pos: a.pos, origin: a.origin}
	}
	return unknownAt(pos, "%s(%s)", fn, kindName(a))
}

// environ reads a variable: a set one is a str with the variable's
// origin; an unset one is the default (or None, or unknown when the
// lookup raises KeyError).
func (p *parser) environ(k pval, def *pval, pos source.Pos, raises bool) pval {
	if k.kind != pStr {
		return unknownAt(pos, "an environment lookup with a name that is not a literal")
	}
	v := appexpr.Resolve(p.ev.env, k.s, pos)
	switch {
	case v.Unknown:
		return pval{kind: pUnknown, pos: pos, origin: v.Origin, why: v.Why}
	case v.Set:
		return pval{kind: pStr, s: v.V, pos: pos, origin: v.Origin, fromEnv: true}
	case def != nil:
		d := *def
		if d.origin.Pos.IsValid() {
			d.origin = appexpr.NoteDefault(d.origin, d.fromEnv, k.s)
		}
		return d
	case raises:
		return unknownAt(pos, "KeyError: %s is not set", k.s)
	}
	return pval{kind: pNone, pos: pos, origin: v.Origin}
}

// djDatabaseURL evaluates dj_database_url.config(default=, env=,
// conn_max_age=) and .parse(url, conn_max_age=) into a Django DATABASES
// entry.
func (p *parser) djDatabaseURL(name string, args []arg, keyword func(string) (pval, bool), positional func(int) (pval, bool), pos source.Pos) pval {
	var u pval
	if strings.HasSuffix(name, ".parse") {
		u, _ = positional(0)
	} else {
		envName := "DATABASE_URL"
		if e, ok := keyword("env"); ok && e.kind == pStr {
			envName = e.s
		}
		def, hasDef := keyword("default")
		var d *pval
		if hasDef {
			d = &def
		}
		u = p.environ(pval{kind: pStr, s: envName}, d, pos, false)
	}
	out := pval{kind: pDict, pos: pos, origin: source.At(pos)}
	out = out.set("CONN_MAX_AGE", pval{kind: pInt, i: 0, pos: pos, origin: source.Named("dj_database_url default conn_max_age 0")})
	if c, ok := keyword("conn_max_age"); ok {
		out = out.set("CONN_MAX_AGE", c)
	}
	switch {
	case u.kind == pUnknown:
		out = out.set("ENGINE", u)
	case u.kind == pStr:
		if !dburl.IsMySQL(u.s) {
			engine := "other"
			if s, _, ok := strings.Cut(u.s, "://"); ok {
				engine = s
			}
			out = out.set("ENGINE", pval{kind: pStr, s: engine, origin: u.origin})
			return out
		}
		out = out.set("ENGINE", pval{kind: pStr, s: "django.db.backends.mysql", origin: u.origin, pos: u.pos})
		if parsed, err := dburl.ParseURL(u.s, u.origin.Pos); err == nil {
			for _, kv := range [][2]string{{"NAME", parsed.Database}, {"HOST", parsed.Host}, {"USER", parsed.User}} {
				if kv[1] != "" {
					out = out.set(kv[0], pval{kind: pStr, s: kv[1], origin: source.Origin{Pos: u.origin.Pos, Note: strings.TrimPrefix(u.origin.Note+"; ", "; ") + strings.ToLower(kv[0]) + " from the URL"}})
				}
			}
		}
	default:
		out = out.set("ENGINE", unknownAt(pos, "%s without a URL", name))
	}
	return out
}

// eval evaluates a token slice as one expression.
func (ev *evaluator) eval(toks []token) pval {
	if len(toks) == 0 {
		return pval{kind: pNone}
	}
	all := append(append([]token{}, toks...), token{kind: tEOF, pos: toks[len(toks)-1].pos})
	return newParser(ev, all, 0).expr()
}
