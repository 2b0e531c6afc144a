package memory

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// unitLetters are the size units ParseSize accepts, in order: the i-th is
// 1024^(i+1).
const unitLetters = "KMGT"

// maxSizeLen bounds the input ParseSize reads: no valid size is longer.
const maxSizeLen = 64

// ParseSize reads a memory size such as the --memory flag takes: a whole
// number of bytes, optionally followed by a unit K, M, G or T, each a power
// of 1024, in any case and spelled with or without "i" and "B" (16G, 16g,
// 16Gi, 16GB, 16GiB and 17179869184 are the same size, as Docker and mysqld
// read them; beware that Kubernetes reads 16G as 16×10⁹). A plain "B" means
// bytes, and one space may separate the number from the unit.
//
// Anything else is an error: an empty size, a fraction (1.5G: the error
// suggests 1536M), a sign, zero, an unknown unit, or a size above
// math.MaxInt64 bytes.
func ParseSize(s string) (int64, error) {
	if len(s) > maxSizeLen {
		return 0, fmt.Errorf("invalid size %q: too long", s)
	}
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	digits := t[:i]
	frac := ""
	if i < len(t) && t[i] == '.' {
		j := i + 1
		for j < len(t) && t[j] >= '0' && t[j] <= '9' {
			j++
		}
		frac, i = t[i+1:j], j
	}
	rest := strings.TrimPrefix(t[i:], " ")
	shift, unitOK := parseUnit(rest)
	switch {
	case t == "":
		return 0, fmt.Errorf("empty size: give a number of bytes with an optional K, M, G or T suffix, e.g. 16G")
	case digits == "" && frac == "":
		return 0, fmt.Errorf("invalid size %q: want a whole number of bytes with an optional K, M, G or T suffix, e.g. 16G", s)
	case !unitOK:
		return 0, fmt.Errorf("invalid size %q: unknown unit %q (want K, M, G or T, powers of 1024)", s, rest)
	case frac != "" || (i > 0 && t[i-1] == '.'):
		if hint := wholeHint(digits, frac, shift); hint != "" {
			return 0, fmt.Errorf("invalid size %q: want a whole number, e.g. %s", s, hint)
		}
		return 0, fmt.Errorf("invalid size %q: want a whole number of bytes with an optional K, M, G or T suffix", s)
	}
	n, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return 0, fmt.Errorf("invalid size %q", s) // unreachable: digits are all digits
	}
	n.Lsh(n, shift)
	if !n.IsInt64() {
		return 0, fmt.Errorf("invalid size %q: larger than %d bytes", s, int64(math.MaxInt64))
	}
	if n.Sign() == 0 {
		return 0, fmt.Errorf("invalid size %q: must be greater than 0", s)
	}
	return n.Int64(), nil
}

// parseUnit reads a unit: "" or "B" (bytes), or K, M, G or T followed by an
// optional "i" and an optional "B", in any case.
func parseUnit(u string) (shift uint, ok bool) {
	u = strings.ToUpper(u)
	if u == "" || u == "B" {
		return 0, true
	}
	k := strings.IndexByte(unitLetters, u[0])
	if k < 0 {
		return 0, false
	}
	switch u[1:] {
	case "", "I", "B", "IB":
		return uint(10 * (k + 1)), true
	}
	return 0, false
}

// wholeHint writes digits.frac × 2^shift as a whole number in the largest
// unit that holds it exactly, e.g. 1.5G as "1536M"; "" when it is not a
// whole, positive number of bytes.
func wholeHint(digits, frac string, shift uint) string {
	num, ok := new(big.Int).SetString(digits+frac, 10)
	if !ok {
		return ""
	}
	num.Lsh(num, shift)
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(frac))), nil)
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if r.Sign() != 0 || q.Sign() == 0 || !q.IsInt64() {
		return ""
	}
	b := q.Int64()
	for k := len(unitLetters) - 1; k >= 0; k-- {
		if m := int64(1) << (10 * (k + 1)); b%m == 0 {
			return fmt.Sprintf("%d%c", b/m, unitLetters[k])
		}
	}
	return fmt.Sprint(b)
}
