package main

import (
	"bytes"
	"context"
	"strings"
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
