package spring

import (
	"errors"
	"slices"
	"strings"
)

// profileExpr is a parsed profile expression (spring-core's ProfilesParser):
// names combined with &, | and !, in parentheses; & and | may not be mixed
// without parentheses.
type profileExpr func(active func(string) bool) bool

var errMalformed = errors.New("malformed profile expression")

// parseProfiles parses a list of expressions; the list matches when any
// expression does.
func parseProfiles(exprs []string) (profileExpr, error) {
	var parsed []profileExpr
	for _, e := range exprs {
		if strings.TrimSpace(e) == "" {
			return nil, errors.New("invalid profile expression: must contain text")
		}
		p := &profileParser{tokens: tokenizeProfiles(e)}
		x, err := p.parse(ctxNone)
		if err != nil {
			return nil, err
		}
		parsed = append(parsed, x)
	}
	return func(active func(string) bool) bool {
		for _, x := range parsed {
			if x(active) {
				return true
			}
		}
		return false
	}, nil
}

// tokenizeProfiles is StringTokenizer(expr, "()&|!", true) with each token trimmed.
func tokenizeProfiles(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if strings.IndexByte("()&|!", s[i]) >= 0 {
			out = append(out, s[start:i], s[i:i+1])
			start = i + 1
		}
	}
	out = append(out, s[start:])
	var toks []string
	for _, t := range out {
		if t = strings.TrimSpace(t); t != "" {
			toks = append(toks, t)
		}
	}
	return toks
}

type profileCtx int

const (
	ctxNone profileCtx = iota
	ctxParen
	ctxNegate
)

type profileParser struct {
	tokens []string
	i      int
	depth  int
}

func (p *profileParser) parse(ctx profileCtx) (profileExpr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 100 {
		return nil, errMalformed
	}
	var elems []profileExpr
	op := byte(0)
	for p.i < len(p.tokens) {
		tok := p.tokens[p.i]
		p.i++
		switch tok {
		case "(":
			x, err := p.parse(ctxParen)
			if err != nil {
				return nil, err
			}
			if ctx == ctxNegate {
				return x, nil
			}
			elems = append(elems, x)
		case "&", "|":
			if op != 0 && op != tok[0] {
				return nil, errMalformed
			}
			op = tok[0]
		case "!":
			x, err := p.parse(ctxNegate)
			if err != nil {
				return nil, err
			}
			elems = append(elems, func(a func(string) bool) bool { return !x(a) })
		case ")":
			merged, err := merge(elems, op)
			if err != nil {
				return nil, err
			}
			if ctx == ctxParen {
				return merged, nil
			}
			elems, op = []profileExpr{merged}, 0
		default:
			name := tok
			x := func(a func(string) bool) bool { return a(name) }
			if ctx == ctxNegate {
				return x, nil
			}
			elems = append(elems, x)
		}
	}
	return merge(elems, op)
}

func merge(elems []profileExpr, op byte) (profileExpr, error) {
	switch {
	case len(elems) == 0:
		return nil, errMalformed
	case len(elems) == 1:
		return elems[0], nil
	case op == '&':
		return func(a func(string) bool) bool {
			for _, x := range elems {
				if !x(a) {
					return false
				}
			}
			return true
		}, nil
	}
	return func(a func(string) bool) bool {
		for _, x := range elems {
			if x(a) {
				return true
			}
		}
		return false
	}, nil
}

// splitList splits a comma-separated property value, trimming blanks, as
// StringUtils.commaDelimitedListToStringArray plus trimming does.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// expandGroups follows spring.profiles.group.<name>: each profile is
// followed by its group's members (recursively), duplicates dropped.
func expandGroups(profiles []string, groups map[string][]string) []string {
	var out []string
	var visit func(p string, depth int)
	visit = func(p string, depth int) {
		if slices.Contains(out, p) || depth > 32 {
			return
		}
		out = append(out, p)
		for _, m := range groups[p] {
			visit(m, depth+1)
		}
	}
	for _, p := range profiles {
		visit(p, 0)
	}
	return out
}
