// Package dotnet reads the connection pools of .NET applications from ASP.NET
// Core configuration: appsettings.json and appsettings.{Environment}.json
// (their ConnectionStrings section) and the environment variables that
// override them (ConnectionStrings__Name, MYSQLCONNSTR_Name,
// CUSTOMCONNSTR_Name).
//
// JSON is read as Microsoft.Extensions.Configuration.Json reads it
// (System.Text.Json with comments and trailing commas allowed, keys
// case-insensitive, a duplicate key an error). Connection strings are split
// as DbConnectionStringBuilder splits them, and pool options are named as
// MySqlConnector and MySQL Connector/NET name them (case-insensitive, with
// synonyms: Maximum Pool Size, Max Pool Size, MaximumPoolSize, maxpoolsize…).
// ADO.NET keeps one pool per distinct connection string in a process.
package dotnet

import (
	"bytes"
	"path"
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// File is one parsed appsettings file.
type File struct {
	Path string // slash-separated, relative to the sysroot
	// Environment is the environment name in the file name
	// (appsettings.Production.json → "Production"), "" for appsettings.json.
	Environment string
	// Settings are the file's configuration keys in document order,
	// flattened with ':' as .NET flattens them.
	Settings []Setting
}

// Setting is one flattened configuration key of a JSON file.
type Setting struct {
	// Key is the configuration path as written, e.g. "ConnectionStrings:Default"
	// (array elements are numbered: "Hosts:0").
	Key string
	// Value is a string's value, a number as written, or "True"/"False".
	Value string
	// Null is set for JSON null and for an empty object: the key exists
	// without a value.
	Null bool
	// KeyPos is the member name (its opening quote); ValuePos is the first
	// character of the value (the opening quote of a string).
	KeyPos   source.Pos // the member name
	ValuePos source.Pos // the value
	// Raw is a string value as written, quotes and escapes included; "" for
	// other values. It maps offsets in Value back to columns.
	Raw string
}

// PosOf returns the position of byte offset off in Value: exact for a
// string value, ValuePos otherwise.
func (s Setting) PosOf(off int) source.Pos {
	if s.Raw == "" || !s.ValuePos.IsValid() || s.ValuePos.Col == 0 {
		return s.ValuePos
	}
	cols := stringCols(s.Raw, s.Value)
	off = min(max(off, 0), len(cols)-1)
	p := s.ValuePos
	p.Col += cols[off]
	return p
}

// ConnectionStrings returns the settings directly under ConnectionStrings
// (case-insensitive), in document order.
func (f *File) ConnectionStrings() []Setting {
	var out []Setting
	for _, s := range f.Settings {
		if _, ok := connName(s.Key); ok {
			out = append(out, s)
		}
	}
	return out
}

// connName returns the name of a "ConnectionStrings:Name" key.
func connName(key string) (string, bool) {
	const prefix = "connectionstrings:"
	if len(key) <= len(prefix) || !strings.EqualFold(key[:len(prefix)], prefix) {
		return "", false
	}
	name := key[len(prefix):]
	if strings.Contains(name, ":") {
		return "", false
	}
	return name, true
}

// environmentOf returns the environment part of an appsettings file name
// and whether the name is one: "appsettings.json" → "", true;
// "appsettings.Production.json" → "Production", true. The prefix and
// extension match case-insensitively here; whether a file is loaded on a
// case-sensitive file system is decided in Pools.
func environmentOf(p string) (string, bool) {
	base := path.Base(p)
	lower := strings.ToLower(base)
	if !strings.HasPrefix(lower, "appsettings.") || !strings.HasSuffix(lower, ".json") {
		return "", false
	}
	if lower == "appsettings.json" {
		return "", true
	}
	if len(base) <= len("appsettings.")+len(".json") {
		return "", false
	}
	return base[len("appsettings.") : len(base)-len(".json")], true
}

// Match reports whether path and content are an ASP.NET Core appsettings
// file with a ConnectionStrings section: appsettings.json or
// appsettings.{Environment}.json, outside build outputs (bin/, obj/), whose
// content names ConnectionStrings.
func Match(p string, src []byte) bool {
	if _, ok := environmentOf(p); !ok {
		return false
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if seg == "bin" || seg == "obj" {
			return false
		}
	}
	return bytes.Contains(bytes.ToLower(src), []byte(`"connectionstrings"`))
}

// Parse reads one appsettings file. A malformed file is a *source.Error at
// the offending character; a duplicate key (compared case-insensitively,
// as the configuration provider does) is an error at its second occurrence.
func Parse(p string, src []byte) (*File, error) {
	f := &File{Path: p}
	f.Environment, _ = environmentOf(p)
	if len(bytes.TrimSpace(bytes.TrimPrefix(src, []byte("\ufeff")))) == 0 {
		// JsonConfigurationFileParser rejects it: "Could not parse the JSON file".
		return f, source.Errorf(source.Pos{Path: p, Line: 1, Col: 1}, "empty JSON file: the configuration provider needs a top-level object")
	}
	root, err := parseJSON(p, src)
	if err != nil {
		return f, err
	}
	if root.kind != jsonObject {
		return f, source.Errorf(root.pos, "top-level JSON element must be an object")
	}
	fl := flattener{seen: map[string]bool{}}
	fl.object(root, nil)
	f.Settings = fl.out
	return f, fl.errs.Err()
}

type flattener struct {
	out  []Setting
	seen map[string]bool // lower-cased keys
	errs source.ErrorList
}

func (fl *flattener) object(n *jsonNode, path []string) {
	if len(n.members) == 0 && len(path) > 0 {
		fl.add(path, n, source.Pos{}, true)
		return
	}
	for _, m := range n.members {
		fl.value(m.value, append(path, m.name), m.namePos)
	}
}

func (fl *flattener) value(n *jsonNode, path []string, namePos source.Pos) {
	switch n.kind {
	case jsonObject:
		if len(n.members) == 0 {
			fl.add(path, n, namePos, true)
			return
		}
		for _, m := range n.members {
			fl.value(m.value, append(path, m.name), m.namePos)
		}
	case jsonArray:
		if len(n.items) == 0 {
			fl.add(path, n, namePos, true)
			return
		}
		for i, it := range n.items {
			fl.value(it, append(path, strconv.Itoa(i)), it.pos)
		}
	default:
		fl.add(path, n, namePos, n.kind == jsonNull)
	}
}

func (fl *flattener) add(path []string, n *jsonNode, namePos source.Pos, null bool) {
	key := strings.Join(path, ":")
	lk := strings.ToLower(key)
	if fl.seen[lk] {
		pos := namePos
		if !pos.IsValid() {
			pos = n.pos
		}
		fl.errs.Add(pos, "duplicate configuration key "+strconv.Quote(key)+" (keys are case-insensitive)")
		return
	}
	fl.seen[lk] = true
	s := Setting{Key: key, Null: null, KeyPos: namePos, ValuePos: n.pos}
	if !null {
		s.Value = n.text
		if n.kind == jsonString {
			s.Raw = n.raw
		}
	}
	fl.out = append(fl.out, s)
}
