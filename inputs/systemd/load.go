package systemd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/sysroot"
)

// ErrNotFound says no unit file of that name exists in the search path.
var ErrNotFound = errors.New("unit not found")

// SearchPath returns the system manager's unit search path, highest priority
// first (systemd.unit(5) "Unit File Load Path", and `systemd-analyze
// unit-paths` of systemd 252 on Debian 12), as sysroot-relative slash paths.
// Debian builds systemd with /lib/systemd/system ahead of
// /usr/lib/systemd/system; upstream's default build searches /usr/lib first.
// The two are one directory on a merged-/usr system.
func SearchPath() []string {
	return []string{
		"etc/systemd/system.control",
		"run/systemd/system.control",
		"run/systemd/transient",
		"run/systemd/generator.early",
		"etc/systemd/system",
		"etc/systemd/system.attached",
		"run/systemd/system",
		"run/systemd/system.attached",
		"run/systemd/generator",
		"usr/local/lib/systemd/system",
		"lib/systemd/system",
		"usr/lib/systemd/system",
		"run/systemd/generator.late",
	}
}

// Unit is a unit as the system manager loads it: the unit file found in the
// search path and its drop-ins, in the order systemd applies them.
type Unit struct {
	// Name is the unit's ID: the name of the unit file loaded, with the
	// instance filled in for a template ("mariadb.service" when
	// "mysql.service" was asked for and is an alias of it).
	Name string
	// Aliases are the unit's other names (symlinks in the search path that
	// resolve to the same file), sorted.
	Aliases []string
	// Instance is the instance of a template unit ("foo" for
	// "mariadb@foo.service"); empty otherwise.
	Instance string
	// Path is the unit file systemd loads (its FragmentPath), relative to
	// the sysroot: the name in the search directory where it was found, not
	// where a symlink there points.
	Path string
	// DropIns are the drop-in files in the order systemd applies them
	// (lexicographic by file name across all their directories), as systemd
	// lists them (DropInPaths: the directory with symlinks resolved). Empty
	// drop-ins and drop-ins linked to /dev/null are listed; they set nothing
	// and mask same-named drop-ins of lower priority.
	DropIns []string
	// Files are the parsed unit file and then the drop-ins that have
	// content, in application order. A masked unit has none.
	Files []*File
	// Masked is true when the unit file is empty or links to /dev/null:
	// systemd refuses to start the unit (load state "masked").
	Masked bool
	// Err is the error that made systemd give up on the unit file, when it
	// has one: a fatal syntax error (load state "error") or a command line
	// it rejects (load state "bad-setting"). systemd then reads no drop-ins
	// and will not start the unit. Files holds the unit file up to the
	// error.
	Err *source.Error

	badSetting bool // Err comes from a setting, not from the syntax
}

// LoadState returns the load state systemd gives the unit as far as its
// files decide it: "masked", "error" (fatal syntax error), "bad-setting" (a
// command line systemd rejects) or "loaded". The consistency checks systemd
// makes afterwards (a service without ExecStart=, several ExecStart= outside
// Type=oneshot, ...) are not made here.
func (u *Unit) LoadState() string {
	switch {
	case u.Masked:
		return "masked"
	case u.Err != nil && u.badSetting:
		return "bad-setting"
	case u.Err != nil:
		return "error"
	}
	return "loaded"
}

// All returns every assignment of key in section, in the order systemd
// applies them (unit file, then drop-ins), empty ones included.
func (u *Unit) All(section, key string) []Assignment {
	var out []Assignment
	for _, f := range u.Files {
		for _, a := range f.Assignments {
			if a.Section == section && a.Key == key {
				out = append(out, a)
			}
		}
	}
	return out
}

// List returns the effective assignments of a list setting (ExecStart=,
// Environment=, EnvironmentFile=, ...): those after the last empty
// assignment, which resets the list (systemd.unit(5)).
func (u *Unit) List(section, key string) []Assignment {
	all := u.All(section, key)
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Value == "" {
			return all[i+1:]
		}
	}
	return all
}

// Last returns the assignment in force for a single-valued setting: the
// last one. ok is false when there is none or the last one is empty, which
// for most settings resets them to their default. Settings whose parser
// treats an empty value as an error to ignore (the Limit*= settings) need
// their own rule: see LimitNOFILE.
func (u *Unit) Last(section, key string) (a Assignment, ok bool) {
	all := u.All(section, key)
	if len(all) == 0 || all[len(all)-1].Value == "" {
		return Assignment{}, false
	}
	return all[len(all)-1], true
}

// Load loads the unit called name (e.g. "mysql.service",
// "mariadb@foo.service") from the system unit search path under root, as
// the system manager does (src/shared/unit-file.c, src/shared/dropin.c):
//
//   - The first directory of SearchPath that has an entry of that name wins.
//     A symlink that points into the search path is an alias: the unit is
//     loaded under the target's name, found again from the top of the search
//     path, so /etc/systemd/system/mariadb.service overrides the file a
//     mysql.service alias points at. A symlink pointing elsewhere is a linked
//     unit file, loaded under its own name. A self-alias is ignored.
//   - An instance falls back to its template ("mariadb@foo.service" loads
//     "mariadb@.service" with Instance "foo").
//   - A unit file that is empty or links to /dev/null masks the unit.
//   - Drop-ins come from the "<name>.d/" directories of every search
//     directory, for the unit's name first, then its aliases, each with its
//     template ("mariadb@.service.d") and dash prefixes ("foo-.service.d" for
//     "foo-bar.service"), and last the type-wide "service.d". Only "*.conf"
//     files count. A file masks same-named ones found after it in that
//     order; all are then applied sorted by file name.
//
// Load returns an error wrapping ErrNotFound when no such unit exists, and
// for files it cannot read. Syntax problems are reported in the Unit.
func Load(ctx context.Context, root *sysroot.Root, name string) (*Unit, error) {
	l, err := newLoader(ctx, root, SearchPath())
	if err != nil {
		return nil, err
	}
	return l.load(name)
}

// LoadFile loads a unit file that lies outside the search path, such as
// deploy/mysql.service in a repository, with drop-ins from the directories
// beside it that systemd would use if that directory were the search path
// ("mysql.service.d/", template, prefix and "service.d/"). The unit is named
// after the file.
func LoadFile(ctx context.Context, root *sysroot.Root, name string) (*Unit, error) {
	p := cleanRel(name)
	base := path.Base(p)
	if classifyName(base) == nameInvalid {
		return nil, fmt.Errorf("%s: %q is not a valid unit file name", p, base)
	}
	l := &loader{ctx: ctx, root: root, dirs: []string{path.Dir(p)}}
	_, instance, _ := nameParts(base)
	u := &Unit{Name: base, Instance: instance, Path: p}
	return u, l.fill(u)
}

// loader holds systemd's map of unit names for one search path
// (unit_file_build_name_map()).
type loader struct {
	ctx      context.Context
	root     *sysroot.Root
	dirs     []string            // search path, highest priority first
	expanded []string            // dirs and their resolved forms
	ids      map[string]idEntry  // unit name → file or alias target
	names    map[string][]string // fragment base name → names that lead to it
}

// idEntry is what a name in a search directory stands for: a unit file
// (path) or an alias of another unit name.
type idEntry struct {
	path  string
	alias string
}

// maxAliasHops is FOLLOW_MAX in unit_ids_map_get().
const maxAliasHops = 8

var errAliasLoop = errors.New("too many levels of aliases")

func newLoader(ctx context.Context, root *sysroot.Root, dirs []string) (*loader, error) {
	l := &loader{ctx: ctx, root: root, dirs: dirs, ids: map[string]idEntry{}, names: map[string][]string{}}
	for _, d := range dirs {
		if !slices.Contains(l.expanded, d) {
			l.expanded = append(l.expanded, d)
		}
		if r, err := root.Resolve(d); err == nil && !slices.Contains(l.expanded, r) {
			l.expanded = append(l.expanded, r)
		}
	}
	for _, d := range dirs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ents, err := root.ReadDir(d)
		if err != nil {
			if notExist(err) {
				continue
			}
			return nil, fmt.Errorf("unit directory: %w", err)
		}
		for _, e := range ents {
			name := e.Name()
			t := e.Type()
			if !t.IsRegular() && t&fs.ModeSymlink == 0 || classifyName(name) == nameInvalid {
				continue // directories (.wants, .d) and non-unit names
			}
			if _, seen := l.ids[name]; seen {
				continue // a higher-priority directory already has this name
			}
			p := d + "/" + name
			if t.IsRegular() {
				l.ids[name] = idEntry{path: p}
				continue
			}
			if ent, ok := l.resolveSymlink(p, name); ok {
				l.ids[name] = ent
			}
		}
	}
	for _, src := range slices.Sorted(maps.Keys(l.ids)) {
		frag, err := l.fragmentOf(src)
		if err != nil {
			continue
		}
		if masked, err := l.masked(frag); err != nil || masked {
			continue
		}
		dst := path.Base(frag)
		if classifyName(dst) == nameTemplate && classifyName(src) == nameInstance {
			_, inst, _ := nameParts(src)
			dst = withInstance(dst, inst)
		}
		l.names[dst] = append(l.names[dst], src)
	}
	return l, nil
}

// resolveSymlink classifies the symlink p named name as
// unit_file_resolve_symlink() does: an alias when its target lies in the
// search path, else a linked unit file (or a mask, for /dev/null).
// Unlike systemd, which reads one link, it resolves the whole chain (sysroot
// offers no readlink); this differs only for chains of aliases whose middle
// name is overridden in a higher-priority directory.
func (l *loader) resolveSymlink(p, name string) (idEntry, bool) {
	target, err := l.root.Resolve(p)
	if err != nil {
		var pe *fs.PathError
		if !errors.As(err, &pe) || !errors.Is(pe.Err, fs.ErrNotExist) {
			return idEntry{}, false // a link loop: systemd logs and skips it
		}
		target = strings.TrimPrefix(path.Clean(pe.Path), "/") // dangling: where it points
	}
	for _, d := range l.expanded {
		if strings.HasPrefix(target, d+"/") {
			dst := path.Base(target)
			if !validAlias(name, dst) {
				return idEntry{}, false
			}
			return idEntry{alias: dst}, true
		}
	}
	return idEntry{path: p}, true
}

// validAlias follows unit_validate_alias_symlink_or_warn(): an alias must
// name a unit of the same type and kind (an instance may point at its
// template), keep its instance, and not point at itself.
func validAlias(src, dst string) bool {
	if src == dst {
		return false
	}
	sk, dk := classifyName(src), classifyName(dst)
	if dk == nameInvalid || unitTypeOf(src) != unitTypeOf(dst) {
		return false
	}
	if sk != dk && (sk != nameInstance || dk != nameTemplate) {
		return false
	}
	if dk == nameInstance {
		_, si, _ := nameParts(src)
		_, di, _ := nameParts(dst)
		return si == di
	}
	return true
}

// fragmentOf follows aliases from name to a unit file (unit_ids_map_get()).
func (l *loader) fragmentOf(name string) (string, error) {
	id := ""
	for range maxAliasHops {
		key := name
		if id != "" {
			key = id
		}
		e, ok := l.ids[key]
		if !ok {
			if id == "" || classifyName(id) != nameInstance {
				return "", ErrNotFound
			}
			if e, ok = l.ids[templateOf(id)]; !ok {
				return "", ErrNotFound
			}
		}
		if e.path != "" {
			return e.path, nil
		}
		id = e.alias
	}
	return "", errAliasLoop
}

// masked reports whether the file p is a mask: a link to /dev/null or an
// empty file (null_or_empty()).
func (l *loader) masked(p string) (bool, error) {
	state, err := stateOf(l.root, p)
	return state == fileMasked, err
}

// findFragment finds the unit file and the names of the unit called name
// (unit_file_find_fragment()).
func (l *loader) findFragment(name string) (frag string, names []string, err error) {
	kind := classifyName(name)
	_, instance, _ := nameParts(name)
	set := map[string]bool{}
	l.addNames(set, kind, instance, "", name)
	frag, err = l.fragmentOf(name)
	if err != nil && kind == nameInstance {
		frag, err = l.fragmentOf(templateOf(name))
	}
	if err != nil {
		return "", nil, err
	}
	if fb := path.Base(frag); fb != name {
		l.addNames(set, kind, instance, fb, fb)
	}
	for n := range set {
		if kind == nameInstance && classifyName(n) == nameTemplate {
			n = withInstance(n, instance) // unit_add_name() puts the instance in
		}
		names = append(names, n)
	}
	slices.Sort(names)
	return frag, slices.Compact(names), nil
}

// addNames is add_names(): the name itself unless the unit is a template,
// and the names that alias it, instantiated for an instance unit.
func (l *loader) addNames(set map[string]bool, kind nameKind, instance, fragBase, name string) {
	if kind != nameTemplate {
		set[name] = true
	}
	for _, alias := range l.names[name] {
		if kind == nameInstance && classifyName(alias) == nameTemplate {
			inst := withInstance(alias, instance)
			if f, err := l.fragmentOf(inst); err == nil && fragBase != "" && path.Base(f) != fragBase {
				continue // that instance is its own unit, not an alias of this one
			}
			set[inst] = true
			continue
		}
		set[alias] = true
	}
}

// load loads one unit by name.
func (l *loader) load(name string) (*Unit, error) {
	kind := classifyName(name)
	if kind == nameInvalid {
		return nil, fmt.Errorf("%q is not a valid unit name", name)
	}
	frag, names, err := l.findFragment(name)
	if err != nil {
		return nil, fmt.Errorf("unit %s: %w", name, err)
	}
	_, instance, _ := nameParts(name)
	id := path.Base(frag)
	if classifyName(id) == nameTemplate && instance != "" {
		id = withInstance(id, instance)
	}
	u := &Unit{Name: id, Instance: instance, Path: frag}
	for _, n := range names {
		if n != id {
			u.Aliases = append(u.Aliases, n)
		}
	}
	if err := l.fill(u); err != nil {
		return nil, err
	}
	return u, nil
}

// fill reads u.Path and the unit's drop-ins into u.
func (l *loader) fill(u *Unit) error {
	if err := l.ctx.Err(); err != nil {
		return err
	}
	src, state, err := readConf(l.root, u.Path)
	if err != nil {
		return err
	}
	switch state {
	case fileMissing:
		return fmt.Errorf("unit %s: %s: %w", u.Name, u.Path, ErrNotFound)
	case fileMasked:
		u.Masked = true
	default:
		f, _ := Parse(u.Path, src)
		u.Files = []*File{f}
		if f.Err == nil {
			u.badSetting = stopAtRejectedCommand(u, f)
		}
		if f.Err != nil {
			u.Err = f.Err
			return nil // systemd reads no drop-ins for a unit that failed to load
		}
	}
	dropins, err := listConfFiles(l.root, l.dropinDirs(u.Name, u.Aliases), true)
	if err != nil {
		return err
	}
	u.DropIns = dropins
	if u.Masked {
		return nil
	}
	for _, p := range dropins {
		if err := l.ctx.Err(); err != nil {
			return err
		}
		f, err := parseConf(l.root, p)
		if err != nil {
			return err
		}
		if f != nil {
			if f.Err == nil {
				stopAtRejectedCommand(u, f)
			}
			u.Files = append(u.Files, f)
		}
	}
	return nil
}

// isExecKey reports whether key is a command line setting whose parser can make systemd stop
// reading a file (config_parse_exec() returning -ENOEXEC).
func isExecKey(key string) bool {
	switch key {
	case "ExecCondition", "ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload",
		"ExecStop", "ExecStopPost", "ExecStopPre":
		return true
	}
	return false
}

// stopAtRejectedCommand does what systemd does when a command line in f is
// fatally wrong (not "-"-prefixed): it stops reading f there. It truncates
// f at that assignment, records the error in f.Err and reports whether it
// did. (In a unit file this fails the unit; in a drop-in only the rest of
// the drop-in is lost.)
func stopAtRejectedCommand(u *Unit, f *File) bool {
	sec := sectionOf(u.Name)
	for i, a := range f.Assignments {
		if a.Section != sec || !isExecKey(a.Key) {
			continue
		}
		var ee *ExecError
		if _, err := parseExec(a.Value, u.Expand); !errors.As(err, &ee) || ee.Ignored {
			continue
		}
		f.Err = source.Errorf(a.ValuePos, "%s=: %s", a.Key, ee.Msg)
		f.Assignments = f.Assignments[:i]
		kept := f.Warnings[:0]
		for _, w := range f.Warnings {
			if w.Pos.Line <= a.KeyPos.Line {
				kept = append(kept, w)
			}
		}
		f.Warnings = kept
		return true
	}
	return false
}

// dropinDirs lists the existing drop-in directories of a unit in systemd's
// order (unit_file_find_dropin_paths()), resolved.
func (l *loader) dropinDirs(id string, aliases []string) []string {
	var dirs []string
	for _, p := range l.dirs {
		l.findDirs(p, id, &dirs)
	}
	for _, a := range aliases {
		for _, p := range l.dirs {
			l.findDirs(p, a, &dirs)
		}
	}
	for _, p := range l.dirs {
		l.findDirs(p, unitTypeOf(id), &dirs)
	}
	return dirs
}

// findDirs is unit_file_find_dirs(): "<name>.d" in dir p, then the
// template's, then the dash prefix's ("foo-bar-.service" then
// "foo-.service" for "foo-bar-baz.service"); a bare type name ("service")
// has only its own.
func (l *loader) findDirs(p, name string, dirs *[]string) {
	if r, err := l.root.Resolve(p + "/" + name + ".d"); err == nil {
		if fi, err := l.root.Stat(r); err == nil && fi.IsDir() {
			*dirs = append(*dirs, r)
		}
	}
	kind := classifyName(name)
	if kind == nameInstance {
		l.findDirs(p, templateOf(name), dirs)
	}
	if isUnitType(name) || kind == nameInvalid {
		return
	}
	prefix, instance, typ := nameParts(name)
	chopped := false
	for {
		dash := strings.LastIndexByte(prefix, '-')
		if dash <= 0 {
			return
		}
		if dash+1 < len(prefix) || chopped {
			prefix = prefix[:dash+1]
			break
		}
		prefix, chopped = prefix[:dash], true
	}
	built := prefix + "." + typ
	if kind == nameInstance {
		built = prefix + "@" + instance + "." + typ
	}
	if classifyName(built) == nameInvalid {
		return
	}
	l.findDirs(p, built, dirs)
}

// listConfFiles is conf_files_list_strv(".conf", dirs): the *.conf entries
// of dirs (hidden ones skipped), a name found in an earlier directory
// masking later ones, sorted by file name. Missing directories are skipped.
func listConfFiles(root *sysroot.Root, dirs []string, resolved bool) ([]string, error) {
	seen := map[string]string{}
	for _, d := range dirs {
		if !resolved {
			if r, err := root.Resolve(d); err == nil {
				d = r
			}
		}
		ents, err := root.ReadDir(d)
		if err != nil {
			if notExist(err) {
				continue
			}
			return nil, fmt.Errorf("drop-in directory: %w", err)
		}
		for _, e := range ents {
			n := e.Name()
			if strings.HasPrefix(n, ".") || !strings.HasSuffix(n, ".conf") {
				continue
			}
			if _, ok := seen[n]; !ok {
				seen[n] = d + "/" + n
			}
		}
	}
	names := slices.Sorted(maps.Keys(seen))
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = seen[n]
	}
	return out, nil
}

// fileState says what systemd finds at a configuration path.
type fileState int

const (
	fileMissing fileState = iota // not there (or a directory): nothing to read
	fileMasked                   // /dev/null or empty: null_or_empty()
	filePresent
)

// stateOf says what is at p without reading it: a link to /dev/null (which
// need not exist under the sysroot), an empty regular file, another file,
// or nothing.
func stateOf(root *sysroot.Root, p string) (fileState, error) {
	r, err := root.Resolve(p)
	if err != nil {
		var pe *fs.PathError
		switch {
		case errors.As(err, &pe) && errors.Is(pe.Err, fs.ErrNotExist) && path.Clean(pe.Path) == "/dev/null":
			return fileMasked, nil
		case notExist(err):
			return fileMissing, nil
		}
		return fileMissing, err
	}
	if r == "dev/null" {
		return fileMasked, nil
	}
	fi, err := root.Stat(r)
	switch {
	case err != nil && notExist(err):
		return fileMissing, nil
	case err != nil:
		return fileMissing, err
	case fi.IsDir():
		return fileMissing, nil
	case fi.Mode().IsRegular() && fi.Size() == 0:
		return fileMasked, nil
	}
	return filePresent, nil
}

// readConf reads a configuration file through root, following links.
func readConf(root *sysroot.Root, p string) ([]byte, fileState, error) {
	state, err := stateOf(root, p)
	if err != nil || state != filePresent {
		return nil, state, err
	}
	f, err := root.ReadFile(p)
	if err != nil {
		if notExist(err) || errors.Is(err, sysroot.ErrIsDir) {
			return nil, fileMissing, nil
		}
		return nil, fileMissing, err
	}
	if len(f.Src) == 0 {
		return nil, fileMasked, nil
	}
	return f.Src, filePresent, nil
}

// parseConf reads and parses p; it returns nil when p has nothing to apply.
func parseConf(root *sysroot.Root, p string) (*File, error) {
	src, state, err := readConf(root, p)
	if err != nil || state != filePresent {
		return nil, err
	}
	f, _ := Parse(p, src)
	return f, nil
}

// cleanRel turns a name into a clean sysroot-relative slash path.
func cleanRel(name string) string {
	p := strings.TrimPrefix(path.Clean("/"+name), "/")
	if p == "" {
		return "."
	}
	return p
}
