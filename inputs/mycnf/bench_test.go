package mycnf_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/mycnf"
)

// BenchmarkParse parses a 2,000-option file (about 60 KiB).
func BenchmarkParse(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("[mysqld]\n")
	for i := range 2000 {
		fmt.Fprintf(&sb, "option_%d = \"value %d\" # comment\n", i, i)
	}
	src := []byte(sb.String())
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := mycnf.Parse("bench.cnf", src); err != nil {
			b.Fatal(err)
		}
	}
}
