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
	p := &parser{ev: ev, toks: toks, calls: &s.calls}
	for p.peek().kind != tEOF {
		start := p.i
		t := p.peek()
		prev := token{}
		if p.i > 0 {
			prev = toks[p.i-1]
		}
		switch {
		case t.kind == tIdent && (t.text == "import") && prev.text != ".":
			p.importDecl()
		case t.kind == tIdent && (t.text == "const" || t.text == "let" || t.text == "var") && prev.text != ".":
			p.next()
			p.declaration()
		case t.kind == tIdent && t.text == "module" && p.ahead(1, ".") && p.ahead(2, "exports") && p.ahead(3, "="):
			p.i += 4
			s.exports = p.expr()
		case t.kind == tIdent && t.text == "export" && p.ahead(1, "default"):
			p.i += 2
			s.exports = p.expr()
		case t.kind == tIdent && prev.text != "." && prev.text != "?." && callAhead(toks, p.i):
			if prev.text == "new" {
				p.i--
			}
			p.unary()
		}
		if p.i <= start {
			p.i = start + 1
		}
	}
	return s
}

// ahead reports whether the token n places ahead has text s.
func (p *parser) ahead(n int, s string) bool {
	i := p.i + n
	return i < len(p.toks) && p.toks[i].text == s && p.toks[i].kind != tString
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
		t := p.peek()
		switch {
		case t.kind == tIdent:
			p.next()
			if p.accept(":") {
				p.skipType()
			}
			if p.accept("=") {
				p.ev.syms[t.text] = p.expr()
			}
		case p.is("{") || p.is("["):
			p.skipBalanced()
			if p.accept("=") {
				p.expr()
			}
		default:
			return
		}
		if !p.accept(",") {
			return
		}
	}
}

// skipType skips a TypeScript type annotation up to "=", ",", ";" or ")".
func (p *parser) skipType() {
	depth := 0
	for p.peek().kind != tEOF {
		t := p.peek()
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
		p.next()
	}
}

// importDecl binds the names of an import to the module:
// import x from "m"; import * as x from "m"; import { a as b } from "m".
func (p *parser) importDecl() {
	p.next()              // import
	var names [][2]string // local name, imported name ("" for the module itself)
	for p.peek().kind != tEOF && !p.is("from") {
		t := p.next()
		switch {
		case t.kind == tString: // import "side-effect"
			return
		case t.text == "{":
			for !p.is("}") && p.peek().kind != tEOF {
				n := p.next()
				local := n.text
				if p.accept("as") {
					local = p.next().text
				}
				if n.kind == tIdent && n.text != "type" {
					names = append(names, [2]string{local, n.text})
				}
				p.accept(",")
			}
			p.accept("}")
		case t.text == "*":
			if p.accept("as") {
				names = append(names, [2]string{p.next().text, ""})
			}
		case t.kind == tIdent && t.text != "type" && t.text != "typeof":
			names = append(names, [2]string{t.text, ""})
		}
	}
	if !p.accept("from") || p.peek().kind != tString {
		return
	}
	mod := p.next().text
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
