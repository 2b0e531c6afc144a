package spring_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/spring"
	"github.com/conncap/conncap/inputs/source"
)

func FuzzParse(f *testing.F) {
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(filepath.Dir(p)) == "FuzzParse" {
			return err
		}
		src, err := os.ReadFile(p)
		if err == nil {
			ext := filepath.Ext(p)
			f.Add(src, ext == ".yml" || ext == ".yaml") // every fixture is a seed
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "\\", "a=\\u", "#---", "!---\n!---", "a[]=,,", "a=${", "a=${b:${c}}", "k\\\n\\\n"} {
		f.Add([]byte(s), false)
	}
	for _, s := range []string{"", "---", "a: &x [*x]", "a: {<<: [*b]}", "- - -", "? [a]\n: b", "a: !!int x", "a: 0b", "a: 9:99:99"} {
		f.Add([]byte(s), true)
	}
	env := apps.EnvMap{
		"SPRING_PROFILES_ACTIVE":                   {Name: "SPRING_PROFILES_ACTIVE", Value: source.Value[string]{V: "prod", Origin: source.At(source.Pos{Path: "env", Line: 1, Col: 1})}},
		"SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE": {Name: "SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", Unknown: true},
	}
	f.Fuzz(func(t *testing.T, src []byte, isYAML bool) {
		path := "src/main/resources/application.properties"
		if isYAML {
			path = "src/main/resources/application.yml"
		}
		file, err := spring.Parse(path, src) // must not panic or hang
		lines := bytes.Count(src, []byte("\n")) + bytes.Count(src, []byte("\r")) + 1
		check := func(what string, p source.Pos) {
			if p.Path != path || p.Line < 1 || p.Line > lines || p.Col < 0 {
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
		for _, d := range file.Docs {
			for _, p := range d.Props {
				check("key "+p.Key, p.KeyPos)
				check("value of "+p.Key, p.ValuePos)
			}
		}
		_, err = spring.Pools([]*spring.File{file}, env)
		if err != nil {
			var list source.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Pools() error is not a source.ErrorList: %#v", err)
			}
		}
	})
}
