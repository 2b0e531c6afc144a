package kube_test

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/kube"
	"github.com/conncap/conncap/inputs/source"
)

// lineRunes returns each line's length in runes, lines split at LF as an
// editor (and source.File) splits them.
func lineRunes(src []byte) []int {
	var n []int
	for _, l := range bytes.Split(src, []byte("\n")) {
		n = append(n, utf8.RuneCount(l))
	}
	return n
}

// checkPos fails when p is not a position inside src: Line in the file,
// Col 0 (whole line) or within the line (one past its end allowed).
func checkPos(t *testing.T, what string, p source.Pos, path string, lines []int) {
	t.Helper()
	if p.Path != path || p.Line < 1 || p.Line > len(lines) || p.Col < 0 || p.Col > lines[p.Line-1]+1 {
		t.Errorf("%s: position %v (%+v) outside the file (%d lines)", what, p, p, len(lines))
	}
}

func checkValue[T any](t *testing.T, what string, v source.Value[T], path string, lines []int) {
	t.Helper()
	if v.Origin.Pos.IsValid() || v.Origin.Note == "" {
		checkPos(t, what, v.Origin.Pos, path, lines)
	}
}

// checkPositions checks every position in f.
func checkPositions(t *testing.T, f *kube.File, src []byte) {
	t.Helper()
	if f == nil {
		return
	}
	lines := lineRunes(src)
	p := f.Path
	for _, c := range f.Comments {
		checkPos(t, "comment", c.Pos, p, lines)
		if !strings.HasPrefix(c.Text, "conncap:") {
			t.Errorf("comment %q does not start with conncap:", c.Text)
		}
	}
	for i, o := range f.Objects {
		checkPos(t, "object", o.Pos, p, lines)
		for k, v := range o.Annotations {
			checkValue(t, "annotation "+k, v, p, lines)
		}
		if w := o.Workload; w != nil {
			checkPos(t, "workload", w.Pos, p, lines)
			for _, v := range []source.Value[int]{w.Replicas, w.Parallelism, w.Completions, w.Strategy.Partition} {
				if v.Origin.Pos.IsValid() {
					checkPos(t, "workload number", v.Origin.Pos, p, lines)
				}
			}
			for _, v := range []source.Value[string]{w.Strategy.Type, w.Strategy.MaxSurge, w.Strategy.MaxUnavailable, w.ConcurrencyPolicy} {
				if v.Origin.Pos.IsValid() {
					checkPos(t, "workload string", v.Origin.Pos, p, lines)
				}
			}
			for k, v := range w.PodAnnotations {
				checkValue(t, "pod annotation "+k, v, p, lines)
			}
			for _, c := range w.Containers {
				checkPos(t, "container", c.Pos, p, lines)
				for _, v := range append(append([]source.Value[string]{c.Image}, c.Command...), c.Args...) {
					if v.Origin.Pos.IsValid() {
						checkPos(t, "container string", v.Origin.Pos, p, lines)
					}
				}
				for _, e := range c.Env {
					checkPos(t, "env "+e.Name, e.Value.Origin.Pos, p, lines)
				}
				for _, e := range c.EnvSpec {
					checkValue(t, "env name", e.Name, p, lines)
					if e.Value != nil {
						checkValue(t, "env value", *e.Value, p, lines)
					}
					if e.From != nil {
						checkPos(t, "env valueFrom", e.From.Pos, p, lines)
					}
				}
				for _, e := range c.EnvFrom {
					checkPos(t, "envFrom", e.Pos, p, lines)
				}
				for _, q := range []source.Value[string]{c.CPULimit, c.CPURequest, c.MemoryLimit, c.MemoryRequest} {
					if q.Origin.Pos.IsValid() {
						checkPos(t, "quantity", q.Origin.Pos, p, lines)
					}
				}
			}
		}
		if a := o.Autoscaler; a != nil {
			checkPos(t, "autoscaler", a.Pos, p, lines)
			for _, v := range []source.Value[int]{a.Min, a.Max} {
				if v.Origin.Pos.IsValid() {
					checkPos(t, "autoscaler bound", v.Origin.Pos, p, lines)
				}
			}
		}
		if c := o.ConfigMap; c != nil {
			for k, v := range c.Data {
				checkValue(t, "data "+k, v, p, lines)
			}
		}
		if s := o.Secret; s != nil {
			for k, pos := range s.Keys {
				checkPos(t, "secret key "+k, pos, p, lines)
			}
		}
		_ = i
	}
}

// testdataFiles returns every file under testdata, fuzz corpus excluded.
func testdataFiles(tb testing.TB) []string {
	tb.Helper()
	var files []string
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "fuzz" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

func FuzzParse(f *testing.F) {
	for _, p := range testdataFiles(f) {
		f.Add(mustRead(f, p)) // every fixture is a seed
	}
	for _, s := range []string{
		"a: &a [*a]\n",
		"apiVersion: v1\nkind: ConfigMap\ndata: &d {<<: *d}\n",
		"apiVersion: v1\nkind: ConfigMap\ndata: {on: yes, 0x1F: 1_000, .5: ~}\n",
		"--- !tag\napiVersion: v1\n",
		"apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: ConfigMap}]}]\n",
		"apiVersion: apps/v1\nkind: Deployment\nspec: {replicas: 1e3, strategy: {rollingUpdate: {maxSurge: 101%, maxUnavailable: \"1\"}}}\n",
		"apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, env: [{name: A, value: $(B)$$é$(}], resources: {limits: {cpu: 1e-20, memory: m}}}]}\n",
		"apiVersion: v1\r\nkind: Pod\rmetadata: {name: \"\u2028\"}\u0085spec: {}\n",
		"\ufeffapiVersion: v1\nkind: ConfigMap\n",
		"\ufeff# conncap:ignore x y\napiVersion: v1 # conncap:z\nkind: ConfigMap\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := kube.Parse("fuzz.yaml", src) // must not panic or hang
		lines := lineRunes(src)
		switch {
		case errors.Is(err, kube.ErrNotKubernetes):
			if file != nil {
				t.Fatalf("Parse() = %+v with ErrNotKubernetes, want nil", file)
			}
		case err != nil:
			var list source.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("Parse() error is not a non-empty source.ErrorList: %#v", err)
			}
			for _, e := range list {
				checkPos(t, "error "+e.Msg, e.Pos, "fuzz.yaml", lines)
			}
			if file == nil {
				t.Fatal("Parse() returned a nil File with input errors")
			}
		case file == nil || len(file.Objects) == 0:
			t.Fatal("Parse() returned no objects and no error")
		}
		checkPositions(t, file, src)
		kube.Resolve([]*kube.File{file})
	})
}
