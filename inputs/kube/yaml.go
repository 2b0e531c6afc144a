package kube

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/conncap/conncap/inputs/source"
)

// Limits on one document. Each is an input error when exceeded.
const (
	// MaxDocumentBytes is the largest document read: the API server refuses
	// request bodies over 3 MiB (apiserver MaxRequestBodyBytes).
	MaxDocumentBytes = 3 << 20
	// MaxDepth is the deepest nesting read, counted through aliases.
	// Kubernetes objects, CRD schemas included, stay far below it.
	MaxDepth = 1000
	// MaxNodes is the most YAML nodes a document may have once its aliases
	// are expanded. The expansion is computed, never performed.
	MaxNodes = 1_000_000
)

// chunk is one document of a file as kubectl's YAMLReader splits it.
type chunk struct {
	src  []byte // the document's lines, without separator lines
	line int    // 1-based line of src's first byte in the file
	off  int    // byte offset of src in the file
}

// sepError is a "---" line with text after it, which kubectl rejects.
type sepError struct {
	line, col int
	text      string
}

// splitDocuments splits src into documents at separator lines, as
// k8s.io/apimachinery/pkg/util/yaml YAMLReader.Read does: a line whose
// first three bytes are "---" ends the current document when the rest of
// the line, trimmed, is empty or starts with "#"; any other rest is an
// error there (we report it and split anyway, to keep reading). Empty
// documents between two separators are dropped, as kubectl drops them.
func splitDocuments(src []byte) ([]chunk, []sepError) {
	var (
		docs  []chunk
		errs  []sepError
		start = 0 // offset of the current document
		sline = 1 // its first line
	)
	line := 1
	for off := 0; off < len(src); line++ {
		end := bytes.IndexByte(src[off:], '\n')
		next := len(src)
		if end >= 0 {
			end += off
			next = end + 1
		} else {
			end = len(src)
		}
		text := src[off:end]
		if bytes.HasPrefix(text, []byte("---")) {
			rest := strings.TrimSpace(string(text[3:]))
			if rest != "" && rest[0] != '#' {
				lead := len(text) - len(bytes.TrimLeftFunc(text[3:], unicode.IsSpace))
				errs = append(errs, sepError{line: line, col: utf8.RuneCount(text[:lead]) + 1, text: rest})
			}
			if off > start {
				docs = append(docs, chunk{src: src[start:off], line: sline, off: start})
			}
			start, sline = next, line+1
		}
		off = next
	}
	if start < len(src) {
		docs = append(docs, chunk{src: src[start:], line: sline, off: start})
	}
	return docs, errs
}

// lineMap turns yaml.v3 line and column numbers inside a chunk into
// positions in the file. yaml.v3 counts a lone CR, NEL (U+0085), LS
// (U+2028) and PS (U+2029) as line breaks; an editor, source.File and
// kubectl's document splitter count only LF. When a chunk holds none of
// those, yaml.v3's lines are the file's, shifted by the chunk's start.
type lineMap struct {
	path   string
	first  int         // file line of the chunk's first line
	last   int         // file line of the chunk's last line
	bom    bool        // the chunk starts the file with a byte order mark
	starts []lineStart // per yaml.v3 line; nil when lines agree
}

// lineStart is where a yaml.v3 line starts in the file.
type lineStart struct {
	line int // file line
	col  int // runes before it on that file line
}

func newLineMap(path string, c chunk) lineMap {
	m := lineMap{path: path, first: c.line, last: c.line + bytes.Count(c.src, []byte("\n"))}
	if len(c.src) > 0 && c.src[len(c.src)-1] == '\n' {
		m.last--
	}
	m.bom = c.off == 0 && bytes.HasPrefix(c.src, []byte("\ufeff"))
	if !hasOddBreak(c.src) {
		return m
	}
	line, col := c.line, 0
	m.starts = []lineStart{{line: line}}
	for i := 0; i < len(c.src); {
		r, size := utf8.DecodeRune(c.src[i:])
		i += size
		switch {
		case r == '\n':
			line, col = line+1, 0
			m.starts = append(m.starts, lineStart{line: line})
		case r == '\r' && i < len(c.src) && c.src[i] == '\n':
			col++ // CRLF: the LF breaks the line
		case r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			col++
			m.starts = append(m.starts, lineStart{line: line, col: col})
		default:
			col++
		}
	}
	return m
}

func hasOddBreak(b []byte) bool {
	for i, c := range b {
		switch c {
		case '\r':
			if i+1 >= len(b) || b[i+1] != '\n' {
				return true
			}
		case 0xC2: // NEL is C2 85
			if i+1 < len(b) && b[i+1] == 0x85 {
				return true
			}
		case 0xE2: // LS and PS are E2 80 A8 and E2 80 A9
			if i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0xA8 || b[i+2] == 0xA9) {
				return true
			}
		}
	}
	return false
}

// pos maps a yaml.v3 line and column (1-based; col 0 for a whole line).
// Lines past the chunk's end (yaml.v3 names the line after the last one in
// "unexpected end of stream") are clamped to its last line.
func (m lineMap) pos(line, col int) source.Pos {
	p := source.Pos{Path: m.path, Line: m.first, Col: col}
	switch {
	case line < 1:
	case m.starts == nil:
		p.Line = m.first + line - 1
	case line <= len(m.starts):
		s := m.starts[line-1]
		p.Line = s.line
		if col > 0 {
			p.Col = s.col + col
		}
	default:
		p.Line = m.last + 1
	}
	if p.Line > m.last {
		p.Line, p.Col = max(m.last, m.first), 0
	}
	if m.bom && p.Line == 1 && p.Col > 0 {
		p.Col++ // yaml.v3 does not count the byte order mark; an editor does
	}
	return p
}

// node returns the position of n.
func (m lineMap) node(n *yaml.Node) source.Pos { return m.pos(n.Line, n.Column) }

var yamlLineRE = regexp.MustCompile(`\bline (\d+): `)

// yamlErrorLine splits a go-yaml error message ("yaml: line 2: mapping
// values are not allowed in this context", "yaml: unmarshal errors:\n  line
// 3: …") into the line it names (0 when it names none) and the message
// without the "yaml: " and "line N: " parts. go-yaml errors carry their
// position only in this text (STYLE.md §5: the one place we match strings).
//
// yaml.v3 names the line of a parser error by the construct it was reading
// (0-based in some paths), so the line can be the one before the offending
// token; we report what yaml.v3 says.
func yamlErrorLine(msg string) (line int, rest string) {
	msg = strings.TrimPrefix(msg, "error converting YAML to JSON: ")
	if loc := yamlLineRE.FindStringSubmatchIndex(msg); loc != nil {
		n, err := strconv.Atoi(msg[loc[2]:loc[3]])
		if err == nil && n > 0 {
			line = n
			msg = msg[loc[1]:]
		}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return line, strings.TrimSpace(msg)
}

// deref follows a document node to its content and an alias to its anchor.
func deref(n *yaml.Node) *yaml.Node {
	for range 4 {
		switch {
		case n == nil:
			return nil
		case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
			n = n.Content[0]
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		default:
			return n
		}
	}
	return n
}

// shape is the size and height of a node with its aliases expanded.
type shape struct {
	size   int64
	height int
}

// guard walks a document once without expanding aliases and reports the
// first limit it exceeds: nesting deeper than MaxDepth (counted through
// aliases), more than MaxNodes nodes after alias expansion (computed from
// the anchored nodes' sizes), or an anchor that contains an alias to
// itself (yaml.v3 builds such a cycle; yaml.v2 rejects it).
func guard(root *yaml.Node) (*yaml.Node, string) {
	g := guardWalk{anchored: map[*yaml.Node]shape{}, open: map[*yaml.Node]bool{}}
	if _, ok := g.walk(root, 0); !ok {
		return g.at, g.msg
	}
	return nil, ""
}

type guardWalk struct {
	anchored map[*yaml.Node]shape // shapes of anchored nodes walked so far
	open     map[*yaml.Node]bool  // anchored nodes being walked
	at       *yaml.Node
	msg      string
}

func (g *guardWalk) fail(n *yaml.Node, msg string) (shape, bool) {
	g.at, g.msg = n, msg
	return shape{}, false
}

func (g *guardWalk) walk(n *yaml.Node, depth int) (shape, bool) {
	if depth > MaxDepth {
		return g.fail(n, "nesting deeper than "+strconv.Itoa(MaxDepth)+" levels: conncap does not read it")
	}
	if n.Kind == yaml.AliasNode {
		t := n.Alias
		if t == nil {
			return shape{size: 1}, true
		}
		if g.open[t] {
			return g.fail(n, "anchor "+strconv.Quote(t.Anchor)+" contains an alias to itself")
		}
		s, ok := g.anchored[t]
		if !ok { // an anchor yaml.v3 resolved outside the walk; walk it once
			if s, ok = g.walk(t, depth); !ok {
				return s, false
			}
		}
		if depth+s.height > MaxDepth {
			return g.fail(n, "alias *"+t.Anchor+" nests the document deeper than "+strconv.Itoa(MaxDepth)+" levels: conncap does not read it")
		}
		return s, true
	}
	if n.Anchor != "" {
		g.open[n] = true
		defer delete(g.open, n)
	}
	s := shape{size: 1}
	for _, c := range n.Content {
		cs, ok := g.walk(c, depth+1)
		if !ok {
			return cs, false
		}
		s.size += cs.size
		s.height = max(s.height, cs.height+1)
		if s.size > MaxNodes {
			return g.fail(c, "aliases expand the document past "+strconv.Itoa(MaxNodes)+" nodes (an alias bomb?): conncap does not expand it")
		}
	}
	if n.Anchor != "" {
		g.anchored[n] = s
	}
	return s, true
}

// keyString returns the JSON object key kubectl makes of a mapping key:
// sigs.k8s.io/yaml resolves plain scalars as YAML 1.1 (yaml.v2 resolve.go)
// and formats non-string keys (convertToJSONableObject): `on` becomes
// "true", `0x1F` "31", `1.5` "1.5" (floats with 32-bit precision). ok is
// false for keys JSON cannot hold (null, collections).
func keyString(k *yaml.Node) (string, bool) {
	k = deref(k)
	if k == nil || k.Kind != yaml.ScalarNode {
		return "", false
	}
	quoted := k.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
	if quoted || (k.Style&yaml.TaggedStyle != 0 && (k.Tag == "!!str" || k.Tag == "!!binary")) {
		return k.Value, true
	}
	return resolve11Key(k.Value)
}

var yaml11Float = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// resolve11Key resolves a plain scalar the way yaml.v2 does and formats the
// result as sigs.k8s.io/yaml formats map keys.
func resolve11Key(in string) (string, bool) {
	switch in {
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return "true", true
	case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return "false", true
	case "", "~", "null", "Null", "NULL":
		return "", false
	case ".nan", ".NaN", ".NAN":
		return ".nan", true
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return ".inf", true
	case "-.inf", "-.Inf", "-.INF":
		return "-.inf", true
	}
	switch c := in[0]; {
	case c == '.':
		if f, err := strconv.ParseFloat(in, 64); err == nil {
			return formatKeyFloat(f), true
		}
	case c == '+' || c == '-' || (c >= '0' && c <= '9'):
		plain := strings.ReplaceAll(in, "_", "")
		if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return strconv.FormatInt(i, 10), true
		}
		if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return "", false // sigs.k8s.io/yaml: unsupported map key of type uint64
		}
		if yaml11Float.MatchString(plain) {
			if f, err := strconv.ParseFloat(plain, 64); err == nil {
				return formatKeyFloat(f), true
			}
		}
		if bin, ok := strings.CutPrefix(plain, "0b"); ok {
			if i, err := strconv.ParseInt(bin, 2, 64); err == nil {
				return strconv.FormatInt(i, 10), true
			}
			if _, err := strconv.ParseUint(bin, 2, 64); err == nil {
				return "", false
			}
		} else if bin, ok := strings.CutPrefix(plain, "-0b"); ok {
			if i, err := strconv.ParseInt("-"+bin, 2, 64); err == nil {
				return strconv.FormatInt(i, 10), true
			}
		}
	}
	return in, true
}

func formatKeyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	case math.IsNaN(f):
		return ".nan"
	}
	return strconv.FormatFloat(f, 'g', -1, 32)
}
