// Package fuzzseed seeds a reader's fuzz target with its test fixtures:
// every fixture is a valid-looking input the mutator starts from.
package fuzzseed

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// AddFiles adds every file matching pattern (a filepath.Glob pattern) as a
// seed, and fails when there is none: a fuzz target without its corpus
// mostly mutates noise.
func AddFiles(f *testing.F, pattern string) {
	f.Helper()
	paths, err := filepath.Glob(pattern)
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seeds match %s: %v", pattern, err)
	}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
}

// AddTree adds every regular file under dir for which keep reports true
// (all of them when keep is nil) as a seed, skipping the fuzzer's own
// corpus directories (testdata/fuzz), and fails when there is none.
func AddTree(f *testing.F, dir string, keep func(path string) bool) {
	f.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == "fuzz":
			return filepath.SkipDir
		case !d.Type().IsRegular() || keep != nil && !keep(p):
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f.Add(src)
		n++
		return nil
	})
	if err != nil || n == 0 {
		f.Fatalf("no seeds under %s: %v", dir, err)
	}
}

// HasExt returns a keep function for AddTree that takes files ending in ext.
func HasExt(ext string) func(string) bool {
	return func(p string) bool { return filepath.Ext(p) == ext }
}

// AddStrings adds each string as a seed.
func AddStrings(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
}
