package kube

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/conncap/conncap/inputs/source"
)

// maxErrors stops a file's reading after this many errors, as go/scanner
// and actionlint stop.
const maxErrors = 100

// Parse reads one file of one or more YAML documents. Documents that are
// not Kubernetes objects (no apiVersion and kind) are skipped; the items of
// a List take its place. A file with no object gives ErrNotKubernetes, and
// so does an unrendered template (see the package doc).
//
// Input errors (YAML syntax, a value of the wrong type in a field conncap
// reads, a limit exceeded) are returned as a source.ErrorList together with
// the File of the objects that read cleanly (an object with an error is
// left out). Errors in a document whose text does not mention both
// apiVersion and kind are not reported: such a document is skipped as not
// Kubernetes. The File is nil only with ErrNotKubernetes.
func Parse(path string, src []byte) (*File, error) {
	p := &parser{path: path, file: &File{Path: path}}
	if !utf8.Valid(src) {
		return p.file, source.ErrorList{source.Errorf(invalidUTF8(path, src), "file is not UTF-8 text")}
	}
	chunks, seps := splitDocuments(src)
	for _, c := range chunks {
		if len(p.errs) >= maxErrors {
			break
		}
		p.document(c)
	}
	if p.template.IsValid() {
		return nil, fmt.Errorf("%w: unrendered template (%q at %s)", ErrNotKubernetes, "{{", p.template)
	}
	if p.kubeish {
		for _, e := range seps {
			p.errs.Add(source.Pos{Path: path, Line: e.line, Col: e.col},
				fmt.Sprintf("text %q after the document separator \"---\": kubectl rejects it", e.text))
		}
	}
	if len(p.errs) > 0 {
		p.errs.Sort()
		return p.file, p.errs
	}
	if len(p.file.Objects) == 0 {
		return nil, ErrNotKubernetes
	}
	return p.file, nil
}

func invalidUTF8(path string, src []byte) source.Pos {
	off := 0
	for off < len(src) {
		r, size := utf8.DecodeRune(src[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return source.Pos{Path: path, Line: 1 + bytes.Count(src[:off], []byte("\n")), Col: utf8.RuneCount(src[start:off]) + 1}
}

type parser struct {
	path     string
	file     *File
	errs     source.ErrorList
	kubeish  bool       // some document mentions apiVersion and kind
	template source.Pos // first sign of an unrendered template
}

// doc is the state for reading one document.
type doc struct {
	p       *parser
	lm      lineMap
	src     []byte
	kubeish bool
	idx     map[*yaml.Node]map[string]entry // merge-aware mapping index
	budget  int                             // entries left to copy through merges
	errs    int                             // errors reported in this document
	source  string                          // helm "# Source:" comment
}

// entry is one key of a mapping: the key node and its value node.
type entry struct{ k, v *yaml.Node }

func (p *parser) document(c chunk) {
	d := &doc{
		p:       p,
		lm:      newLineMap(p.path, c),
		src:     c.src,
		kubeish: bytes.Contains(c.src, []byte("apiVersion")) && bytes.Contains(c.src, []byte("kind")),
		idx:     map[*yaml.Node]map[string]entry{},
		budget:  MaxNodes,
	}
	if d.kubeish {
		p.kubeish = true
	}
	if len(c.src) > MaxDocumentBytes {
		d.fail(d.lm.pos(1, 0), fmt.Sprintf("document is %.1f MiB, larger than the %d MiB the API server accepts", float64(len(c.src))/(1<<20), MaxDocumentBytes>>20))
		return
	}
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(c.src)).Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return // comments only
		}
		line, msg := yamlErrorLine(err.Error())
		d.fail(d.lm.pos(line, 0), msg)
		return
	}
	if at, msg := guard(&root); at != nil {
		d.fail(d.lm.node(at), msg)
		return
	}
	d.comments(&root)
	top := deref(&root)
	if top == nil || top.Kind != yaml.MappingNode {
		return
	}
	if _, ok := d.lookup(top, "apiVersion"); !ok {
		return
	}
	if _, ok := d.lookup(top, "kind"); !ok {
		return
	}
	// kubectl's own conversion (apimachinery YAMLToJSONDecoder → sigs.k8s.io/yaml).
	j, err := sigsyaml.YAMLToJSON(c.src)
	if err != nil {
		line, msg := yamlErrorLine(err.Error())
		d.fail(d.lm.pos(line, 0), msg)
		return
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		d.fail(d.lm.pos(1, 0), "reading the document as JSON: "+err.Error())
		return
	}
	d.source = helmSource(c.src)
	d.objects(val{d: d, n: top, v: v, at: d.lm.node(top)})
}

// comments adds the document's "# conncap:" comments to the file. yaml.v3
// keeps comment text on nodes but not where it is, so lines are scanned for
// "#" comments and a candidate is kept when yaml.v3 has the same comment
// (which rules out a "#" inside a string or a block scalar).
func (d *doc) comments(root *yaml.Node) {
	if !bytes.Contains(d.src, []byte("conncap:")) {
		return
	}
	known := map[string]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
			for line := range strings.SplitSeq(c, "\n") {
				known[strings.TrimSpace(line)] = true
			}
		}
		if n.Kind != yaml.AliasNode {
			for _, c := range n.Content {
				walk(c)
			}
		}
	}
	walk(root)
	src, line := d.src, 0
	for len(src) > 0 {
		text := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			text, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		line++
		for i, c := range text {
			if c != '#' {
				continue
			}
			if i > 0 && text[i-1] != ' ' && text[i-1] != '\t' && !(d.lm.bom && line == 1 && i == 3) {
				continue // part of a plain scalar ("a#b")
			}
			comment := strings.TrimSpace(string(text[i:]))
			body := strings.TrimSpace(comment[1:])
			if strings.HasPrefix(body, "conncap:") && known[comment] {
				pos := source.Pos{Path: d.p.path, Line: d.lm.first + line - 1, Col: utf8.RuneCount(text[:i]) + 1}
				d.p.file.Comments = append(d.p.file.Comments, Comment{Pos: pos, Text: body})
			}
			break
		}
	}
}

// fail reports an error that concerns the whole document. In a document
// with template actions it marks the file as an unrendered template
// instead; in one that does not look like Kubernetes it is dropped.
func (d *doc) fail(pos source.Pos, msg string) {
	if i := bytes.Index(d.src, []byte("{{")); i >= 0 {
		d.p.markTemplate(d.offsetPos(i))
		return
	}
	if d.kubeish {
		d.errs++
		d.p.errs.Add(pos, msg)
	}
}

// offsetPos is the file position of byte offset off in the document.
func (d *doc) offsetPos(off int) source.Pos {
	start := bytes.LastIndexByte(d.src[:off], '\n') + 1
	return source.Pos{Path: d.p.path, Line: d.lm.first + bytes.Count(d.src[:off], []byte("\n")), Col: utf8.RuneCount(d.src[start:off]) + 1}
}

func (p *parser) markTemplate(pos source.Pos) {
	if !p.template.IsValid() {
		p.template = pos
	}
}

// helmSource returns the path in a leading "# Source: …" comment.
func helmSource(src []byte) string {
	for len(src) > 0 {
		line := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		t := strings.TrimSpace(string(line))
		switch {
		case t == "":
		case strings.HasPrefix(t, "# Source:"):
			return strings.TrimSpace(strings.TrimPrefix(t, "# Source:"))
		case strings.HasPrefix(t, "#"):
		default:
			return ""
		}
	}
	return ""
}

// lookup finds key in mapping m as kubectl sees it: keys resolved as YAML
// 1.1 and merge keys applied the way yaml.v2 applies them (a merged value
// overrides keys before the "<<" and yields to keys after it; among several
// merged mappings the first wins).
func (d *doc) lookup(m *yaml.Node, key string) (entry, bool) {
	e, ok := d.index(m)[key]
	return e, ok
}

func (d *doc) index(m *yaml.Node) map[string]entry {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	if idx, ok := d.idx[m]; ok {
		return idx
	}
	d.idx[m] = nil // a mapping that merges itself sees nothing of itself
	idx := make(map[string]entry, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := deref(m.Content[i]), m.Content[i+1]
		if isMerge(k) {
			d.merge(idx, v)
			continue
		}
		if s, ok := keyString(k); ok {
			idx[s] = entry{k: k, v: deref(v)}
		}
	}
	d.idx[m] = idx
	return idx
}

func isMerge(k *yaml.Node) bool {
	return k != nil && k.Kind == yaml.ScalarNode && k.Value == "<<" &&
		(k.Style == 0 || (k.Style&yaml.TaggedStyle != 0 && k.Tag == "!!merge"))
}

func (d *doc) merge(idx map[string]entry, v *yaml.Node) {
	v = deref(v)
	if v == nil {
		return
	}
	var sources []*yaml.Node
	switch v.Kind {
	case yaml.MappingNode:
		sources = []*yaml.Node{v}
	case yaml.SequenceNode:
		for _, s := range slices.Backward(v.Content) { // earlier ones win
			sources = append(sources, s)
		}
	}
	for _, s := range sources {
		for k, e := range d.index(s) {
			if d.budget--; d.budget < 0 {
				return // positions fall back to the parent's
			}
			idx[k] = e
		}
	}
}

// val is one value of a document: kubectl's value (from its JSON) paired
// with the yaml.v3 node it came from, for positions.
type val struct {
	d    *doc
	k, n *yaml.Node // key and value nodes; nil when not found
	v    any        // map[string]any, []any, string, json.Number, bool or nil
	path string     // e.g. spec.template.spec.containers[0].image
	at   source.Pos // position used when n is nil: the parent's
}

func (x val) pos() source.Pos {
	if x.n != nil {
		return x.d.lm.node(x.n)
	}
	return x.at
}

func (x val) keyPos() source.Pos {
	if x.k != nil {
		return x.d.lm.node(x.k)
	}
	return x.pos()
}

func (x val) present() bool { return x.v != nil }

func (x val) get(key string) val {
	m, _ := x.v.(map[string]any)
	c := val{d: x.d, v: m[key], path: joinPath(x.path, key), at: x.pos()}
	if e, ok := x.d.lookup(x.n, key); ok {
		c.k, c.n = e.k, e.v
	}
	return c
}

func joinPath(path, key string) string {
	plain := key != ""
	for _, r := range key {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	switch {
	case !plain:
		return path + "[" + strconv.Quote(key) + "]"
	case path == "":
		return key
	default:
		return path + "." + key
	}
}

// errorf reports an error at x's value. When the value holds a template
// action, the file is an unrendered template instead.
func (x val) errorf(format string, args ...any) {
	if s, ok := x.v.(string); ok && strings.Contains(s, "{{") {
		x.d.p.markTemplate(x.pos())
		return
	}
	x.d.errs++
	x.d.p.errs.Add(x.pos(), fmt.Sprintf(format, args...))
}

// typeError reports a value of the wrong JSON type.
func (x val) typeError(want string) {
	x.errorf("%s: %s where Kubernetes expects %s", x.path, x.describe(), want)
}

func (x val) describe() string {
	switch v := x.v.(type) {
	case string:
		return "string " + quoteShort(v)
	case json.Number:
		return "number " + string(v)
	case bool:
		s := "boolean " + strconv.FormatBool(v)
		if x.n != nil && x.n.Kind == yaml.ScalarNode && x.n.Value != strconv.FormatBool(v) {
			s += fmt.Sprintf(" (YAML 1.1 reads %s as a boolean)", quoteShort(x.n.Value))
		}
		return s
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return "null"
}

func quoteShort(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return strconv.Quote(s)
}

// object reports whether x is an object; a value of another type is an error.
func (x val) object() bool {
	switch x.v.(type) {
	case nil:
		return false
	case map[string]any:
		return true
	}
	x.typeError("an object")
	return false
}

// items returns the elements of a list; a value of another type is an error.
func (x val) items() []val {
	l, ok := x.v.([]any)
	if !ok {
		if x.v != nil {
			x.typeError("a list")
		}
		return nil
	}
	var nodes []*yaml.Node
	if x.n != nil && x.n.Kind == yaml.SequenceNode && len(x.n.Content) == len(l) {
		nodes = x.n.Content
	}
	out := make([]val, len(l))
	for i, v := range l {
		out[i] = val{d: x.d, v: v, path: x.path + "[" + strconv.Itoa(i) + "]", at: x.pos()}
		if nodes != nil {
			out[i].n = deref(nodes[i])
		}
	}
	return out
}

// keys returns an object's keys in order; a value of another type is an error.
func (x val) keys() []string {
	if !x.object() {
		return nil
	}
	m := x.v.(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (x val) str() (source.Value[string], bool) {
	switch s := x.v.(type) {
	case nil:
		return source.Value[string]{}, false
	case string:
		return source.Value[string]{V: s, Origin: source.At(x.pos())}, true
	}
	x.typeError("a string")
	return source.Value[string]{}, false
}

// int32 reads an integer field (int32 in the Kubernetes API). A JSON
// number with a fraction (3.5) or out of range is an error; 3.0 is 3, as
// kubectl's JSON has it.
func (x val) int32() (source.Value[int], bool) {
	switch n := x.v.(type) {
	case nil:
		return source.Value[int]{}, false
	case json.Number:
		if i, err := strconv.ParseInt(string(n), 10, 32); err == nil {
			return source.Value[int]{V: int(i), Origin: source.At(x.pos())}, true
		}
	}
	x.typeError("an integer (int32)")
	return source.Value[int]{}, false
}

// count reads a non-negative int32 field.
func (x val) count() (source.Value[int], bool) {
	v, ok := x.int32()
	if ok && v.V < 0 {
		x.errorf("%s: %d is negative: the API server rejects it", x.path, v.V)
		return v, false
	}
	return v, ok
}

func (x val) boolean() bool {
	switch b := x.v.(type) {
	case nil:
		return false
	case bool:
		return b
	}
	x.typeError("a boolean")
	return false
}

// intOrString reads an IntOrString rollout field, as the API server
// validates it: a non-negative integer or a percentage "N%". V is the
// integer in decimal or the percentage as written.
func (x val) intOrString() (source.Value[string], bool) {
	switch v := x.v.(type) {
	case nil:
		return source.Value[string]{}, false
	case json.Number:
		i, err := strconv.ParseInt(string(v), 10, 32)
		if err != nil {
			break
		}
		if i < 0 {
			x.errorf("%s: %d is negative: the API server rejects it", x.path, i)
			return source.Value[string]{}, false
		}
		return source.Value[string]{V: strconv.FormatInt(i, 10), Origin: source.At(x.pos())}, true
	case string:
		if !isPercent(v) {
			x.errorf("%s: string %s is neither an integer nor a percentage like \"25%%\": the API server rejects it", x.path, quoteShort(v))
			return source.Value[string]{}, false
		}
		return source.Value[string]{V: v, Origin: source.At(x.pos())}, true
	}
	x.typeError("an integer or a percentage")
	return source.Value[string]{}, false
}

// isPercent matches apimachinery's IsValidPercent: ^[0-9]+%$.
func isPercent(s string) bool {
	digits, ok := strings.CutSuffix(s, "%")
	if !ok || digits == "" {
		return false
	}
	for _, c := range []byte(digits) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// strMap reads a map of strings (labels, annotations, ConfigMap data).
func (x val) strMap() map[string]source.Value[string] {
	keys := x.keys()
	if len(keys) == 0 {
		return nil
	}
	out := make(map[string]source.Value[string], len(keys))
	for _, k := range keys {
		if s, ok := x.get(k).str(); ok {
			out[k] = s
		}
	}
	return out
}

// quantity reads a resource quantity: a string or a number, as
// resource.Quantity's UnmarshalJSON accepts, validated like the API server.
func (x val) quantity() source.Value[string] {
	var s string
	switch v := x.v.(type) {
	case nil:
		return source.Value[string]{Origin: source.Named("not set")}
	case string:
		s = v
	case json.Number:
		s = string(v)
	default:
		x.typeError("a quantity")
		return source.Value[string]{Origin: source.Named("not set")}
	}
	sign, err := parseQuantity(strings.TrimSpace(s))
	switch {
	case err != nil:
		x.errorf("%s: %s is not a quantity: %v", x.path, quoteShort(s), err)
	case sign < 0:
		x.errorf("%s: %s is negative: the API server rejects it", x.path, quoteShort(s))
	}
	return source.Value[string]{V: s, Origin: source.At(x.pos())}
}
