package node

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// datasource is a schema.prisma datasource block.
type datasource struct {
	name     string
	pos      source.Pos
	provider source.Value[string]
	// url is a literal URL, or envName names the variable of env("...").
	url     source.Value[string]
	envName string
}

var (
	blockRe = regexp.MustCompile(`^(datasource|generator|model|enum|view|type)\s+(\w+)\s*\{\s*$`)
	fieldRe = regexp.MustCompile(`^(\w+)\s*=\s*(.*?)\s*$`)
	envRe   = regexp.MustCompile(`^env\(\s*"([^"]*)"\s*\)$`)
)

// parsePrisma reads the datasource blocks of a Prisma schema. A block that
// is never closed is an error, as it is for the Prisma CLI.
func parsePrisma(path, src string) ([]datasource, error) {
	var out []datasource
	var cur *datasource
	var open source.Pos
	inBlock := false
	for i, raw := range strings.Split(src, "\n") {
		line := raw
		if k := strings.Index(line, "//"); k >= 0 && !inQuotes(line[:k]) {
			line = line[:k]
		}
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		col := utf8.RuneCountInString(raw[:strings.Index(raw, t[:1])]) + 1
		at := source.Pos{Path: path, Line: i + 1, Col: col}
		switch {
		case !inBlock:
			m := blockRe.FindStringSubmatch(t)
			if m == nil {
				return nil, source.Errorf(at, "unexpected %q outside a block", t)
			}
			inBlock, open = true, at
			if m[1] == "datasource" {
				out = append(out, datasource{name: m[2], pos: at})
				cur = &out[len(out)-1]
			}
		case t == "}":
			inBlock, cur = false, nil
		case cur != nil:
			m := fieldRe.FindStringSubmatch(t)
			if m == nil {
				return nil, source.Errorf(at, "cannot read %q in datasource %s", t, cur.name)
			}
			vcol := col + utf8.RuneCountInString(t[:strings.Index(t, m[2])])
			vpos := source.Pos{Path: path, Line: i + 1, Col: vcol}
			val := m[2]
			switch m[1] {
			case "provider":
				cur.provider = source.Value[string]{V: strings.Trim(val, `"`), Origin: source.At(vpos)}
			case "url":
				if e := envRe.FindStringSubmatch(val); e != nil {
					cur.envName = e[1]
					cur.url = source.Value[string]{Origin: source.At(vpos)}
				} else if strings.HasPrefix(val, `"`) && strings.HasSuffix(val, `"`) && len(val) >= 2 {
					cur.url = source.Value[string]{V: val[1 : len(val)-1], Origin: source.At(vpos)}
				} else {
					return nil, source.Errorf(vpos, "url must be a string or env(\"NAME\"), not %s", val)
				}
			}
		}
	}
	if inBlock {
		return nil, source.Errorf(open, "block opened here is never closed")
	}
	return out, nil
}

func inQuotes(s string) bool { return strings.Count(s, `"`)%2 == 1 }
