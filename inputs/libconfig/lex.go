package libconfig

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// tokKind is the kind of a token, after libconfig's TOK_* tokens.
type tokKind uint8

// The token kinds.
const (
	tEOF        tokKind = iota // end of the top file
	tName                      // [A-Za-z*][-A-Za-z0-9_*]*
	tEquals                    // = or :
	tComma                     // ,
	tSemi                      // ;
	tGroupStart                // {
	tGroupEnd                  // }
	tArrayStart                // [
	tArrayEnd                  // ]
	tListStart                 // (
	tListEnd                   // )
	tBool                      // true or false, any case
	tInt                       // decimal or octal integer; Int or Int64 by its value
	tInt64                     // decimal integer with an L or LL suffix
	tHex                       // 0x… (32 bits)
	tHex64                     // 0x… with an L or LL suffix
	tFloat                     // 1.5, 1e3, .5
	tString                    // one "…" literal, decoded
	tBadInt                    // an integer strtoll rejects (libconfig's TOK_ERROR)
	tGarbage                   // a character no rule takes (libconfig's TOK_GARBAGE)
)

// token is one token.
type token struct {
	kind tokKind
	text string     // as written; the decoded value for tString
	pos  source.Pos // first character
	end  source.Pos // last character: the closing quote of a string, else pos
	num  int64      // tBool (0 or 1), tInt, tInt64, tHex, tHex64
	f    float64    // tFloat
	why  string     // tBadInt, tGarbage: what is wrong, for the error message
}

// describe names the token for a syntax error message.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tName:
		return "name " + strconv.Quote(t.text)
	case tString:
		s := t.text
		if utf8.RuneCountInString(s) > 40 {
			s = string([]rune(s)[:40]) + "…"
		}
		return "string " + strconv.Quote(s)
	default:
		return strconv.Quote(t.text)
	}
}

// maxIncludeDepth is libconfig's MAX_INCLUDE_DEPTH: how many @include files
// may be open below the top file.
const maxIncludeDepth = 10

// buffer is one file being read: the top file or an @include'd one.
type buffer struct {
	path      string
	src       []byte
	off       int // byte offset of the next character
	line, col int // position of src[off]: 1-based line, 1-based rune column
	at        Offset
}

func (b *buffer) pos() source.Pos {
	return source.Pos{Path: b.path, Line: b.line + b.at.Lines, Col: b.col + b.at.Cols}
}

// advance moves past n bytes. Callers stop only at rune boundaries (every
// delimiter is ASCII), so counting the runes of the bytes passed keeps the
// column right.
func (b *buffer) advance(n int) {
	seg := b.src[b.off : b.off+n]
	if k := bytes.LastIndexByte(seg, '\n'); k >= 0 {
		b.line += bytes.Count(seg, []byte{'\n'})
		b.col = 1 + utf8.RuneCount(seg[k+1:])
	} else {
		b.col += utf8.RuneCount(seg)
	}
	b.off += n
}

// lexMode is flex's start condition. Like flex's, it belongs to the scanner,
// not to a file: a string, comment or @include name left open at the end of
// an included file goes on in the file that included it.
type lexMode uint8

const (
	modeInitial lexMode = iota
	modeComment         // inside /* … */
	modeString          // inside "…"
	modeInclude         // inside the quoted name of an @include
)

// lexer turns files into tokens the way libconfig 1.7's flex scanner
// (lib/scanner.l) does: longest match, the earliest rule on a tie, and
// @include files pushed and popped as buffers under one start condition.
type lexer struct {
	include  func(name string) (string, []byte, error)
	stack    []*buffer // the top file first; the file being read last
	mode     lexMode
	buf      []byte     // the string literal, @include name or comment being read
	start    source.Pos // where that literal, name or comment began
	comments []Comment
	atEOF    bool
}

func newLexer(path string, src []byte, at Offset, include func(string) (string, []byte, error)) *lexer {
	return &lexer{include: include, stack: []*buffer{{path: path, src: src, line: 1, col: 1, at: at}}}
}

// unclosed says what is left open at the end of the top file, or "".
func (lx *lexer) unclosed() string {
	switch lx.mode {
	case modeString:
		return "the string at " + lx.start.String() + " is not closed"
	case modeComment:
		return "the comment at " + lx.start.String() + " is not closed"
	case modeInclude:
		return "the @include at " + lx.start.String() + " has no closing quote"
	}
	return ""
}

// next returns the next token. Its only errors are those of @include
// directives, which libconfig reports from the scanner.
func (lx *lexer) next() (token, error) {
	for {
		b := lx.stack[len(lx.stack)-1]
		if b.off >= len(b.src) {
			if len(lx.stack) > 1 {
				lx.stack = lx.stack[:len(lx.stack)-1]
				continue
			}
			if lx.mode == modeComment && !lx.atEOF {
				lx.comments = append(lx.comments, Comment{Pos: lx.start, Text: strings.TrimSpace(string(lx.buf))})
			}
			lx.atEOF = true
			return token{kind: tEOF, pos: b.pos(), end: b.pos()}, nil
		}
		switch lx.mode {
		case modeComment:
			lx.scanComment(b)
			continue
		case modeString:
			if t, ok := lx.scanString(b); ok {
				return t, nil
			}
			continue
		case modeInclude:
			if err := lx.scanInclude(b); err != nil {
				return token{}, err
			}
			continue
		}
		if t, ok := lx.scanInitial(b); ok {
			return t, nil
		}
	}
}

// scanInitial takes one match in the INITIAL start condition and returns
// the token, if the match is one.
func (lx *lexer) scanInitial(b *buffer) (token, bool) {
	src, off := b.src, b.off
	c := src[off]
	var c2 byte
	if off+1 < len(src) {
		c2 = src[off+1]
	}
	// ^[ \t]*@include[ \t]+\" : flex's ^ holds at the start of a buffer and
	// after a newline.
	if off == 0 || src[off-1] == '\n' {
		if at, n := includeOpen(src[off:]); n > 0 {
			at0 := b.pos()
			at0.Col += at // the blanks before '@' are ASCII
			lx.mode, lx.start, lx.buf = modeInclude, at0, lx.buf[:0]
			b.advance(n)
			return token{}, false
		}
	}
	punct := func(k tokKind) (token, bool) {
		t := token{kind: k, text: string(c), pos: b.pos(), end: b.pos()}
		b.advance(1)
		return t, true
	}
	switch {
	case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
		b.advance(1)
		return token{}, false
	case c == '/' && c2 == '*':
		lx.mode, lx.start, lx.buf = modeComment, b.pos(), lx.buf[:0]
		b.advance(2)
		return token{}, false
	case c == '#' || (c == '/' && c2 == '/'):
		// (#|\/\/).*$ : flex's $ needs the newline, so a comment that
		// ends the file without one is no comment.
		marker := "#"
		if c == '/' {
			marker = "//"
		}
		nl := bytes.IndexByte(src[off:], '\n')
		if nl < 0 {
			t := token{kind: tGarbage, text: string(c), pos: b.pos(), end: b.pos(),
				why: fmt.Sprintf("unexpected %q: libconfig ends a %s comment at a newline, and this file ends without one", string(c), marker)}
			b.advance(1)
			return t, true
		}
		lx.comments = append(lx.comments, Comment{Pos: b.pos(), Text: strings.TrimSpace(string(src[off+len(marker) : off+nl]))})
		b.advance(nl)
		return token{}, false
	case c == '"':
		lx.mode, lx.start, lx.buf = modeString, b.pos(), lx.buf[:0]
		b.advance(1)
		return token{}, false
	case c == '=' || c == ':':
		return punct(tEquals)
	case c == ',':
		return punct(tComma)
	case c == ';':
		return punct(tSemi)
	case c == '{':
		return punct(tGroupStart)
	case c == '}':
		return punct(tGroupEnd)
	case c == '[':
		return punct(tArrayStart)
	case c == ']':
		return punct(tArrayEnd)
	case c == '(':
		return punct(tListStart)
	case c == ')':
		return punct(tListEnd)
	case isNameStart(c):
		n := 1
		for off+n < len(src) && isNameChar(src[off+n]) {
			n++
		}
		text := string(src[off : off+n])
		t := token{kind: tName, text: text, pos: b.pos(), end: b.pos()}
		switch {
		case strings.EqualFold(text, "true"):
			t.kind, t.num = tBool, 1
		case strings.EqualFold(text, "false"):
			t.kind = tBool
		}
		b.advance(n)
		return t, true
	}
	if k, n := scanNumber(src[off:]); n > 0 {
		text := string(src[off : off+n])
		t := token{kind: k, text: text, pos: b.pos(), end: b.pos()}
		switch k {
		case tInt:
			v, why := parseInteger(text)
			if why != "" {
				t.kind, t.why = tBadInt, why
			}
			t.num = v
		case tInt64:
			t.num = parseInteger64(text)
		case tHex:
			t.num = int64(int32(uint32(parseHex(text))))
		case tHex64:
			t.num = int64(parseHex(text))
		case tFloat:
			t.f = parseFloat(text)
		}
		b.advance(n)
		return t, true
	}
	// Any other character: flex's catch-all rule "." takes one byte; the
	// whole rune is taken here so that columns stay on rune boundaries.
	r, n := utf8.DecodeRune(src[off:])
	text := string(src[off : off+n])
	why := fmt.Sprintf("unexpected character %q", text)
	if r == utf8.RuneError && n == 1 {
		why = fmt.Sprintf("unexpected byte 0x%02x", c)
	} else if r == '\ufeff' {
		why = "unexpected byte order mark: libconfig reads it as text"
	}
	t := token{kind: tGarbage, text: text, pos: b.pos(), end: b.pos(), why: why}
	b.advance(n)
	return t, true
}

// includeOpen matches ^[ \t]*@include[ \t]+\" at the start of s and returns
// the offset of '@' and the length of the match, or n == 0.
func includeOpen(s []byte) (at, n int) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	at = i
	if !bytes.HasPrefix(s[i:], []byte("@include")) {
		return 0, 0
	}
	i += len("@include")
	j := i
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j == i || j >= len(s) || s[j] != '"' {
		return 0, 0
	}
	return at, j + 1
}

// scanComment reads a /* … */ comment up to its end or the end of the buffer.
func (lx *lexer) scanComment(b *buffer) {
	rest := b.src[b.off:]
	k := bytes.Index(rest, []byte("*/"))
	if k < 0 {
		lx.buf = append(lx.buf, rest...)
		b.advance(len(rest))
		return
	}
	lx.buf = append(lx.buf, rest[:k]...)
	lx.comments = append(lx.comments, Comment{Pos: lx.start, Text: strings.TrimSpace(string(lx.buf))})
	lx.mode = modeInitial
	b.advance(k + 2)
}

// scanString takes one match inside a string literal and returns the
// literal's token when the match is its closing quote.
//
// The escapes are libconfig 1.7's: \n \r \t \f \\ \" and \x (or \X) with
// exactly two hex digits. A backslash before anything else stays in the
// string, and so does the character after it. libconfig keeps the text in a
// C string, so a \x00 ends the literal's value and a NUL byte in the file
// ends the run of plain characters it is in.
func (lx *lexer) scanString(b *buffer) (token, bool) {
	src, off := b.src, b.off
	switch src[off] {
	case '"':
		val := lx.buf
		if k := bytes.IndexByte(val, 0); k >= 0 {
			val = val[:k]
		}
		t := token{kind: tString, text: string(val), pos: lx.start, end: b.pos()}
		lx.mode, lx.buf = modeInitial, lx.buf[:0]
		b.advance(1)
		return t, true
	case '\\':
		if off+1 < len(src) {
			if e := simpleEscape(src[off+1]); e != 0 {
				lx.buf = append(lx.buf, e)
				b.advance(2)
				return token{}, false
			}
			switch src[off+1] {
			case 'x', 'X':
				if off+3 < len(src) && isHex(src[off+2]) && isHex(src[off+3]) {
					lx.buf = append(lx.buf, hexVal(src[off+2])<<4|hexVal(src[off+3]))
					b.advance(4)
					return token{}, false
				}
			}
		}
		lx.buf = append(lx.buf, '\\')
		b.advance(1)
		return token{}, false
	}
	n := plainRun(src[off:])
	lx.buf = append(lx.buf, cutNUL(src[off:off+n])...)
	b.advance(n)
	return token{}, false
}

// scanInclude takes one match inside the quoted name of an @include and
// opens the file at the closing quote.
func (lx *lexer) scanInclude(b *buffer) error {
	src, off := b.src, b.off
	switch src[off] {
	case '"':
		name := string(lx.buf)
		lx.mode, lx.buf = modeInitial, lx.buf[:0]
		b.advance(1)
		return lx.push(name, lx.start)
	case '\\':
		if off+1 < len(src) && (src[off+1] == '\\' || src[off+1] == '"') {
			lx.buf = append(lx.buf, src[off+1])
			b.advance(2)
			return nil
		}
		// No rule takes any other backslash here: flex's default rule
		// echoes it to stdout, so it is not part of the name.
		b.advance(1)
		return nil
	}
	n := plainRun(src[off:])
	lx.buf = append(lx.buf, cutNUL(src[off:off+n])...)
	b.advance(n)
	return nil
}

// push opens an @include'd file as a new buffer.
func (lx *lexer) push(name string, at source.Pos) error {
	if len(lx.stack)-1 >= maxIncludeDepth {
		return source.Errorf(at, "include file nesting too deep: %q would be the %dth nested @include; libconfig allows %d", name, len(lx.stack), maxIncludeDepth)
	}
	if lx.include == nil {
		return source.Errorf(at, "cannot open include file %q: @include is not followed here", name)
	}
	path, src, err := lx.include(name)
	if err != nil {
		return source.Errorf(at, "cannot open include file %q: %v", name, err)
	}
	if path == "" {
		path = name
	}
	lx.stack = append(lx.stack, &buffer{path: path, src: src, line: 1, col: 1})
	return nil
}

// simpleEscape returns the character the escape \c stands for, or 0.
func simpleEscape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'f':
		return '\f'
	case '\\', '"':
		return c
	}
	return 0
}

// plainRun returns the length of the run of bytes other than '"' and '\\'
// at the start of s: flex's [^\"\\]+.
func plainRun(s []byte) int {
	for i, c := range s {
		if c == '"' || c == '\\' {
			return i
		}
	}
	return len(s)
}

// cutNUL returns s up to its first NUL byte: what strlen sees.
func cutNUL(s []byte) []byte {
	if k := bytes.IndexByte(s, 0); k >= 0 {
		return s[:k]
	}
	return s
}

func isNameStart(c byte) bool { return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '*' }
func isNameChar(c byte) bool  { return isNameStart(c) || isDigit(c) || c == '-' || c == '_' }
func isDigit(c byte) bool     { return '0' <= c && c <= '9' }
func isHex(c byte) bool       { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func hexVal(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// scanNumber matches libconfig's number rules at the start of s and returns
// the kind and length of the longest match, the earliest rule winning a tie
// (float, integer, integer64, hex, hex64), or n == 0:
//
//	integer   [-+]?[0-9]+
//	integer64 [-+]?[0-9]+L(L)?
//	hex       0[Xx][0-9A-Fa-f]+
//	hex64     0[Xx][0-9A-Fa-f]+L(L)?
//	float     ([-+]?([0-9]*)?\.[0-9]*([eE][-+]?[0-9]+)?)|([-+]?([0-9]+)(\.[0-9]*)?[eE][-+]?[0-9]+)
func scanNumber(s []byte) (tokKind, int) {
	run := func(i int, ok func(byte) bool) int {
		j := i
		for j < len(s) && ok(s[j]) {
			j++
		}
		return j - i
	}
	suffixL := func(i int) int { // L(L)? after s[:i]
		if i < len(s) && s[i] == 'L' {
			i++
			if i < len(s) && s[i] == 'L' {
				i++
			}
		}
		return i
	}
	exponent := func(i int) int { // ([eE][-+]?[0-9]+)? after s[:i]
		if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
			k := i + 1
			if k < len(s) && (s[k] == '+' || s[k] == '-') {
				k++
			}
			if d := run(k, isDigit); d > 0 {
				return k + d
			}
		}
		return i
	}
	sign := 0
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		sign = 1
	}
	digits := run(sign, isDigit)

	var intLen, int64Len, hexLen, hex64Len, floatLen int
	if digits > 0 {
		intLen = sign + digits
		if l := suffixL(intLen); l > intLen {
			int64Len = l
		}
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		if h := run(2, isHex); h > 0 {
			hexLen = 2 + h
			if l := suffixL(hexLen); l > hexLen {
				hex64Len = l
			}
		}
	}
	if i := sign + digits; i < len(s) && s[i] == '.' { // first alternative
		i++
		i += run(i, isDigit)
		floatLen = exponent(i)
	}
	if digits > 0 { // second alternative
		i := sign + digits
		if i < len(s) && s[i] == '.' {
			i++
			i += run(i, isDigit)
		}
		if e := exponent(i); e > i {
			floatLen = max(floatLen, e)
		}
	}
	kind, n := tFloat, floatLen
	for _, c := range []struct {
		k tokKind
		n int
	}{{tInt, intLen}, {tInt64, int64Len}, {tHex, hexLen}, {tHex64, hex64Len}} {
		if c.n > n {
			kind, n = c.k, c.n
		}
	}
	return kind, n
}

// parseInteger reads an integer token as libconfig 1.7 does, with
// strtoll(s, &end, 0): a leading 0 makes it octal, and a value strtoll
// cannot hold, or a digit it stops at, is an error (why != "").
func parseInteger(text string) (v int64, why string) {
	s := text
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		s = s[1:]
	}
	base := uint64(10)
	if len(s) > 1 && s[0] == '0' {
		base = 8
		s = s[1:]
	}
	var u uint64
	overflow := false
	for i := 0; i < len(s); i++ {
		d := uint64(s[i] - '0')
		if d >= base {
			return 0, fmt.Sprintf("%s is not a valid integer: the leading 0 makes it octal, and %c is not an octal digit", text, s[i])
		}
		if u > (math.MaxUint64-d)/base {
			overflow = true
			continue
		}
		u = u*base + d
	}
	if overflow || (!neg && u > math.MaxInt64) || (neg && u > 1<<63) {
		return 0, fmt.Sprintf("integer %s is out of the 64-bit range", text)
	}
	if neg {
		return -int64(u), ""
	}
	return int64(u), ""
}

// parseInteger64 reads an integer with an L suffix as atoll does: decimal
// even with a leading 0, and pinned to the 64-bit range.
func parseInteger64(text string) int64 {
	s := strings.TrimRight(text, "L")
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		s = s[1:]
	}
	var u uint64
	for i := 0; i < len(s); i++ {
		d := uint64(s[i] - '0')
		if u > (math.MaxUint64-d)/10 {
			u = math.MaxUint64
			break
		}
		u = u*10 + d
	}
	switch {
	case neg && u >= 1<<63:
		return math.MinInt64
	case neg:
		return -int64(u)
	case u > math.MaxInt64:
		return math.MaxInt64
	}
	return int64(u)
}

// parseHex reads 0x… as strtoul/strtoull(s, NULL, 16) do, pinned to
// 2^64-1. The caller truncates it to the width libconfig stores.
func parseHex(text string) uint64 {
	var u uint64
	for i := 2; i < len(text) && isHex(text[i]); i++ {
		d := uint64(hexVal(text[i]))
		if u > (math.MaxUint64-d)/16 {
			return math.MaxUint64
		}
		u = u<<4 | d
	}
	return u
}

// parseFloat reads a float token as atof does. The rule also matches ".",
// "-." and ".e5", which hold no digit: atof reads nothing and returns 0.
func parseFloat(text string) float64 {
	mant := text
	if k := strings.IndexAny(text, "eE"); k >= 0 {
		mant = text[:k]
	}
	if !strings.ContainsAny(mant, "0123456789") {
		return 0
	}
	f, _ := strconv.ParseFloat(text, 64) // ±Inf or 0 when out of range, as strtod
	return f
}
