package rails

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/conncap/conncap/inputs/source"
)

// Bounds on YAML structure, so aliases of aliases cannot blow up
// (actionlint #610).
const (
	maxYAMLDepth   = 64
	maxYAMLEntries = 100000
	maxAliasHops   = 64
)

// ynode is a YAML node as Ruby's Psych loads it (merge keys applied), with
// positions in the template.
type ynode struct {
	kind    yaml.Kind // ScalarNode, MappingNode or SequenceNode
	null    bool
	text    string
	pos     source.Pos
	origin  source.Origin // of a scalar's value: an ERB tag's value origin when the scalar is exactly its output
	unknown string        // why a scalar's value is unknown (an ERB tag that was not evaluated)
	entries []yentry      // in insertion order, each key once
	items   []*ynode
}

type yentry struct {
	key    string
	keyPos source.Pos
	val    *ynode
}

// get returns the value of key in a mapping.
func (n *ynode) get(key string) (*ynode, source.Pos, bool) {
	if n == nil || n.kind != yaml.MappingNode {
		return nil, source.Pos{}, false
	}
	for _, e := range n.entries {
		if e.key == key {
			return e.val, e.keyPos, true
		}
	}
	return nil, source.Pos{}, false
}

// converter turns yaml.v3 nodes of a rendered template into ynodes.
type converter struct {
	r      *rendered
	budget int
}

func (c *converter) convert(n *yaml.Node, depth int) (*ynode, *source.Error) {
	for hops := 0; n != nil && n.Kind == yaml.AliasNode; hops++ {
		if hops > maxAliasHops {
			return nil, source.Errorf(c.r.pos(n.Line, n.Column), "aliases nested too deeply")
		}
		n = n.Alias
	}
	if n == nil {
		return &ynode{kind: yaml.ScalarNode, null: true}, nil
	}
	if depth > maxYAMLDepth {
		return nil, source.Errorf(c.r.pos(n.Line, n.Column), "YAML nested more than %d deep", maxYAMLDepth)
	}
	if c.budget--; c.budget < 0 {
		return nil, source.Errorf(c.r.pos(n.Line, n.Column), "more than %d YAML nodes after expanding aliases", maxYAMLEntries)
	}
	y := &ynode{kind: n.Kind, pos: c.r.pos(n.Line, n.Column)}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return &ynode{kind: yaml.ScalarNode, null: true}, nil
		}
		return c.convert(n.Content[0], depth+1)
	case yaml.ScalarNode:
		c.scalar(n, y)
	case yaml.SequenceNode:
		for _, it := range n.Content {
			v, err := c.convert(it, depth+1)
			if err != nil {
				return nil, err
			}
			y.items = append(y.items, v)
		}
	case yaml.MappingNode:
		if err := c.mapping(n, y, depth); err != nil {
			return nil, err
		}
	}
	return y, nil
}

func (c *converter) scalar(n *yaml.Node, y *ynode) {
	y.text = n.Value
	y.null = n.ShortTag() == "!!null"
	y.origin = source.At(y.pos)
	col := n.Column
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		col++
	}
	if t := c.r.tagAt(n.Line, col, utf8.RuneCountInString(n.Value)); t != nil {
		y.origin = t.val.origin
		if t.val.kind == vUnknown {
			y.unknown = fmt.Sprintf("ERB <%%=%s%%> at %s is not evaluated: %s", t.code, t.pos, t.val.why)
			y.origin = source.At(t.pos)
		}
		if t.val.kind == vNil {
			y.null = true // "<%= nil %>" renders as nothing
		}
		return
	}
	if strings.Contains(n.Value, unknownMarker) {
		y.unknown = "a part rendered by ERB is not evaluated"
		for _, t := range c.r.tagsIn(n.Line, n.Column, utf8.RuneCountInString(n.Value)) {
			if t.val.kind == vUnknown {
				y.unknown = fmt.Sprintf("ERB <%%=%s%%> at %s is not evaluated: %s", t.code, t.pos, t.val.why)
				break
			}
		}
	}
}

// mapping fills y's entries as Psych does: a "<<" merge key merges the
// mapping (or the mappings of a sequence, earlier ones winning) where it
// stands, replacing keys set before it; keys after it replace merged ones;
// a repeated key keeps its first place and its last value.
func (c *converter) mapping(n *yaml.Node, y *ynode, depth int) *source.Error {
	idx := map[string]int{}
	set := func(e yentry) {
		if i, ok := idx[e.key]; ok {
			y.entries[i] = e
			return
		}
		idx[e.key] = len(y.entries)
		y.entries = append(y.entries, e)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			val, err := c.convert(v, depth+1)
			if err != nil {
				return err
			}
			var srcs []*ynode
			switch val.kind {
			case yaml.MappingNode:
				srcs = []*ynode{val}
			case yaml.SequenceNode:
				for j := len(val.items) - 1; j >= 0; j-- {
					srcs = append(srcs, val.items[j])
				}
			}
			for _, s := range srcs {
				if s.kind != yaml.MappingNode {
					continue // Psych ignores what it cannot merge
				}
				for _, e := range s.entries {
					set(e)
				}
			}
			continue
		}
		key, err := c.convert(k, depth+1)
		if err != nil {
			return err
		}
		val, err := c.convert(v, depth+1)
		if err != nil {
			return err
		}
		set(yentry{key: key.text, keyPos: key.pos, val: val})
	}
	return nil
}

// yamlLineRe matches the line yaml.v3 puts in a syntax error.
var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a yaml.v3 syntax error on the rendered text into a
// positioned error in the template. yaml.v3 has no typed syntax errors
// (this matching is the one exception to errors.As, STYLE.md §5) and the
// line it prints is not the problem's (parser errors print the 0-based
// line of the enclosing block). So the line is found again: the first line
// k such that the first k lines fail with the same message, by binary
// search; past the problem the parser meets it first.
func yamlError(r *rendered, err error) *source.Error {
	msg := yamlMessage(err)
	lines := strings.SplitAfter(r.text, "\n")
	failsAt := func(k int) bool {
		var n yaml.Node
		e := yaml.Unmarshal([]byte(strings.Join(lines[:k], "")), &n)
		return e != nil && yamlMessage(e) == msg
	}
	line := 0
	if failsAt(len(lines)) {
		lo, hi := 1, len(lines)
		for lo < hi {
			mid := (lo + hi) / 2
			if failsAt(mid) {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		line = lo
	}
	if line == 0 {
		line = 1
		if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
	}
	line = max(1, min(line, len(lines)))
	p := r.pos(line, 1)
	p.Col = 0
	return source.Errorf(p, "%s", msg)
}

// yamlMessage is the message of a yaml.v3 error without "yaml: line N: ".
func yamlMessage(err error) string {
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		return m[2]
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}
