package planner_test

import (
	"context"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/config"
	"github.com/conncap/conncap/inputs/discover"
	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
	"github.com/conncap/conncap/planner"
)

// TestMemoryBudgetFromContainer: with no --memory and no unit, the server
// container's memory limit is the budget growing max_connections must fit.
func TestMemoryBudgetFromContainer(t *testing.T) {
	for _, tc := range []struct {
		name, file, src string
		want            string
	}{
		{"compose mem_limit", "compose.yaml",
			"services:\n  db:\n    image: mysql:8.4\n    mem_limit: 1g\n    command: [\"--max-connections=151\"]\n", "budget 1.00 GiB (container memory limit at compose.yaml:4:16)"},
		{"compose deploy limit", "compose.yaml",
			"services:\n  db:\n    image: mysql:8.4\n    deploy: {resources: {limits: {memory: 2G}}}\n", "budget 2.00 GiB (container memory limit at compose.yaml:4:43)"},
		{"kubernetes limit", "k8s/db.yaml",
			"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  template:\n    spec:\n      containers:\n" +
				"        - name: db\n          image: mysql:8.4\n          resources: {limits: {memory: 1536Mi}}\n", "budget 1.50 GiB (container memory limit at k8s/db.yaml:10:40)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := discover.Walk(context.Background(), sysroottest.Root(t, map[string]string{tc.file: tc.src}), []string{"."})
			if err != nil {
				t.Fatal(err)
			}
			a, err := planner.Analyze(f, planner.Options{NoFile: "65535", Services: []config.Service{{Name: "api", Instances: 40, Pool: 10}}})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(a.Plan.Memory, tc.want) {
				t.Errorf("Plan.Memory = %q, want it to say %q", a.Plan.Memory, tc.want)
			}
		})
	}
}
