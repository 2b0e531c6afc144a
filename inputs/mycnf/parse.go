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
	Path  string
	Lines []Line
	Text  *source.File
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
	Arg    string     // the path exactly as the server takes it
	ArgPos source.Pos // first character of the path

	// CommentLine
	Comment string // text after the comment character, trimmed
}

// isSpace reports whether c is blank for the server (my_isspace on latin1).
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// Parse reads one option file. It fails, naming the line, on what makes the
// server abort: an option before any group, a group header without ']', an
// include directive without a path.
func Parse(path string, src []byte) (*File, error) {
	text := source.NewFile(path, src)
	f := &File{Path: path, Text: text}
	var errs source.ErrorList
	var group string
	var groupPos source.Pos
	found := false
	s := string(src)
	for lineNo := 1; len(s) > 0; lineNo++ {
		raw := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			raw, s = s[:i+1], s[i+1:] // keep the newline as fgets does
		} else {
			s = ""
		}
		start := 0
		for start < len(raw) && isSpace(raw[start]) {
			start++
		}
		pos := func(off int) source.Pos {
			return source.Pos{Path: path, Line: lineNo, Col: source.Col(raw, off)}
		}
		if start == len(raw) {
			continue
		}
		switch raw[start] {
		case '!':
			if ln, ok, err := parseDirective(raw, start, pos); err != nil {
				errs = append(errs, err)
			} else if ok {
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
			name := strings.TrimRightFunc(raw[start+1:start+1+end], func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
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
func parseDirective(raw string, start int, pos func(int) source.Pos) (Line, bool, *source.Error) {
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
		return Line{}, false, nil
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
		return Line{}, false, source.Errorf(pos(start), "wrong '!%s' directive: no path given (the server aborts)", kw)
	}
	return Line{Kind: kind, Pos: pos(start), Arg: raw[a:end], ArgPos: pos(a)}, true, nil
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
	ln.ValuePos = pos(v)
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
