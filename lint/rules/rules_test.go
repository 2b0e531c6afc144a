package rules_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
	"github.com/conncap/conncap/lint"
	"github.com/conncap/conncap/lint/linttest"
	"github.com/conncap/conncap/lint/rules"
)

func TestRules(t *testing.T) {
	for _, r := range rules.All() {
		t.Run(r.ID, func(t *testing.T) {
			linttest.Run(t, filepath.Join("testdata", r.ID), r)
		})
	}
}

var kebab = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)+$`)

func TestCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rules.All() {
		if !kebab.MatchString(r.ID) {
			t.Errorf("rule ID %q is not kebab-case", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("rule ID %q is used twice", r.ID)
		}
		seen[r.ID] = true
		if r.Severity == lint.Off {
			t.Errorf("%s: no default severity", r.ID)
		}
		if r.Summary == "" || r.Doc.Why == "" || r.Doc.Fix == "" || len(r.Doc.Example.Files) == 0 || r.Run == nil {
			t.Errorf("%s: incomplete (summary, why, fix, example and run are required)", r.ID)
		}
		if r.Summary != "" && (r.Summary[0] < 'a' || r.Summary[0] > 'z' || r.Summary[len(r.Summary)-1] == '.') {
			t.Errorf("%s: summary %q must start lowercase and have no trailing period", r.ID, r.Summary)
		}
		if _, err := os.Stat(filepath.Join("testdata", r.ID)); err != nil {
			t.Errorf("%s: no fixtures: %v", r.ID, err)
		}
	}
}

// TestDocExamples lints each rule's documented example and requires exactly
// one finding from that rule, so the docs cannot rot.
func TestDocExamples(t *testing.T) {
	for _, r := range rules.All() {
		t.Run(r.ID, func(t *testing.T) {
			a, cfg := linttest.Analyze(t, sysroottest.Dir(t, r.Doc.Example.Files), r.Doc.Example.Args)
			got := lint.Run(a, []*lint.Rule{r}, cfg)
			if len(got) != 1 || got[0].Rule != r.ID {
				t.Errorf("example gives %d findings, want exactly one from %s: %+v", len(got), r.ID, got)
			}
		})
	}
}
