package libconfig

import (
	"fmt"

	"github.com/conncap/conncap/inputs/source"
)

// Kind is the type of a setting's value.
type Kind int

// The kinds of value, after libconfig's CONFIG_TYPE_* constants.
const (
	Group  Kind = iota // { name = value; ... }
	Array              // [ scalar, scalar ]: scalars of one kind
	List               // ( value, value ): any values
	Int                // 32-bit integer: decimal, octal or 0x hex
	Int64              // 64-bit integer: L suffix, or a decimal or octal too big for 32 bits
	Float              // 1.5, 1e3, .5
	Bool               // true or false, any case
	String             // "text", adjacent literals concatenated
)

var kindNames = [...]string{"group", "array", "list", "int", "int64", "float", "bool", "string"}

// String returns the kind's name in lower case, as libconfig's documentation
// spells it ("group", "int64", ...).
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// isAggregate reports whether a setting of kind k has Children.
func (k Kind) isAggregate() bool { return k == Group || k == Array || k == List }

// Setting is one setting (or one element of a list/array) with positions.
type Setting struct {
	Name     string     // "" for list/array elements and the root
	NamePos  source.Pos // position of the name (zero for elements)
	Pos      source.Pos // position of the value's first character; the whole file (Line 0) for the root
	Kind     Kind
	Int      int64      // Int, Int64 (also hex 0x.. values)
	Float    float64    // Float
	Bool     bool       // Bool
	Str      string     // String: adjacent literals concatenated, escapes decoded
	Children []*Setting // Group members in file order; List/Array elements
}

// Lookup returns the direct child named name (libconfig names are
// case-sensitive), or nil. It returns nil for a nil Setting and for elements
// of lists and arrays, which have no names.
func (s *Setting) Lookup(name string) *Setting {
	if s == nil || name == "" {
		return nil
	}
	for _, c := range s.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Comment is a comment with its position and text (without the comment
// marker), for `conncap:ignore` directives. Every comment is kept, in the
// order read; filtering for directives is the caller's job.
type Comment struct {
	Pos  source.Pos // the comment's first character: '#', or the '/' of "//" or "/*"
	Text string     // after "#" or "//", or between "/*" and "*/"; blank-trimmed
}

// File is one parsed file.
type File struct {
	Path     string
	Root     *Setting  // a Group with Name ""; settings of @include'd files are inlined
	Comments []Comment // from this file and the files it includes
}
