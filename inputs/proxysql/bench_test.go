package proxysql_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/proxysql"
)

// BenchmarkParse reads a proxysql.cnf with 1,000 mysql_servers rows and
// 1,000 mysql_users: a large fleet's file.
func BenchmarkParse(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("mysql_variables = { threads = 4; max_connections = 4000; interfaces = \"0.0.0.0:6033\"; }\nmysql_servers = (\n")
	for i := range 1000 {
		fmt.Fprintf(&sb, "  { address = \"mysql-%d.mysql.db.svc\"; port = 3306; hostgroup = %d; max_connections = 300; weight = 1; comment = \"shard %d\"; },\n", i, i%50, i)
	}
	sb.WriteString(")\nmysql_users = (\n")
	for i := range 1000 {
		fmt.Fprintf(&sb, "  { username = \"user%d\"; password = \"secret\"; default_hostgroup = %d; max_connections = 200; },\n", i, i%50)
	}
	sb.WriteString(")\n")
	src := []byte(sb.String())
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := proxysql.Parse("proxysql.cnf", src, nil); err != nil {
			b.Fatal(err)
		}
	}
}
