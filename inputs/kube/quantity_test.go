package kube_test

import (
	"testing"

	"github.com/conncap/conncap/inputs/kube"
)

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in    string
		milli int64
	}{
		{"500m", 500},
		{"2", 2000},
		{"0.5", 500},
		{".5", 500},
		{"1.", 1000},
		{"+1", 1000},
		{"0", 0},
		{"-0", 0},
		{"m", 0}, // apimachinery accepts a suffix alone as 0
		{"1k", 1_000_000},
		{"1e3", 1_000_000},
		{"1E-3", 1},
		{"100u", 1},   // rounds up, as MilliValue does
		{"1n", 1},     // rounds up
		{"1500n", 1},  // 0.0015 milli rounds up
		{"0.0001", 1}, // 0.1 milli rounds up
		{"1Ki", 1_024_000},
		{"  250m ", 250},
	}
	for _, tc := range tests {
		got, err := kube.ParseQuantity(tc.in)
		if err != nil || got != tc.milli {
			t.Errorf("ParseQuantity(%q) = %d, %v; want %d", tc.in, got, err, tc.milli)
		}
	}
}

func TestMemoryBytes(t *testing.T) {
	tests := []struct {
		in    string
		bytes int64
	}{
		{"1Gi", 1 << 30},
		{"512Mi", 512 << 20},
		{"1G", 1_000_000_000},
		{"1e9", 1_000_000_000},
		{"1.5Gi", 3 << 29},
		{"128974848", 128974848},
		{"129M", 129_000_000},
		{"123Mi", 123 << 20},
		{"1Ei", 1 << 60},
		{"7Ei", 7 << 60},
		{"0.5", 1}, // rounds up, as Value does
		{"100m", 1},
	}
	for _, tc := range tests {
		got, err := kube.MemoryBytes(tc.in)
		if err != nil || got != tc.bytes {
			t.Errorf("MemoryBytes(%q) = %d, %v; want %d", tc.in, got, err, tc.bytes)
		}
	}
}

func TestQuantityErrors(t *testing.T) {
	for _, in := range []string{
		"", "500 m", "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", "1i", "-3.01i", "-3.01e-", "1K",
		"e-20",  // a suffix alone is 0 only on apimachinery's int64 path
		"-1",    // negative
		"8Ei",   // beyond int64
		"1e100", // beyond int64
		"9223372036854775807k",
	} {
		if got, err := kube.MemoryBytes(in); err == nil {
			t.Errorf("MemoryBytes(%q) = %d, want an error", in, got)
		}
	}
	if got, err := kube.ParseQuantity("1e-100"); err != nil || got != 1 {
		t.Errorf("ParseQuantity(1e-100) = %d, %v; want 1 (rounded up)", got, err)
	}
}
