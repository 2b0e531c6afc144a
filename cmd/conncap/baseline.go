package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	"github.com/conncap/conncap/lint"
	"github.com/conncap/conncap/lint/format"
)

// baseline is the file --write-baseline records and --baseline reads: the
// fingerprints of accepted findings. Fingerprints hash the rule, the file,
// the text of the finding's line and its message with numbers blanked, so
// they survive lines moving.
type baseline struct {
	Version      int      `json:"version"`
	Fingerprints []string `json:"fingerprints"`
}

func writeBaseline(path string, ds []lint.Diagnostic, src format.Sources) error {
	b := baseline{Version: 1, Fingerprints: []string{}}
	for _, d := range ds {
		b.Fingerprints = append(b.Fingerprints, format.Fingerprint(d, src))
	}
	slices.Sort(b.Fingerprints)
	b.Fingerprints = slices.Compact(b.Fingerprints)
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
		return fmt.Errorf("--write-baseline: %w", err)
	}
	return nil
}

// applyBaseline drops the findings the baseline accepts.
func applyBaseline(path string, ds []lint.Diagnostic, src format.Sources) ([]lint.Diagnostic, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("--baseline %s: no such file (create it with --write-baseline)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("--baseline: %w", err)
	}
	var b baseline
	if err := json.Unmarshal(raw, &b); err != nil || b.Version != 1 {
		return nil, fmt.Errorf("--baseline %s: not a conncap baseline (version 1 JSON): %v", path, err)
	}
	known := map[string]bool{}
	for _, f := range b.Fingerprints {
		known[f] = true
	}
	var out []lint.Diagnostic
	for _, d := range ds {
		if !known[format.Fingerprint(d, src)] {
			out = append(out, d)
		}
	}
	return out, nil
}
