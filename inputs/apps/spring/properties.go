package spring

import (
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/conncap/conncap/inputs/source"
)

// propReader is Spring Boot's OriginTrackedPropertiesLoader.CharacterReader
// (Spring Boot 3.x, with #--- and !--- documents) over bytes read as
// ISO-8859-1, as the loader reads them. A LineNumberReader underneath turns
// \r, \n and \r\n into one '\n'.
type propReader struct {
	src        []byte
	next       int  // offset of the next byte to read
	ch         int  // current character, -1 at the end
	start      int  // offset where the current character's text begins
	escaped    bool // the current character came from a backslash escape
	col        int  // 0-based column of the current character, -1 before a line
	lastPrefix int  // comment character of the previous comment line, -1 after any other line
	path       string
	lines      []int // offsets of line starts, built on first use
	err        *source.Error
}

func (r *propReader) raw() int {
	if r.next >= len(r.src) {
		return -1
	}
	c := r.src[r.next]
	r.next++
	if c == '\r' {
		if r.next < len(r.src) && r.src[r.next] == '\n' {
			r.next++
		}
		return '\n'
	}
	return int(c)
}

// read advances to the next character, decoding escapes; it reports
// whether a character was read.
func (r *propReader) read() bool {
	r.escaped = false
	r.start = r.next
	r.ch = r.raw()
	r.col++
	if r.col == 0 {
		r.skipWhitespace()
	}
	if r.ch == '\\' {
		r.escaped = true
		r.readEscaped()
	} else if r.ch == '\n' {
		r.col = -1
	}
	return r.ch != -1
}

func (r *propReader) skipWhitespace() {
	for r.isWhiteSpace() {
		r.start = r.next
		r.ch = r.raw()
		r.col++
	}
}

func (r *propReader) skipComment() {
	for r.ch != '\n' && r.ch != -1 {
		r.ch = r.raw()
	}
	r.col = -1
}

func (r *propReader) readEscaped() {
	r.ch = r.raw()
	switch r.ch {
	case 't':
		r.ch = '\t'
	case 'r':
		r.ch = '\r'
	case 'n':
		r.ch = '\n'
	case 'f':
		r.ch = '\f'
	case '\n': // a line continuation: go on at the next line's first non-blank
		r.col = -1
		r.read()
	case 'u':
		r.readUnicode()
	}
}

func (r *propReader) readUnicode() {
	at := r.start
	r.ch = 0
	for range 4 {
		d := r.raw()
		switch {
		case '0' <= d && d <= '9':
			r.ch = r.ch<<4 + d - '0'
		case 'a' <= d && d <= 'f':
			r.ch = r.ch<<4 + d - 'a' + 10
		case 'A' <= d && d <= 'F':
			r.ch = r.ch<<4 + d - 'A' + 10
		default:
			if r.err == nil {
				r.err = source.Errorf(r.pos(at), `malformed \uxxxx encoding: Spring Boot refuses to load the file`)
			}
			r.ch, r.next = -1, len(r.src) // IllegalStateException: loading stops
			return
		}
	}
}

func (r *propReader) isWhiteSpace() bool {
	return !r.escaped && (r.ch == ' ' || r.ch == '\t' || r.ch == '\f')
}

func (r *propReader) isEndOfLine() bool { return r.ch == -1 || (!r.escaped && r.ch == '\n') }

func (r *propReader) isListDelimiter() bool { return !r.escaped && r.ch == ',' }

func (r *propReader) isPropertyDelimiter() bool { return !r.escaped && (r.ch == '=' || r.ch == ':') }

func (r *propReader) isCommentPrefix() bool { return r.ch == '#' || r.ch == '!' }

// isNewDocument reports whether the comment line at the current character
// is a document separator: #--- or !--- at column 0, optionally followed by
// blanks, and not right after a comment line with the same prefix.
func (r *propReader) isNewDocument() bool {
	if r.lastPrefix == r.ch {
		return false
	}
	result := r.col == 0
	for range 3 {
		if !result {
			break
		}
		r.read()
		result = r.ch == '-'
	}
	if !r.isEndOfLine() {
		r.read()
		r.skipWhitespace()
	}
	return result && r.isEndOfLine()
}

// pos returns the position of byte offset off, columns counted in runes of
// the file as UTF-8 (what an editor shows).
func (r *propReader) pos(off int) source.Pos {
	if r.lines == nil {
		r.lines = []int{0}
		for i := 0; i < len(r.src); i++ {
			switch {
			case r.src[i] == '\n':
				r.lines = append(r.lines, i+1)
			case r.src[i] == '\r' && (i+1 >= len(r.src) || r.src[i+1] != '\n'):
				r.lines = append(r.lines, i+1)
			}
		}
	}
	off = min(max(off, 0), len(r.src))
	line := sort.SearchInts(r.lines, off+1) - 1 // last line start <= off
	start := r.lines[line]
	return source.Pos{Path: r.path, Line: line + 1, Col: source.Col(string(r.src[start:off]), off-start)}
}

// parseProperties reads a .properties file into documents.
func parseProperties(p string, src []byte) ([]Doc, error) {
	r := &propReader{src: src, col: -1, lastPrefix: -1, path: p}
	var docs []Doc
	doc := Doc{Pos: source.Pos{Path: p, Line: 1, Col: 1}}
	for r.read() {
		if r.isCommentPrefix() {
			prefix := r.ch
			at := r.start
			if r.isNewDocument() {
				if len(doc.Props) > 0 {
					docs = append(docs, doc)
				}
				doc = Doc{Pos: r.pos(at)}
			} else {
				if len(doc.Props) == 0 && len(docs) > 0 {
					doc = docs[len(docs)-1]
					docs = docs[:len(docs)-1]
				}
				r.lastPrefix = prefix
				r.skipComment()
			}
			continue
		}
		r.lastPrefix = -1
		r.keyAndValue(&doc)
	}
	if len(doc.Props) > 0 {
		docs = append(docs, doc)
	}
	if r.err != nil {
		return docs, source.ErrorList{r.err}
	}
	return docs, nil
}

// keyAndValue reads one key and its value (or, for a key ending in "[]",
// its comma-separated list) into doc.
func (r *propReader) keyAndValue(doc *Doc) {
	keyPos := r.pos(r.start)
	key := javaTrim(r.loadKey())
	if strings.HasSuffix(key, "[]") {
		key = strings.TrimSuffix(key, "[]")
		for i := 0; ; i++ {
			v, at := r.loadValue(true)
			r.put(doc, key+"["+itoa(i)+"]", v, keyPos, at)
			if !r.isEndOfLine() {
				r.read()
			}
			if r.isEndOfLine() {
				return
			}
		}
	}
	v, at := r.loadValue(false)
	r.put(doc, key, v, keyPos, at)
}

func (r *propReader) put(doc *Doc, key, value string, keyPos source.Pos, valueAt int) {
	if key == "" {
		return
	}
	doc.Props = append(doc.Props, Prop{Key: key, Value: value, Tag: "!!str", KeyPos: keyPos, ValuePos: r.pos(valueAt)})
}

func (r *propReader) loadKey() string {
	var b []uint16
	prevWhite := false
	for !r.isEndOfLine() {
		if r.isPropertyDelimiter() {
			r.read()
			return string(utf16.Decode(b))
		}
		if !r.isWhiteSpace() && prevWhite {
			return string(utf16.Decode(b))
		}
		prevWhite = r.isWhiteSpace()
		b = append(b, uint16(r.ch))
		r.read()
	}
	return string(utf16.Decode(b))
}

// loadValue returns the value and the offset where it starts.
func (r *propReader) loadValue(splitLists bool) (string, int) {
	for r.isWhiteSpace() && !r.isEndOfLine() {
		r.read()
	}
	at := r.start
	var b []uint16
	for !r.isEndOfLine() && !(splitLists && r.isListDelimiter()) {
		b = append(b, uint16(r.ch))
		r.read()
	}
	return string(utf16.Decode(b)), at
}

// javaTrim is String.trim: it drops leading and trailing characters <= ' '.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
