package format

import (
	"cmp"
	"encoding/xml"
	"io"
	"slices"

	"github.com/conncap/conncap/lint"
)

// Checkstyle writes Checkstyle XML (version 4.3), the format CI tools such as
// reviewdog and Jenkins' warnings plugin read: one <file> per path, sorted by
// path, each holding its findings in input order as
// <error line column severity message source="conncap.RULE">. Severities are
// error, warning and info; the message ends with "; fix: …" when the finding
// has a fix. Unknown lines and columns are left out, and findings without a
// file go in a <file name="">. Notes have no place in the format and are not
// written.
type Checkstyle struct{}

type checkstyleRoot struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

type checkstyleError struct {
	Line     int    `xml:"line,attr,omitempty"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// Format writes the findings as one Checkstyle document.
func (Checkstyle) Format(w io.Writer, r Report, _ Sources) error {
	root := checkstyleRoot{Version: "4.3"}
	byPath := map[string]int{}
	for _, d := range r.Findings {
		i, ok := byPath[d.Pos.Path]
		if !ok {
			i = len(root.Files)
			byPath[d.Pos.Path] = i
			root.Files = append(root.Files, checkstyleFile{Name: d.Pos.Path})
		}
		e := checkstyleError{Line: d.Pos.Line, Severity: checkstyleSeverity(d.Severity), Message: withFix(d), Source: "conncap." + d.Rule}
		if d.Pos.Line > 0 {
			e.Column = d.Pos.Col
		}
		root.Files[i].Errors = append(root.Files[i].Errors, e)
	}
	slices.SortStableFunc(root.Files, func(a, b checkstyleFile) int { return cmp.Compare(a.Name, b.Name) })
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// checkstyleSeverity names a severity as Checkstyle does.
func checkstyleSeverity(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "info"
}
