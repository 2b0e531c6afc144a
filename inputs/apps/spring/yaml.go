package spring

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/conncap/conncap/inputs/source"
)

// Limits that keep hostile YAML cheap: nesting depth and the number of
// nodes visited (aliases are expanded, as SnakeYAML expands them).
const (
	maxYAMLDepth = 200
	maxYAMLNodes = 50000
)

// SnakeYAML's YAML 1.1 implicit resolvers (org.yaml.snakeyaml.resolver.Resolver),
// which Spring Boot's OriginTrackedYamlLoader uses without the timestamp one.
var (
	reYAMLBool  = regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)
	reYAMLInt   = regexp.MustCompile(`^(?:[-+]?0b_*[0-1]+[0-1_]*|[-+]?0_*[0-7]+[0-7_]*|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x_*[0-9a-fA-F]+[0-9a-fA-F_]*|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	reYAMLFloat = regexp.MustCompile(`^(?:[-+]?(?:\.[0-9]+|[0-9_]+(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	reYAMLNull  = regexp.MustCompile(`^(?:~|null|Null|NULL|)$`)
	reYAMLLine  = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// parseYAML reads a YAML file into flattened documents.
func parseYAML(p string, src []byte) ([]Doc, error) {
	if pos, msg, ok := badYAMLChar(p, src); ok {
		return nil, source.ErrorList{source.Errorf(pos, "%s", msg)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var docs []Doc
	fl := &yamlFlattener{path: p, lines: yamlLines(src)}
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fl.errs.Add(yamlErrorPos(p, err))
			break
		}
		doc := Doc{Pos: fl.pos(&n)}
		if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
			root := n.Content[0]
			fl.props = nil
			if root.Kind == yaml.MappingNode {
				fl.node(root, "", 0)
			} else if !isNullNode(root) {
				// YamlProcessor.asMap: a document that is not a map is put under "document".
				fl.node(root, "document", 0)
			}
			doc.Props = fl.props
		}
		if len(fl.errs) > 0 {
			break // SnakeYAML fails the whole file; the broken document is not kept
		}
		if len(doc.Props) > 0 {
			docs = append(docs, doc)
		}
	}
	return docs, fl.errs.Err()
}

// yamlLines counts lines as YAML breaks them: \r\n, \r, \n, NEL, LS and PS.
func yamlLines(src []byte) int {
	n := 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch r {
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				size = 2
			}
			n++
		case '\n', 0x85, 0x2028, 0x2029:
			n++
		}
		i += size
	}
	return n
}

// yamlErrorPos turns a yaml.v3 error ("yaml: line 3: mapping values are not
// allowed in this context") into a position and a message.
func yamlErrorPos(p string, err error) (source.Pos, string) {
	msg := err.Error()
	if m := reYAMLLine.FindStringSubmatch(msg); m != nil {
		if line, err := strconv.Atoi(m[1]); err == nil && line > 0 {
			return source.Pos{Path: p, Line: line}, "invalid YAML: " + m[2]
		}
	}
	return source.Pos{Path: p, Line: 1}, "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")
}

// badYAMLChar finds bytes YAML does not allow (invalid UTF-8, control
// characters) and positions them exactly; yaml.v3 reports them without a line.
func badYAMLChar(p string, src []byte) (source.Pos, string, bool) {
	line, lineStart := 1, 0
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		bad := ""
		switch {
		case r == utf8.RuneError && n <= 1:
			bad = "invalid UTF-8"
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0x7f, r >= 0x80 && r <= 0x9f && r != 0x85, r == 0xfffe, r == 0xffff:
			bad = "control character " + strconv.QuoteRune(r) + " is not allowed in YAML"
		}
		if bad != "" {
			return source.Pos{Path: p, Line: line, Col: utf8.RuneCount(src[lineStart:i]) + 1}, bad, true
		}
		switch {
		case r == '\r' && i+1 < len(src) && src[i+1] == '\n':
			n = 2
			line, lineStart = line+1, i+2
		case r == '\r', r == '\n', r == 0x85, r == 0x2028, r == 0x2029:
			line, lineStart = line+1, i+n
		}
		i += n
	}
	return source.Pos{}, "", false
}

type yamlFlattener struct {
	path  string
	lines int // lines in the file: yaml.v3 may place an implicit empty value past the end
	props []Prop
	nodes int
	errs  source.ErrorList
}

func (fl *yamlFlattener) pos(n *yaml.Node) source.Pos {
	if fl.lines > 0 && n.Line > fl.lines {
		return source.Pos{Path: fl.path, Line: fl.lines, Col: 1}
	}
	return source.Pos{Path: fl.path, Line: max(n.Line, 1), Col: max(n.Column, 1)}
}

func joinKey(prefix, key string) string {
	switch {
	case prefix == "":
		return key
	case strings.HasPrefix(key, "["):
		return prefix + key
	}
	return prefix + "." + key
}

// node flattens n under key, as Spring's YamlProcessor.buildFlattenedMap does.
func (fl *yamlFlattener) node(n *yaml.Node, key string, depth int) {
	fl.nodes++
	if len(fl.errs) > 0 {
		return
	}
	if fl.nodes > maxYAMLNodes {
		fl.errs.Add(fl.pos(n), "YAML expands to too many nodes (aliases?)")
		return
	}
	if depth > maxYAMLDepth {
		fl.errs.Add(fl.pos(n), "YAML nested too deeply")
		return
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias != nil {
			fl.aliased(n, n.Alias, key, depth)
		}
	case yaml.MappingNode:
		for _, kv := range fl.entries(n, depth) {
			fl.nodeWithKey(kv[1], joinKey(key, kv[0].Value), kv[0], depth+1)
		}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			fl.props = append(fl.props, Prop{Key: key, Value: "", Tag: "!!str", KeyPos: fl.pos(n), ValuePos: fl.pos(n)})
			return
		}
		for i, it := range n.Content {
			fl.nodeWithKey(it, key+"["+strconv.Itoa(i)+"]", it, depth+1)
		}
	case yaml.ScalarNode:
		v, tag := yamlScalar(n)
		fl.props = append(fl.props, Prop{Key: key, Value: v, Tag: tag, KeyPos: fl.pos(n), ValuePos: fl.pos(n)})
	}
}

// aliased flattens an alias's target, keeping the alias's own position for
// scalars (where the value is used is where a human looks).
func (fl *yamlFlattener) aliased(alias, target *yaml.Node, key string, depth int) {
	if target.Kind == yaml.ScalarNode {
		v, tag := yamlScalar(target)
		fl.props = append(fl.props, Prop{Key: key, Value: v, Tag: tag, KeyPos: fl.pos(alias), ValuePos: fl.pos(target)})
		return
	}
	fl.node(target, key, depth+1)
}

// nodeWithKey flattens a mapping value or list item whose key was written at keyNode.
func (fl *yamlFlattener) nodeWithKey(v *yaml.Node, key string, keyNode *yaml.Node, depth int) {
	start := len(fl.props)
	fl.node(v, key, depth)
	if v.Kind == yaml.ScalarNode && len(fl.props) == start+1 {
		fl.props[start].KeyPos = fl.pos(keyNode)
	}
}

// entries returns a mapping's key/value pairs with YAML merge keys (<<)
// applied: merged pairs first, explicit keys override them. A repeated
// explicit key is an error, as in Spring Boot (allowDuplicateKeys=false).
func (fl *yamlFlattener) entries(n *yaml.Node, depth int) [][2]*yaml.Node {
	var explicit, merged [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
			merged = append(merged, fl.mergeSources(v, depth)...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			fl.errs.Add(fl.pos(k), "a YAML key must be a scalar for Spring Boot")
			continue
		}
		if seen[k.Value] {
			fl.errs.Add(fl.pos(k), "duplicate YAML key "+strconv.Quote(k.Value)+": Spring Boot refuses to load the file")
			continue
		}
		seen[k.Value] = true
		explicit = append(explicit, [2]*yaml.Node{k, v})
	}
	var out [][2]*yaml.Node
	for _, kv := range merged {
		if !seen[kv[0].Value] {
			seen[kv[0].Value] = true
			out = append(out, kv)
		}
	}
	return append(out, explicit...)
}

// mergeSources returns the pairs a merge key brings in: from one mapping
// (or alias of one) or a sequence of them, earlier ones winning.
func (fl *yamlFlattener) mergeSources(v *yaml.Node, depth int) [][2]*yaml.Node {
	fl.nodes++
	if depth > maxYAMLDepth || fl.nodes > maxYAMLNodes {
		fl.errs.Add(fl.pos(v), "YAML merge keys nest too deeply")
		return nil
	}
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	switch v.Kind {
	case yaml.MappingNode:
		return fl.entries(v, depth+1)
	case yaml.SequenceNode:
		var out [][2]*yaml.Node
		seen := map[string]bool{}
		for _, it := range v.Content {
			for _, kv := range fl.mergeSources(it, depth+1) {
				if !seen[kv[0].Value] {
					seen[kv[0].Value] = true
					out = append(out, kv)
				}
			}
		}
		return out
	}
	fl.errs.Add(fl.pos(v), "a YAML merge key needs a mapping or a list of mappings")
	return nil
}

func isNullNode(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode {
		return false
	}
	_, tag := yamlScalar(n)
	return tag == "!!null"
}

// yamlScalar returns a scalar's value as Spring sees it and its YAML type.
func yamlScalar(n *yaml.Node) (string, string) {
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Value, "!!str"
	}
	v := n.Value
	tag := ""
	if n.Style&yaml.TaggedStyle != 0 {
		tag = n.ShortTag()
	}
	switch {
	case tag == "!!str" || tag != "" && !strings.HasPrefix(tag, "!!"):
		return v, "!!str"
	case tag == "!!null" || tag == "" && reYAMLNull.MatchString(v):
		return "", "!!null"
	case tag == "!!bool" || tag == "" && reYAMLBool.MatchString(v):
		switch v {
		case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
			return "true", "!!bool"
		}
		return "false", "!!bool"
	case tag == "!!int" || tag == "" && reYAMLInt.MatchString(v):
		if s, ok := yamlInt(v); ok {
			return s, "!!int"
		}
		return v, "!!str"
	case tag == "!!float" || tag == "" && reYAMLFloat.MatchString(v):
		if s, ok := yamlFloat(v); ok {
			return s, "!!float"
		}
		return v, "!!str"
	}
	return v, "!!str"
}

// yamlInt is SnakeYAML's ConstructYamlInt: underscores dropped, 0b binary,
// 0x hex, a leading 0 octal, a:b:c base 60. It returns decimal text.
func yamlInt(v string) (string, bool) {
	v = strings.ReplaceAll(v, "_", "")
	sign := ""
	if v != "" && (v[0] == '-' || v[0] == '+') {
		if v[0] == '-' {
			sign = "-"
		}
		v = v[1:]
	}
	n := new(big.Int)
	var ok bool
	switch {
	case v == "0":
		return "0", true
	case strings.HasPrefix(v, "0b"):
		_, ok = n.SetString(v[2:], 2)
	case strings.HasPrefix(v, "0x"):
		_, ok = n.SetString(v[2:], 16)
	case strings.HasPrefix(v, "0"):
		_, ok = n.SetString(v[1:], 8)
	case strings.Contains(v, ":"):
		ok = true
		for _, d := range strings.Split(v, ":") {
			x, err := strconv.ParseInt(d, 10, 64)
			if err != nil || n.BitLen() > 256 {
				return "", false
			}
			n.Mul(n, big.NewInt(60)).Add(n, big.NewInt(x))
		}
	default:
		_, ok = n.SetString(v, 10)
	}
	if !ok {
		return "", false
	}
	if sign == "-" {
		n.Neg(n)
	}
	return n.String(), true
}

// yamlFloat is SnakeYAML's ConstructYamlFloat, printed like Java's
// Double.toString for the values that matter here.
func yamlFloat(v string) (string, bool) {
	v = strings.ReplaceAll(v, "_", "")
	switch strings.ToLower(strings.TrimLeft(v, "+-")) {
	case ".inf":
		if strings.HasPrefix(v, "-") {
			return "-Infinity", true
		}
		return "Infinity", true
	case ".nan":
		return "NaN", true
	}
	if strings.Contains(v, ":") {
		return "", false // base-60 floats: not worth modelling
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) {
		return "", false
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s, true
}
