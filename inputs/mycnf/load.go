package mycnf

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/sysroot"
)

// MaxIncludeDepth is the server's include nesting limit
// (max_recursion_level in my_default.c): directives in a file read at this
// depth are skipped with a warning.
const MaxIncludeDepth = 10

// DefaultFiles are the option files mysqld reads when started without
// --defaults-file, in order, on both MySQL 8.x and Debian-built MariaDB
// (reference/mysqld.md §1.1). $MYSQL_HOME/my.cnf and ~/.my.cnf depend on the
// environment of the running process and are not modelled.
var DefaultFiles = []string{"/etc/my.cnf", "/etc/mysql/my.cnf"}

// Entry is an option file the server reads on its own, not through an include.
type Entry struct {
	Path     string        // as the server is given it; relative paths are taken from "/"
	Required bool          // --defaults-file / --defaults-extra-file: missing is fatal
	Origin   source.Origin // why this file is read
}

// Option is one option line as the server receives it, in the order it
// receives them.
type Option struct {
	Line
	File  string // the file that holds it
	Depth int    // include depth of that file (0 for an entry)
}

// Arg formats the option as the server gets it on its argument list
// ("--name=value" or "--name"), as my_print_defaults prints it.
func (o Option) Arg() string {
	if o.HasValue {
		return "--" + o.Name + "=" + o.Value
	}
	return "--" + o.Name
}

// Comment is a conncap: directive found in an option file.
type Comment struct {
	Pos  source.Pos
	Text string
}

// Event is something the server notices while reading that is not fatal: a
// missing !include target, a skipped directive at the depth limit, a missing
// default file.
type Event struct {
	Pos  source.Pos // the directive or line concerned, or zero for a default file
	Kind EventKind
	Path string // the file or directory concerned
	Msg  string // what the server says, for AbortedFile
}

// EventKind names an Event.
type EventKind int

// Non-fatal reading events.
const (
	MissingInclude   EventKind = iota + 1 // !include of a missing file: silently ignored
	DepthLimit                            // directive skipped at MaxIncludeDepth
	MissingDefault                        // a default option file that is not there
	ReadDefault                           // a default option file that was read
	IncludedDirEntry                      // a file read through !includedir
	SkippedDirEntry                       // a file in an !includedir directory that is not *.cnf
	AbortedFile                           // an included file the server stopped reading at an error: the rest is ignored
	WorldWritable                         // a world-writable option file: the server ignores it with a warning
	LongLine                              // a line over MaxLineBytes: MariaDB splits it
	HomeInclude                           // an include under ~/: the home of the server's user, not modelled
	PathTooLong                           // an include path the server ignores (FN_REFLEN)
	EntryIsDir                            // an option file to read that is a directory: the server reads nothing from it
	MountedFile                           // a ConfigMap key a container reads as an option file (Pos: the key's value; Path: in the container; Msg: "configmap/key")
	OperatorTuning                        // options an operator derives (Pos: what it derives them from; Path: the resource; Msg: what it does)
)

// maxIncludePath is the longest !include path the server opens: longer ones
// are ignored (measured with my_print_defaults 10.11: 509 bytes and up).
const maxIncludePath = 508

// Set is everything the server reads from its option files.
type Set struct {
	Files    []*File  // distinct files read, in first-read order
	Options  []Option // every option of every group, in the order the server sees them
	Comments []Comment
	Events   []Event
}

// Select returns the options of the named groups (matched case-insensitively,
// as find_type does), in order.
func (s *Set) Select(groups func(string) bool) []Option {
	var out []Option
	for _, o := range s.Options {
		if groups(o.InGroup) {
			out = append(out, o)
		}
	}
	return out
}

// File returns the parsed file with the given path, or nil.
func (s *Set) File(p string) *File {
	for _, f := range s.Files {
		if f.Path == p {
			return f
		}
	}
	return nil
}

// CycleError reports an !include chain that comes back to a file being read.
// The server reads such a file again until the depth limit (11 times for a
// file that includes itself) and only warns; conncap refuses it.
type CycleError struct {
	Pos   source.Pos // the directive that closes the cycle
	Chain []string   // files from the first to the one that closes the cycle
}

// Error names the directive that closes the cycle and the chain of files.
func (e *CycleError) Error() string {
	return fmt.Sprintf("%s: !include cycle: %s -> %s (the server re-reads these files up to %d levels deep, duplicating their options)",
		e.Pos, strings.Join(e.Chain, " -> "), e.Chain[0], MaxIncludeDepth+1)
}

// Loader reads option files under a sysroot, caching parsed files.
type Loader struct {
	root  *sysroot.Root
	cache map[string]*File
}

// NewLoader returns a Loader reading under root.
func NewLoader(root *sysroot.Root) *Loader {
	return &Loader{root: root, cache: map[string]*File{}}
}

// Load reads the entries in order, following their includes.
func (l *Loader) Load(ctx context.Context, entries []Entry) (*Set, error) {
	st := &loadState{Loader: l, set: &Set{}, seen: map[string]bool{}}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := st.entry(ctx, e); err != nil {
			return st.set, err
		}
	}
	return st.set, st.errs.Err()
}

type loadState struct {
	*Loader
	set   *Set
	seen  map[string]bool
	stack []string
	errs  source.ErrorList
}

func (st *loadState) entry(ctx context.Context, e Entry) error {
	rel, err := st.root.Resolve(e.Path)
	if err == nil {
		var fi fs.FileInfo
		if fi, err = st.root.Stat(rel); err == nil && fi.IsDir() {
			st.set.Events = append(st.set.Events, Event{Kind: EntryIsDir, Path: rel})
			return nil
		}
	}
	if errors.Is(err, fs.ErrNotExist) && !e.Required {
		st.set.Events = append(st.set.Events, Event{Kind: MissingDefault, Path: trimSlash(e.Path)})
		return nil
	}
	if err != nil {
		if e.Required {
			return fmt.Errorf("%s: could not open required defaults file: %w", e.Origin, err)
		}
		return err
	}
	st.set.Events = append(st.set.Events, Event{Kind: ReadDefault, Path: rel})
	return st.file(ctx, rel, 0, source.Pos{})
}

// file reads one file at an include depth and processes its lines in order.
// At depth 0 an error the server aborts on is returned (parse errors are
// collected so that all are shown). Below, the server ignores the result of
// reading an included file: an error ends that file only, and the lines read
// before it stay in effect; that is recorded as an AbortedFile event.
func (st *loadState) file(ctx context.Context, p string, depth int, from source.Pos) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, s := range st.stack {
		if s == p {
			return &CycleError{Pos: from, Chain: append([]string(nil), st.stack[i:]...)}
		}
	}
	if fi, err := st.root.Stat(p); err == nil && fi.Mode().Perm()&0o002 != 0 {
		st.set.Events = append(st.set.Events, Event{Pos: from, Kind: WorldWritable, Path: p})
		return nil
	}
	f, err := st.parse(p)
	if f == nil {
		if from.IsValid() {
			return fmt.Errorf("%s: %w", from, err)
		}
		return err
	}
	lines := f.Lines
	var abort *source.Error
	if err != nil {
		var el source.ErrorList
		if !errors.As(err, &el) {
			return err
		}
		if depth == 0 {
			st.errs = append(st.errs, el...)
		} else {
			abort = el[0]
			n := 0
			for n < len(lines) && lines[n].Pos.Line < abort.Pos.Line {
				n++
			}
			lines = lines[:n]
		}
	}
	if !st.seen[p] {
		st.seen[p] = true
		st.set.Files = append(st.set.Files, f)
		for _, l := range f.LongLines {
			st.set.Events = append(st.set.Events, Event{Pos: l, Kind: LongLine, Path: p})
		}
	}
	st.stack = append(st.stack, p)
	defer func() { st.stack = st.stack[:len(st.stack)-1] }()
	for _, ln := range lines {
		var serr *source.Error
		switch ln.Kind {
		case OptionLine:
			st.set.Options = append(st.set.Options, Option{Line: ln, File: p, Depth: depth})
		case CommentLine:
			if !st.hasComment(ln.Pos) {
				st.set.Comments = append(st.set.Comments, Comment{Pos: ln.Pos, Text: ln.Comment})
			}
		case IncludeLine, IncludeDirLine:
			if depth >= MaxIncludeDepth {
				// Checked before the directive is even parsed.
				st.set.Events = append(st.set.Events, Event{Pos: ln.Pos, Kind: DepthLimit, Path: ln.Arg})
				continue
			}
			var err error
			switch {
			case ln.Arg == "":
				kw := "include"
				if ln.Kind == IncludeDirLine {
					kw = "includedir"
				}
				serr = source.Errorf(ln.Pos, "wrong '!%s' directive: no path given (the server aborts)", kw)
			case ln.Kind == IncludeLine:
				err = st.include(ctx, ln, depth)
			default:
				err = st.includeDir(ctx, ln, depth)
			}
			if err != nil && !errors.As(err, &serr) {
				return err
			}
		}
		if serr != nil {
			if depth == 0 {
				return serr
			}
			abort = serr
			break
		}
	}
	if abort != nil {
		st.set.Events = append(st.set.Events, Event{Pos: abort.Pos, Kind: AbortedFile, Path: p, Msg: abort.Msg})
	}
	return nil
}

func (st *loadState) hasComment(p source.Pos) bool {
	for _, c := range st.set.Comments {
		if c.Pos == p {
			return true
		}
	}
	return false
}

// include follows an !include. The server cleans the path as text first
// ("nodir/../x.cnf" opens "x.cnf" even when nodir does not exist), expands a
// leading "~/" to its user's home, and ignores paths of FN_REFLEN or more.
func (st *loadState) include(ctx context.Context, ln Line, depth int) error {
	switch {
	case strings.HasPrefix(ln.Arg, "~/"):
		st.set.Events = append(st.set.Events, Event{Pos: ln.Pos, Kind: HomeInclude, Path: ln.Arg})
		return nil
	case len(ln.Arg) > maxIncludePath:
		st.set.Events = append(st.set.Events, Event{Pos: ln.Pos, Kind: PathTooLong, Path: ln.Arg})
		return nil
	}
	rel, err := st.root.Resolve(path.Clean(ln.Arg))
	if err == nil {
		var fi fs.FileInfo
		if fi, err = st.root.Stat(rel); err == nil && !fi.Mode().IsRegular() {
			err = fs.ErrNotExist // the server's fopen of a directory fails: ignored
		}
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			st.set.Events = append(st.set.Events, Event{Pos: ln.Pos, Kind: MissingInclude, Path: ln.Arg})
			return nil
		}
		return fmt.Errorf("%s: !include: %w", ln.ArgPos, err)
	}
	return st.file(ctx, rel, depth+1, ln.Pos)
}

func (st *loadState) includeDir(ctx context.Context, ln Line, depth int) error {
	dir, err := st.root.Resolve(ln.Arg)
	var ents []fs.DirEntry
	if err == nil {
		ents, err = st.root.ReadDir(dir)
	}
	if err != nil {
		return source.Errorf(ln.ArgPos, "!includedir %q: cannot read the directory (%v): the server aborts with \"Can't read dir\"", ln.Arg, unwrapPath(err))
	}
	for _, e := range ents {
		name := e.Name()
		p := path.Join(dir, name)
		if path.Ext(name) != ".cnf" {
			st.set.Events = append(st.set.Events, Event{Pos: ln.Pos, Kind: SkippedDirEntry, Path: p})
			continue
		}
		fi, err := st.root.Stat(p)
		if err != nil || fi.IsDir() {
			continue // my_dir lists it, but the server cannot open it as a file
		}
		if r, err := st.root.Resolve(p); err == nil {
			p = r // a link and its target are one file
		}
		st.set.Events = append(st.set.Events, Event{Pos: ln.Pos, Kind: IncludedDirEntry, Path: p})
		if err := st.file(ctx, p, depth+1, ln.Pos); err != nil {
			return err
		}
	}
	return nil
}

func (st *loadState) parse(p string) (*File, error) {
	if f, ok := st.cache[p]; ok {
		return f, nil
	}
	text, err := st.root.ReadFile(p)
	if err != nil {
		return nil, err
	}
	f, err := Parse(p, text.Src)
	if err == nil {
		st.cache[p] = f
	}
	return f, err
}

func trimSlash(p string) string {
	if t := strings.TrimLeft(p, "/"); t != "" {
		return t
	}
	return "."
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
