// Package fuzzseed seeds a reader's fuzz target with its test fixtures:
// every fixture is a valid-looking input the mutator starts from.
package fuzzseed

import (
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

// AddStrings adds each string as a seed.
func AddStrings(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
}
