package kube_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/conncap/conncap/inputs/kube"
)

// manyDocuments returns a `helm template`-like file of n documents:
// Deployments with env, resources and a rollout strategy, every fourth
// document a ConfigMap.
func manyDocuments(n int) []byte {
	var b strings.Builder
	for i := range n {
		if i%4 == 3 {
			fmt.Fprintf(&b, `---
# Source: big/templates/configmap-%[1]d.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-%[1]d-env
  namespace: team-%[2]d
data:
  DB_HOST: mysql.db.svc
  DB_POOL_MAX: "%[3]d"
  FEATURE_FLAGS: "a,b,c"
`, i, i%7, 5+i%20)
			continue
		}
		fmt.Fprintf(&b, `---
# Source: big/templates/deployment-%[1]d.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%[1]d
  namespace: team-%[2]d
  labels: {app.kubernetes.io/name: app-%[1]d, app.kubernetes.io/managed-by: Helm}
  annotations:
    checksum/config: 4f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9
spec:
  replicas: %[3]d
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%%, maxUnavailable: 0}
  selector:
    matchLabels: {app.kubernetes.io/name: app-%[1]d}
  template:
    metadata:
      labels: {app.kubernetes.io/name: app-%[1]d}
    spec:
      containers:
        - name: app
          image: "registry.example.com/app-%[1]d:1.%[1]d.0"
          args: ["--server.port=8080"]
          envFrom:
            - configMapRef: {name: app-%[1]d-env}
          env:
            - name: SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE
              value: "%[4]d"
            - name: SPRING_DATASOURCE_URL
              value: jdbc:mysql://$(DB_HOST):3306/app
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: app-%[1]d-db, key: password}
          resources:
            requests: {cpu: 250m, memory: 512Mi}
            limits: {cpu: "1", memory: 1Gi}
`, i, i%7, 1+i%9, 10+i%30)
	}
	return []byte(b.String())
}

// BenchmarkParse parses a generated 1,000-document file.
func BenchmarkParse(b *testing.B) {
	const docs = 1000
	src := manyDocuments(docs)
	b.SetBytes(int64(len(src))) // reported as MB/s
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		f, err := kube.Parse("big.yaml", src)
		if err != nil {
			b.Fatal(err)
		}
		if len(f.Objects) != docs {
			b.Fatalf("Parse() = %d objects, want %d", len(f.Objects), docs)
		}
	}
	sec := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N)/sec, "files/s")
	b.ReportMetric(float64(b.N*docs)/sec, "docs/s")
}

// TestParseMemoryFlat checks that Parse streams: what it allocates and
// what it keeps per document do not grow with the number of documents (no
// parse tree of the whole file is built or held).
func TestParseMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP: memory measurement in -short mode")
	}
	perDoc := func(n int) (alloc, kept float64) {
		src := manyDocuments(n)
		var before, after, kept0 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f, err := kube.Parse("big.yaml", src)
		runtime.ReadMemStats(&after)
		if err != nil || len(f.Objects) != n {
			t.Fatalf("Parse(%d docs) = %v objects, %v", n, len(f.Objects), err)
		}
		runtime.GC()
		runtime.ReadMemStats(&kept0)
		runtime.KeepAlive(f)
		runtime.KeepAlive(src)
		kept = float64(int64(kept0.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
		return float64(after.TotalAlloc-before.TotalAlloc) / float64(n), kept
	}
	perDoc(50) // warm up
	smallAlloc, smallKept := perDoc(200)
	bigAlloc, bigKept := perDoc(2000)
	t.Logf("per document: %.0f B allocated, %.0f B kept (200 docs); %.0f B, %.0f B (2000 docs)", smallAlloc, smallKept, bigAlloc, bigKept)
	if bigAlloc > 1.5*smallAlloc {
		t.Errorf("allocation per document grows with the file: %.0f B (2000 docs) vs %.0f B (200 docs)", bigAlloc, smallAlloc)
	}
	// The facts kept (positions, values, env) are a few KiB per object; the
	// yaml.v3 and JSON trees of a document are many times that.
	if bigKept > 16<<10 || bigKept > 2*smallKept+1024 {
		t.Errorf("memory kept per document: %.0f B (2000 docs) vs %.0f B (200 docs)", bigKept, smallKept)
	}
}
