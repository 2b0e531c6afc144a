// Package format writes findings in conncap's output formats. New picks a
// formatter by name; each writes to an io.Writer and never reads files: the
// source lines it quotes come from a Sources value.
package format

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/conncap/conncap/lint"
)

// Sources gives a formatter the text of an input line for snippets.
type Sources interface {
	// Line returns line n (1-based) of the file at path, and false when unknown.
	Line(path string, n int) (string, bool)
}

// Options tune a formatter.
type Options struct {
	Color   bool         // ANSI colours (only on a terminal; NO_COLOR turns it off)
	Version string       // conncap's version, for formats that name the tool (sarif); "dev" when empty
	Rules   []*lint.Rule // the rule catalogue, in catalogue order, for formats that describe rules (sarif)
}

// Report is what one run says: its findings and the assumptions it made.
type Report struct {
	Findings []lint.Diagnostic
	Notes    []string // assumptions ("server mysql-8.4 assumed"), printed after the findings
}

// Formatter writes a run's report.
type Formatter interface {
	Format(w io.Writer, r Report, src Sources) error
}

// Names lists the formats New accepts, sorted.
func Names() []string { return []string{"checkstyle", "github", "json", "sarif", "text"} }

// New returns the formatter called name.
func New(name string, opt Options) (Formatter, error) {
	switch name {
	case "text", "":
		return &Text{Color: opt.Color}, nil
	case "json":
		return JSON{}, nil
	case "sarif":
		return &SARIF{Version: opt.Version, Rules: opt.Rules}, nil
	case "github":
		return GitHub{}, nil
	case "checkstyle":
		return Checkstyle{}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(Names(), ", "))
}

// Text is the human format: a head line per finding in the form
// "path:line:col: severity: message [rule]", the source line with a caret
// under the token, the fix, and a closing count.
type Text struct {
	Color bool
}

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiYel   = "\x1b[33m"
	ansiCyan  = "\x1b[36m"
	ansiGray  = "\x1b[90m"
)

func (t *Text) paint(code, s string) string {
	if !t.Color {
		return s
	}
	return code + s + ansiReset
}

// Format writes the findings.
func (t *Text) Format(w io.Writer, r Report, src Sources) error {
	var b strings.Builder
	for _, d := range r.Findings {
		sevColor := map[lint.Severity]string{lint.Error: ansiRed, lint.Warning: ansiYel, lint.Info: ansiCyan}[d.Severity]
		fmt.Fprintf(&b, "%s: %s: %s %s\n", t.paint(ansiBold, d.Pos.String()), t.paint(sevColor, d.Severity.String()), d.Message, t.paint(ansiGray, "["+d.Rule+"]"))
		if line, ok := src.Line(d.Pos.Path, d.Pos.Line); ok && d.Pos.Line > 0 {
			num := fmt.Sprint(d.Pos.Line)
			pad := strings.Repeat(" ", len(num))
			fmt.Fprintf(&b, "%s |\n%s | %s\n", pad, num, line)
			if d.Pos.Col > 0 {
				fmt.Fprintf(&b, "%s | %s\n", pad, t.paint(sevColor, caret(line, d.Pos.Col, d.End)))
			}
		}
		for _, r := range d.Related {
			fmt.Fprintf(&b, "  = note: %s: %s\n", r.Pos, r.Message)
		}
		if d.Fix != nil {
			fmt.Fprintf(&b, "  = fix: %s\n", d.Fix.Message)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "%s %s\n", t.paint(ansiCyan, "note:"), n)
	}
	fmt.Fprintln(&b, summary(r.Findings))
	_, err := io.WriteString(w, b.String())
	return err
}

// caret builds the marker line: tabs before the column are kept so the caret
// lines up, other characters become spaces; End widens it with '~'.
func caret(line string, col, end int) string {
	var b strings.Builder
	i := 1
	for _, r := range line {
		if i >= col {
			break
		}
		if r == '\t' {
			b.WriteRune('\t')
		} else {
			b.WriteByte(' ')
		}
		i++
	}
	b.WriteByte('^')
	if end > col+1 {
		b.WriteString(strings.Repeat("~", end-col-1))
	}
	return b.String()
}

func summary(ds []lint.Diagnostic) string {
	if len(ds) == 0 {
		return "no findings"
	}
	counts := map[lint.Severity]int{}
	for _, d := range ds {
		counts[d.Severity]++
	}
	var parts []string
	for _, s := range []lint.Severity{lint.Error, lint.Warning, lint.Info} {
		if n := counts[s]; n > 0 {
			name := s.String()
			if n > 1 {
				name += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, name))
		}
	}
	return strings.Join(parts, ", ")
}

// JSON writes {"findings": [...], "notes": [...]} with a stable field set (documented in the README).
type JSON struct{}

// jsonFinding is the stable JSON shape of a finding.
type jsonFinding struct {
	Rule      string        `json:"rule"`
	Severity  string        `json:"severity"`
	Message   string        `json:"message"`
	File      string        `json:"file"`
	Line      int           `json:"line"`
	Column    int           `json:"column"`
	EndColumn int           `json:"end_column,omitempty"`
	Related   []jsonRelated `json:"related"`
	Fix       string        `json:"fix,omitempty"`
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// Format writes the findings as one JSON document.
func (JSON) Format(w io.Writer, r Report, _ Sources) error {
	out := struct {
		Findings []jsonFinding `json:"findings"`
		Notes    []string      `json:"notes"`
	}{Findings: []jsonFinding{}, Notes: append([]string{}, r.Notes...)}
	for _, d := range r.Findings {
		f := jsonFinding{Rule: d.Rule, Severity: d.Severity.String(), Message: d.Message,
			File: d.Pos.Path, Line: d.Pos.Line, Column: d.Pos.Col, EndColumn: d.End, Related: []jsonRelated{}}
		for _, r := range d.Related {
			f.Related = append(f.Related, jsonRelated{File: r.Pos.Path, Line: r.Pos.Line, Column: r.Pos.Col, Message: r.Message})
		}
		if d.Fix != nil {
			f.Fix = d.Fix.Message
		}
		out.Findings = append(out.Findings, f)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
