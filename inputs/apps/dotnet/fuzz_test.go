package dotnet_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/dotnet"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/internal/fuzzseed"
)

func FuzzParse(f *testing.F) {
	fuzzseed.AddTree(f, "testdata", fuzzseed.HasExt(".json")) // every fixture is a seed
	for _, s := range []string{"", "{", "{}", "[]", "{\"a\":", "{/*", "{//\n}", "{\"ConnectionStrings\":{\"x\":\"a=\\u00e9;Pooling=maybe;Min Pool Size=9\",}}", "\ufeff{\"a\":[,]}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const path = "appsettings.json"
		file, err := dotnet.Parse(path, src) // must not panic
		lines := bytes.Count(src, []byte("\n")) + 1
		checkPos := func(what string, p source.Pos) {
			if p.Path != path || p.Line < 1 || p.Line > lines || p.Col < 1 {
				t.Fatalf("%s %v out of bounds (%d lines)", what, p, lines)
			}
		}
		if err != nil {
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse() error is not positioned: %#v", err)
			}
			checkPos("error", se.Pos)
		}
		if file == nil {
			t.Fatal("Parse() returned a nil File")
		}
		for _, s := range file.Settings {
			checkPos("KeyPos of "+s.Key, s.KeyPos)
			checkPos("ValuePos of "+s.Key, s.ValuePos)
			for _, i := range []int{0, len(s.Value) / 2, len(s.Value)} {
				checkPos("PosOf", s.PosOf(i))
			}
		}
		_, err = dotnet.Pools([]*dotnet.File{file}, apps.EnvMap{})
		if err != nil {
			var list source.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Pools() error is not a source.ErrorList: %#v", err)
			}
			for _, e := range list {
				checkPos("Pools error", e.Pos)
			}
		}
	})
}
