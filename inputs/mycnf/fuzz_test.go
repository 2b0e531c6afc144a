package mycnf_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/conncap/conncap/inputs/mycnf"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/internal/fuzzseed"
)

func FuzzParse(f *testing.F) {
	fuzzseed.AddTree(f, filepath.Join("testdata", "oracle"), nil) // every oracle fixture file is a seed
	for _, s := range []string{
		"",
		"\n",
		"[",
		"]",
		"!",
		"!include",
		"!include ",
		"!include x",
		"!includedir \t\r\n",
		"[mysqld]\nk",
		"[mysqld]\nk=",
		"[mysqld]\n=",
		"[mysqld]\n = v",
		"[mysqld]\nk = \"\\",
		"[mysqld]\nk = '\\'' # c",
		"[é]\né = \"é\\é\" # é",
		"\ufeff[mysqld]\r\nk=v\r\n",
		"[mysqld]\rk=1\r",
		"# conncap:ignore x y\n; conncap:\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := mycnf.Parse("fuzz.cnf", src) // must not panic or hang
		lines := bytes.Count(src, []byte("\n")) + 1
		if err != nil {
			var list source.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("Parse() error is not a non-empty source.ErrorList: %#v", err)
			}
			for _, e := range list {
				if e.Pos.Path != "fuzz.cnf" || e.Pos.Line < 1 || e.Pos.Line > lines+1 || e.Pos.Col < 1 {
					t.Errorf("error position out of bounds (%d lines): %v", lines, e)
				}
			}
		}
		if file == nil {
			t.Fatal("Parse() returned a nil File")
		}
		for i, ln := range file.Lines {
			check := func(what string, p source.Pos) {
				if p.Path != "fuzz.cnf" || p.Line < 1 || p.Line > lines || p.Col < 1 {
					t.Errorf("line %d (%+v): %s %v out of bounds (%d lines)", i, ln, what, p, lines)
				}
			}
			check("Pos", ln.Pos)
			switch ln.Kind {
			case mycnf.OptionLine:
				check("GroupPos", ln.GroupPos)
				if ln.HasValue {
					check("ValuePos", ln.ValuePos)
				} else if ln.ValuePos != (source.Pos{}) || ln.Value != "" || ln.RawValue != "" {
					t.Errorf("line %d: option without '=' has a value: %+v", i, ln)
				}
			case mycnf.IncludeLine, mycnf.IncludeDirLine:
				if ln.Arg != "" {
					check("ArgPos", ln.ArgPos)
				} else if ln.ArgPos != (source.Pos{}) {
					t.Errorf("line %d: directive without a path has an ArgPos: %+v", i, ln)
				}
			case mycnf.GroupLine, mycnf.CommentLine:
			default:
				t.Errorf("line %d: unknown kind %d", i, ln.Kind)
			}
		}
	})
}
