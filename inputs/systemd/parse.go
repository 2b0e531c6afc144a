package systemd

import (
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// File is one parsed unit file or drop-in: every assignment systemd sees, in
// file order, with the lines systemd warns about and ignores.
type File struct {
	Path        string // slash-separated, relative to the sysroot
	Assignments []Assignment
	Comments    []Comment // only comments starting with "conncap:"
	Warnings    []Warning // lines systemd logs and ignores
	// Err is set when systemd stops reading the file: at a syntax error it
	// treats as fatal (found by Parse) or, in files read through Load, at a
	// command line (Exec*=) it rejects. Assignments holds what came before.
	// In a unit file this makes the unit fail to load; in a drop-in the
	// rest of that drop-in is skipped.
	Err *source.Error
}

// Assignment is one "Key=Value" line (after joining continuation lines).
type Assignment struct {
	Section  string     // the section it appears in, as written ("Service")
	Key      string     // whitespace-trimmed
	Value    string     // raw: whitespace-trimmed, nothing unquoted or expanded
	KeyPos   source.Pos // first character of the key
	ValuePos source.Pos // first character of the value; just after '=' when it is empty
}

// Comment is a full-line comment whose text starts with "conncap:", kept for
// suppression directives.
type Comment struct {
	Pos  source.Pos // the comment character
	Text string     // after the '#' or ';', whitespace-trimmed; starts with "conncap:"
}

// Warning is a line systemd logs as a syntax problem and then ignores.
type Warning struct {
	Pos source.Pos
	Msg string
}

// String formats the warning as "path:line:col: message".
func (w Warning) String() string { return w.Pos.String() + ": " + w.Msg }

// Limits and constants of systemd's config_parse() (src/shared/conf-parser.c).
const (
	longLineMax = 1 << 20        // LONG_LINE_MAX: longer lines make systemd give up on the file
	whitespace  = " \t\n\r"      // WHITESPACE
	commentSet  = "#;"           // COMMENTS
	bom         = "\xef\xbb\xbf" // UTF8_BYTE_ORDER_MARK
)

// physLine is one line as systemd's read_line() splits the input.
type physLine struct {
	num  int    // 1-based
	text string // without its end-of-line marker
}

// splitLines splits src the way read_line() does: "\n", "\r" and NUL end a
// line, and so do the combinations "\r\n", "\n\r" (each marker at most once
// per line end; a NUL always ends the marker). This differs from counting
// '\n' only for files with a lone CR or a NUL.
func splitLines(src []byte) []physLine {
	var lines []physLine
	const (
		eolNUL = 1 << iota
		eolLF
		eolCR
	)
	marker := func(c byte) int {
		switch c {
		case '\n':
			return eolLF
		case '\r':
			return eolCR
		case 0:
			return eolNUL
		}
		return 0
	}
	for i, n := 0, 1; i < len(src); n++ {
		start := i
		for i < len(src) && marker(src[i]) == 0 {
			i++
		}
		lines = append(lines, physLine{num: n, text: string(src[start:i])})
		prev := 0
		for i < len(src) {
			m := marker(src[i])
			if m == 0 || prev&eolNUL != 0 || prev&m != 0 {
				break
			}
			prev |= m
			i++
		}
	}
	return lines
}

// segment maps a piece of a logical line back to the physical line it came from.
type segment struct {
	line    physLine
	start   int // byte offset of the piece within the logical line
	physOff int // byte offset of the piece within line.text
}

// logical is one logical line: physical lines joined at trailing backslashes.
type logical struct {
	text string
	segs []segment
}

// pos returns the position of byte offset off of the logical line.
func (l *logical) pos(path string, off int) source.Pos {
	seg := l.segs[0]
	for _, s := range l.segs {
		if s.start <= off {
			seg = s
		}
	}
	inLine := seg.physOff + off - seg.start
	return source.Pos{Path: path, Line: seg.line.num, Col: source.Col(seg.line.text, inLine)}
}

// Parse reads one unit file or drop-in with the rules of systemd's
// config_parse() (systemd.syntax(7), src/shared/conf-parser.c, checked
// against systemd 252):
//
//   - lines end at "\n", "\r", "\r\n" or NUL; a UTF-8 byte order mark is skipped;
//   - a line whose first non-blank character is '#' or ';' is a comment,
//     including inside a continued value, where it is dropped; a '#' later in
//     a line is part of the value;
//   - a line ending in an odd number of backslashes continues on the next
//     line; the backslash is replaced by a space and the next line appended
//     as it is;
//   - "[Name]" starts a section; "Key=Value" is an assignment, key and value
//     trimmed of whitespace.
//
// An assignment before the first section, a line without '=' and a line
// with an empty key are logged by systemd and ignored: they become Warnings.
// A section header without a closing ']' or with quotes, backslashes or
// control characters in its name, a line that is not valid UTF-8 and a line
// over 1 MiB make systemd stop reading the file: Parse records that in
// File.Err and also returns it as the error. Parse always returns a File.
//
// Parse does not know which sections a unit type accepts: it keeps the
// assignments of every section (systemd ignores those of unknown sections)
// and reports malformed lines there too. Positions point at the first line
// of a continued statement (systemd's own messages name its last line).
func Parse(path string, src []byte) (*File, error) {
	f := &File{Path: path}
	var cur *logical
	section, inSection := "", false
	bomSeen := false
	for _, pl := range splitLines(src) {
		if len(pl.text) >= longLineMax {
			f.Err = source.Errorf(source.Pos{Path: path, Line: pl.num}, "line too long")
			return f, f.Err
		}
		body := strings.TrimLeft(pl.text, whitespace)
		if body != "" && strings.IndexByte(commentSet, body[0]) >= 0 {
			f.addComment(pl, len(pl.text)-len(body))
			continue
		}
		l, off := pl.text, 0
		if !bomSeen && strings.HasPrefix(l, bom) {
			l, off, bomSeen = l[len(bom):], len(bom), true
		}
		if cur != nil {
			if len(cur.text)+len(l) > longLineMax {
				f.Err = source.Errorf(cur.pos(path, 0), "continuation line too long")
				return f, f.Err
			}
			cur.segs = append(cur.segs, segment{line: pl, start: len(cur.text), physOff: off})
			cur.text += l
		} else {
			cur = &logical{text: l, segs: []segment{{line: pl, physOff: off}}}
		}
		if endsEscaped(cur.text) {
			cur.text = cur.text[:len(cur.text)-1] + " "
			continue
		}
		if !f.parseLine(cur, &section, &inSection) {
			return f, f.Err
		}
		cur = nil
	}
	if cur != nil { // a continuation running into the end of the file
		if !f.parseLine(cur, &section, &inSection) {
			return f, f.Err
		}
	}
	return f, nil
}

// endsEscaped reports whether s ends in an unpaired backslash.
func endsEscaped(s string) bool {
	escaped := false
	for i := 0; i < len(s); i++ {
		if escaped {
			escaped = false
		} else if s[i] == '\\' {
			escaped = true
		}
	}
	return escaped
}

func (f *File) addComment(pl physLine, off int) {
	text := strings.TrimSpace(pl.text[off+1:])
	if !strings.HasPrefix(text, "conncap:") {
		return
	}
	f.Comments = append(f.Comments, Comment{
		Pos:  source.Pos{Path: f.Path, Line: pl.num, Col: source.Col(pl.text, off)},
		Text: text,
	})
}

// parseLine handles one logical line like parse_line(); it returns false
// when systemd would stop reading the file.
func (f *File) parseLine(l *logical, section *string, inSection *bool) bool {
	start := len(l.text) - len(strings.TrimLeft(l.text, whitespace))
	text := strings.TrimRight(l.text[start:], whitespace)
	if text == "" {
		return true
	}
	at := l.pos(f.Path, start)
	if !validUTF8(text) {
		f.Err = source.Errorf(at, "line is not valid UTF-8")
		return false
	}
	if text[0] == '[' {
		if text[len(text)-1] != ']' {
			f.Err = source.Errorf(at, "invalid section header %q", text)
			return false
		}
		name := text[1 : len(text)-1]
		if !stringIsSafe(name) {
			f.Err = source.Errorf(at, "bad characters in section header %q", text)
			return false
		}
		*section, *inSection = name, true
		return true
	}
	if !*inSection {
		f.Warnings = append(f.Warnings, Warning{Pos: at, Msg: "assignment outside of section, ignoring"})
		return true
	}
	eq := strings.IndexByte(text, '=')
	switch {
	case eq < 0:
		f.Warnings = append(f.Warnings, Warning{Pos: at, Msg: "missing '=', ignoring line"})
		return true
	case eq == 0:
		f.Warnings = append(f.Warnings, Warning{Pos: at, Msg: "missing key name before '=', ignoring line"})
		return true
	}
	key := strings.TrimRight(text[:eq], whitespace)
	rest := text[eq+1:]
	lead := len(rest) - len(strings.TrimLeft(rest, whitespace))
	value := strings.TrimRight(rest[lead:], whitespace)
	f.Assignments = append(f.Assignments, Assignment{
		Section:  *section,
		Key:      key,
		Value:    value,
		KeyPos:   at,
		ValuePos: l.pos(f.Path, start+eq+1+lead),
	})
	return true
}

// stringIsSafe follows systemd's string_is_safe(): no control characters,
// quotes, backslashes or DEL.
func stringIsSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c == 0x7f || c == '"' || c == '\'' || c == '\\' {
			return false
		}
	}
	return true
}

// validUTF8 follows systemd's utf8_is_valid(): besides malformed sequences,
// surrogates and out-of-range code points (which Go rejects too), it refuses
// the noncharacters U+FDD0..U+FDEF and U+xxFFFE/U+xxFFFF.
func validUTF8(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return false
		}
		if r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE {
			return false
		}
		i += size
	}
	return true
}
