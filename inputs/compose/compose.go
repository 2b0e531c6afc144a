// Package compose reads Docker Compose files (compose.yaml,
// docker-compose.yml, docker-compose.*.yml, compose.override.yaml) and
// reports each service's replica count, environment, command, entrypoint
// and file descriptor limit, with positions. It judges nothing: a mysqld
// service's "--max-connections=500" is just a Command value here.
//
// Parse reads one file as written. Interpolate applies Compose's variable
// substitution (${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err},
// ${VAR:+alt}, $$) against an environment, per file and before merging, as
// the Compose specification says; the environment is the shell's with the
// project's .env file below it (ParseDotEnv). Merge applies override files
// in order. The rules follow compose-spec (05-services.md,
// 12-interpolation.md, 13-merge.md, deploy.md) and compose-go's loader:
// YAML is read with go.yaml.in/yaml/v3 (YAML 1.2: "on" is a string), merge
// keys "<<" are expanded with yaml.v3's map semantics, and string commands
// are split with go-shellwords' rules.
//
// Not read: extends, include, build, profiles' activation, Swarm
// placement. Services are reported whatever their profiles.
package compose

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

// File is one Compose file.
type File struct {
	Path     string
	Services []*Service // in file order
	// Interpolated is set on a File returned by Interpolate.
	Interpolated bool

	root  *yaml.Node
	lines []string
}

// Service is one entry under services:.
type Service struct {
	Name string
	Pos  source.Pos // the service's key
	// Image is empty with a Named origin when the service has none (it
	// builds one).
	Image source.Value[string]
	// Replicas is deploy.replicas, or the legacy scale; 1 with a Named
	// origin when neither is set.
	Replicas source.Value[int]
	// DeployMode is deploy.mode: "replicated" (the default, Named) or
	// "global" (one container per Swarm node).
	DeployMode source.Value[string]
	// Environment lists environment:, in the list form (KEY=VAL) or the
	// map form, in file order, the last of a repeated name winning. A
	// variable written without a value ("- KEY", "KEY:") takes the
	// shell's value: Unknown until Interpolate, dropped by Interpolate
	// when the environment does not have it. A value that needs
	// interpolation is Unknown until Interpolate.
	Environment []apps.EnvVar
	// EnvFiles are the env_file paths, relative to the compose file's
	// directory as written; later files win. The caller reads them
	// (ParseDotEnv) and passes them to Env.
	EnvFiles []source.Value[string]
	// Command and Entrypoint: the list form item by item, the string form
	// split into words as Compose splits it. nil when not set.
	Command, Entrypoint []source.Value[string]
	// NofileSoft and NofileHard are ulimits.nofile: a number sets both.
	// V is 0 with a Named origin when it is not set.
	NofileSoft, NofileHard source.Value[int]
	// MemoryLimit is deploy.resources.limits.memory, else mem_limit, as
	// written ("1g", "512M"); V is "" when neither is set. MemoryBytes
	// reads it.
	MemoryLimit source.Value[string]
	DependsOn   []string
	Profiles    []string
	// Notes say what was assumed or not read.
	Notes []string

	set map[string]setMode // the keys this file sets, for Merge
}

// setMode says how a file sets a key.
type setMode int

const (
	setPlain    setMode = iota + 1
	setReset            // !reset: back to the default
	setOverride         // !override: replace, do not merge
)

// Defaults for keys a service does not set.
var (
	// noImage and the others are functions, not shared values, so no
	// caller can change a default for everyone.
	noImage = func() source.Value[string] {
		return source.Value[string]{Origin: source.Named("no image: the service is built")}
	}
	oneReplica = func() source.Value[int] {
		return source.Value[int]{V: 1, Origin: source.Named("compose default: 1 replica")}
	}
	replicated = func() source.Value[string] {
		return source.Value[string]{V: "replicated", Origin: source.Named("compose default deploy.mode replicated")}
	}
	nofileUnset = func() source.Value[int] {
		return source.Value[int]{Origin: source.Named("ulimits.nofile not set: the container runtime's default")}
	}
	knownSvcKeys = map[string]bool{
		"image": true, "build": true, "command": true, "entrypoint": true, "environment": true, "env_file": true,
		"ports": true, "volumes": true, "depends_on": true, "deploy": true, "restart": true, "networks": true,
		"ulimits": true, "container_name": true, "healthcheck": true, "labels": true, "expose": true,
		"profiles": true, "extends": true, "working_dir": true, "user": true, "scale": true, "secrets": true,
		"configs": true, "logging": true, "hostname": true, "platform": true, "pull_policy": true,
	}
)

// Env returns the environment the service's containers get: the env_file
// maps in order (later ones winning), then environment: on top, as Compose
// does. Variables whose value is unknown are kept with Unknown set.
func (s *Service) Env(envFiles ...apps.EnvMap) apps.EnvMap {
	m := apps.EnvMap{}
	for _, f := range envFiles {
		for k, v := range f {
			m[k] = v
		}
	}
	for _, v := range s.Environment {
		m[v.Name] = v
	}
	return m
}

// Match reports whether src is a Compose file: a top-level services:
// mapping whose entries look like services.
func Match(p string, src []byte) bool {
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 {
		return false
	}
	root := deref(doc.Content[0])
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "services" {
			continue
		}
		svcs := deref(root.Content[i+1])
		if svcs == nil || svcs.Kind != yaml.MappingNode {
			return false
		}
		for j := 0; j+1 < len(svcs.Content); j += 2 {
			s := deref(svcs.Content[j+1])
			if s == nil || s.Kind != yaml.MappingNode {
				continue
			}
			for k := 0; k+1 < len(s.Content); k += 2 {
				if knownSvcKeys[s.Content[k].Value] || s.Content[k].Value == "<<" {
					return true
				}
			}
		}
		base := path.Base(p)
		return len(svcs.Content) == 0 && (strings.HasPrefix(base, "compose") || strings.HasPrefix(base, "docker-compose"))
	}
	return false
}

// Parse reads one Compose file as written, without interpolation. Values
// that need it are kept as written (environment values marked Unknown,
// numbers left at their default with a note); call Interpolate for them.
// Malformed YAML or a service that is not a mapping gives positioned
// errors (a source.ErrorList).
func Parse(p string, src []byte) (*File, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, source.ErrorList{yamlError(p, src, err)}
	}
	f := &File{Path: p, lines: strings.Split(string(src), "\n")}
	if len(doc.Content) > 0 {
		f.root = doc.Content[0]
	}
	return f.build(nil)
}

// Interpolate returns the file with Compose's interpolation applied
// against env (the shell's environment with the project's .env below it).
// A value from env takes that variable's origin; a default keeps the
// file's position and says so. ${VAR:?err} with VAR unset is an error, as
// in Compose.
func (f *File) Interpolate(env apps.Env) (*File, error) {
	if env == nil {
		env = apps.EnvMap{}
	}
	g := &File{Path: f.Path, root: f.root, lines: f.lines}
	return g.build(env)
}

// build reads the services; env nil means no interpolation.
func (f *File) build(env apps.Env) (*File, error) {
	r := &reader{path: f.Path, lines: f.lines, m: newMerger(f.Path), env: env}
	f.Interpolated = env != nil
	f.Services = nil
	if f.root == nil {
		return f, nil
	}
	top, err := r.m.entries(f.root, "a compose file")
	if err != nil {
		return nil, source.ErrorList{err}
	}
	for _, e := range top {
		if e.key.Value != "services" || isNull(e.val) {
			continue
		}
		svcs, err := r.m.entries(e.val, "services")
		if err != nil {
			r.errs = append(r.errs, err)
			continue
		}
		for _, se := range svcs {
			if s := r.service(se.key, se.val); s != nil {
				f.Services = append(f.Services, s)
			}
		}
	}
	r.errs.Sort()
	if err := r.errs.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// reader reads services from the YAML tree.
type reader struct {
	path  string
	lines []string
	m     *merger
	env   apps.Env // nil: no interpolation
	errs  source.ErrorList
}

func (r *reader) pos(n *yaml.Node) source.Pos { return posOf(r.path, n) }

func (r *reader) errorf(n *yaml.Node, format string, args ...any) {
	r.errs = append(r.errs, source.Errorf(r.pos(n), format, args...))
}

// sval is a scalar after interpolation.
type sval struct {
	v       string
	origin  source.Origin // of the whole value
	unknown string        // why the value is not known; "" when it is
	raw     string        // as written

	node *yaml.Node
	res  *result // nil when nothing was interpolated
}

// scalar reads a scalar node; ok is false (and an error recorded) when n
// is not a scalar.
func (r *reader) scalar(n *yaml.Node, field string) (sval, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		r.errorf(n, "%s must be a scalar, not %s", field, kindName(n))
		return sval{}, false
	}
	sv := sval{v: n.Value, raw: n.Value, origin: source.At(r.pos(n)), node: n}
	if !strings.Contains(n.Value, "$") {
		return sv, true
	}
	if r.env == nil {
		sv.unknown = fmt.Sprintf("%q needs interpolation (Interpolate)", n.Value)
		sv.origin.Note = sv.unknown
		return sv, true
	}
	lookup := func(name string) (string, bool, bool) {
		v, ok := r.env.Lookup(name)
		if !ok {
			return "", false, true
		}
		return v.Value.V, true, !v.Unknown
	}
	res, err := substituteMap(n.Value, lookup)
	if err != nil {
		r.errorf(n, "%s: %v", field, err)
		return sval{}, false
	}
	sv.v, sv.res = res.text, &res
	sv.origin, sv.unknown = r.rangeOrigin(sv, 0, len(sv.v))
	return sv, true
}

// rangeOrigin returns the origin of bytes [a, b) of an interpolated value
// and, when they depend on a variable whose value is not known, why. Text
// copied as written points at itself; a value that is exactly one variable
// takes that variable's origin; a default says so.
func (r *reader) rangeOrigin(sv sval, a, b int) (source.Origin, string) {
	n := sv.node
	if sv.res == nil {
		o := source.At(r.offsetPos(n, a))
		if sv.unknown != "" {
			o.Note = sv.unknown
		}
		return o, sv.unknown
	}
	var vars []span
	rawStart := -1
	for _, sp := range sv.res.spans {
		if sp.out <= a && a < sp.out+sp.outLen && rawStart < 0 {
			rawStart = sp.raw
			if !sp.isVar {
				rawStart += a - sp.out
			}
		}
		if sp.isVar && (sp.out < b && sp.out+sp.outLen > a || sp.outLen == 0 && a <= sp.out && sp.out <= b) {
			vars = append(vars, sp)
		}
	}
	if rawStart < 0 {
		rawStart = len(n.Value)
		if len(vars) > 0 {
			rawStart = vars[0].raw
		}
	}
	o := source.At(r.offsetPos(n, rawStart))
	var unknown string
	var names []string
	for _, sp := range vars {
		for _, rf := range sv.res.refs[sp.refLo:sp.refHi] {
			if rf.Unknowable && !rf.UsedAlt {
				unknown = fmt.Sprintf("${%s} comes from a source whose value is not in the inputs", rf.Name)
			}
			names = append(names, rf.Name)
		}
	}
	switch {
	case len(vars) == 0:
		return o, ""
	case len(vars) == 1 && vars[0].out == a && vars[0].out+vars[0].outLen == b:
		rf := sv.res.refs[vars[0].refLo]
		switch {
		case unknown != "":
			o.Note = unknown
		case rf.Set && !rf.UsedAlt:
			if v, ok := r.env.Lookup(rf.Name); ok {
				return v.Value.Origin, ""
			}
		case rf.UsedAlt:
			o.Note = fmt.Sprintf("%s with %s unset or empty", rf.Expr, rf.Name)
		default:
			o.Note = fmt.Sprintf("%s is unset: Compose substitutes an empty string", rf.Name)
		}
		return o, unknown
	}
	o.Note = "interpolated from " + strings.Join(names, ", ")
	if unknown != "" {
		o.Note += "; " + unknown
	}
	return o, unknown
}

// offsetPos returns the position of byte offset off of a scalar's value as
// written, when the source line shows it (a plain or quoted scalar on one
// line without escapes before off); else the scalar's start.
func (r *reader) offsetPos(n *yaml.Node, off int) source.Pos {
	p := r.pos(n)
	if off <= 0 || n.Line < 1 || n.Line > len(r.lines) || off > len(n.Value) {
		return p
	}
	line := r.lines[n.Line-1]
	b := byteOffset(line, n.Column-1)
	if b < 0 {
		return p
	}
	quote := 0
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		quote = 1
	} else if n.Style != 0 {
		return p
	}
	if b+quote > len(line) || !strings.HasPrefix(line[b+quote:], n.Value[:off]) {
		return p
	}
	p.Col += quote + utf8.RuneCountInString(n.Value[:off])
	return p
}

// byteOffset returns the byte offset of rune column col (0-based) in s.
func byteOffset(s string, col int) int {
	for i := range s {
		if col == 0 {
			return i
		}
		col--
	}
	if col == 0 {
		return len(s)
	}
	return -1
}

// mark records how a key is set, from its value's tag.
func (s *Service) mark(key string, val *yaml.Node) {
	mode := setPlain
	if val != nil {
		switch val.Tag {
		case "!reset":
			mode = setReset
		case "!override":
			mode = setOverride
		}
	}
	s.set[key] = mode
}

func (r *reader) service(key, val *yaml.Node) *Service {
	s := &Service{
		Name: key.Value, Pos: r.pos(key), Image: noImage(), Replicas: oneReplica(), DeployMode: replicated(),
		NofileSoft: nofileUnset(), NofileHard: nofileUnset(), set: map[string]setMode{},
	}
	entries, err := r.m.entries(val, "services."+key.Value)
	if err != nil {
		r.errs = append(r.errs, err)
		return nil
	}
	var scaleNode, replNode *yaml.Node
	for _, e := range entries {
		k, v := e.key.Value, e.val
		if v != nil && v.Tag == "!reset" {
			s.mark(resetName(k), v)
			continue
		}
		if isNull(v) {
			continue
		}
		field := "services." + s.Name + "." + k
		switch k {
		case "image":
			if sv, ok := r.scalar(v, field); ok {
				s.Image = source.Value[string]{V: sv.v, Origin: sv.origin}
				s.mark("image", v)
			}
		case "scale":
			scaleNode = v
		case "deploy":
			replNode = r.deploy(s, v, field)
		case "environment":
			r.environment(s, v, field)
			s.mark("environment", v)
		case "env_file":
			r.envFiles(s, v, field)
			s.mark("env_file", v)
		case "command":
			s.Command = r.command(s, v, field)
			s.mark("command", v)
		case "entrypoint":
			s.Entrypoint = r.command(s, v, field)
			s.mark("entrypoint", v)
		case "ulimits":
			r.ulimits(s, v, field)
		case "mem_limit":
			if sv, ok := r.scalar(v, field); ok && s.set["memory"] == 0 {
				s.MemoryLimit = source.Value[string]{V: sv.v, Origin: sv.origin}
				s.mark("memory", v)
			}
		case "depends_on":
			s.DependsOn = r.names(v, field, true)
			s.mark("depends_on", v)
		case "profiles":
			s.Profiles = r.names(v, field, false)
			s.mark("profiles", v)
		case "extends":
			s.Notes = append(s.Notes, fmt.Sprintf("extends at %s is not followed: keys it brings in are not read", r.pos(e.key)))
		}
	}
	// deploy.replicas is the documented key; the legacy scale must agree
	// with it when both are set.
	replSet := false
	if replNode != nil {
		if n, origin, ok := r.count(s, replNode, "services."+s.Name+".deploy.replicas"); ok {
			s.Replicas = source.Value[int]{V: n, Origin: origin}
			s.set["replicas"] = setPlain
			replSet = true
		}
	}
	if scaleNode != nil {
		if n, origin, ok := r.count(s, scaleNode, "services."+s.Name+".scale"); ok {
			switch {
			case replSet && n != s.Replicas.V:
				r.errorf(scaleNode, "services.%s: can't set distinct values on 'scale' and 'deploy.replicas'", s.Name)
			case !replSet:
				s.Replicas = source.Value[int]{V: n, Origin: origin}
				s.set["replicas"] = setPlain
			}
		}
	}
	return s
}

// resetName maps a key to the name Merge tracks it under.
func resetName(k string) string {
	switch k {
	case "scale":
		return "replicas"
	case "ulimits":
		return "nofile"
	}
	return k
}

// count reads a replica count: a non-negative integer.
func (r *reader) count(s *Service, v *yaml.Node, field string) (int, source.Origin, bool) {
	n, origin, ok := r.intValue(s, v, field)
	if ok && n < 0 {
		r.errorf(v, "%s must not be negative", field)
		return 0, origin, false
	}
	return n, origin, ok
}

// intValue reads an integer scalar. When it cannot be known the default
// stays and a note says why.
func (r *reader) intValue(s *Service, v *yaml.Node, field string) (int, source.Origin, bool) {
	sv, ok := r.scalar(v, field)
	if !ok {
		return 0, source.Origin{}, false
	}
	if sv.unknown != "" {
		s.Notes = append(s.Notes, fmt.Sprintf("%s at %s: %s; the default is kept", field, r.pos(v), sv.unknown))
		return 0, source.Origin{}, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(sv.v))
	if err != nil {
		r.errorf(v, "%s must be an integer, not %q", field, sv.v)
		return 0, source.Origin{}, false
	}
	return n, sv.origin, true
}

// deploy reads deploy.mode and returns the deploy.replicas node.
func (r *reader) deploy(s *Service, v *yaml.Node, field string) *yaml.Node {
	entries, err := r.m.entries(v, field)
	if err != nil {
		r.errs = append(r.errs, err)
		return nil
	}
	var repl *yaml.Node
	for _, e := range entries {
		if isNull(e.val) {
			continue
		}
		switch e.key.Value {
		case "replicas":
			if e.val.Tag == "!reset" {
				s.set["replicas"] = setReset
				continue
			}
			repl = e.val
		case "resources":
			r.memoryLimit(s, e.val, field+".resources")
		case "mode":
			if sv, ok := r.scalar(e.val, field+".mode"); ok {
				s.DeployMode = source.Value[string]{V: sv.v, Origin: sv.origin}
				s.set["mode"] = setPlain
				if sv.v == "global" {
					s.Notes = append(s.Notes, fmt.Sprintf("deploy.mode global at %s: one container per Swarm node; replicas do not apply", r.pos(e.val)))
				}
			}
		}
	}
	return repl
}

// memoryLimit reads deploy.resources.limits.memory, which wins over
// mem_limit.
func (r *reader) memoryLimit(s *Service, v *yaml.Node, field string) {
	res, err := r.m.entries(v, field)
	if err != nil {
		r.errs = append(r.errs, err)
		return
	}
	for _, e := range res {
		if e.key.Value != "limits" || isNull(e.val) {
			continue
		}
		lim, err := r.m.entries(e.val, field+".limits")
		if err != nil {
			r.errs = append(r.errs, err)
			return
		}
		for _, l := range lim {
			if l.key.Value == "memory" && !isNull(l.val) {
				if sv, ok := r.scalar(l.val, field+".limits.memory"); ok {
					s.MemoryLimit = source.Value[string]{V: sv.v, Origin: sv.origin}
					s.mark("memory", l.val)
				}
			}
		}
	}
}

// MemoryBytes reads a Compose byte value: a number of bytes, or a number
// with a unit b, k, m or g (optionally followed by b), in powers of 1024.
func MemoryBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSuffix(t, "b")
	mult := int64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'k':
			mult, t = 1<<10, t[:n-1]
		case 'm':
			mult, t = 1<<20, t[:n-1]
		case 'g':
			mult, t = 1<<30, t[:n-1]
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || f*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("%q is not a byte value (bytes, or a number with b, k, m or g)", s)
	}
	return int64(f * float64(mult)), nil
}

func (r *reader) environment(s *Service, v *yaml.Node, field string) {
	v = deref(v)
	add := func(ev apps.EnvVar) {
		for i := range s.Environment {
			if s.Environment[i].Name == ev.Name {
				s.Environment[i] = ev
				return
			}
		}
		s.Environment = append(s.Environment, ev)
	}
	fromShell := func(name string, n *yaml.Node) (apps.EnvVar, bool) {
		if r.env == nil {
			return apps.EnvVar{Name: name, Value: source.Value[string]{Origin: source.Origin{Pos: r.pos(n), Note: name + " is taken from the shell's environment"}}, Unknown: true}, true
		}
		if ev, ok := r.env.Lookup(name); ok {
			ev.Name = name
			return ev, true
		}
		return apps.EnvVar{}, false // unset in the shell: unset in the container
	}
	switch v.Kind {
	case yaml.SequenceNode:
		for _, it := range v.Content {
			sv, ok := r.scalar(it, field)
			if !ok {
				continue
			}
			name, val, hasEq := strings.Cut(sv.v, "=")
			if name == "" {
				r.errorf(it, "%s: empty variable name in %q", field, sv.raw)
				continue
			}
			if !hasEq {
				if ev, ok := fromShell(name, it); ok {
					add(ev)
				}
				continue
			}
			origin, unknown := r.rangeOrigin(sv, len(name)+1, len(sv.v))
			add(apps.EnvVar{Name: name, Value: source.Value[string]{V: val, Origin: origin}, Unknown: unknown != ""})
		}
	case yaml.MappingNode:
		entries, err := r.m.entries(v, field)
		if err != nil {
			r.errs = append(r.errs, err)
			return
		}
		for _, e := range entries {
			name := e.key.Value
			if isNull(e.val) || e.val.Tag == "!reset" {
				if e.val == nil || e.val.Tag != "!reset" {
					if ev, ok := fromShell(name, e.key); ok {
						add(ev)
					}
				}
				continue
			}
			sv, ok := r.scalar(e.val, field+"."+name)
			if !ok {
				continue
			}
			add(apps.EnvVar{Name: name, Value: source.Value[string]{V: sv.v, Origin: sv.origin}, Unknown: sv.unknown != ""})
		}
	default:
		r.errorf(v, "%s must be a mapping or a list, not %s", field, kindName(v))
	}
}

func (r *reader) envFiles(s *Service, v *yaml.Node, field string) {
	v = deref(v)
	one := func(n *yaml.Node) {
		n = deref(n)
		if n.Kind == yaml.MappingNode {
			entries, err := r.m.entries(n, field)
			if err != nil {
				r.errs = append(r.errs, err)
				return
			}
			for _, e := range entries {
				if e.key.Value == "path" {
					n = e.val
				}
			}
		}
		if sv, ok := r.scalar(n, field); ok {
			s.EnvFiles = append(s.EnvFiles, source.Value[string]{V: sv.v, Origin: sv.origin})
		}
	}
	if v.Kind == yaml.SequenceNode {
		for _, it := range v.Content {
			one(it)
		}
		return
	}
	one(v)
}

// command reads command: or entrypoint:, a list or a string.
func (r *reader) command(s *Service, v *yaml.Node, field string) []source.Value[string] {
	v = deref(v)
	out := []source.Value[string]{}
	if v.Kind == yaml.SequenceNode {
		for _, it := range v.Content {
			if sv, ok := r.scalar(it, field); ok {
				out = append(out, source.Value[string]{V: sv.v, Origin: sv.origin})
			}
		}
		return out
	}
	sv, ok := r.scalar(v, field)
	if !ok {
		return nil
	}
	words, stopped, err := splitCommand(sv.v)
	if err != nil {
		r.errorf(v, "%s: %v %q", field, err, sv.v)
		return nil
	}
	if sv.unknown != "" && r.env != nil {
		s.Notes = append(s.Notes, fmt.Sprintf("%s at %s: %s", field, r.pos(v), sv.unknown))
	}
	if stopped {
		s.Notes = append(s.Notes, fmt.Sprintf("%s at %s: the string is cut at a shell operator (; & | < >) as Compose cuts it; use the list form with sh -c", field, r.pos(v)))
	}
	for _, w := range words {
		o := sv.origin
		if w.end <= len(sv.v) {
			o, _ = r.rangeOrigin(sv, w.off, w.end)
		}
		out = append(out, source.Value[string]{V: w.text, Origin: o})
	}
	return out
}

func (r *reader) ulimits(s *Service, v *yaml.Node, field string) {
	entries, err := r.m.entries(v, field)
	if err != nil {
		r.errs = append(r.errs, err)
		return
	}
	for _, e := range entries {
		if e.key.Value != "nofile" || isNull(e.val) {
			continue
		}
		if e.val.Tag == "!reset" {
			s.set["nofile"] = setReset
			continue
		}
		nv := deref(e.val)
		f := field + ".nofile"
		if nv.Kind == yaml.ScalarNode {
			if n, origin, ok := r.intValue(s, nv, f); ok {
				s.NofileSoft = source.Value[int]{V: n, Origin: origin}
				s.NofileHard = source.Value[int]{V: n, Origin: origin}
				s.set["nofile"] = setPlain
			}
			continue
		}
		lim, err := r.m.entries(nv, f)
		if err != nil {
			r.errs = append(r.errs, err)
			continue
		}
		var soft, hard *source.Value[int]
		present := 0
		for _, le := range lim {
			switch le.key.Value {
			case "soft", "hard":
				present++
				n, origin, ok := r.intValue(s, le.val, f+"."+le.key.Value)
				if !ok {
					continue
				}
				val := &source.Value[int]{V: n, Origin: origin}
				if le.key.Value == "soft" {
					soft = val
				} else {
					hard = val
				}
			}
		}
		if present < 2 {
			r.errorf(nv, "%s needs both soft and hard", f)
			continue
		}
		if soft == nil || hard == nil {
			continue // not known: a note says why
		}
		s.NofileSoft, s.NofileHard = *soft, *hard
		s.set["nofile"] = setPlain
	}
}

// names reads depends_on (a list, or a mapping of names) or profiles.
func (r *reader) names(v *yaml.Node, field string, mapOK bool) []string {
	v = deref(v)
	var out []string
	switch {
	case v.Kind == yaml.SequenceNode:
		for _, it := range v.Content {
			if sv, ok := r.scalar(it, field); ok {
				out = append(out, sv.v)
			}
		}
	case v.Kind == yaml.MappingNode && mapOK:
		entries, err := r.m.entries(v, field)
		if err != nil {
			r.errs = append(r.errs, err)
			return nil
		}
		for _, e := range entries {
			out = append(out, e.key.Value)
		}
	default:
		r.errorf(v, "%s must be a list, not %s", field, kindName(v))
	}
	return out
}
