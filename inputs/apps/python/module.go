package python

import (
	"fmt"
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// module is what running a file's statements in the subset gives: the
// names bound, the Flask/Celery config keys set, and the engine calls.
type module struct {
	path    string
	syms    map[string]pval
	symPos  map[string]source.Pos // where each name was last bound
	config  map[string]pval       // app.config[...] / app.conf.X / .update(...)
	engines []engineCall
	notes   []string
}

// engineCall is a create_engine / create_async_engine / SQLAlchemy(...)
// call with its arguments evaluated.
type engineCall struct {
	fn   string
	name string // the name it is assigned to, if any
	pos  source.Pos
	args []arg
}

// engineFuncs are the calls that make a pool.
var engineFuncs = map[string]bool{"create_engine": true, "create_async_engine": true, "SQLAlchemy": true}

// logicalLines splits tokens at tNewline.
func logicalLines(toks []token) [][]token {
	var out [][]token
	var cur []token
	for _, t := range toks {
		switch t.kind {
		case tNewline, tEOF:
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
		default:
			cur = append(cur, t)
		}
	}
	return out
}

// headers are the keywords of statements that run nothing we model.
var headers = map[string]bool{
	"def": true, "class": true, "if": true, "elif": true, "else": true, "for": true, "while": true,
	"with": true, "try": true, "except": true, "finally": true, "async": true, "import": true,
	"from": true, "pass": true, "raise": true, "del": true, "global": true, "nonlocal": true,
	"assert": true, "break": true, "continue": true,
}

// runModule runs the statements of a file in order: assignments bind
// names (at any indentation: class bodies and function bodies are read as
// if they ran, with a note), calls to the engine functions are recorded.
func runModule(path string, toks []token, ev *evaluator) *module {
	m := &module{path: path, syms: ev.syms, symPos: map[string]source.Pos{}, config: map[string]pval{}}
	indented := false
	for _, line := range logicalLines(toks) {
		first := line[0]
		if first.kind == tOp && first.text == "@" {
			continue
		}
		if first.kind == tName && headers[first.text] {
			continue
		}
		if first.kind == tName && first.text == "return" {
			line = line[1:]
			if len(line) == 0 {
				continue
			}
		}
		if first.indent > 1 {
			indented = true
		}
		eq := topLevel(line, "=")
		target := []token(nil)
		value := line
		if eq >= 0 {
			target, value = line[:eq], line[eq+1:]
			if c := topLevel(target, ":"); c >= 0 { // annotated assignment
				target = target[:c]
			}
			if topLevel(value, "=") >= 0 {
				value = value[topLevel(value, "=")+1:] // a = b = v: v
			}
		}
		m.scanCalls(ev, value, target)
		if eq < 0 {
			m.updateCall(ev, line)
			continue
		}
		v := ev.eval(value)
		m.assign(ev, target, v)
	}
	if indented {
		m.notes = append(m.notes, fmt.Sprintf("%s: assignments inside classes, functions and conditions are read as if they ran, the last one winning", path))
	}
	return m
}

// topLevel returns the index of the first operator op at bracket depth 0.
func topLevel(line []token, op string) int {
	depth := 0
	for i, t := range line {
		if t.kind != tOp {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case op:
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// targetPath reads an assignment target: a dotted name followed by
// literal subscripts, e.g. DATABASES["default"]["CONN_MAX_AGE"] is
// ("DATABASES", ["default", "CONN_MAX_AGE"]).
func targetPath(ev *evaluator, target []token) (string, []string, bool) {
	if len(target) == 0 || target[0].kind != tName {
		return "", nil, false
	}
	name := target[0].text
	i := 1
	for i+1 < len(target) && target[i].kind == tOp && target[i].text == "." && target[i+1].kind == tName {
		name += "." + target[i+1].text
		i += 2
	}
	var keys []string
	for i < len(target) {
		if target[i].kind != tOp || target[i].text != "[" {
			return "", nil, false
		}
		end := i + 1
		depth := 1
		for end < len(target) && depth > 0 {
			if target[end].kind == tOp {
				switch target[end].text {
				case "[", "(", "{":
					depth++
				case "]", ")", "}":
					depth--
				}
			}
			end++
		}
		k := ev.eval(target[i+1 : end-1])
		if k.kind != pStr {
			return "", nil, false
		}
		keys = append(keys, k.s)
		i = end
	}
	return name, keys, true
}

// assign binds a value to a target.
func (m *module) assign(ev *evaluator, target []token, v pval) {
	name, keys, ok := targetPath(ev, target)
	if !ok {
		return
	}
	if base, isConf := configBase(name); isConf {
		switch {
		case len(keys) == 1:
			m.config[keys[0]] = v
		case len(keys) == 0 && base != "":
			m.config[base] = v
		}
		return
	}
	if len(keys) == 0 {
		ev.syms[name] = v
		m.symPos[name] = target[0].pos
		return
	}
	root, ok := ev.syms[name]
	if !ok || root.kind != pDict {
		return
	}
	ev.syms[name] = setPath(root, keys, v)
}

// configBase recognises Flask's app.config and Celery's app.conf: the
// target "app.config" (with a subscript) or "app.conf.worker_concurrency".
func configBase(name string) (string, bool) {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		if i > 0 && (p == "config" || p == "conf") {
			return strings.Join(parts[i+1:], "."), true
		}
	}
	return "", false
}

// setPath sets a nested dict entry, copying the dicts on the way.
func setPath(d pval, keys []string, v pval) pval {
	if len(keys) == 1 {
		return d.set(keys[0], v)
	}
	sub, ok := d.get(keys[0])
	if !ok || sub.kind != pDict {
		return d
	}
	return d.set(keys[0], setPath(sub, keys[1:], v))
}

// scanCalls records the engine calls in a statement.
func (m *module) scanCalls(ev *evaluator, line, target []token) {
	for i := 0; i+1 < len(line); i++ {
		t := line[i]
		if t.kind != tName || !engineFuncs[t.text] || line[i+1].kind != tOp || line[i+1].text != "(" {
			continue
		}
		all := append(append([]token{}, line...), token{kind: tEOF, pos: line[len(line)-1].pos})
		c := engineCall{fn: t.text, pos: t.pos, args: newParser(ev, all, i+2).args()}
		if name, keys, ok := targetPath(ev, target); ok && len(keys) == 0 && i == firstCallee(line) {
			c.name = name
		}
		m.engines = append(m.engines, c)
	}
}

// firstCallee returns the index of the name called first in a value like
// "sqlalchemy.create_engine(...)".
func firstCallee(line []token) int {
	for i, t := range line {
		if t.kind == tOp && t.text == "(" {
			return i - 1
		}
	}
	return -1
}

// updateCall reads app.config.update(K=v) / app.conf.update(...) /
// app.config.from_mapping(...).
func (m *module) updateCall(ev *evaluator, line []token) {
	if len(line) < 4 || line[0].kind != tName {
		return
	}
	name := line[0].text
	i := 1
	for i+1 < len(line) && line[i].kind == tOp && line[i].text == "." && line[i+1].kind == tName {
		name += "." + line[i+1].text
		i += 2
	}
	if i >= len(line) || line[i].kind != tOp || line[i].text != "(" {
		return
	}
	method := name[strings.LastIndexByte(name, '.')+1:]
	base, isConf := configBase(strings.TrimSuffix(name, "."+method))
	if !isConf || base != "" || method != "update" && method != "from_mapping" {
		return
	}
	all := append(append([]token{}, line...), token{kind: tEOF, pos: line[len(line)-1].pos})
	for _, a := range newParser(ev, all, i+1).args() {
		switch {
		case a.name != "" && a.name != "**":
			m.config[a.name] = a.val
		case a.val.kind == pDict:
			for key, v := range a.val.entries.All() {
				m.config[key] = v
			}
		}
	}
}
