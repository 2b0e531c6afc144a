// Package source holds what every reader shares: positions in input files,
// positioned input errors, the origin of a fact, and files with a line index
// for printing snippets. It plays the part go/token and go/scanner play for Go.
package source

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Pos is a position in an input file, after go/token.Position.
//
// Path is slash-separated and relative to the sysroot. Line and Col are
// 1-based. Col counts runes, not bytes, as yaml.v3 does; Col == 0 means the
// whole line, and Line == 0 means the whole file.
type Pos struct {
	Path string
	Line int
	Col  int
}

// IsValid reports whether p names a file.
func (p Pos) IsValid() bool { return p.Path != "" }

// String formats p as path:line:col, path:line or path.
func (p Pos) String() string {
	switch {
	case p.Path == "":
		return "-"
	case p.Line == 0:
		return p.Path
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.Path, p.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", p.Path, p.Line, p.Col)
	}
}

// Compare orders positions by path, line and column.
func (p Pos) Compare(q Pos) int {
	return cmp.Or(strings.Compare(p.Path, q.Path), cmp.Compare(p.Line, q.Line), cmp.Compare(p.Col, q.Col))
}

// Origin says where a fact came from: a position in a file, or a named source
// that has no position (a default, a command-line flag, an assumption).
type Origin struct {
	Pos  Pos
	Note string // e.g. "default for mariadb-10.11", "flag --nofile"; empty for a plain file position
}

// At returns the origin of a fact read at pos.
func At(pos Pos) Origin { return Origin{Pos: pos} }

// Named returns the origin of a fact that comes from no file.
func Named(note string) Origin { return Origin{Note: note} }

// String formats the origin as its position, its note, or both.
func (o Origin) String() string {
	switch {
	case o.Pos.IsValid() && o.Note != "":
		return o.Pos.String() + " (" + o.Note + ")"
	case o.Pos.IsValid():
		return o.Pos.String()
	case o.Note != "":
		return o.Note
	default:
		return "unknown"
	}
}

// Value is a fact together with where it came from.
type Value[T any] struct {
	V      T
	Origin Origin
}

// Error is an input error at a position: input the real program would reject,
// or that conncap cannot read.
type Error struct {
	Pos Pos
	Msg string
}

// Errorf returns an *Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Error formats the error as "path:line:col: message".
func (e *Error) Error() string {
	if !e.Pos.IsValid() {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// ErrorList collects input errors. Its zero value is an empty list ready to use.
type ErrorList []*Error

// Add appends an error at pos.
func (l *ErrorList) Add(pos Pos, msg string) { *l = append(*l, &Error{Pos: pos, Msg: msg}) }

// Sort orders the list by position, then message, and drops exact duplicates.
func (l *ErrorList) Sort() {
	slices.SortFunc(*l, func(a, b *Error) int {
		return cmp.Or(a.Pos.Compare(b.Pos), strings.Compare(a.Msg, b.Msg))
	})
	*l = slices.CompactFunc(*l, func(a, b *Error) bool { return *a == *b })
}

// Error joins the messages, one per line.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Unwrap exposes the errors to errors.As.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// File is the text of one input file with an index of its lines, for
// snippets under findings.
type File struct {
	Path  string // slash-separated, relative to the sysroot
	Src   []byte
	lines []int // byte offset of each line start
}

// NewFile indexes src.
func NewFile(path string, src []byte) *File {
	f := &File{Path: path, Src: src, lines: []int{0}}
	for i, b := range src {
		if b == '\n' && i+1 < len(src) {
			f.lines = append(f.lines, i+1)
		}
	}
	return f
}

// LineCount returns the number of lines.
func (f *File) LineCount() int {
	if len(f.Src) == 0 {
		return 0
	}
	return len(f.lines)
}

// Line returns line n (1-based) without its line ending, or "" when out of range.
func (f *File) Line(n int) string {
	if n < 1 || n > f.LineCount() {
		return ""
	}
	start := f.lines[n-1]
	end := len(f.Src)
	if n < len(f.lines) {
		end = f.lines[n] - 1
	}
	return strings.TrimRight(string(f.Src[start:end]), "\r\n")
}

// Col returns the 1-based rune column of byte offset off within line text.
func Col(text string, off int) int {
	if off > len(text) {
		off = len(text)
	}
	return utf8.RuneCountInString(text[:off]) + 1
}
