package haproxy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/haproxy"
	"github.com/conncap/conncap/inputs/source"
)

func TestParseAt(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      source.Value[int]
		err       string
	}{
		{"global maxconn", "global\n  maxconn 4096 # per process\n  log stdout format raw local0\ndefaults\n  maxconn 100\n",
			source.Value[int]{V: 4096, Origin: source.At(source.Pos{Path: "cr.yaml", Line: 12, Col: 15})}, ""},
		{"the last one wins", "global\n  maxconn 10\n  maxconn 20\n",
			source.Value[int]{V: 20, Origin: source.At(source.Pos{Path: "cr.yaml", Line: 13, Col: 15})}, ""},
		{"not in global", "defaults\n  maxconn 100\nfrontend f\n  maxconn 50\n", source.Value[int]{}, ""},
		{"commented out", "global\n  # maxconn 2048\n", source.Value[int]{}, ""},
		{"bad value", "global\n  maxconn lots\n", source.Value[int]{}, `cr.yaml:12:7: maxconn "lots" is not a positive integer: HAProxy refuses to start`},
		{"missing value", "global\n  maxconn\n", source.Value[int]{}, "cr.yaml:12:7: maxconn expects an integer argument: HAProxy refuses to start"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := haproxy.ParseAt("cr.yaml", []byte(tc.src), 10, 4)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, c.MaxConn); diff != "" {
				t.Errorf("MaxConn mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
