package memory_test

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/planner/memory"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"17179869184", 16 * gib},
		{"1", 1},
		{"512B", 512},
		{"512b", 512},
		{"16K", 16 * kib},
		{"16k", 16 * kib},
		{"512M", 512 * mib},
		{"16G", 16 * gib},
		{"16g", 16 * gib},
		{"16Gi", 16 * gib},
		{"16GB", 16 * gib},
		{"16gb", 16 * gib},
		{"16GiB", 16 * gib},
		{"16gib", 16 * gib},
		{"16 GiB", 16 * gib},
		{"  16G\n", 16 * gib},
		{"2T", 2 << 40},
		{"2TiB", 2 << 40},
		{"0016M", 16 * mib},
		{"8388607T", 8388607 << 40},
		{"9223372036854775807", math.MaxInt64},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := memory.ParseSize(tc.in)
			if err != nil {
				t.Fatalf("ParseSize(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseSize(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseSizeErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "empty size: give a number of bytes with an optional K, M, G or T suffix, e.g. 16G"},
		{"   ", "empty size: give a number of bytes with an optional K, M, G or T suffix, e.g. 16G"},
		{"G", `invalid size "G": want a whole number of bytes with an optional K, M, G or T suffix, e.g. 16G`},
		{"-1G", `invalid size "-1G": want a whole number of bytes with an optional K, M, G or T suffix, e.g. 16G`},
		{"+1G", `invalid size "+1G": want a whole number of bytes with an optional K, M, G or T suffix, e.g. 16G`},
		{"1.5G", `invalid size "1.5G": want a whole number, e.g. 1536M`},
		{"0.5T", `invalid size "0.5T": want a whole number, e.g. 512G`},
		{".25g", `invalid size ".25g": want a whole number, e.g. 256M`},
		{"2.G", `invalid size "2.G": want a whole number, e.g. 2G`},
		{"1.5", `invalid size "1.5": want a whole number of bytes with an optional K, M, G or T suffix`},
		{"1.0000001K", `invalid size "1.0000001K": want a whole number of bytes with an optional K, M, G or T suffix`},
		{"16P", `invalid size "16P": unknown unit "P" (want K, M, G or T, powers of 1024)`},
		{"16MBB", `invalid size "16MBB": unknown unit "MBB" (want K, M, G or T, powers of 1024)`},
		{"16  G", `invalid size "16  G": unknown unit " G" (want K, M, G or T, powers of 1024)`},
		{"16 G B", `invalid size "16 G B": unknown unit "G B" (want K, M, G or T, powers of 1024)`},
		{"1e9", `invalid size "1e9": unknown unit "e9" (want K, M, G or T, powers of 1024)`},
		{"0x10", `invalid size "0x10": unknown unit "x10" (want K, M, G or T, powers of 1024)`},
		{"1,024", `invalid size "1,024": unknown unit ",024" (want K, M, G or T, powers of 1024)`},
		{"0", `invalid size "0": must be greater than 0`},
		{"0G", `invalid size "0G": must be greater than 0`},
		{"8388608T", `invalid size "8388608T": larger than 9223372036854775807 bytes`},
		{"9223372036854775808", `invalid size "9223372036854775808": larger than 9223372036854775807 bytes`},
		{strings.Repeat("9", 65), `invalid size "` + strings.Repeat("9", 65) + `": too long`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := memory.ParseSize(tc.in)
			if err == nil {
				t.Fatalf("ParseSize(%q) = %d, want an error", tc.in, got)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("ParseSize(%q) error mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"16G", "512M", "1.5G", "16 GiB", "17179869184", "0", "", "8388608T", "1gb", ".5t", "-1", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := memory.ParseSize(s) // must not panic
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParseSize(%q): empty error", s)
			}
			return
		}
		if n <= 0 {
			t.Fatalf("ParseSize(%q) = %d, want > 0", s, n)
		}
		// The plain number of bytes reads back the same.
		if m, err := memory.ParseSize(strconv.FormatInt(n, 10)); err != nil || m != n {
			t.Fatalf("ParseSize(%q) = %d, but ParseSize(%d) = %d, %v", s, n, n, m, err)
		}
		// A unit makes a multiple of it.
		t2 := strings.ToUpper(strings.TrimSpace(s))
		for i, u := range []string{"K", "M", "G", "T"} {
			if strings.ContainsAny(t2, u) && n%(int64(1)<<(10*(i+1))) != 0 {
				t.Fatalf("ParseSize(%q) = %d, not a multiple of 1%s", s, n, u)
			}
		}
	})
}
