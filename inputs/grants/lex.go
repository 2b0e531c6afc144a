package grants

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// tokKind is the kind of a token.
type tokKind uint8

// The token kinds. The zero kind is "no token" (past the end of a statement).
const (
	tIdent  tokKind = iota + 1 // unquoted word: a keyword or a name, as written
	tQIdent                    // `name`, unquoted
	tString                    // 'text' or "text", unescaped
	tNum                       // 123 or 1.5
	tHost                      // unquoted host name right after '@'
	tAt                        // @
	tPunct                     // any other single character
)

// token is one token of a statement.
type token struct {
	kind     tokKind
	val      string // unescaped for strings and names, as written otherwise
	off, end int    // byte offsets in the file
	pos      source.Pos
	cond     string // the executable comment around the token: "!80000", "M!100500", "!"; "" outside
}

// rawStmt is the tokens of one statement as the client sends it.
type rawStmt struct {
	toks     []token
	end      int    // byte offset just past the statement's text (before its delimiter)
	openCond string // the executable comment still open at the delimiter, "" when none
}

// scanner splits a script into statements (the mysql client's rules) and
// each statement into tokens (the server's rules) in one pass. Every step
// consumes at least one byte, so a scan ends after at most len(src) steps.
type scanner struct {
	src       []byte
	path      string
	i         int // current byte offset
	line, col int // position of byte i: 1-based line, 1-based rune column
	cont      int // bytes of the current character still to pass
	delim     string
	cond      string // executable comment the scanner is in, "" when none
	lineBlank bool   // only blanks since the start of the current line
	cur       []token
	stmts     []rawStmt
	comments  []Comment
}

// scan reads src to its end, or to the first thing the client cannot read
// (an unterminated string, name or comment), which it returns as a
// *source.Error together with the statements before it.
func scan(path string, src []byte) ([]rawStmt, []Comment, error) {
	s := &scanner{src: src, path: path, line: 1, col: 1, delim: ";", lineBlank: true}
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) { // the client skips a UTF-8 byte order mark
		s.advance(3)
	}
	var condStart source.Pos
	for s.i < len(s.src) {
		wasCond := s.cond
		start := s.pos()
		if err := s.step(); err != nil {
			return s.stmts, s.comments, err
		}
		if wasCond == "" && s.cond != "" {
			condStart = start
		}
	}
	if s.cond != "" && len(s.cur) > 0 {
		return s.stmts, s.comments, source.Errorf(condStart, "unterminated /*%s comment", s.cond)
	}
	s.flush(len(s.src))
	return s.stmts, s.comments, nil
}

func (s *scanner) pos() source.Pos { return source.Pos{Path: s.path, Line: s.line, Col: s.col} }

// advance moves n bytes forward, counting lines and rune columns as
// source.Col does (an invalid byte is one column). It decodes each character
// whole even when n ends inside it, so columns do not depend on where the
// scanner stops.
func (s *scanner) advance(n int) {
	end := min(s.i+n, len(s.src))
	for ; s.i < end; s.i++ {
		switch {
		case s.cont > 0:
			s.cont--
		case s.src[s.i] == '\n':
			s.line++
			s.col = 1
		default:
			_, w := utf8.DecodeRune(s.src[s.i:])
			s.cont = w - 1
			s.col++
		}
	}
}

// atDelim reports whether the delimiter starts at byte j.
func (s *scanner) atDelim(j int) bool {
	return bytes.HasPrefix(s.src[j:], []byte(s.delim))
}

// flush ends the current statement at byte offset end.
func (s *scanner) flush(end int) {
	if len(s.cur) > 0 {
		s.stmts = append(s.stmts, rawStmt{toks: s.cur, end: end, openCond: s.cond})
	}
	s.cur = nil
	s.cond = "" // the server reads each statement on its own
}

// emit adds a token that starts at the current position and is n bytes long.
func (s *scanner) emit(kind tokKind, val string, n int) {
	s.cur = append(s.cur, token{kind: kind, val: val, off: s.i, end: s.i + n, pos: s.pos(), cond: s.cond})
	s.advance(n)
}

// isBlank reports the server's blanks (my_isspace on ASCII).
func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// isIdentChar reports the bytes of an unquoted identifier: ASCII letters and
// digits, '_', '$' and every byte of a non-ASCII character.
func isIdentChar(c byte) bool {
	return c >= 0x80 || c == '_' || c == '$' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// isHostChar reports the bytes of an unquoted host name after '@' (the
// server's MY_LEX_HOSTNAME state: alphanumerics, '.', '_', '$').
func isHostChar(c byte) bool { return isIdentChar(c) || c == '.' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// step consumes one token, comment, blank, delimiter or client command.
func (s *scanner) step() error {
	c := s.src[s.i]
	if c == '\n' {
		s.advance(1)
		s.lineBlank = true
		return nil
	}
	if len(s.cur) == 0 && s.lineBlank && s.cond == "" && s.delimiterCommand() {
		return nil
	}
	if s.atDelim(s.i) {
		s.flush(s.i)
		s.advance(len(s.delim))
		s.lineBlank = false
		return nil
	}
	if isBlank(c) {
		s.advance(1)
		return nil
	}
	s.lineBlank = false
	next := byte(0)
	if s.i+1 < len(s.src) {
		next = s.src[s.i+1]
	}
	switch {
	case c == '\\' && (next == 'g' || next == 'G'): // client: go
		s.flush(s.i)
		s.advance(2)
	case c == '\\' && next == 'c': // client: clear the statement
		s.cur = nil
		s.cond = ""
		s.advance(2)
	case c == '#':
		s.lineComment(1)
	case c == '-' && next == '-' && (s.i+2 == len(s.src) || s.src[s.i+2] <= ' ' || s.src[s.i+2] == 0x7f):
		s.lineComment(2)
	case c == '/' && next == '*':
		return s.blockComment()
	case c == '*' && next == '/' && s.cond != "":
		s.cond = ""
		s.advance(2)
	case c == '\'' || c == '"':
		return s.str(c)
	case c == '`':
		return s.quotedIdent()
	case c == '@':
		s.emit(tAt, "@", 1)
		j := s.i
		for j < len(s.src) && isHostChar(s.src[j]) && !s.atDelim(j) {
			j++
		}
		if j > s.i {
			s.emit(tHost, string(s.src[s.i:j]), j-s.i)
		}
	case isIdentChar(c):
		s.word()
	default:
		s.emit(tPunct, string(c), 1)
	}
	return nil
}

// word reads an unquoted identifier or a number. A run of digits followed
// by identifier characters is an identifier (5b), as for the server.
func (s *scanner) word() {
	j := s.i
	allDigits := true
	for j < len(s.src) && isIdentChar(s.src[j]) && !s.atDelim(j) {
		allDigits = allDigits && isDigit(s.src[j])
		j++
	}
	if !allDigits {
		s.emit(tIdent, string(s.src[s.i:j]), j-s.i)
		return
	}
	if j+1 < len(s.src) && s.src[j] == '.' && isDigit(s.src[j+1]) && !s.atDelim(j) {
		j++
		for j < len(s.src) && isDigit(s.src[j]) && !s.atDelim(j) {
			j++
		}
	}
	s.emit(tNum, string(s.src[s.i:j]), j-s.i)
}

// lineComment skips a # or -- comment to the end of the line, keeping it
// when its text starts with "conncap:".
func (s *scanner) lineComment(marker int) {
	pos := s.pos()
	j := s.i
	for j < len(s.src) && s.src[j] != '\n' {
		j++
	}
	text := strings.TrimSpace(string(s.src[s.i+marker : j]))
	if strings.HasPrefix(text, "conncap:") {
		s.comments = append(s.comments, Comment{Pos: pos, Text: text})
	}
	s.advance(j - s.i)
}

// blockComment reads /* … */, or opens an executable comment /*! or /*M!
// whose content the scanner then reads as SQL.
func (s *scanner) blockComment() error {
	pos := s.pos()
	rest := s.src[s.i:]
	if s.cond == "" && (bytes.HasPrefix(rest, []byte("/*!")) || bytes.HasPrefix(rest, []byte("/*M!"))) {
		n := 3
		if rest[2] == 'M' {
			n = 4
		}
		d := 0
		for n+d < len(rest) && isDigit(rest[n+d]) && d < 6 {
			d++
		}
		if d < 5 { // the servers take a version of 5 or 6 digits, else none
			d = 0
		}
		s.cond = string(rest[2 : n+d])
		s.advance(n + d)
		return nil
	}
	end := bytes.Index(rest[2:], []byte("*/"))
	if end < 0 {
		return source.Errorf(pos, "unterminated /* comment")
	}
	s.advance(end + 4)
	return nil
}

// str reads a '…' or "…" string with the escapes of the default sql_mode.
func (s *scanner) str(q byte) error {
	var b strings.Builder
	for j := s.i + 1; j < len(s.src); {
		c := s.src[j]
		switch {
		case c == '\\' && j+1 < len(s.src):
			b.WriteString(unescape(s.src[j+1]))
			j += 2
		case c == q && j+1 < len(s.src) && s.src[j+1] == q:
			b.WriteByte(q)
			j += 2
		case c == q:
			s.emit(tString, b.String(), j+1-s.i)
			return nil
		default:
			b.WriteByte(c)
			j++
		}
	}
	return source.Errorf(s.pos(), "unterminated string: no closing %c", q)
}

// unescape returns what the server makes of a backslash and c.
func unescape(c byte) string {
	switch c {
	case '0':
		return "\x00"
	case 'b':
		return "\b"
	case 'n':
		return "\n"
	case 'r':
		return "\r"
	case 't':
		return "\t"
	case 'Z':
		return "\x1a"
	case '%', '_': // kept with their backslash: they are LIKE escapes
		return "\\" + string(c)
	default:
		return string(c)
	}
}

// quotedIdent reads a `…` name; a doubled backquote stands for one.
func (s *scanner) quotedIdent() error {
	var b strings.Builder
	for j := s.i + 1; j < len(s.src); {
		c := s.src[j]
		switch {
		case c == '`' && j+1 < len(s.src) && s.src[j+1] == '`':
			b.WriteByte('`')
			j += 2
		case c == '`':
			s.emit(tQIdent, b.String(), j+1-s.i)
			return nil
		default:
			b.WriteByte(c)
			j++
		}
	}
	return source.Errorf(s.pos(), "unterminated `name`: no closing `")
}

// delimiterCommand handles the client's DELIMITER command when the line
// starts with it: the next word (quotes stripped) becomes the statement
// delimiter and the rest of the line is ignored. The client refuses an empty
// delimiter and one with a backslash, and keeps the old one.
func (s *scanner) delimiterCommand() bool {
	const word = "delimiter"
	rest := s.src[s.i:]
	if len(rest) < len(word) || !strings.EqualFold(string(rest[:len(word)]), word) {
		return false
	}
	if len(rest) > len(word) && !isBlank(rest[len(word)]) {
		return false
	}
	eol := bytes.IndexByte(rest, '\n')
	if eol < 0 {
		eol = len(rest)
	}
	args := strings.TrimLeft(string(rest[len(word):eol]), " \t\r\v\f")
	var arg string
	if args != "" && (args[0] == '\'' || args[0] == '"' || args[0] == '`') {
		if k := strings.IndexByte(args[1:], args[0]); k >= 0 {
			arg = args[1 : 1+k]
		} else {
			arg = args[1:]
		}
	} else if k := strings.IndexAny(args, " \t\r\v\f"); k >= 0 {
		arg = args[:k]
	} else {
		arg = args
	}
	if arg != "" && !strings.Contains(arg, "\\") {
		s.delim = arg
	}
	s.advance(eol)
	s.lineBlank = false
	return true
}
