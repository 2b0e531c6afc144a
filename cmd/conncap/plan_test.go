package main

import (
	"strings"
	"testing"
)

// TestPlanProxyScaleOut: scaling the tier behind ProxySQL past its front-end
// cap says which scenario the proxy turns clients away in first, and the
// server sees no more than the proxies' backend caps.
func TestPlanProxyScaleOut(t *testing.T) {
	out, errOut, code := conncap(t, "plan", "--no-color", "--scale", "api=500", "../../examples/proxysql-fanout")
	if code != exitClean {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"steady breaks first: 2005 connections against max_connections 500 (1505 over)",
		"proxysql turns clients away first in the steady scenario: 2500 per instance against mysql-max_connections 2048 (452 over)",
		"proxysql mysql_servers db-1.internal:3306 hostgroup 10: max_connections 1000 -> 185",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
}
