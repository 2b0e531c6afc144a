package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
)

// TestEmitConfigMapRoundTrip: for a server configured by a mounted
// ConfigMap, plan --emit mycnf writes the key to add to that ConfigMap;
// adding it as written and linting again leaves the finding it fixes.
func TestEmitConfigMapRoundTrip(t *testing.T) {
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: db-config}\ndata:\n  tuning.cnf: |\n    [mysqld]\n    max_connections = 151\n"
	sts := "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  template:\n    spec:\n      containers:\n" +
		"        - name: db\n          image: mysql:8.4\n          volumeMounts: [{name: cfg, mountPath: /etc/mysql/conf.d}]\n" +
		"      volumes: [{name: cfg, configMap: {name: db-config}}]\n"
	dir := sysroottest.Dir(t, map[string]string{"k8s/cm.yaml": cm, "k8s/db.yaml": sts})
	if before, _, _ := conncap(t, "lint", "--config", os.DevNull, "--no-color", dir); !strings.Contains(before, "[wait-timeout-long]") {
		t.Fatalf("the fixture must start with a wait_timeout finding:\n%s", before)
	}
	out, errOut, code := conncap(t, "plan", "--config", os.DevNull, "--emit", "mycnf", dir)
	if code != exitClean {
		t.Fatalf("plan --emit: exit %d: %s", code, errOut)
	}
	_, patch, ok := strings.Cut(out, "data:\n")
	if !ok || !strings.Contains(out, "# --- conncap-configmap-db-config.yaml") || !strings.Contains(patch, "wait_timeout = 300") {
		t.Fatalf("want a ConfigMap key with wait_timeout, got:\n%s", out)
	}
	// Apply it: the emitted data: entries go under the ConfigMap's data:.
	if err := os.WriteFile(filepath.Join(dir, "k8s", "cm.yaml"), []byte(cm+strings.TrimRight(patch, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lint, errOut, code := conncap(t, "lint", "--config", os.DevNull, "--no-color", dir)
	if code == exitBadInput || strings.Contains(lint, "[wait-timeout-long]") {
		t.Errorf("after adding the key: exit %d\n%s%s", code, lint, errOut)
	}
}
