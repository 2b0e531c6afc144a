package dotnet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// maxDepth is System.Text.Json's default JsonDocumentOptions.MaxDepth.
const maxDepth = 64

// jsonNode is one JSON value with the position of its first character.
type jsonNode struct {
	kind    jsonKind
	pos     source.Pos
	text    string // scalars: the string's value, or the literal as written
	raw     string // strings: the literal as written, quotes included
	members []jsonMember
	items   []*jsonNode
}

type jsonKind int

const (
	jsonObject jsonKind = iota + 1
	jsonArray
	jsonString
	jsonNumber
	jsonTrue
	jsonFalse
	jsonNull
)

type jsonMember struct {
	name    string
	namePos source.Pos
	value   *jsonNode
}

// textIndex turns byte offsets into rune-counted positions.
type textIndex struct {
	path  string
	src   []byte
	lines []int // byte offset of each line start
	bom   int   // bytes of a leading UTF-8 BOM, not counted as a column
}

func newTextIndex(path string, src []byte) *textIndex {
	ix := &textIndex{path: path, src: src, lines: []int{0}}
	if bytes.HasPrefix(src, []byte("\ufeff")) {
		ix.bom = 3
	}
	for i, b := range src {
		if b == '\n' {
			ix.lines = append(ix.lines, i+1)
		}
	}
	return ix
}

// pos returns the position of byte offset off.
func (ix *textIndex) pos(off int) source.Pos {
	off = min(max(off, 0), len(ix.src))
	line := 0
	lo, hi := 0, len(ix.lines)-1
	for lo <= hi { // last line start <= off
		mid := (lo + hi) / 2
		if ix.lines[mid] <= off {
			line, lo = mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	start := ix.lines[line]
	if line == 0 {
		start = min(ix.bom, off)
	}
	return source.Pos{Path: ix.path, Line: line + 1, Col: utf8.RuneCount(ix.src[start:off]) + 1}
}

// parseJSON reads src the way .NET's JSON configuration provider does:
// System.Text.Json with comments skipped and trailing commas allowed, a
// UTF-8 BOM ignored, at most 64 levels deep.
func parseJSON(path string, src []byte) (*jsonNode, error) {
	ix := newTextIndex(path, src)
	if !utf8.Valid(src) {
		off := 0
		for off < len(src) {
			r, n := utf8.DecodeRune(src[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return nil, source.Errorf(ix.pos(off), "invalid UTF-8")
	}
	clean, err := stripJSONExtras(src, ix)
	if err != nil {
		return nil, err
	}
	p := &jsonParser{ix: ix, buf: clean, dec: json.NewDecoder(bytes.NewReader(clean))}
	p.dec.UseNumber()
	root, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, source.Errorf(ix.pos(p.next()), "unexpected data after the top-level JSON value")
	}
	return root, nil
}

// stripJSONExtras blanks out comments and trailing commas (and a BOM),
// keeping every other byte, and every newline, where it was.
func stripJSONExtras(src []byte, ix *textIndex) ([]byte, error) {
	out := bytes.Clone(src)
	for i := range ix.bom {
		out[i] = ' '
	}
	lastComma := -1 // a ',' that may turn out to be trailing
	prev := byte(0) // the last significant byte
	for i := ix.bom; i < len(out); i++ {
		c := out[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(out) && out[j] != '"' {
				if out[j] == '\\' {
					j++
				}
				j++
			}
			i = j
			lastComma, prev = -1, '"'
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for i < len(out) && out[i] != '\n' {
				out[i] = ' '
				i++
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			end := bytes.Index(out[i+2:], []byte("*/"))
			if end < 0 {
				return nil, source.Errorf(ix.pos(i), "unterminated /* comment")
			}
			for j := i; j < i+2+end+2; j++ {
				if out[j] != '\n' {
					out[j] = ' '
				}
			}
			i += 2 + end + 1
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		case c == ',':
			// Only a comma after a value can be trailing: "[,]" and "[1,,]"
			// stay errors, as in System.Text.Json.
			lastComma = -1
			if prev != ',' && prev != '[' && prev != '{' && prev != 0 {
				lastComma = i
			}
			prev = c
		case c == '}' || c == ']':
			if lastComma >= 0 {
				out[lastComma] = ' '
			}
			lastComma, prev = -1, c
		default:
			lastComma, prev = -1, c
		}
	}
	return out, nil
}

type jsonParser struct {
	ix  *textIndex
	buf []byte
	dec *json.Decoder
}

// next returns the offset of the next token: after the decoder's offset,
// past blanks and the ':' and ',' the decoder consumes silently.
func (p *jsonParser) next() int {
	off := int(p.dec.InputOffset())
	for off < len(p.buf) && strings.IndexByte(" \t\r\n:,", p.buf[off]) >= 0 {
		off++
	}
	return off
}

func (p *jsonParser) token() (json.Token, int, error) {
	start := p.next()
	tok, err := p.dec.Token()
	if err != nil {
		return nil, start, p.syntaxError(start, err)
	}
	return tok, start, nil
}

// syntaxError positions a decoder error. The Decoder's offsets are not
// always absolute (errors inside a literal count from the literal), so the
// whole buffer is checked again with json.Unmarshal, whose SyntaxError
// offset counts the bytes read up to and including the bad one.
func (p *jsonParser) syntaxError(start int, err error) error {
	var v any
	uerr := json.Unmarshal(p.buf, &v)
	var se *json.SyntaxError
	switch {
	case errors.As(uerr, &se) && se.Offset >= int64(len(p.buf)):
		return source.Errorf(p.ix.pos(len(p.buf)), "invalid JSON: unexpected end of file")
	case errors.As(uerr, &se):
		return source.Errorf(p.ix.pos(int(se.Offset)-1), "invalid JSON: %s", se.Error())
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return source.Errorf(p.ix.pos(len(p.buf)), "invalid JSON: unexpected end of file")
	default:
		return source.Errorf(p.ix.pos(start), "invalid JSON: %v", err)
	}
}

func (p *jsonParser) value(depth int) (*jsonNode, error) {
	tok, start, err := p.token()
	if err != nil {
		return nil, err
	}
	return p.valueFrom(tok, start, depth)
}

func (p *jsonParser) valueFrom(tok json.Token, start, depth int) (*jsonNode, error) {
	n := &jsonNode{pos: p.ix.pos(start)}
	switch t := tok.(type) {
	case json.Delim:
		if t == '}' || t == ']' {
			return nil, source.Errorf(n.pos, "invalid JSON: unexpected %q", string(t))
		}
		if depth >= maxDepth {
			return nil, source.Errorf(n.pos, "JSON nested deeper than %d levels", maxDepth)
		}
		if t == '{' {
			n.kind = jsonObject
			for p.dec.More() {
				ktok, kstart, err := p.token()
				if err != nil {
					return nil, err
				}
				name, ok := ktok.(string)
				if !ok {
					return nil, source.Errorf(p.ix.pos(kstart), "invalid JSON: object key is not a string")
				}
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, jsonMember{name: name, namePos: p.ix.pos(kstart), value: v})
			}
		} else {
			n.kind = jsonArray
			for p.dec.More() {
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
		}
		if _, _, err := p.token(); err != nil { // the closing delimiter
			return nil, err
		}
	case string:
		n.kind, n.text = jsonString, t
		end := int(p.dec.InputOffset())
		if start < end && end <= len(p.buf) {
			n.raw = string(p.buf[start:end])
		}
	case json.Number:
		n.kind, n.text = jsonNumber, t.String()
	case bool:
		// JsonElement.ToString() gives "True"/"False".
		n.kind, n.text = jsonFalse, "False"
		if t {
			n.kind, n.text = jsonTrue, "True"
		}
	case nil:
		n.kind = jsonNull
	default:
		return nil, source.Errorf(n.pos, "invalid JSON: unexpected token %v", fmt.Sprint(t))
	}
	return n, nil
}

// stringCols maps byte offsets in a decoded JSON string to rune columns
// relative to the opening quote: cols[i] is the column offset of the raw
// character that produced decoded byte i, and cols[len] is the closing quote.
func stringCols(raw, decoded string) []int {
	cols := make([]int, 0, len(decoded)+1)
	col := 1 // after the opening quote
	i := 1
	for i < len(raw)-1 && len(cols) < len(decoded) {
		c := raw[i]
		if c != '\\' {
			r, n := utf8.DecodeRuneInString(raw[i:])
			rn := utf8.RuneLen(r)
			if rn < 0 {
				rn = n
			}
			for range rn {
				cols = append(cols, col)
			}
			i += n
			col++
			continue
		}
		// An escape: \n, \", \uXXXX (a surrogate pair is two escapes, one rune).
		width, raws := 2, 2
		var r rune
		if i+1 < len(raw) && raw[i+1] == 'u' {
			raws = 6
			width = 6
			r = hexRune(raw, i+2)
			if 0xD800 <= r && r < 0xDC00 && i+12 <= len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
				lo := hexRune(raw, i+8)
				if 0xDC00 <= lo && lo < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
					raws, width = 12, 12
				}
			}
		} else {
			r = 'x' // one byte
		}
		n := utf8.RuneLen(r)
		if n < 0 {
			n = 3 // U+FFFD
		}
		for range n {
			cols = append(cols, col)
		}
		i += raws
		col += width
	}
	for len(cols) < len(decoded) {
		cols = append(cols, col)
	}
	return append(cols, col)
}

func hexRune(s string, i int) rune {
	if i+4 > len(s) {
		return utf8.RuneError
	}
	var r rune
	for _, c := range s[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | (c - '0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | (c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | (c - 'A' + 10)
		default:
			return utf8.RuneError
		}
	}
	return r
}
