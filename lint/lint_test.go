package lint_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/lint"
	"github.com/conncap/conncap/planner"
)

func pos(line int) source.Pos { return source.Pos{Path: "etc/my.cnf", Line: line, Col: 1} }

// reporter is a rule that reports once on each given line.
func reporter(id string, lines ...int) *lint.Rule {
	return &lint.Rule{ID: id, Severity: lint.Warning, Run: func(p *lint.Pass) {
		for _, l := range lines {
			p.Reportf(pos(l), "finding on line %d", l)
		}
	}}
}

type row struct {
	Rule     string
	Severity string
	Line     int
	Message  string
}

func rows(ds []lint.Diagnostic) []row {
	var out []row
	for _, d := range ds {
		out = append(out, row{d.Rule, d.Severity.String(), d.Pos.Line, d.Message})
	}
	return out
}

func TestRunSuppressionsAndSeverities(t *testing.T) {
	a := &planner.Analysis{Comments: []planner.Comment{
		{Pos: pos(2), Text: "conncap:ignore rule-a tuned by hand for the batch host"}, // silences line 3 (line above)
		{Pos: pos(5), Text: "conncap:ignore rule-a,rule-b both intended"},             // silences line 5 (same line)
		{Pos: pos(8), Text: "conncap:ignore rule-a"},                                  // no reason
		{Pos: pos(10), Text: "conncap:ignore rule-b stale"},                           // matches nothing
		{Pos: pos(12), Text: "conncap:ignor rule-a typo"},                             // malformed
	}}
	rules := []*lint.Rule{reporter("rule-a", 3, 5, 9, 1), reporter("rule-b", 5), reporter("rule-off", 1)}
	cfg := &lint.Config{Severity: map[string]lint.Severity{"rule-off": lint.Off, "rule-b": lint.Error}, Thresholds: lint.DefaultThresholds()}
	got := rows(lint.Run(a, rules, cfg))
	want := []row{
		{"rule-a", "warning", 1, "finding on line 1"},
		{"bad-directive", "warning", 8, "conncap:ignore rule-a has no reason, so it is not applied: say why the finding does not apply"},
		{"rule-a", "warning", 9, "finding on line 9"},
		{"unused-directive", "warning", 10, "conncap:ignore rule-b matches no finding on this line or the next: remove it"},
		{"bad-directive", "warning", 12, `malformed conncap directive "conncap:ignor rule-a typo": want "conncap:ignore RULE reason"`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Run() mismatch (-want +got):\n%s", diff)
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]lint.Severity{"error": lint.Error, "Warning": lint.Warning, "info": lint.Info, "none": lint.Off, "off": lint.Off} {
		if got, err := lint.ParseSeverity(in); err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := lint.ParseSeverity("fatal"); err == nil {
		t.Error("ParseSeverity(\"fatal\") accepted")
	}
}
