// Package mycnf reads mysqld option files (my.cnf) the way the server's own
// option-file reader does (mysys/my_default.c search_default_file_with_ext and
// remove_end_comment in MariaDB 10.11; the same rules in MySQL 8.x), keeping
// the position of every group, option and directive. It reports every group;
// which groups a server reads is decided by the planner.
package mycnf

import (
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// File is one parsed option file: its lines in order.
type File struct {
	Path      string
	Lines     []Line
	Text      *source.File
	LongLines []source.Pos // lines longer than MaxLineBytes
}

// LineKind says what a line of an option file is.
type LineKind int

// The kinds of line the server distinguishes.
const (
	GroupLine      LineKind = iota + 1 // [group]
	OptionLine                         // key, key = value
	IncludeLine                        // !include FILE
	IncludeDirLine                     // !includedir DIR
	CommentLine                        // # or ; first, kept only when it is a conncap: directive
)

// Line is one meaningful line of an option file.
type Line struct {
	Kind LineKind
	Pos  source.Pos // first non-blank character

	// GroupLine
	Group string // name between [ and ], trailing blanks trimmed, case kept

	// OptionLine
	Name     string     // key as written, blanks trimmed
	Value    string     // after comment removal, quote stripping and escapes
	HasValue bool       // an '=' was present
	RawValue string     // the value as written (after comment removal and trimming)
	ValuePos source.Pos // first character of the value (its opening quote when quoted)
	InGroup  string     // the group the option belongs to
	GroupPos source.Pos // where that group's header is

	// IncludeLine, IncludeDirLine
	Arg    string     // the path exactly as the server takes it; "" when none is given (the loader decides: an error, unless the depth limit skips the line first)
	ArgPos source.Pos // first character of the path

	// CommentLine
	Comment string // text after the comment character, trimmed
}

// isSpace reports whether c is blank for the server (my_isspace on latin1).
// 0xA0 is latin1's no-break space: the server trims it even where it is the
// last byte of a UTF-8 character ("voilà" at a line end loses its 0xA0 byte),
// and so does conncap.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == 0xA0
}

// MaxLineBytes is the longest line MariaDB reads whole: it reads option
// files with fgets into a 4 KiB buffer, so a longer line is split and its
// tail read as a line of its own (which may even open a group). The reader
// splits as MariaDB does, positions staying on the physical line, and lists
// such lines in File.LongLines; MySQL 8.x has no limit, so for it the
// planner flags them.
const MaxLineBytes = 4094

// Parse reads one option file. It fails, naming the line, on what makes the
// server stop reading the file: an option before any group, a group header
// without ']'. The lines before the first error are returned with it.
func Parse(path string, src []byte) (*File, error) {
	return ParseAt(path, src, 0, 0)
}

// ParseAt is Parse for an option file embedded in the file at path, such
// as a Kubernetes ConfigMap's literal block: lines is added to every line
// and cols to every column of the positions reported.
func ParseAt(path string, src []byte, lines, cols int) (*File, error) {
	text := source.NewFile(path, src)
	f := &File{Path: path, Text: text, Lines: make([]Line, 0, strings.Count(string(src), "\n")+1)}
	var errs source.ErrorList
	var group string
	var groupPos source.Pos
	found := false
	s := string(src)
	lineNo, lineStart := 1, 0 // physical line and the offset of its start in s
	for off := 0; off < len(s); {
		// Read as fgets into a MaxLineBytes+2 buffer does: up to and
		// including the newline, at most MaxLineBytes bytes at a time.
		end := len(s)
		if i := strings.IndexByte(s[off:], '\n'); i >= 0 {
			end = off + i + 1
		}
		if end-off > MaxLineBytes {
			if off == lineStart {
				f.LongLines = append(f.LongLines, source.Pos{Path: path, Line: lineNo + lines})
			}
			end = off + MaxLineBytes
		}
		raw := s[off:end]
		physical := s[lineStart:end]
		ln, chunkOff := lineNo, off-lineStart
		off = end
		if strings.HasSuffix(raw, "\n") {
			lineNo, lineStart = lineNo+1, end
		}
		start := 0
		for start < len(raw) && isSpace(raw[start]) {
			start++
		}
		pos := func(o int) source.Pos {
			return source.Pos{Path: path, Line: ln + lines, Col: source.Col(physical, chunkOff+o) + cols}
		}
		if start == len(raw) {
			continue
		}
		switch raw[start] {
		case '!':
			if ln, ok := parseDirective(raw, start, pos); ok {
				f.Lines = append(f.Lines, ln)
			}
			continue
		case '#', ';':
			c := strings.TrimSpace(raw[start+1:])
			if strings.HasPrefix(c, "conncap:") {
				f.Lines = append(f.Lines, Line{Kind: CommentLine, Pos: pos(start), Comment: c})
			}
			continue
		case '[':
			end := strings.IndexByte(raw[start+1:], ']')
			if end < 0 {
				errs.Add(pos(start), "wrong group definition: no closing ']' (the server aborts)")
				continue
			}
			name := raw[start+1 : start+1+end]
			for len(name) > 0 && isSpace(name[len(name)-1]) {
				name = name[:len(name)-1]
			}
			group, groupPos, found = name, pos(start), true
			f.Lines = append(f.Lines, Line{Kind: GroupLine, Pos: groupPos, Group: name})
			continue
		}
		if !found {
			errs.Add(pos(start), "option without preceding group: the server aborts with \"Found option without preceding group in config file\"")
			continue
		}
		f.Lines = append(f.Lines, parseOption(raw, start, pos, group, groupPos))
	}
	if len(errs) > 0 {
		return f, errs
	}
	return f, nil
}

// parseDirective reads a '!' line. Unknown directives are ignored as the
// server ignores them (ok false).
func parseDirective(raw string, start int, pos func(int) source.Pos) (Line, bool) {
	p := start + 1
	for p < len(raw) && isSpace(raw[p]) {
		p++
	}
	rest := raw[p:]
	var kind LineKind
	var kw string
	switch {
	case strings.HasPrefix(rest, "includedir") && len(rest) > 10 && isSpace(rest[10]):
		kind, kw = IncludeDirLine, "includedir"
	case strings.HasPrefix(rest, "include") && len(rest) > 7 && isSpace(rest[7]):
		kind, kw = IncludeLine, "include"
	default:
		return Line{}, false
	}
	// get_argument: skip blanks after the keyword, then drop the line's last
	// character (normally its newline) and the blanks before it. On a last
	// line without a newline this cuts the path's final character, exactly
	// as the server does ("!include a.cnf" at EOF opens "a.cn").
	a := p + len(kw)
	for a < len(raw) && isSpace(raw[a]) {
		a++
	}
	end := len(raw) - 1
	for end > a && isSpace(raw[end-1]) {
		end--
	}
	if end <= a {
		return Line{Kind: kind, Pos: pos(start)}, true
	}
	return Line{Kind: kind, Pos: pos(start), Arg: raw[a:end], ArgPos: pos(a)}, true
}

// parseOption reads "key", "key =" or "key = value" after the server's rules.
func parseOption(raw string, start int, pos func(int) source.Pos, group string, groupPos source.Pos) Line {
	line := raw[:commentStart(raw, start)]
	ln := Line{Kind: OptionLine, Pos: pos(start), InGroup: group, GroupPos: groupPos}
	keyEnd := len(line)
	eq := strings.IndexByte(line[start:], '=')
	if eq >= 0 {
		keyEnd = start + eq
	}
	k := keyEnd
	for k > start && isSpace(line[k-1]) {
		k--
	}
	ln.Name = line[start:k]
	if eq < 0 {
		return ln
	}
	ln.HasValue = true
	v := keyEnd + 1
	for v < len(line) && isSpace(line[v]) {
		v++
	}
	ve := len(line)
	for ve > v && isSpace(line[ve-1]) {
		ve--
	}
	ln.ValuePos = pos(min(v, len(strings.TrimRight(line, "\r\n"))))
	ln.RawValue = line[v:ve]
	val := ln.RawValue
	if len(val) > 1 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0] {
		val = val[1 : len(val)-1]
	}
	ln.Value = unescape(val)
	return ln
}

// commentStart returns where an end-of-line '#' comment begins, or len(s).
// Quotes anywhere on the line (the key too) hide '#'; a backslash escapes a
// quote only inside quotes (remove_end_comment).
func commentStart(s string, from int) int {
	var quote byte
	escape := false
	for i := from; i < len(s); i++ {
		c := s[i]
		switch {
		case (c == '\'' || c == '"') && !escape:
			if quote == 0 {
				quote = c
			} else if quote == c {
				quote = 0
			}
		case quote == 0 && c == '#':
			return i
		}
		escape = quote != 0 && c == '\\' && !escape
	}
	return len(s)
}

// unescape translates \n \t \r \b \s \\ \" \'; any other escape and a
// trailing lone backslash stay as written.
func unescape(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' || i == len(v)-1 {
			b.WriteByte(v[i])
			continue
		}
		i++
		switch v[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'b':
			b.WriteByte('\b')
		case 's':
			b.WriteByte(' ')
		case '"', '\'', '\\':
			b.WriteByte(v[i])
		default:
			b.WriteByte('\\')
			b.WriteByte(v[i])
		}
	}
	return b.String()
}
