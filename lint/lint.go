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
	WaitTimeout int64   // seconds; wait-timeout-long fires above it
	Headroom    float64 // fraction of max_connections; demand-near-limit fires above it
}

// DefaultThresholds are the values used when the configuration sets none:
// 300 s and 75 %, as incident guides advise.
func DefaultThresholds() Thresholds {
	return Thresholds{WaitTimeout: 300, Headroom: 0.75}
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

// BadDirective reports a conncap: comment that is malformed or gives no
// reason. The driver reports it; the rule is here for its documentation.
var BadDirective = &Rule{
	ID:       "bad-directive",
	Severity: Warning,
	Summary:  "malformed conncap:ignore comment, or one without a reason",
	Doc: Doc{
		Why: "A suppression is a decision someone else will have to trust later. Without a reason nobody can tell a " +
			"considered exception from a silenced alarm, so conncap does not apply a suppression that gives none.",
		Fix: "Write \"# conncap:ignore RULE[,RULE] why this does not apply\" on the line of the finding or the line above, " +
			"or, for a whole Kubernetes object, the annotation conncap.io/ignore: \"RULE[,RULE] why\".",
		Example: Example{Files: map[string]string{
			"etc/mysql/my.cnf": "[mysqld]\n# conncap:ignore wait-timeout-long\nwait_timeout = 28800\n",
		}},
	},
	Run: func(*Pass) {},
}

// UnusedDirective reports a suppression that no longer matches a finding.
var UnusedDirective = &Rule{
	ID:       "unused-directive",
	Severity: Warning,
	Summary:  "conncap:ignore comment that matches no finding",
	Doc: Doc{
		Why: "A suppression that matches nothing is left over from a fixed problem or names the wrong rule or line; " +
			"it will silently swallow the next real finding there.",
		Fix: "Remove the comment (or the conncap.io/ignore annotation), or move it to the line of the finding (or the line above) and name the right rule.",
		Example: Example{Files: map[string]string{
			"etc/mysql/my.cnf": "[mysqld]\n# conncap:ignore wait-timeout-long we recycle connections hourly\nwait_timeout = 120\n",
		}},
	},
	Run: func(*Pass) {},
}

// Run runs the rules on the analysis, applies severities and suppressions,
// and returns the findings sorted by position.
func Run(a *planner.Analysis, rules []*Rule, cfg *Config) []Diagnostic {
	if cfg == nil {
		cfg = &Config{Thresholds: DefaultThresholds()}
	}
	var all []Diagnostic
	for _, r := range rules {
		sev := cfg.severity(r)
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
	all = suppress(a, all, cfg)
	Sort(all)
	return Compact(all)
}

func (c *Config) severity(r *Rule) Severity {
	if s, ok := c.Severity[r.ID]; ok {
		return s
	}
	return r.Severity
}

// suppress drops findings silenced by a "conncap:ignore RULE reason" comment
// on their line or the line above, and reports directives without a reason
// (which silence nothing) or that silence nothing.
func suppress(a *planner.Analysis, ds []Diagnostic, cfg *Config) []Diagnostic {
	type dir struct {
		pos         source.Pos
		first, last int // an annotation's object; 0 for a comment
		rules       []string
		reason      string
		used        bool
	}
	var dirs []*dir
	var meta []Diagnostic
	report := func(r *Rule, pos source.Pos, format string, args ...any) {
		if sev := cfg.severity(r); sev != Off {
			meta = append(meta, Diagnostic{Rule: r.ID, Severity: sev, Pos: pos, Message: fmt.Sprintf(format, args...)})
		}
	}
	for _, c := range a.Comments {
		m := directive.FindStringSubmatch(strings.TrimSpace(c.Text))
		switch {
		case m == nil:
			report(BadDirective, c.Pos, "malformed conncap directive %q: want \"conncap:ignore RULE reason\"", c.Text)
		case strings.TrimSpace(m[2]) == "":
			report(BadDirective, c.Pos, "conncap:ignore %s has no reason, so it is not applied: say why the finding does not apply", m[1])
		default:
			dirs = append(dirs, &dir{pos: c.Pos, first: c.FirstLine, last: c.LastLine, rules: strings.Split(m[1], ","), reason: strings.TrimSpace(m[2])})
		}
	}
	out := ds[:0:0]
	for _, d := range ds {
		silenced := false
		for _, s := range dirs {
			covers := s.pos.Line == d.Pos.Line || s.pos.Line == d.Pos.Line-1
			if s.first > 0 {
				covers = s.first <= d.Pos.Line && d.Pos.Line <= s.last
			}
			if s.pos.Path == d.Pos.Path && covers && slices.Contains(s.rules, d.Rule) {
				s.used, silenced = true, true
			}
		}
		if !silenced {
			out = append(out, d)
		}
	}
	for _, s := range dirs {
		switch {
		case s.used:
		case s.first > 0:
			report(UnusedDirective, s.pos, "conncap.io/ignore %s matches no finding in this object: remove it", strings.Join(s.rules, ","))
		default:
			report(UnusedDirective, s.pos, "conncap:ignore %s matches no finding on this line or the next: remove it", strings.Join(s.rules, ","))
		}
	}
	return append(out, meta...)
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
