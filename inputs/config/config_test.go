package config_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/config"
	"github.com/conncap/conncap/inputs/source"
)

func TestParse(t *testing.T) {
	src := "server: mariadb-10.11\nthresholds:\n  headroom: 0.8\nservices:\n  - name: api\n    instances: 24\n    pool: 10\n    account: appuser\nconsumers:\n  - name: replication\n    connections: 2\n"
	got, err := config.Parse(".conncap.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &config.Config{
		Path: ".conncap.yaml", Server: "mariadb-10.11", Thresholds: config.Thresholds{Headroom: 0.8},
		Services:  []config.Service{{Name: "api", Instances: 24, Pool: 10, Account: "appuser", Pos: source.Pos{Path: ".conncap.yaml", Line: 5, Col: 5}}},
		Consumers: []config.Consumer{{Name: "replication", Connections: 2, Pos: source.Pos{Path: ".conncap.yaml", Line: 10, Col: 5}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"unknown key", "thresholds:\n  headrom: 0.8\n", ".conncap.yaml:2: field headrom not found in type config.Thresholds"},
		{"wrong type", "services:\n  - name: api\n    pool: ten\n", ".conncap.yaml:3: cannot unmarshal !!str `ten` into int"},
		{"syntax", "services: [\n", ".conncap.yaml:1: did not find expected node content"},
		{"headroom range", "thresholds:\n  headroom: 75\n", ".conncap.yaml:1: thresholds.headroom 75 must be a fraction between 0 and 1"},
		{"no name", "services:\n  - pool: 3\n", ".conncap.yaml:2:5: service without a name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse(".conncap.yaml", []byte(tc.src))
			if err == nil || err.Error() != tc.want {
				t.Errorf("Parse() error = %v, want %q", err, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("services:\n  - name: api\n    pool: 10\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := config.Parse("f.yaml", src)
		if se, ok := err.(*source.Error); ok && se.Pos.Line < 1 {
			t.Fatalf("error without a line: %v", err)
		}
	})
}
