package libconfig

import (
	"math"
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// maxDepth bounds the nesting of groups, lists and arrays. libconfig has no
// limit of its own but its parser's stack (bison's YYMAXDEPTH, 10000 states)
// gives out, with "memory exhausted", at a few thousand levels.
const maxDepth = 1000

// Parse reads src as libconfig text. include is called for `@include "name"`
// directives (it returns the included file's path for positions and its
// bytes, or an error); when include is nil, @include is an error. Errors are
// *source.Error (or source.ErrorList) naming path:line:col and what is wrong,
// in words close to libconfig's own messages ("syntax error", "duplicate
// setting name", "mismatched element type in array" ...).
//
// Like libconfig, Parse stops at the first error. The File it returns then
// holds the comments read so far and the settings completed before the
// error; it is never nil.
func Parse(path string, src []byte, include func(name string) (string, []byte, error)) (*File, error) {
	return ParseAt(path, src, Offset{}, include)
}

// Offset places text embedded in another file: Lines is added to every
// line and Cols to every column of the text's positions (not of the files
// it includes). A literal block scalar in YAML shifts both: its content
// starts on the line after the indicator, every line indented alike.
type Offset struct{ Lines, Cols int }

// ParseAt is Parse for text embedded at an offset in the file at path,
// such as a proxysql.cnf in a Kubernetes ConfigMap.
func ParseAt(path string, src []byte, at Offset, include func(name string) (string, []byte, error)) (*File, error) {
	lx := newLexer(path, src, at, include)
	p := &parser{lx: lx}
	root := &Setting{Kind: Group, Pos: source.Pos{Path: path}}
	err := p.file(root)
	f := &File{Path: path, Root: root, Comments: lx.comments}
	if err != nil {
		return f, err
	}
	return f, nil
}

// parser follows libconfig's grammar (lib/grammar.y) by recursive descent
// with one token of lookahead, fetched only when the grammar needs it, so
// that errors come in libconfig's order: a duplicate name is reported
// before the token after it is read, a string's type check after it.
type parser struct {
	lx    *lexer
	tok   token
	ahead bool // tok holds the lookahead
	depth int
}

func (p *parser) peek() (token, error) {
	if !p.ahead {
		t, err := p.lx.next()
		if err != nil {
			return token{}, err
		}
		p.tok, p.ahead = t, true
	}
	return p.tok, nil
}

// take consumes the token peek returned.
func (p *parser) take() token {
	p.ahead = false
	return p.tok
}

// syntaxError reports an unexpected token, saying what the grammar wanted.
func (p *parser) syntaxError(t token, expecting string) error {
	msg := "syntax error: "
	switch t.kind {
	case tBadInt, tGarbage:
		return source.Errorf(t.pos, "%s%s", msg, t.why)
	case tEOF:
		msg += "unexpected end of file"
		if u := p.lx.unclosed(); u != "" {
			msg += " (" + u + ")"
		}
	default:
		msg += "unexpected " + t.describe()
	}
	return source.Errorf(t.pos, "%s, expecting %s", msg, expecting)
}

// file reads configuration: setting_list_optional, then the end of the file.
func (p *parser) file(root *Setting) error {
	if err := p.settings(root); err != nil {
		return err
	}
	t, err := p.peek()
	if err != nil {
		return err
	}
	if t.kind != tEOF {
		return p.syntaxError(t, "a setting name or end of file")
	}
	return nil
}

// settings reads the settings of a group while the next token is a name.
func (p *parser) settings(g *Setting) error {
	names := map[string]*Setting{} // g's settings by name
	for {
		t, err := p.peek()
		if err != nil {
			return err
		}
		if t.kind != tName {
			return nil
		}
		if err := p.setting(g, names); err != nil {
			return err
		}
	}
}

// setting reads name (= or :) value, then an optional ; or , after it.
func (p *parser) setting(g *Setting, names map[string]*Setting) error {
	name := p.take()
	if prev := names[name.text]; prev != nil {
		return source.Errorf(name.pos, "duplicate setting name %q: already set at %s", name.text, prev.NamePos)
	}
	t, err := p.peek()
	if err != nil {
		return err
	}
	if t.kind != tEquals {
		return p.syntaxError(t, `"=" or ":" after the setting name`)
	}
	p.take()
	s := &Setting{Name: name.text, NamePos: name.pos}
	if err := p.value(s); err != nil {
		return err
	}
	g.Children = append(g.Children, s)
	names[s.Name] = s
	if t, err = p.peek(); err != nil {
		return err
	}
	if t.kind == tSemi || t.kind == tComma {
		p.take()
	}
	return nil
}

// value reads a scalar, an array, a list or a group into s.
func (p *parser) value(s *Setting) error {
	t, err := p.peek()
	if err != nil {
		return err
	}
	switch t.kind {
	case tGroupStart, tArrayStart, tListStart:
	default:
		return p.scalar(s)
	}
	p.take()
	s.Pos = t.pos
	if p.depth++; p.depth > maxDepth {
		return source.Errorf(t.pos, "nesting too deep: more than %d levels of groups, lists and arrays", maxDepth)
	}
	defer func() { p.depth-- }()
	switch t.kind {
	case tGroupStart:
		s.Kind = Group
		if err := p.settings(s); err != nil {
			return err
		}
		if t, err = p.peek(); err != nil {
			return err
		}
		if t.kind != tGroupEnd {
			return p.syntaxError(t, `a setting name or "}"`)
		}
		p.take()
		return nil
	case tArrayStart:
		s.Kind = Array
		return p.elements(s, tArrayEnd, p.scalar, "a scalar value", `"]"`)
	default:
		s.Kind = List
		return p.elements(s, tListEnd, p.value, "a value", `")"`)
	}
}

// elements reads the elements of an array or list after its opening
// bracket, up to and including the closing one. libconfig 1.7 allows a
// trailing comma, and so (its grammar says value_list: value_list ',') any
// run of commas after the first element.
func (p *parser) elements(s *Setting, end tokKind, elem func(*Setting) error, what, closer string) error {
	t, err := p.peek()
	if err != nil {
		return err
	}
	if t.kind == end {
		p.take()
		return nil
	}
	for {
		if !startsValue(t.kind, end == tListEnd) {
			return p.syntaxError(t, what+" or "+closer)
		}
		el := &Setting{}
		if err := elem(el); err != nil {
			return err
		}
		// An array takes the kind of its first element; an Int after an
		// Int64 (or the other way round) is a mismatch too.
		if end == tArrayEnd && len(s.Children) > 0 && s.Children[0].Kind != el.Kind {
			return source.Errorf(el.Pos, "mismatched element type in array: %s after %s", el.Kind, s.Children[0].Kind)
		}
		s.Children = append(s.Children, el)
		for {
			if t, err = p.peek(); err != nil {
				return err
			}
			if t.kind == end {
				p.take()
				return nil
			}
			if t.kind != tComma {
				return p.syntaxError(t, `"," or `+closer)
			}
			p.take()
			if t, err = p.peek(); err != nil {
				return err
			}
			if t.kind != tComma && t.kind != end {
				break
			}
		}
	}
}

// startsValue reports whether a token of kind k can start an element.
func startsValue(k tokKind, inList bool) bool {
	switch k {
	case tBool, tInt, tInt64, tHex, tHex64, tFloat, tString:
		return true
	case tGroupStart, tArrayStart, tListStart:
		return inList
	}
	return false
}

// scalar reads a boolean, a number or a string (adjacent literals joined).
func (p *parser) scalar(s *Setting) error {
	t, err := p.peek()
	if err != nil {
		return err
	}
	s.Pos = t.pos
	switch t.kind {
	case tBool:
		s.Kind, s.Bool = Bool, t.num != 0
	case tInt:
		s.Kind, s.Int = Int, t.num
		if t.num < math.MinInt32 || t.num > math.MaxInt32 {
			s.Kind = Int64
		}
	case tInt64, tHex64:
		s.Kind, s.Int = Int64, t.num
	case tHex:
		s.Kind, s.Int = Int, t.num
	case tFloat:
		s.Kind, s.Float = Float, t.f
	case tString:
		p.take()
		var str strings.Builder
		str.WriteString(t.text)
		for {
			n, err := p.peek()
			if err != nil {
				return err
			}
			if n.kind != tString {
				break
			}
			str.WriteString(p.take().text)
		}
		s.Kind, s.Str = String, str.String()
		return nil
	default:
		return p.syntaxError(t, "a value")
	}
	p.take()
	return nil
}
