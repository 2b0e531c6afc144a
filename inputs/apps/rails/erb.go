package rails

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// unknownMarker stands in the rendered text for the output of a tag that
// cannot be evaluated, so that the YAML still parses and the value can be
// recognised as unknown afterwards.
const unknownMarker = "__conncap_unknown_erb__"

// erbTag is one <% %> tag of the template.
type erbTag struct {
	pos  source.Pos // of "<%"
	code string
	kind byte  // '=' output, '#' comment, 'c' code
	val  value // the evaluated output tag
	// where the output starts in the rendered text (1-based, runes) and
	// how many runes it takes
	outLine, outCol, outLen int
}

// anchor maps a column of a rendered line back to the template.
type anchor struct {
	outCol            int
	origLine, origCol int
	tag               *erbTag // set when the text there is a tag's output
}

// rendered is a template after ERB, with the map back to the template.
type rendered struct {
	path  string
	text  string
	tags  []*erbTag
	lines [][]anchor // anchors of rendered line n at index n-1
	notes []string
}

// renderERB runs the ERB pass of src the way Rails (database.yml) and
// Sidekiq (sidekiq.yml) do before YAML, evaluating output tags with ev.
// Comment tags vanish, code tags are not run (a note says so), <%% is a
// literal <%, and -%> drops the newline after the tag. An unterminated tag
// is an error, as ERB's is.
func renderERB(path, src string, ev *evaluator) (*rendered, *source.Error) {
	r := &rendered{path: path}
	var out strings.Builder
	outLine, outCol := 1, 1
	line, col := 1, 1
	r.lines = [][]anchor{{{outCol: 1, origLine: 1, origCol: 1}}}
	addAnchor := func(tag *erbTag) {
		r.lines[outLine-1] = append(r.lines[outLine-1], anchor{outCol: outCol, origLine: line, origCol: col, tag: tag})
	}
	emit := func(s string, tag *erbTag) {
		for _, c := range s {
			out.WriteRune(c)
			if c == '\n' {
				outLine++
				outCol = 1
				r.lines = append(r.lines, nil)
				if tag != nil {
					r.lines[outLine-1] = append(r.lines[outLine-1], anchor{outCol: 1, tag: tag})
				}
				continue
			}
			outCol++
		}
	}
	advance := func(s string) {
		for _, c := range s {
			if c == '\n' {
				line++
				col = 1
			} else {
				col++
			}
		}
	}
	i := 0
	for i < len(src) {
		j := strings.Index(src[i:], "<%")
		if j < 0 {
			j = len(src) - i
		}
		// verbatim text up to the tag, one line at a time so that each
		// rendered line starts with an anchor
		text := src[i : i+j]
		for text != "" {
			k := strings.IndexByte(text, '\n')
			seg := text
			if k >= 0 {
				seg = text[:k+1]
			}
			emit(seg, nil)
			advance(seg)
			if k >= 0 {
				addAnchor(nil)
			}
			text = text[len(seg):]
		}
		i += j
		if i >= len(src) {
			break
		}
		start := source.Pos{Path: path, Line: line, Col: col}
		if strings.HasPrefix(src[i:], "<%%") {
			emit("<%", nil)
			advance("<%%")
			i += 3
			addAnchor(nil)
			continue
		}
		end := strings.Index(src[i+2:], "%>")
		if end < 0 {
			return nil, source.Errorf(start, "unterminated ERB tag: no %%> after <%%")
		}
		body := src[i+2 : i+2+end]
		tagLen := 2 + end + 2
		tag := &erbTag{pos: start, kind: 'c'}
		codeOff := 2
		switch {
		case strings.HasPrefix(body, "="):
			tag.kind, body, codeOff = '=', body[1:], 3
		case strings.HasPrefix(body, "#"):
			tag.kind = '#'
		case strings.HasPrefix(body, "-"):
			body, codeOff = body[1:], 3
			// <%- drops the indentation before the tag
			cur := out.String()
			if ls := strings.LastIndexByte(cur, '\n') + 1; strings.TrimLeft(cur[ls:], " \t") == "" {
				out.Reset()
				out.WriteString(cur[:ls])
				outCol = 1
			}
		}
		trimNL := strings.HasSuffix(body, "-")
		if trimNL {
			body = body[:len(body)-1]
		}
		tag.code = body
		codePos := source.Pos{Path: path, Line: line, Col: col + codeOff}
		advance(src[i : i+tagLen])
		i += tagLen
		if trimNL && i < len(src) && src[i] == '\n' {
			advance("\n")
			i++
		}
		r.tags = append(r.tags, tag)
		switch tag.kind {
		case '=':
			tag.val = ev.eval(body, codePos)
			tag.outLine, tag.outCol = outLine, outCol
			addAnchor(tag)
			txt := tag.val.text()
			if tag.val.kind == vUnknown {
				txt = unknownMarker
			}
			tag.outLen = utf8.RuneCountInString(txt)
			emit(txt, tag)
		case 'c':
			if strings.TrimSpace(body) != "" {
				r.notes = append(r.notes, fmt.Sprintf("ERB code <%%%s%%> at %s is not run: text it would skip or repeat is read once", body, start))
			}
		}
		addAnchor(nil)
	}
	r.text = out.String()
	return r, nil
}

// pos maps a rendered position back to the template: text copied as
// written maps to itself, a tag's output to the tag.
func (r *rendered) pos(line, col int) source.Pos {
	if line < 1 || line > len(r.lines) {
		return source.Pos{Path: r.path, Line: max(line, 1), Col: col}
	}
	var best *anchor
	for k := range r.lines[line-1] {
		a := &r.lines[line-1][k]
		if a.outCol <= col {
			best = a
		}
	}
	switch {
	case best == nil:
		return source.Pos{Path: r.path, Line: line, Col: col}
	case best.tag != nil:
		return best.tag.pos
	}
	return source.Pos{Path: r.path, Line: best.origLine, Col: best.origCol + col - best.outCol}
}

// tagAt returns the output tag whose output is exactly the text of
// runeLen runes at (line, col), or nil.
func (r *rendered) tagAt(line, col, runeLen int) *erbTag {
	for _, t := range r.tags {
		if t.kind == '=' && t.outLine == line && t.outCol == col && t.outLen == runeLen {
			return t
		}
	}
	return nil
}

// tagsIn returns the output tags whose output starts on line within
// [col, col+runeLen).
func (r *rendered) tagsIn(line, col, runeLen int) []*erbTag {
	var out []*erbTag
	for _, t := range r.tags {
		if t.kind == '=' && t.outLine == line && t.outCol >= col && t.outCol < col+max(runeLen, 1) {
			out = append(out, t)
		}
	}
	return out
}
