// Package sysroottest builds throwaway sysroot trees for tests.
package sysroottest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/sysroot"
)

// Dir writes files under a new temporary directory and returns it. Keys are
// slash-separated paths relative to the directory; a value "->TARGET" (a
// space after the arrow is allowed) makes a symbolic link to TARGET, and
// "<dir>" an empty directory, instead of a file.
func Dir(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		if target, ok := strings.CutPrefix(content, "->"); ok {
			err = os.Symlink(strings.TrimPrefix(target, " "), p)
		} else if content == "<dir>" {
			err = os.MkdirAll(p, 0o755)
		} else {
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Root writes files as Dir does and returns the tree as a sysroot.
func Root(t testing.TB, files map[string]string) *sysroot.Root {
	t.Helper()
	root, err := sysroot.New(Dir(t, files))
	if err != nil {
		t.Fatal(err)
	}
	return root
}
