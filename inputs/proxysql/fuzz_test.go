package proxysql_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/conncap/conncap/inputs/proxysql"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/internal/fuzzseed"
)

func FuzzParse(f *testing.F) {
	fuzzseed.AddFiles(f, filepath.Join("testdata", "*.cnf"))
	for _, s := range []string{"", "mysql_servers = ( 1 )", "mysql_servers = { a = 1 }", "mysql_users = [ 1, 2 ]",
		"mysql_variables = ( { max_connections = 5 } )", "mysql_servers = ( { address = 1; hostgroup = 1.5 } )",
		"mysql_variables = { max_connections = \"-1\" }", "mysql_variables = { interfaces = \":::\" }"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		c, err := proxysql.Parse("fuzz.cnf", src, nil) // must not panic
		if err != nil {
			var se *source.Error
			var sl source.ErrorList
			if !errors.As(err, &se) && !errors.As(err, &sl) {
				t.Fatalf("error is not positioned: %v", err)
			}
			return
		}
		for _, s := range c.Servers {
			if s.Address.V == "" && s.Address.Origin.Pos.Line == 0 || !s.Pos.IsValid() {
				t.Fatalf("server without an address or position: %+v", s)
			}
		}
		_ = c.Ports()
	})
}
