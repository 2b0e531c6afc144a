package rails

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/apps/appexpr"
	"github.com/conncap/conncap/inputs/source"
)

// Puma's own defaults (puma/puma lib/puma/configuration.rb): workers from
// WEB_CONCURRENCY, else 0 (single mode); max threads from PUMA_MAX_THREADS
// or MAX_THREADS, else 5 on MRI; min threads from PUMA_MIN_THREADS or
// MIN_THREADS, else 0.
const (
	pumaDefaultMaxThreads = 5
)

// pumaConf is what config/puma.rb and the command line set.
type pumaConf struct {
	workers    source.Value[int]
	minThreads source.Value[int]
	maxThreads source.Value[int]
	notes      []string
}

// pumaDefaults are the values Puma uses when nothing configures them.
func pumaDefaults(ev *evaluator) pumaConf {
	c := pumaConf{
		workers:    source.Value[int]{V: 0, Origin: source.Named("Puma default workers 0 (single mode)")},
		minThreads: source.Value[int]{V: 0, Origin: source.Named("Puma default min_threads 0")},
		maxThreads: source.Value[int]{V: pumaDefaultMaxThreads, Origin: source.Named("Puma default max_threads 5 (MRI)")},
	}
	envInt := func(names []string, dst *source.Value[int]) {
		for _, n := range names {
			v, ok := appexpr.Lookup(ev.env, n)
			if !ok {
				continue
			}
			if v.Unknown {
				c.notes = append(c.notes, n+" is set but its value is not in the inputs")
				return
			}
			if strings.TrimSpace(v.Value.V) == "auto" {
				*dst = source.Value[int]{V: assumedCPUs, Origin: source.Origin{Pos: v.Value.Origin.Pos, Note: fmt.Sprintf("%s=auto: the processor count, unknown offline; assumed %d", n, assumedCPUs)}}
				return
			}
			if i, ok := rubyInteger(v.Value.V); ok {
				*dst = source.Value[int]{V: int(i), Origin: v.Value.Origin}
			} else {
				c.notes = append(c.notes, fmt.Sprintf("%s=%q is not an integer: Puma fails to boot", n, v.Value.V))
			}
			return
		}
	}
	envInt([]string{"WEB_CONCURRENCY"}, &c.workers)
	envInt([]string{"PUMA_MAX_THREADS", "MAX_THREADS"}, &c.maxThreads)
	envInt([]string{"PUMA_MIN_THREADS", "MIN_THREADS"}, &c.minThreads)
	return c
}

// block is an open if/unless/do/def block while reading a Ruby file.
type block struct {
	active bool // statements in it run
	taken  bool // a branch of this if has run
	cond   bool // the block is conditional on something conncap read
	line   int
}

// statements splits tokens into statements: a newline or ; at bracket
// depth 0 ends one, unless the line ends in an operator or the next line
// starts a method chain.
func statements(toks []token) [][]token {
	var out [][]token
	var cur []token
	depth := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
		}
		cur = nil
	}
	for i, t := range toks {
		switch {
		case t.kind == tEOF:
			flush()
		case t.kind == tPunct && (t.text == "(" || t.text == "[" || t.text == "{"):
			depth++
			cur = append(cur, t)
		case t.kind == tPunct && (t.text == ")" || t.text == "]" || t.text == "}"):
			if depth > 0 {
				depth--
			}
			cur = append(cur, t)
		case depth == 0 && (t.kind == tNewline || t.kind == tPunct && t.text == ";"):
			if len(cur) > 0 && t.kind == tNewline {
				last := cur[len(cur)-1]
				if last.kind == tPunct && strings.Contains(",|&+-*=.(\\", last.text[len(last.text)-1:]) {
					continue
				}
				j := i + 1
				for j < len(toks) && toks[j].kind == tNewline {
					j++
				}
				if j < len(toks) && toks[j].kind == tPunct && (toks[j].text == "." || toks[j].text == "&&" || toks[j].text == "||") {
					continue
				}
			}
			flush()
		case t.kind == tNewline:
		default:
			cur = append(cur, t)
		}
	}
	return out
}

// evalTokens evaluates a token slice as one expression.
func (ev *evaluator) evalTokens(toks []token) value {
	if len(toks) == 0 {
		return value{kind: vNil}
	}
	all := append(append([]token{}, toks...), token{kind: tEOF, pos: toks[len(toks)-1].pos})
	return newParser(ev, all).expr()
}

// readPuma reads config/puma.rb: local variables, workers, threads, and
// the if/unless around them. Hook blocks (on_worker_boot do ... end) and
// method bodies are not run, as Puma does not run them when it loads the
// file.
func readPuma(f *File, ev *evaluator, c *pumaConf) {
	stmts := statements(lexRuby(string(f.src), source.Pos{Path: f.Path, Line: 1, Col: 1}))
	var stack []block
	active := func() bool { return len(stack) == 0 || stack[len(stack)-1].active }
	conditional := func() bool {
		for _, b := range stack {
			if b.cond {
				return true
			}
		}
		return false
	}
	for _, st := range stmts {
		first := st[0]
		if first.kind == tIdent {
			switch first.text {
			case "if", "unless":
				b := block{line: first.pos.Line}
				if active() {
					cv := ev.evalTokens(trimThen(st[1:]))
					switch {
					case cv.kind == vUnknown:
						b.active, b.cond = true, true
						c.notes = append(c.notes, fmt.Sprintf("%s:%d: condition not evaluated (%s): its body is read as if it ran", f.Path, first.pos.Line, cv.why))
					default:
						b.active = cv.Truthy() == (first.text == "if")
					}
				}
				b.taken = b.active
				stack = append(stack, b)
				continue
			case "elsif":
				if n := len(stack); n > 0 {
					b := &stack[n-1]
					parent := n < 2 || stack[n-2].active
					b.active = false
					if parent && !b.taken {
						cv := ev.evalTokens(trimThen(st[1:]))
						b.active = cv.kind == vUnknown || cv.Truthy()
						b.taken = b.active
					}
				}
				continue
			case "else":
				if n := len(stack); n > 0 {
					b := &stack[n-1]
					parent := n < 2 || stack[n-2].active
					b.active = parent && !b.taken
					b.taken = true
				}
				continue
			case "end":
				if n := len(stack); n > 0 {
					stack = stack[:n-1]
				}
				continue
			case "def", "class", "module":
				stack = append(stack, block{active: false, line: first.pos.Line})
				continue
			case "begin":
				stack = append(stack, block{active: active(), line: first.pos.Line})
				continue
			case "case", "while", "until", "for":
				stack = append(stack, block{active: false, line: first.pos.Line})
				c.notes = append(c.notes, fmt.Sprintf("%s:%d: %s block not read", f.Path, first.pos.Line, first.text))
				continue
			}
		}
		if opensDo(st) {
			stack = append(stack, block{active: false, line: first.pos.Line})
			continue
		}
		if !active() {
			continue
		}
		// statement modifiers: "workers 2 if production"
		for k := 1; k < len(st); k++ {
			if st[k].kind == tIdent && (st[k].text == "if" || st[k].text == "unless") {
				cv := ev.evalTokens(st[k+1:])
				run := cv.kind == vUnknown || cv.Truthy() == (st[k].text == "if")
				if cv.kind == vUnknown {
					c.notes = append(c.notes, fmt.Sprintf("%s:%d: condition not evaluated (%s): the statement is read as if it ran", f.Path, st[k].pos.Line, cv.why))
				}
				st = st[:k]
				if !run {
					st = nil
				}
				break
			}
		}
		if len(st) == 0 {
			continue
		}
		c.statement(f, ev, st, conditional())
	}
}

// trimThen drops a trailing "then".
func trimThen(t []token) []token {
	if n := len(t); n > 0 && t[n-1].kind == tIdent && t[n-1].text == "then" {
		return t[:n-1]
	}
	return t
}

// opensDo reports whether a statement opens a do ... end block it does
// not close.
func opensDo(st []token) bool {
	n := 0
	for _, t := range st {
		if t.kind == tIdent {
			switch t.text {
			case "do":
				n++
			case "end":
				n--
			}
		}
	}
	return n > 0
}

// statement runs one top-level statement of puma.rb.
func (c *pumaConf) statement(f *File, ev *evaluator, st []token, conditional bool) {
	first := st[0]
	if len(st) >= 2 && first.kind == tIdent && st[1].kind == tPunct && (st[1].text == "=" || st[1].text == "||=") {
		if _, set := ev.vars[first.text]; st[1].text == "||=" && set {
			return
		}
		ev.vars[first.text] = ev.evalTokens(st[2:])
		return
	}
	if first.kind != tIdent || first.text != "workers" && first.text != "threads" {
		return
	}
	args := st[1:]
	if len(args) > 0 && args[0].kind == tPunct && args[0].text == "(" && args[len(args)-1].text == ")" {
		args = args[1 : len(args)-1]
	}
	vals := splitArgs(ev, args)
	toInt := func(v value, what string) (source.Value[int], bool) {
		switch v.kind {
		case vInt:
			return source.Value[int]{V: int(v.i), Origin: v.origin}, true
		case vStr:
			if i, ok := rubyInteger(v.s); ok {
				return source.Value[int]{V: int(i), Origin: v.origin}, true
			}
			c.notes = append(c.notes, fmt.Sprintf("%s at %s: %q is not an integer: Puma fails to boot", what, first.pos, v.s))
		case vUnknown:
			c.notes = append(c.notes, fmt.Sprintf("%s at %s is not evaluated: %s", what, first.pos, v.why))
		default:
			c.notes = append(c.notes, fmt.Sprintf("%s at %s is %s", what, first.pos, kindName(v)))
		}
		return source.Value[int]{}, false
	}
	if conditional {
		c.notes = append(c.notes, fmt.Sprintf("%s at %s is inside a condition conncap could not evaluate", first.text, first.pos))
	}
	switch first.text {
	case "workers":
		if len(vals) != 1 {
			return
		}
		if vals[0].kind == vStr && strings.TrimSpace(vals[0].s) == "auto" || vals[0].kind == vStr && vals[0].s == "auto" {
			c.workers = source.Value[int]{V: assumedCPUs, Origin: source.Origin{Pos: first.pos, Note: fmt.Sprintf("workers :auto: the processor count, unknown offline; assumed %d", assumedCPUs)}}
			return
		}
		if w, ok := toInt(vals[0], "workers"); ok {
			c.workers = w
		}
	case "threads":
		// threads(min, max = min)
		if len(vals) == 1 {
			vals = append(vals, vals[0])
		}
		if len(vals) != 2 {
			return
		}
		if lo, ok := toInt(vals[0], "threads min"); ok {
			c.minThreads = lo
		}
		if hi, ok := toInt(vals[1], "threads max"); ok {
			c.maxThreads = hi
		}
	}
}

// splitArgs evaluates comma-separated arguments at bracket depth 0.
func splitArgs(ev *evaluator, toks []token) []value {
	var out []value
	depth, start := 0, 0
	for i, t := range toks {
		if t.kind != tPunct {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case ",":
			if depth == 0 {
				out = append(out, ev.evalTokens(toks[start:i]))
				start = i + 1
			}
		}
	}
	if start < len(toks) {
		out = append(out, ev.evalTokens(toks[start:]))
	}
	return out
}

// commandFlags applies puma's and sidekiq's command-line flags.
type commandFlags struct {
	program     string // "puma", "rails", "sidekiq" or ""
	workers     *source.Value[int]
	minThreads  *source.Value[int]
	maxThreads  *source.Value[int]
	concurrency *source.Value[int]
	env         *source.Value[string]
	notes       []string
}

// parseCommand reads a puma, rails server or sidekiq command line:
// -w/--workers, -t/--threads MIN:MAX, -c/--concurrency, -e/--environment.
func parseCommand(args []source.Value[string]) commandFlags {
	var cf commandFlags
	for i, a := range args {
		base := a.V[strings.LastIndexByte(a.V, '/')+1:]
		if base == "puma" || base == "sidekiq" || base == "rails" || base == "pumactl" {
			cf.program = base
			args = args[i+1:]
			break
		}
	}
	if cf.program == "" {
		return cf
	}
	for i := 0; i < len(args); i++ {
		name, val, hasVal := strings.Cut(args[i].V, "=")
		origin := args[i].Origin
		if !hasVal {
			if i+1 < len(args) && strings.HasPrefix(name, "-") {
				switch name {
				case "-w", "--workers", "-t", "--threads", "-c", "--concurrency", "-e", "--environment":
					val = args[i+1].V
					origin = args[i+1].Origin
					i++
				}
			}
		}
		num := func() *source.Value[int] {
			n, err := strconv.Atoi(val)
			if err != nil {
				cf.notes = append(cf.notes, fmt.Sprintf("%s %q at %s is not an integer", name, val, origin))
				return nil
			}
			return &source.Value[int]{V: n, Origin: origin}
		}
		switch {
		case name == "-w" || name == "--workers":
			cf.workers = num()
		case name == "-t" || name == "--threads":
			lo, hi, ok := strings.Cut(val, ":")
			if !ok {
				lo, hi = "0", val
			}
			if n, err := strconv.Atoi(lo); err == nil {
				cf.minThreads = &source.Value[int]{V: n, Origin: origin}
			}
			if n, err := strconv.Atoi(hi); err == nil {
				cf.maxThreads = &source.Value[int]{V: n, Origin: origin}
			}
		case name == "-c" || name == "--concurrency":
			cf.concurrency = num()
		case name == "-e" || name == "--environment":
			cf.env = &source.Value[string]{V: val, Origin: origin}
		}
	}
	return cf
}

// processes turns Puma's workers into a process count: workers 0 is
// single mode, one process.
func (c *pumaConf) processes() source.Value[int] {
	if c.workers.V >= 1 {
		return c.workers
	}
	o := c.workers.Origin
	o.Note = strings.TrimPrefix(o.Note+"; ", "; ") + "single mode: one process"
	return source.Value[int]{V: 1, Origin: o}
}
