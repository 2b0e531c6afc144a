package gosql_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/conncap/conncap/inputs/apps/gosql"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/internal/fuzzseed"
)

func FuzzParse(f *testing.F) {
	fuzzseed.AddTree(f, "testdata", fuzzseed.HasExt(".go")) // every fixture is a seed
	for _, s := range []string{"", "package p", "package p\nconst a = b\nconst b = a\nfunc f() { db.SetMaxOpenConns(a) }",
		"package p\nimport \"database/sql\"\nfunc f() { d, _ := sql.Open(\"mysql\", \"x\"); d.SetMaxOpenConns(1 << 200); d.SetConnMaxLifetime(1e300) }"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const path = "fuzz.go"
		file, err := gosql.Parse(path, src) // must not panic
		lines := bytes.Count(src, []byte("\n")) + 1
		check := func(what string, p source.Pos) {
			if p.Path != path || p.Line < 1 || p.Line > lines || p.Col < 1 {
				t.Fatalf("%s %v out of bounds (%d lines)", what, p, lines)
			}
		}
		if err != nil {
			var list source.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("Parse() error is not a source.ErrorList: %#v", err)
			}
			for _, e := range list {
				check("error", e.Pos)
			}
		}
		if file == nil {
			t.Fatal("Parse() returned a nil File")
		}
		for _, o := range file.Opens {
			check("open", o.Pos)
		}
		for _, c := range file.Calls {
			check("call", c.Pos)
			check("arg", c.ArgPos)
		}
		if _, err := gosql.Pools([]*gosql.File{file}, nil); err != nil {
			t.Fatalf("Pools() error: %v", err)
		}
	})
}
