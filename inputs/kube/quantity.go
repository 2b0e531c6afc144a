package kube

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Quantity errors, worded as apimachinery's resource package words them.
var (
	errQuantityFormat  = errors.New("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
	errQuantityNumeric = errors.New("unable to parse numeric part of quantity")
	errQuantitySuffix  = errors.New("unable to parse quantity's suffix")
)

// quantity is a resource quantity split as apimachinery's
// parseQuantityString splits it.
type quantity struct {
	neg    bool
	value  string // the numeric part as written: sign, digits, point
	num    string // integer digits without leading zeros; "0" when none
	denom  string // fraction digits
	binary bool   // Ki, Mi, …: a power of 2
	exp    int32  // power of 10 (or of 2 when binary)
}

// scanQuantity parses s the way resource.ParseQuantity does, accepting
// exactly what it accepts (including oddities such as "m" and "." for 0).
func scanQuantity(s string) (quantity, error) {
	var q quantity
	if s == "" {
		return q, errQuantityFormat
	}
	if s == "0" {
		return quantity{value: "0", num: "0"}, nil
	}
	pos := 0
	switch s[0] {
	case '-':
		q.neg = true
		pos++
	case '+':
		pos++
	}
	for pos < len(s) && s[pos] == '0' {
		pos++
	}
	if pos == len(s) {
		return quantity{neg: q.neg, value: "0", num: "0"}, nil
	}
	start := pos
	for pos < len(s) && isDigit(s[pos]) {
		pos++
	}
	q.num = s[start:pos]
	if q.num == "" {
		q.num = "0"
	}
	if pos < len(s) && s[pos] == '.' {
		pos++
		start = pos
		for pos < len(s) && isDigit(s[pos]) {
			pos++
		}
		q.denom = s[start:pos]
	}
	q.value = s[:pos]
	suffix := s[pos:]
	for pos < len(s) && strings.IndexByte("eEinumkKMGTP", s[pos]) >= 0 {
		pos++
	}
	if pos < len(s) && (s[pos] == '-' || s[pos] == '+') {
		pos++
	}
	for pos < len(s) && isDigit(s[pos]) {
		pos++
	}
	if pos < len(s) {
		return q, errQuantityFormat
	}
	var ok bool
	if q.binary, q.exp, ok = quantitySuffix(suffix); !ok {
		return q, errQuantitySuffix
	}
	if !q.fast() && strings.IndexFunc(q.value, func(r rune) bool { return r >= '0' && r <= '9' }) < 0 {
		return q, errQuantityNumeric // the slow path's decimal parser needs a digit
	}
	return q, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// quantitySuffix interprets a suffix: "" and the SI prefixes n u m k M G T
// P E (powers of 10), Ki … Ei (powers of 2), or e/E with a decimal
// exponent (truncated to int32, as apimachinery truncates it).
func quantitySuffix(s string) (binary bool, exp int32, ok bool) {
	switch s {
	case "":
		return false, 0, true
	case "n":
		return false, -9, true
	case "u":
		return false, -6, true
	case "m":
		return false, -3, true
	case "k":
		return false, 3, true
	case "M":
		return false, 6, true
	case "G":
		return false, 9, true
	case "T":
		return false, 12, true
	case "P":
		return false, 15, true
	case "E":
		return false, 18, true
	case "Ki":
		return true, 10, true
	case "Mi":
		return true, 20, true
	case "Gi":
		return true, 30, true
	case "Ti":
		return true, 40, true
	case "Pi":
		return true, 50, true
	case "Ei":
		return true, 60, true
	}
	if len(s) > 1 && (s[0] == 'e' || s[0] == 'E') {
		n, err := strconv.ParseInt(s[1:], 10, 64)
		if err != nil {
			return false, 0, false
		}
		return false, int32(n), true
	}
	return false, 0, false
}

// fast reports whether ParseQuantity takes its int64 path, which reads the
// digits alone and so accepts a value without any ("m", "." are 0).
func (q quantity) fast() bool {
	digits := len(q.num) + len(q.denom)
	if !q.binary {
		return 18-digits >= 0 && int64(q.exp)-int64(len(q.denom)) >= -9
	}
	if q.exp < 0 || q.denom != "" || 15-len(q.num)-int(float32(q.exp)*3/10)-1 < 0 {
		return false
	}
	n, err := strconv.ParseInt(q.num, 10, 64)
	return err == nil && n <= (1<<63-1)>>q.exp
}

// parseQuantity validates s as the API server does and returns its sign
// (-1, 0 or 1).
func parseQuantity(s string) (sign int, err error) {
	q, err := scanQuantity(s)
	if err != nil {
		return 0, err
	}
	if strings.Trim(q.num, "0") == "" && strings.Trim(q.denom, "0") == "" {
		return 0, nil
	}
	if q.neg {
		return -1, nil
	}
	return 1, nil
}

// ParseQuantity reads a Kubernetes resource quantity ("500m", "2", "0.5",
// "1Gi", "1e3") and returns it in thousandths, rounded up as
// resource.Quantity.MilliValue rounds: for CPU, millicores. It is an error
// when s is not a quantity, is negative, or does not fit in an int64.
func ParseQuantity(s string) (milli int64, err error) {
	return scaledQuantity(s, 3)
}

// MemoryBytes reads a memory quantity ("512Mi", "1G", "1e9") and returns
// bytes, rounded up as resource.Quantity.Value rounds. Errors as for
// ParseQuantity.
func MemoryBytes(s string) (int64, error) {
	return scaledQuantity(s, 0)
}

// maxQuantityDigits bounds the digits scaledQuantity computes with; real
// quantities have a handful.
const maxQuantityDigits = 100

func scaledQuantity(s string, scale int) (int64, error) {
	q, err := scanQuantity(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("quantity %q: %w", s, err)
	}
	digits := strings.TrimLeft(q.num+q.denom, "0")
	if digits == "" {
		return 0, nil
	}
	if q.neg {
		return 0, fmt.Errorf("quantity %q is negative", s)
	}
	if len(digits) > maxQuantityDigits {
		return 0, fmt.Errorf("quantity %q has more than %d digits", s, maxQuantityDigits)
	}
	// value = digits × 10^e10 × 2^e2
	e10, e2 := int64(scale)-int64(len(q.denom)), int64(0)
	if q.binary {
		e2 = int64(q.exp)
	} else {
		e10 += int64(q.exp)
	}
	switch {
	case int64(len(digits))+e10 > 40: // ≥ 10^39 even before a binary factor
		return 0, fmt.Errorf("quantity %q is out of range", s)
	case e10 < -int64(len(digits))-40: // below 10^-40: rounds up to 1
		return 1, nil
	}
	r, _ := new(big.Rat).SetString(digits)
	if e10 >= 0 {
		r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(e10), nil)))
	} else {
		r.Quo(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(-e10), nil)))
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(e2))))
	n, rem := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if rem.Sign() != 0 {
		n.Add(n, big.NewInt(1)) // round up
	}
	if !n.IsInt64() {
		return 0, fmt.Errorf("quantity %q is out of range", s)
	}
	return n.Int64(), nil
}
