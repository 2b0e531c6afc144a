package format

import (
	"fmt"
	"io"
	"strings"

	"github.com/conncap/conncap/lint"
)

// GitHub writes GitHub Actions workflow commands, one line per finding, so
// a workflow step shows the findings as annotations on the pull request:
//
//	::warning file=etc/mysql/my.cnf,line=4,col=16,endColumn=21,title=wait-timeout-long::wait_timeout is 28800 s…
//
// Errors become ::error, warnings ::warning and infos ::notice; the message
// ends with "; fix: …" when the finding has a fix. Unknown parts of the
// position are left out. Notes follow as ::notice commands without a file;
// nothing else is written.
type GitHub struct{}

// Format writes the findings as workflow commands.
func (GitHub) Format(w io.Writer, r Report, _ Sources) error {
	var b strings.Builder
	for _, d := range r.Findings {
		var props []string
		if d.Pos.Path != "" {
			props = append(props, "file="+escapeProperty(d.Pos.Path))
			if d.Pos.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", d.Pos.Line))
				if d.Pos.Col > 0 {
					props = append(props, fmt.Sprintf("col=%d", d.Pos.Col))
					if d.End > d.Pos.Col {
						props = append(props, fmt.Sprintf("endColumn=%d", d.End))
					}
				}
			}
		}
		props = append(props, "title="+escapeProperty(d.Rule))
		fmt.Fprintf(&b, "::%s %s::%s\n", githubCommand(d.Severity), strings.Join(props, ","), escapeData(withFix(d)))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "::notice::%s\n", escapeData(n))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// githubCommand names the workflow command for a severity.
func githubCommand(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "notice"
}

// escapeData escapes a command's message as the Actions runner expects
// (actions/toolkit's escapeData): %, CR and LF.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a command property value (actions/toolkit's
// escapeProperty): what escapeData escapes, plus ':' and ','.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
