package compose

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/conncap/conncap/inputs/source"
)

// Bounds on YAML structure: merge keys nest at most maxMergeDepth deep and
// expand to at most maxMergedEntries entries per file, so a file made of
// aliases of aliases cannot blow up (actionlint #610, "billion laughs").
const (
	maxMergeDepth    = 32
	maxMergedEntries = 100000
	maxAliasHops     = 64
)

// yamlLineRe matches the line yaml.v3 puts in a syntax error.
var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a yaml.v3 syntax error into a positioned error. yaml.v3
// has no typed syntax errors, only strings (this matching is the one
// exception to errors.As, STYLE.md §5), and the line in them is not the
// line of the problem: parser errors print the 0-based line of the
// enclosing block's start, scanner errors the 1-based line of the problem,
// and a first-line mark prints none (go.yaml.in/yaml/v3 yaml.go,
// parser.fail). So the line is found again: the first line k such that the
// first k lines fail with the same message (once the problem is inside the
// prefix the parser meets it first; shorter prefixes parse or fail
// otherwise), by binary search.
func yamlError(path string, src []byte, err error) *source.Error {
	msg := yamlMessage(err)
	lines := strings.SplitAfter(string(src), "\n")
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
	if line == 0 { // not reproduced: fall back on the printed line
		line = 1
		if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
	}
	line = max(1, min(line, len(lines)))
	return source.Errorf(source.Pos{Path: path, Line: line}, "%s", msg)
}

// yamlMessage is the message of a yaml.v3 error without "yaml: line N: ".
func yamlMessage(err error) string {
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		return m[2]
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// entry is one key/value pair of a mapping after merge keys are applied.
type entry struct {
	key, val *yaml.Node
}

// deref follows alias nodes to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxAliasHops; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is absent or an explicit null.
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// merger expands the "<<" merge keys of mappings as yaml.v3 does when it
// decodes into a map (compose-go's loader): keys written in the mapping win
// over merged ones wherever they appear, and of several merged mappings the
// earlier ones win. A key written twice is an error, as in yaml.v3.
type merger struct {
	path   string
	budget int
}

func newMerger(path string) *merger { return &merger{path: path, budget: maxMergedEntries} }

// entries returns the pairs of a mapping node, or an error when n is not a
// mapping.
func (m *merger) entries(n *yaml.Node, what string) ([]entry, *source.Error) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, source.Errorf(posOf(m.path, n), "%s must be a mapping", what)
	}
	return m.collect(n, 0)
}

func (m *merger) collect(n *yaml.Node, depth int) ([]entry, *source.Error) {
	if depth > maxMergeDepth {
		return nil, source.Errorf(posOf(m.path, n), "merge keys nested more than %d deep", maxMergeDepth)
	}
	var explicit, merged []entry
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if m.budget--; m.budget < 0 {
			return nil, source.Errorf(posOf(m.path, k), "more than %d mapping entries after expanding merge keys", maxMergedEntries)
		}
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			v = deref(v)
			var srcs []*yaml.Node
			switch {
			case v != nil && v.Kind == yaml.MappingNode:
				srcs = []*yaml.Node{v}
			case v != nil && v.Kind == yaml.SequenceNode:
				for _, it := range v.Content {
					srcs = append(srcs, deref(it))
				}
			default:
				return nil, source.Errorf(posOf(m.path, k), "map merge requires map or sequence of maps as the value")
			}
			for _, s := range srcs {
				if s == nil || s.Kind != yaml.MappingNode {
					return nil, source.Errorf(posOf(m.path, k), "map merge requires map or sequence of maps as the value")
				}
				sub, err := m.collect(s, depth+1)
				if err != nil {
					return nil, err
				}
				merged = append(merged, sub...)
			}
			continue
		}
		if k.Kind == yaml.ScalarNode {
			if prev, dup := seen[k.Value]; dup {
				return nil, source.Errorf(posOf(m.path, k), "mapping key %q already defined at line %d", k.Value, prev.Line)
			}
			seen[k.Value] = k
		}
		explicit = append(explicit, entry{k, v})
	}
	out := explicit
	for _, e := range merged {
		if e.key.Kind == yaml.ScalarNode {
			if _, ok := seen[e.key.Value]; ok {
				continue
			}
			seen[e.key.Value] = e.key
		}
		out = append(out, e)
	}
	return out, nil
}

// posOf returns the position of a node; a nil node is the top of the file.
func posOf(path string, n *yaml.Node) source.Pos {
	if n == nil {
		return source.Pos{Path: path, Line: 1}
	}
	return source.Pos{Path: path, Line: n.Line, Col: n.Column}
}

// kindName describes a node kind for error messages.
func kindName(n *yaml.Node) string {
	n = deref(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a sequence"
	case n.Kind == yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "a document"
}
