// Package lint is the frame conncap's rules run in: a Rule reads the
// planner's Analysis through a Pass and reports Diagnostics; Run applies the
// configured severities and the suppressions, and sorts the result. Rules
// never parse and never print.
package lint

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/planner"
)

// Severity orders findings; a higher value is more severe.
type Severity int

// The severities, lowest first. Off disables a rule.
const (
	Off Severity = iota
	Info
	Warning
	Error
)

// String returns the lowercase name used in output and configuration.
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	default:
		return "off"
	}
}

// ParseSeverity reads "info", "warning", "error", "off" (or "none").
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "info":
		return Info, nil
	case "warning", "warn":
		return Warning, nil
	case "error":
		return Error, nil
	case "off", "none":
		return Off, nil
	}
	return Off, fmt.Errorf("unknown severity %q (want error, warning, info or none)", s)
}

// Rule is one check. Rules are immutable values; configuration reaches them
// through the Pass.
type Rule struct {
	ID       string   // kebab-case, stable forever
	Severity Severity // default severity
	Summary  string   // one line, lowercase, no period
	Doc      Doc
	Run      func(*Pass)
}

// Doc is a rule's documentation, printed by `conncap explain`.
type Doc struct {
	Why     string   // why it matters
	Fix     string   // how to fix it
	Config  []string // configuration keys that tune the rule
	Example Example  // an input that triggers the rule exactly once
}

// Example is a minimal input tree for a rule's documentation; it is also a
// test fixture.
type Example struct {
	Files map[string]string // sysroot-relative path -> content
	Args  []string          // extra command-line flags, e.g. "--nofile=1024"
}

// Diagnostic is one finding.
type Diagnostic struct {
	Rule     string
	Severity Severity
	Pos      source.Pos
	End      int // rune column after the last character of the token; 0: a single caret
	Message  string
	Related  []Related
	Fix      *Fix
}

// Related is another fact behind a finding, with its position.
type Related struct {
	Pos     source.Pos
	Message string
}

// Fix is a concrete recommended change.
type Fix struct {
	Message string
}

// Config tunes the run: per-rule severities and thresholds.
type Config struct {
	Severity   map[string]Severity // rule ID -> severity (Off disables)
	Thresholds Thresholds
}

// Thresholds are the numbers rules compare against.
type Thresholds struct {
	WaitTimeout int64 // seconds; wait-timeout-long fires above it
}

// DefaultThresholds are the values used when the configuration sets none.
func DefaultThresholds() Thresholds {
	return Thresholds{WaitTimeout: 300}
}

// Pass is what a rule sees while it runs.
type Pass struct {
	Analysis *planner.Analysis
	Config   *Config
	rule     *Rule
	out      *[]Diagnostic
}

// Report records a finding of the running rule.
func (p *Pass) Report(d Diagnostic) {
	d.Rule = p.rule.ID
	*p.out = append(*p.out, d)
}

// Reportf records a finding at pos with a formatted message.
func (p *Pass) Reportf(pos source.Pos, format string, args ...any) {
	p.Report(Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

var directive = regexp.MustCompile(`^conncap:ignore\s+([a-z0-9,-]+)(?:\s+(.*))?$`)

// Run runs the rules on the analysis, applies severities and suppressions,
// and returns the findings sorted by position.
func Run(a *planner.Analysis, rules []*Rule, cfg *Config) []Diagnostic {
	if cfg == nil {
		cfg = &Config{Thresholds: DefaultThresholds()}
	}
	var all []Diagnostic
	for _, r := range rules {
		sev := r.Severity
		if s, ok := cfg.Severity[r.ID]; ok {
			sev = s
		}
		if sev == Off {
			continue
		}
		var found []Diagnostic
		r.Run(&Pass{Analysis: a, Config: cfg, rule: r, out: &found})
		for i := range found {
			found[i].Severity = sev
		}
		all = append(all, found...)
	}
	all = suppress(a, all)
	Sort(all)
	return all
}

// suppress drops findings silenced by a "conncap:ignore RULE reason" comment
// on their line or the line above, and reports directives without a reason
// or that silence nothing.
func suppress(a *planner.Analysis, ds []Diagnostic) []Diagnostic {
	type dir struct {
		pos    source.Pos
		rules  []string
		reason string
		used   bool
	}
	var dirs []*dir
	for _, c := range a.Comments {
		m := directive.FindStringSubmatch(strings.TrimSpace(c.Text))
		if m == nil {
			ds = append(ds, Diagnostic{Rule: "bad-directive", Severity: Warning, Pos: c.Pos,
				Message: fmt.Sprintf("malformed conncap directive %q: want \"conncap:ignore RULE reason\"", c.Text)})
			continue
		}
		dirs = append(dirs, &dir{pos: c.Pos, rules: strings.Split(m[1], ","), reason: strings.TrimSpace(m[2])})
	}
	out := ds[:0:0]
	for _, d := range ds {
		silenced := false
		for _, s := range dirs {
			if s.pos.Path == d.Pos.Path && (s.pos.Line == d.Pos.Line || s.pos.Line == d.Pos.Line-1) && slices.Contains(s.rules, d.Rule) {
				s.used, silenced = true, true
			}
		}
		if !silenced {
			out = append(out, d)
		}
	}
	for _, s := range dirs {
		switch {
		case s.reason == "":
			out = append(out, Diagnostic{Rule: "bad-directive", Severity: Warning, Pos: s.pos,
				Message: fmt.Sprintf("conncap:ignore %s has no reason: say why the finding does not apply", strings.Join(s.rules, ","))})
		case !s.used:
			out = append(out, Diagnostic{Rule: "unused-directive", Severity: Warning, Pos: s.pos,
				Message: fmt.Sprintf("conncap:ignore %s matches no finding on this line or the next: remove it", strings.Join(s.rules, ","))})
		}
	}
	return out
}

// Sort orders findings by position, rule and message and drops exact duplicates.
func Sort(ds []Diagnostic) {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(a.Pos.Compare(b.Pos), strings.Compare(a.Rule, b.Rule), strings.Compare(a.Message, b.Message))
	})
}

// Compact drops exact duplicates from sorted findings.
func Compact(ds []Diagnostic) []Diagnostic {
	return slices.CompactFunc(ds, func(a, b Diagnostic) bool {
		return a.Rule == b.Rule && a.Pos == b.Pos && a.Message == b.Message
	})
}

// Count returns how many findings are at or above sev.
func Count(ds []Diagnostic, sev Severity) int {
	n := 0
	for _, d := range ds {
		if d.Severity >= sev {
			n++
		}
	}
	return n
}
