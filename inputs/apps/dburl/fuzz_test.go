package dburl_test

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/apps/dburl"
	"github.com/conncap/conncap/inputs/source"
)

func FuzzParseURL(f *testing.F) {
	file, err := os.Open("testdata/urls.txt")
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			f.Add(line) // every fixture URL is a seed
		}
	}
	if err := sc.Err(); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "jdbc:", "jdbc:mysql://", "mysql://", "mysql://@", "mysql://[", "@/", "(/", "a(b)/", "jdbc:mysql://(", "mysql://h:/d?=&&=x"} {
		f.Add(s)
	}
	pos := source.Pos{Path: "fuzz.env", Line: 3, Col: 7}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := dburl.ParseURL(s, pos) // must not panic
		if err != nil {
			var se *source.Error
			if !errors.As(err, &se) || se.Pos != pos {
				t.Fatalf("ParseURL(%q) error is not a *source.Error at %v: %#v", s, pos, err)
			}
			if u != nil {
				t.Fatalf("ParseURL(%q) returned both a URL and an error", s)
			}
			return
		}
		if u.Pos != pos || u.Params == nil {
			t.Fatalf("ParseURL(%q) = %+v: want Pos %v and non-nil Params", s, u, pos)
		}
		if u.Port < 0 || u.Port > 65535 {
			t.Fatalf("ParseURL(%q) port %d out of range", s, u.Port)
		}
		_ = u.String()
		_ = dburl.IsMySQL(s)
	})
}
