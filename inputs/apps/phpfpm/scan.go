package phpfpm

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// The second pass. gopkg.in/ini.v1 gives values but no positions, so scan
// repeats its line grammar (parser.go, v1.67.0, with the options iniOptions
// sets) only to learn on which line each key is set. It must accept and
// reject exactly the inputs ini.v1 does and see the same keys; the tests
// and FuzzParse check that against ini.v1 itself.

// defaultSection is ini.v1's name for keys before the first header
// (ini.DefaultSection).
const defaultSection = "DEFAULT"

// scanned is what the second pass learns: every section, in order of first
// appearance, with every key and the last line that sets it.
type scanned struct {
	sections []*scanSection
	byName   map[string]*scanSection
}

type scanSection struct {
	name string
	pos  source.Pos // first header; Line 0 for the default section
	keys []*scanKey // in order of first appearance
	idx  map[string]*scanKey
}

type scanKey struct {
	name     string
	pos      source.Pos // first character of the key on the last line that sets it
	valuePos source.Pos // first character of the value on that line
}

func (s *scanned) section(name string, pos source.Pos) *scanSection {
	if sec, ok := s.byName[name]; ok {
		return sec
	}
	sec := &scanSection{name: name, pos: pos, idx: map[string]*scanKey{}}
	s.sections = append(s.sections, sec)
	s.byName[name] = sec
	return sec
}

// scan reads src as ini.v1 does and reports the first error ini.v1 would
// stop at, positioned.
func scan(path string, src []byte) (*scanned, *source.Error) {
	s := &scanned{byName: map[string]*scanSection{}}
	src = trimBOM(src)
	lines := splitKeepNL(src)
	cur := s.section(defaultSection, source.Pos{Path: path})
	count := 1 // ini.v1's auto-increment counter for "-" keys, reset per section
	for i := 0; i < len(lines); i++ {
		raw := lines[i]
		lineNo := i + 1
		line := bytes.TrimLeftFunc(raw, unicode.IsSpace)
		if len(line) == 0 {
			continue
		}
		col := utf8.RuneCount(raw[:len(raw)-len(line)]) + 1
		at := source.Pos{Path: path, Line: lineNo, Col: col}
		switch line[0] {
		case '#', ';':
			continue
		case '[':
			closeIdx := bytes.LastIndexByte(line, ']')
			if closeIdx == -1 {
				return nil, source.Errorf(at, "unclosed section header %q", strings.TrimSpace(string(line)))
			}
			name := string(line[1:closeIdx])
			if name == "" {
				return nil, source.Errorf(at, "empty section name")
			}
			cur = s.section(name, at)
			count = 1
			continue
		}
		name, offset, msg := readKeyName(string(line))
		if msg != "" {
			return nil, source.Errorf(at, "%s", msg)
		}
		if name == "-" {
			name = "#" + strconv.Itoa(count)
			count++
		}
		rest := line[offset:]
		vline := bytes.TrimLeftFunc(rest, unicode.IsSpace)
		vcol := col + utf8.RuneCount(line[:offset]) + utf8.RuneCount(rest[:len(rest)-len(vline)])
		valuePos := source.Pos{Path: path, Line: lineNo, Col: vcol}
		if len(bytes.TrimSpace(vline)) == 0 {
			valuePos = source.Pos{Path: path, Line: lineNo, Col: col + utf8.RuneCount(line[:offset])}
		}
		// A value opened with """ or ` and not closed on its line runs
		// on over the next lines, as in ini.v1's readMultilines.
		if q := multilineQuote(vline); q != "" && !strings.Contains(string(vline[len(q):]), q) {
			closed := false
			for i+1 < len(lines) {
				i++
				if strings.Contains(string(lines[i]), q) {
					closed = true
					break
				}
			}
			if !closed {
				return nil, source.Errorf(valuePos, "missing closing quote %s", q)
			}
		}
		if name == "" {
			return nil, source.Errorf(at, "empty key name")
		}
		k, ok := cur.idx[name]
		if !ok {
			k = &scanKey{name: name}
			cur.idx[name] = k
			cur.keys = append(cur.keys, k)
		}
		k.pos, k.valuePos = at, valuePos
	}
	return s, nil
}

// readKeyName follows ini.v1's readKeyName with "=" as the only delimiter.
// It returns the key, the byte offset just after the delimiter, or a
// message when ini.v1 would fail.
func readKeyName(line string) (string, int, string) {
	const delims = "="
	var keyQuote string
	switch {
	case line[0] == '"' && len(line) > 6 && line[:3] == `"""`:
		keyQuote = `"""`
	case line[0] == '"':
		keyQuote = `"`
	case line[0] == '`':
		keyQuote = "`"
	}
	if keyQuote != "" {
		start := len(keyQuote)
		pos := strings.Index(line[start:], keyQuote)
		if pos == -1 {
			return "", 0, "missing closing key quote"
		}
		pos += start
		i := strings.IndexAny(line[pos+start:], delims)
		if i < 0 {
			return "", 0, "key-value delimiter \"=\" not found"
		}
		end := pos + i
		return strings.TrimSpace(line[start:pos]), end + start + 1, ""
	}
	end := strings.IndexAny(line, delims)
	switch {
	case end < 0:
		return "", 0, "key-value delimiter \"=\" not found"
	case end == 0:
		return "", 0, "empty key name"
	}
	return strings.TrimSpace(line[:end]), end + 1, ""
}

// multilineQuote returns the quote that makes ini.v1 read a value over
// several lines: """ or `.
func multilineQuote(v []byte) string {
	switch {
	case len(v) > 3 && string(v[:3]) == `"""`:
		return `"""`
	case len(v) > 0 && v[0] == '`':
		return "`"
	}
	return ""
}

// trimBOM drops the byte-order marks ini.v1's BOM() drops.
func trimBOM(src []byte) []byte {
	switch {
	case len(src) >= 2 && (src[0] == 0xFE && src[1] == 0xFF || src[0] == 0xFF && src[1] == 0xFE):
		return src[2:]
	case len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF:
		return src[3:]
	}
	return src
}

// splitKeepNL splits after each '\n', as bufio.Reader.ReadBytes('\n')
// does; a final line without '\n' is kept.
func splitKeepNL(src []byte) [][]byte {
	var lines [][]byte
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			lines = append(lines, src)
			break
		}
		lines = append(lines, src[:i+1])
		src = src[i+1:]
	}
	return lines
}
