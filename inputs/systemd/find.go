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

	"github.com/conncap/conncap/inputs/sysroot"
)

// FindServerUnits returns the MySQL/MariaDB server units of the system under
// root, loaded as Load loads them, one per unit (aliases such as
// mysql.service → mariadb.service are merged), sorted by Name. A service is
// a server unit when
//
//   - it is called mysql.service, mysqld.service or mariadb.service, or is a
//     template or instance of mysql@, mysqld@ or mariadb@; or
//   - a word of its ExecStart= command lines (the program, an argument such
//     as numactl's, or a word of a "sh -c" script) has the base name mysqld,
//     mariadbd, mysqld_safe or mariadbd-safe.
//
// Candidates are the service names in the search path and the instances
// enabled through *.wants/, *.requires/ and *.upholds/ links. A template
// (mariadb@.service) is returned itself, with an empty Instance, only when
// none of its instances is enabled. Masked units and units that fail to
// load are returned too (see Unit.Masked and Unit.Err); other units that
// cannot be loaded are skipped.
func FindServerUnits(ctx context.Context, root *sysroot.Root) ([]*Unit, error) {
	l, err := newLoader(ctx, root, SearchPath())
	if err != nil {
		return nil, err
	}
	candidates := map[string]bool{}
	for name := range l.ids {
		if unitTypeOf(name) == "service" {
			candidates[name] = true
		}
	}
	if err := l.enabledInstances(candidates); err != nil {
		return nil, err
	}
	byName := map[string]*Unit{}
	for _, name := range slices.Sorted(maps.Keys(candidates)) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		named := isServerName(name)
		u, err := l.load(name)
		if err != nil {
			if named && !errors.Is(err, ErrNotFound) {
				return nil, err
			}
			continue
		}
		if _, dup := byName[u.Name]; dup || !named && !runsServer(u) {
			continue
		}
		byName[u.Name] = u
	}
	instanceFiles := map[string]bool{}
	for _, u := range byName {
		if u.Instance != "" {
			instanceFiles[u.Path] = true
		}
	}
	var out []*Unit
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		u := byName[name]
		if classifyName(u.Name) == nameTemplate && instanceFiles[u.Path] {
			continue
		}
		out = append(out, u)
	}
	return out, nil
}

// enabledInstances adds the service instances linked from the dependency
// directories (*.wants/ and the like) of the search path.
func (l *loader) enabledInstances(into map[string]bool) error {
	for _, d := range l.dirs {
		ents, err := l.root.ReadDir(d)
		if err != nil {
			if notExist(err) {
				continue
			}
			return fmt.Errorf("unit directory: %w", err)
		}
		for _, e := range ents {
			n := e.Name()
			if !strings.HasSuffix(n, ".wants") && !strings.HasSuffix(n, ".requires") && !strings.HasSuffix(n, ".upholds") {
				continue
			}
			if !e.IsDir() && e.Type()&fs.ModeSymlink == 0 {
				continue
			}
			deps, err := l.root.ReadDir(d + "/" + n)
			if err != nil {
				continue // a dangling or non-directory link: systemd skips it too
			}
			for _, dep := range deps {
				if dn := dep.Name(); classifyName(dn) == nameInstance && unitTypeOf(dn) == "service" {
					into[dn] = true
				}
			}
		}
	}
	return nil
}

// isServerName reports whether a service name is one the server packages use.
func isServerName(name string) bool {
	prefix, _, typ := nameParts(name)
	if typ != "service" {
		return false
	}
	switch prefix {
	case "mysql", "mysqld", "mariadb":
		return true
	}
	return false
}

// isServerProgram reports whether base is the name of a server binary or of
// its wrapper script.
func isServerProgram(base string) bool {
	switch base {
	case "mysqld", "mariadbd", "mysqld_safe", "mariadbd-safe":
		return true
	}
	return false
}

// runsServer reports whether one of the unit's ExecStart= commands runs a
// server binary, directly, through a wrapper or from a shell script.
func runsServer(u *Unit) bool {
	cmds, _ := u.Exec("ExecStart")
	for _, c := range cmds {
		words := append([]string{c.Path}, c.Argv...)
		for _, w := range words {
			for _, f := range strings.FieldsFunc(w, isShellBreak) {
				if isServerProgram(path.Base(f)) {
					return true
				}
			}
		}
	}
	return false
}

// isShellBreak reports whether r separates words in a shell script.
func isShellBreak(r rune) bool {
	return strings.ContainsRune(" \t\n\r;&|()`'\"<>", r)
}
