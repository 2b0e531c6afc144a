package haproxy_test

import (
	"path/filepath"
	"testing"

	"github.com/conncap/conncap/inputs/haproxy"
	"github.com/conncap/conncap/internal/fuzzseed"
)

func FuzzParse(f *testing.F) {
	fuzzseed.AddFiles(f, filepath.Join("testdata", "*.cfg"))
	fuzzseed.AddStrings(f, "", "global", "global\nmaxconn", "global\n maxconn -1", "global\n maxconn 9999999999999999999", "#\n'#' maxconn 1")
	f.Fuzz(func(t *testing.T, src []byte) {
		c, err := haproxy.ParseAt("f.cfg", src, 0, 0) // must not panic
		if err == nil && c.MaxConn.V < 0 {
			t.Fatalf("negative maxconn %d", c.MaxConn.V)
		}
	})
}
