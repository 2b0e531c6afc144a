package config

import (
	"fmt"
	"path"
	"strings"
)

// Glob is a compiled paths_ignore pattern, matched against slash-separated
// paths relative to the sysroot. A pattern without a slash matches a file
// or directory of that name at any depth (as in .gitignore); one with a
// slash matches from the root, where "**" stands for any number of
// directories and each other element is a path.Match pattern. A pattern
// that matches a directory ignores everything under it.
type Glob struct {
	elems   []string
	anyDeep bool // no slash: match the base name at any depth
}

// CompileGlob checks and compiles a pattern.
func CompileGlob(pattern string) (Glob, error) {
	p := strings.TrimPrefix(strings.TrimSuffix(pattern, "/"), "/")
	if p == "" {
		return Glob{}, fmt.Errorf("empty pattern %q", pattern)
	}
	g := Glob{elems: strings.Split(p, "/"), anyDeep: !strings.Contains(p, "/")}
	for _, e := range g.elems {
		if e == "**" {
			continue
		}
		if _, err := path.Match(e, ""); err != nil {
			return Glob{}, fmt.Errorf("bad pattern %q: %v", pattern, err)
		}
	}
	return g, nil
}

// Match reports whether the pattern ignores name: it matches name or one
// of the directories above it.
func (g Glob) Match(name string) bool {
	parts := strings.Split(strings.Trim(name, "/"), "/")
	if g.anyDeep {
		for _, p := range parts {
			if ok, _ := path.Match(g.elems[0], p); ok {
				return true
			}
		}
		return false
	}
	for n := 1; n <= len(parts); n++ {
		if matchElems(g.elems, parts[:n]) {
			return true
		}
	}
	return false
}

// matchElems matches pattern elements against path elements, "**"
// standing for zero or more of them.
func matchElems(pat, parts []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(parts); i++ {
				if matchElems(pat[1:], parts[i:]) {
					return true
				}
			}
			return false
		}
		if len(parts) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], parts[0]); !ok {
			return false
		}
		pat, parts = pat[1:], parts[1:]
	}
	return len(parts) == 0
}

// Ignorer reports whether a path is ignored by any of the patterns; nil
// when there are none.
func Ignorer(patterns []string) (func(name string) bool, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	var gs []Glob
	for _, p := range patterns {
		g, err := CompileGlob(p)
		if err != nil {
			return nil, err
		}
		gs = append(gs, g)
	}
	return func(name string) bool {
		for _, g := range gs {
			if g.Match(name) {
				return true
			}
		}
		return false
	}, nil
}
