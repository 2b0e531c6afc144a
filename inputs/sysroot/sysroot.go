// Package sysroot performs every file read conncap makes. Paths are resolved
// inside a root directory the way the configured program would see them on
// the target machine: absolute paths, ".." and symbolic links (absolute ones
// too) are all kept under the root, so nothing outside it is ever read.
// Reads are capped in size and in symlink hops, and text must be UTF-8.
package sysroot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// Limits a Root enforces.
const (
	DefaultMaxFileSize = 4 << 20 // bytes; configuration files are far smaller
	MaxSymlinkHops     = 40      // as Linux's MAXSYMLINKS
)

// Errors a read may wrap; test them with errors.Is.
var (
	ErrTooLarge    = errors.New("file is larger than the size cap")
	ErrBinary      = errors.New("file is not UTF-8 text")
	ErrSymlinkLoop = errors.New("too many levels of symbolic links")
	ErrIsDir       = errors.New("is a directory")
	ErrNotDir      = errors.New("not a directory")
	ErrOutside     = errors.New("path is outside the root")
)

// Root is a directory that stands for "/" of the machine being checked.
type Root struct {
	dir         string // absolute, cleaned host path
	maxFileSize int64
}

// New returns a Root at dir with the default size cap.
func New(dir string) (*Root, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("root %s: %w", dir, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("root: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("root %s: %w", dir, ErrNotDir)
	}
	return &Root{dir: abs, maxFileSize: DefaultMaxFileSize}, nil
}

// WithMaxFileSize returns a copy of r with another size cap.
func (r *Root) WithMaxFileSize(n int64) *Root {
	c := *r
	c.maxFileSize = n
	return &c
}

// Dir returns the host directory of the root.
func (r *Root) Dir() string { return r.dir }

// Rel turns a host path (as given on the command line) into a slash path
// inside the root, without a leading slash ("." for the root itself).
func (r *Root) Rel(hostPath string) (string, error) {
	abs, err := filepath.Abs(hostPath)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(r.dir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s: %w %s", hostPath, ErrOutside, r.dir)
	}
	return filepath.ToSlash(rel), nil
}

// Resolve follows name inside the root, symlinks included, and returns the
// resolved slash path (no leading slash; "." for the root). A relative name
// is taken from the root, as a service started with WorkingDirectory=/ sees it.
// The last element need not exist.
func (r *Root) Resolve(name string) (string, error) {
	var done []string // resolved components
	todo := splitPath(name)
	hops := 0
	for len(todo) > 0 {
		elem := todo[0]
		todo = todo[1:]
		switch elem {
		case "", ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cand := append(slices.Clone(done), elem)
		fi, err := os.Lstat(r.host(cand))
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			if err != nil && len(todo) > 0 {
				return "", &fs.PathError{Op: "open", Path: "/" + path.Join(append(cand, todo...)...), Err: fs.ErrNotExist}
			}
			done = cand
			continue
		}
		hops++
		if hops > MaxSymlinkHops {
			return "", &fs.PathError{Op: "open", Path: displayPath(name), Err: ErrSymlinkLoop}
		}
		target, err := os.Readlink(r.host(cand))
		if err != nil {
			return "", &fs.PathError{Op: "readlink", Path: "/" + path.Join(cand...), Err: err}
		}
		target = filepath.ToSlash(target)
		if strings.HasPrefix(target, "/") {
			done = nil // re-rooted: an absolute link points inside the root
		}
		todo = append(splitPath(target), todo...)
	}
	if len(done) == 0 {
		return ".", nil
	}
	return path.Join(done...), nil
}

// Stat returns the file info of name after following links.
func (r *Root) Stat(name string) (fs.FileInfo, error) {
	rel, err := r.Resolve(name)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(r.hostRel(rel))
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: displayPath(name), Err: unwrapPathErr(err)}
	}
	return fi, nil
}

// ReadFile reads a text file. The returned File's Path is the resolved path
// as given (relative names stay relative, absolute names lose their slash).
func (r *Root) ReadFile(name string) (*source.File, error) {
	rel, err := r.Resolve(name)
	if err != nil {
		return nil, err
	}
	disp := displayPath(name)
	f, err := os.Open(r.hostRel(rel))
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: disp, Err: unwrapPathErr(err)}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: disp, Err: unwrapPathErr(err)}
	}
	if fi.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: disp, Err: ErrIsDir}
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: disp, Err: fmt.Errorf("not a regular file (%s)", fi.Mode().Type())}
	}
	src, err := io.ReadAll(io.LimitReader(f, r.maxFileSize+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: disp, Err: unwrapPathErr(err)}
	}
	if int64(len(src)) > r.maxFileSize {
		return nil, &fs.PathError{Op: "read", Path: disp, Err: fmt.Errorf("%w of %d bytes", ErrTooLarge, r.maxFileSize)}
	}
	if err := CheckText(src); err != nil {
		return nil, &fs.PathError{Op: "read", Path: disp, Err: err}
	}
	return source.NewFile(rel, src), nil
}

// ReadDir lists a directory, following links, sorted by name in byte order.
func (r *Root) ReadDir(name string) ([]fs.DirEntry, error) {
	rel, err := r.Resolve(name)
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(r.hostRel(rel))
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: displayPath(name), Err: unwrapPathErr(err)}
	}
	return ents, nil // os.ReadDir sorts by name with strings.Compare: byte order
}

// CheckText rejects content with NUL bytes or invalid UTF-8, naming the line.
func CheckText(src []byte) error {
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return fmt.Errorf("%w: NUL byte on line %d (binary file?)", ErrBinary, bytes.Count(src[:i], []byte("\n"))+1)
	}
	if !utf8.Valid(src) {
		line := 1
		for i := 0; i < len(src); {
			c, size := utf8.DecodeRune(src[i:])
			if c == utf8.RuneError && size <= 1 {
				return fmt.Errorf("%w: invalid UTF-8 on line %d", ErrBinary, line)
			}
			if c == '\n' {
				line++
			}
			i += size
		}
	}
	return nil
}

func (r *Root) host(elems []string) string {
	return filepath.Join(append([]string{r.dir}, elems...)...)
}

func (r *Root) hostRel(rel string) string {
	if rel == "." {
		return r.dir
	}
	return filepath.Join(r.dir, filepath.FromSlash(rel))
}

func splitPath(p string) []string { return strings.Split(filepath.ToSlash(p), "/") }

// displayPath is how a name appears in messages: slash-separated, no leading slash.
func displayPath(name string) string {
	p := strings.TrimPrefix(path.Clean("/"+filepath.ToSlash(name)), "/")
	if p == "" {
		return "."
	}
	return p
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
