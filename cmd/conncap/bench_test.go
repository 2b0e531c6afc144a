package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// BenchmarkLintExample runs the whole CLI (discovery, reading, prediction,
// rules, text output) on examples/fd-starved.
func BenchmarkLintExample(b *testing.B) {
	b.Chdir("../../examples/fd-starved")
	for b.Loop() {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"conncap", "lint", "--no-color", "."}, strings.NewReader(""), &out, &errOut); code != exitFindings {
			b.Fatalf("exit %d: %s", code, errOut.String())
		}
	}
}

// monorepo writes a generated repository: n Deployments (one file each,
// each with an HPA), n/10 Spring services with application.properties, and
// a server option file.
func monorepo(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	write := func(p, s string) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write("db/etc/mysql/my.cnf", "[mysqld]\nmax_connections = 100000\nwait_timeout = 300\n")
	for i := range n {
		svc := fmt.Sprintf("svc%04d", i/10)
		write(fmt.Sprintf("deploy/%s/workload-%d.yaml", svc, i), fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s-%[2]d
spec:
  replicas: 3
  selector: {matchLabels: {app: %[1]s}}
  template:
    metadata: {labels: {app: %[1]s}}
    spec:
      containers:
        - name: %[1]s
          image: registry.example.com/%[1]s:1.0
          env:
            - {name: SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE, value: "4"}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: %[1]s-%[2]d}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: %[1]s-%[2]d}
  minReplicas: 3
  maxReplicas: 6
`, svc, i))
		if i%10 == 0 {
			write(fmt.Sprintf("services/%s/src/main/resources/application.properties", svc),
				"spring.datasource.url=jdbc:mysql://db/app\nspring.datasource.hikari.maximum-pool-size=8\nspring.datasource.hikari.max-lifetime=240000\n")
		}
	}
	return dir
}

// BenchmarkLintMonorepo lints generated repositories of 1,000 and 5,000
// manifests (with 100 and 500 application config files) end to end and
// reports files/s and the process's peak RSS.
func BenchmarkLintMonorepo(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("manifests=%d", n), func(b *testing.B) {
			dir := monorepo(b, n)
			files := n + n/10 + 1
			for b.Loop() {
				var out, errOut bytes.Buffer
				code := run(context.Background(), []string{"conncap", "lint", "--no-color", "--nofile=1048576", "--fail-on=none", dir}, strings.NewReader(""), &out, &errOut)
				if code != exitClean {
					b.Fatalf("exit %d: %s", code, errOut.String())
				}
			}
			b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
			var ru syscall.Rusage
			if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
				b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
			}
		})
	}
}
