package node

import (
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// scanned is what a pass over a source file gives: its bindings and the
// calls that may make a pool, evaluated in source order.
type scanned struct {
	syms  map[string]jval
	calls []jval
	// exports is module.exports / export default, when it is an object.
	exports jval
}

// poolCallees are the last names of the calls that make pools.
var poolCallees = map[string]bool{
	"createPool": true, "createPoolCluster": true, "createConnection": true,
	"knex": true, "Knex": true, "Sequelize": true, "DataSource": true, "forRoot": true,
}

// scanJS runs a file's declarations and pool-making calls in order.
// Declarations anywhere (in functions too) bind names; imports bind their
// names to the module; calls to the pool makers are recorded.
func scanJS(toks []token, ev *evaluator) *scanned {
	s := &scanned{syms: ev.syms}
	p := newParser(ev, toks)
	p.calls = &s.calls
	for !p.AtEOF() {
		start := p.Index()
		t := p.Peek()
		prev := token{}
		if start > 0 {
			prev = toks[start-1]
		}
		switch {
		case t.kind == tIdent && (t.text == "import") && prev.text != ".":
			p.importDecl()
		case t.kind == tIdent && (t.text == "const" || t.text == "let" || t.text == "var") && prev.text != ".":
			p.Next()
			p.declaration()
		case t.kind == tIdent && t.text == "module" && p.aheadIs(1, ".") && p.aheadIs(2, "exports") && p.aheadIs(3, "="):
			p.Seek(start + 4)
			s.exports = p.expr()
		case t.kind == tIdent && t.text == "export" && p.aheadIs(1, "default"):
			p.Seek(start + 2)
			s.exports = p.expr()
		case t.kind == tIdent && prev.text != "." && prev.text != "?." && callAhead(toks, start):
			if prev.text == "new" {
				p.Seek(start - 1)
			}
			p.unary()
		}
		if p.Index() <= start {
			p.Seek(start + 1)
		}
	}
	return s
}

// aheadIs reports whether the token n places ahead has text s (and is not a string).
func (p *parser) aheadIs(n int, s string) bool {
	t := p.Ahead(n)
	return t.text == s && t.kind != tString
}

// callAhead reports whether a dotted name starting at i is called and
// ends in a pool maker (or is require("knex")(...)).
func callAhead(toks []token, i int) bool {
	last := ""
	for i < len(toks) && toks[i].kind == tIdent {
		last = toks[i].text
		if last == "require" && i+3 < len(toks) && toks[i+1].text == "(" && toks[i+2].kind == tString && toks[i+3].text == ")" {
			return toks[i+2].text == "knex" && i+4 < len(toks) && toks[i+4].text == "("
		}
		if i+1 < len(toks) && (toks[i+1].text == "." || toks[i+1].text == "?.") && toks[i+1].kind == tPunct {
			i += 2
			continue
		}
		break
	}
	return poolCallees[last] && i+1 < len(toks) && toks[i+1].kind == tPunct && toks[i+1].text == "("
}

// declaration parses "name (: Type)? = expr" (repeated with commas) after
// const/let/var; destructuring patterns bind nothing.
func (p *parser) declaration() {
	for {
		t := p.Peek()
		switch {
		case t.kind == tIdent:
			p.Next()
			if p.Accept(":") {
				p.skipType()
			}
			if p.Accept("=") {
				p.ev.syms[t.text] = p.expr()
			}
		case p.Is("{") || p.Is("["):
			p.skipBalanced()
			if p.Accept("=") {
				p.expr()
			}
		default:
			return
		}
		if !p.Accept(",") {
			return
		}
	}
}

// skipType skips a TypeScript type annotation up to "=", ",", ";" or ")".
func (p *parser) skipType() {
	depth := 0
	for !p.AtEOF() {
		t := p.Peek()
		if t.kind == tPunct {
			switch t.text {
			case "<", "(", "[", "{":
				depth++
			case ">", ")", "]", "}":
				if depth == 0 {
					return
				}
				depth--
			case "=", ",", ";":
				if depth == 0 {
					return
				}
			case "=>":
			}
		}
		p.Next()
	}
}

// importDecl binds the names of an import to the module:
// import x from "m"; import * as x from "m"; import { a as b } from "m".
func (p *parser) importDecl() {
	p.Next()              // import
	var names [][2]string // local name, imported name ("" for the module itself)
	for !p.AtEOF() && !p.Is("from") {
		t := p.Next()
		switch {
		case t.kind == tString: // import "side-effect"
			return
		case t.text == "{":
			for !p.Is("}") && !p.AtEOF() {
				n := p.Next()
				local := n.text
				if p.Accept("as") {
					local = p.Next().text
				}
				if n.kind == tIdent && n.text != "type" {
					names = append(names, [2]string{local, n.text})
				}
				p.Accept(",")
			}
			p.Accept("}")
		case t.text == "*":
			if p.Accept("as") {
				names = append(names, [2]string{p.Next().text, ""})
			}
		case t.kind == tIdent && t.text != "type" && t.text != "typeof":
			names = append(names, [2]string{t.text, ""})
		}
	}
	if !p.Accept("from") || p.Peek().kind != tString {
		return
	}
	mod := p.Next().text
	for _, n := range names {
		ref := "require:" + mod
		if n[1] != "" && n[1] != "default" {
			ref += "." + n[1]
		}
		p.ev.syms[n[0]] = jval{kind: jRef, s: ref, origin: source.Origin{}}
	}
}

// moduleOf returns the module a callee path comes from ("mysql2" for
// "require:mysql2/promise.createPool") and its last name.
func moduleOf(callee string) (mod, last string) {
	last = callee[strings.LastIndexByte(callee, '.')+1:]
	if rest, ok := strings.CutPrefix(callee, "require:"); ok {
		mod = rest
		if i := strings.LastIndexByte(rest, '.'); i >= 0 && !strings.HasPrefix(rest[i:], "./") && !strings.HasSuffix(rest, ".js") {
			mod = rest[:i]
		}
		if i := strings.IndexByte(mod, '/'); i >= 0 && !strings.HasPrefix(mod, "@") {
			mod = mod[:i]
		}
	}
	return mod, last
}
