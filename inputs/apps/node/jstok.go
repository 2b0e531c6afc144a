package node

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// A small JavaScript/TypeScript tokenizer: enough to find calls and read
// object literals. It understands comments, strings, template literals
// (with nested ${...}), regular-expression literals (by the usual rule:
// a "/" where an operand may start begins one), numbers, identifiers and
// punctuators.

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tNumber
	tString
	tTemplate
	tRegexp
	tPunct
)

type token struct {
	kind tokKind
	text string // identifiers, numbers, punctuators as written; a string's value; a template's raw text
	pos  source.Pos
}

// Pos, Is and EOF make token an appexpr.Token.

// Pos is where t starts.
func (t token) Pos() source.Pos { return t.pos }

// Is reports whether t is the punctuator or identifier s.
func (t token) Is(s string) bool { return (t.kind == tPunct || t.kind == tIdent) && t.text == s }

// EOF reports whether t marks the end of the input.
func (t token) EOF() bool { return t.kind == tEOF }

// lexJS tokenizes src. Unterminated strings, templates and comments are
// reported; tokenizing goes on.
func lexJS(path, src string) ([]token, source.ErrorList) {
	var toks []token
	var errs source.ErrorList
	line, col := 1, 1
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
	regexOK := func() bool {
		if len(toks) == 0 {
			return true
		}
		t := toks[len(toks)-1]
		switch t.kind {
		case tIdent:
			switch t.text {
			case "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof", "yield", "await":
				return true
			}
			return false
		case tNumber, tString, tTemplate, tRegexp:
			return false
		}
		return t.text != ")" && t.text != "]" && t.text != "}"
	}
	for i < len(src) {
		c := src[i]
		p := source.Pos{Path: path, Line: line, Col: col}
		switch {
		case c == '\n' || c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			adv(1)
		case strings.HasPrefix(src[i:], "//") || i == 0 && strings.HasPrefix(src, "#!"):
			for i < len(src) && src[i] != '\n' {
				adv(1)
			}
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				errs.Add(p, "unterminated comment")
				adv(len(src) - i)
				break
			}
			adv(end + 4)
		case c == '"' || c == '\'':
			val, n, ok := lexQuoted(src[i:])
			if !ok {
				errs.Add(p, "unterminated string literal")
			}
			toks = append(toks, token{kind: tString, text: val, pos: p})
			adv(n)
		case c == '`':
			n, ok := templateEnd(src[i:], 0)
			if !ok {
				errs.Add(p, "unterminated template literal")
			}
			toks = append(toks, token{kind: tTemplate, text: src[i:min(i+n, len(src))], pos: p})
			adv(n)
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i
			for j < len(src) && (isIdentChar(src[j]) || src[j] == '.') {
				j++
			}
			toks = append(toks, token{kind: tNumber, text: src[i:j], pos: p})
			adv(j - i)
		case isIdentStart(c) || c >= 0x80:
			j := i
			for j < len(src) && (isIdentChar(src[j]) || src[j] >= 0x80) {
				j++
			}
			toks = append(toks, token{kind: tIdent, text: src[i:j], pos: p})
			adv(j - i)
		case c == '/' && regexOK():
			n := regexEnd(src[i:])
			toks = append(toks, token{kind: tRegexp, text: src[i : i+n], pos: p})
			adv(n)
		default:
			n := 1
			for _, op := range []string{">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "**", "<<", ">>", "&=", "|=", "^="} {
				if strings.HasPrefix(src[i:], op) {
					n = len(op)
					break
				}
			}
			toks = append(toks, token{kind: tPunct, text: src[i : i+n], pos: p})
			adv(n)
		}
	}
	toks = append(toks, token{kind: tEOF, pos: source.Pos{Path: path, Line: line, Col: col}})
	return toks, errs
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// lexQuoted reads a '...' or "..." string: its value, the bytes consumed,
// and whether it was closed on its line.
func lexQuoted(s string) (string, int, bool) {
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q:
			return b.String(), i + 1, true
		case c == '\n':
			return b.String(), i, false
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case '\n':
			default:
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), len(s), false
}

// maxTemplateDepth bounds templates nested in ${...}.
const maxTemplateDepth = 32

// templateEnd returns the length of the template literal at the start of
// s, following nested ${ ... } (with their strings and templates).
func templateEnd(s string, depth int) (int, bool) {
	if depth > maxTemplateDepth {
		return len(s), false
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '`':
			return i + 1, true
		case '$':
			if i+1 < len(s) && s[i+1] == '{' {
				n, ok := exprEnd(s[i+2:], depth)
				if !ok {
					return len(s), false
				}
				i += 1 + n
			}
		}
	}
	return len(s), false
}

// exprEnd returns the length of a ${...} body up to and including its }.
func exprEnd(s string, depth int) (int, bool) {
	braces := 1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			braces++
		case '}':
			braces--
			if braces == 0 {
				return i + 1, true
			}
		case '\'', '"':
			_, n, _ := lexQuoted(s[i:])
			i += n - 1
		case '`':
			n, ok := templateEnd(s[i:], depth+1)
			if !ok {
				return len(s), false
			}
			i += n - 1
		}
	}
	return len(s), false
}

// regexEnd returns the length of a regular-expression literal.
func regexEnd(s string) int {
	inClass := false
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			inClass = true
		case ']':
			inClass = false
		case '\n':
			return i
		case '/':
			if !inClass {
				j := i + 1
				for j < len(s) && isIdentChar(s[j]) {
					j++
				}
				return j
			}
		}
	}
	return len(s)
}

// checkBrackets reports unbalanced brackets, which no JavaScript engine
// accepts.
func checkBrackets(toks []token) source.ErrorList {
	var errs source.ErrorList
	var open []token
	pair := map[string]string{")": "(", "]": "[", "}": "{"}
	for _, t := range toks {
		if t.kind != tPunct {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			open = append(open, t)
		case ")", "]", "}":
			switch {
			case len(open) == 0:
				errs.Add(t.pos, fmt.Sprintf("unexpected %q", t.text))
			case open[len(open)-1].text != pair[t.text]:
				o := open[len(open)-1]
				errs.Add(t.pos, fmt.Sprintf("unexpected %q: %q at %d:%d is not closed", t.text, o.text, o.pos.Line, o.pos.Col))
				open = open[:len(open)-1]
			default:
				open = open[:len(open)-1]
			}
		}
	}
	for _, o := range open {
		errs.Add(o.pos, fmt.Sprintf("%q is never closed", o.text))
	}
	return errs
}
