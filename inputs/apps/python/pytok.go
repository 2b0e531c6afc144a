package python

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// A small Python tokenizer: enough to find assignments and calls and read
// their literal arguments. It understands comments, all string forms
// (prefixes, triple quotes, f-strings), numbers, names, operators,
// brackets (inside which newlines do not end a statement) and backslash
// continuations.

type tokKind int

const (
	tEOF tokKind = iota
	tName
	tNumber
	tString
	tOp
	tNewline // end of a logical line
)

type token struct {
	kind tokKind
	text string // names, numbers and operators as written; a string's value
	pos  source.Pos
	// fstring is set on an f-string (its value is the template).
	fstring bool
	// indent is the column of the first token of the token's logical line.
	indent int
}

// Pos, Is and EOF make token an appexpr.Token.

// Pos is where t starts.
func (t token) Pos() source.Pos { return t.pos }

// Is reports whether t is the operator or name s.
func (t token) Is(s string) bool { return (t.kind == tOp || t.kind == tName) && t.text == s }

// EOF reports whether t marks the end of the input.
func (t token) EOF() bool { return t.kind == tEOF }

// lexPython tokenizes src. An unterminated string ends at the end of its
// line (or of the input, for a triple-quoted one) and is reported, as are
// unbalanced brackets: Python rejects both with a SyntaxError.
func lexPython(path string, src string) ([]token, source.ErrorList) {
	var toks []token
	var errs source.ErrorList
	var open []token
	line, col := 1, 1
	i := 0
	depth := 0
	lineStart := true
	indent := 0
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
	emit := func(t token) {
		if lineStart {
			indent = t.pos.Col
			lineStart = false
		}
		t.indent = indent
		toks = append(toks, t)
	}
	for i < len(src) {
		c := src[i]
		p := source.Pos{Path: path, Line: line, Col: col}
		switch {
		case c == '\n':
			if depth == 0 && !lineStart {
				toks = append(toks, token{kind: tNewline, pos: p, indent: indent})
				lineStart = true
			}
			adv(1)
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			adv(1)
		case c == '\\' && i+1 < len(src) && (src[i+1] == '\n' || src[i+1] == '\r'):
			adv(2)
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				adv(1)
			}
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i
			for j < len(src) && (isNameChar(src[j]) || src[j] == '.') {
				j++
			}
			emit(token{kind: tNumber, text: src[i:j], pos: p})
			adv(j - i)
		case isNameStart(c) || c >= 0x80:
			j := i
			for j < len(src) && (isNameChar(src[j]) || src[j] >= 0x80) {
				j++
			}
			word := src[i:j]
			if j < len(src) && (src[j] == '"' || src[j] == '\'') && isStringPrefix(word) {
				val, n, ok := lexString(src[j:])
				if !ok {
					errs.Add(p, "unterminated string literal")
				}
				emit(token{kind: tString, text: val, pos: p, fstring: strings.ContainsAny(word, "fF")})
				adv(j - i + n)
				break
			}
			emit(token{kind: tName, text: word, pos: p})
			adv(j - i)
		case c == '"' || c == '\'':
			val, n, ok := lexString(src[i:])
			if !ok {
				errs.Add(p, "unterminated string literal")
			}
			emit(token{kind: tString, text: val, pos: p})
			adv(n)
		default:
			n := 1
			for _, op := range []string{"**=", "//=", "->", "**", "//", "==", "!=", ">=", "<=", ":=", "+=", "-=", "*=", "/="} {
				if strings.HasPrefix(src[i:], op) {
					n = len(op)
					break
				}
			}
			t := token{kind: tOp, text: src[i : i+n], pos: p}
			switch c {
			case '(', '[', '{':
				depth++
				open = append(open, t)
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
				if len(open) == 0 {
					errs.Add(p, fmt.Sprintf("unmatched %q", string(c)))
				} else if o := open[len(open)-1]; closing(o.text) != string(c) {
					errs.Add(p, fmt.Sprintf("closing parenthesis %q does not match opening parenthesis %q on line %d", string(c), o.text, o.pos.Line))
					open = open[:len(open)-1]
				} else {
					open = open[:len(open)-1]
				}
			}
			emit(t)
			adv(n)
		}
	}
	if !lineStart {
		toks = append(toks, token{kind: tNewline, pos: source.Pos{Path: path, Line: line, Col: col}, indent: indent})
	}
	for _, o := range open {
		errs.Add(o.pos, fmt.Sprintf("%q was never closed", o.text))
	}
	return append(toks, token{kind: tEOF, pos: source.Pos{Path: path, Line: line, Col: col}}), errs
}

func closing(open string) string {
	switch open {
	case "(":
		return ")"
	case "[":
		return "]"
	}
	return "}"
}

func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameChar(c byte) bool  { return isNameStart(c) || c >= '0' && c <= '9' }

func isStringPrefix(w string) bool {
	switch strings.ToLower(w) {
	case "r", "u", "b", "f", "br", "rb", "fr", "rf":
		return true
	}
	return false
}

// lexString reads a string literal at the start of s (after any prefix)
// and returns its value (escapes for \n, \t, \\ and quotes applied), the
// bytes consumed and whether it was terminated.
func lexString(s string) (string, int, bool) {
	q := s[:1]
	if strings.HasPrefix(s, `"""`) || strings.HasPrefix(s, "'''") {
		q = s[:3]
	}
	var b strings.Builder
	for i := len(q); i < len(s); i++ {
		if strings.HasPrefix(s[i:], q) {
			return b.String(), i + len(q), true
		}
		c := s[i]
		if c == '\n' && len(q) == 1 {
			return b.String(), i, false // unterminated: ends at the line
		}
		if c == '\\' && i+1 < len(s) {
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
			continue
		}
		b.WriteByte(c)
	}
	return b.String(), len(s), false
}
