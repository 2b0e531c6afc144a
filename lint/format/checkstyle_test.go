package format

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/lint"
)

func TestCheckstyle(t *testing.T) {
	r := Report{
		Findings: []lint.Diagnostic{
			{Rule: "unknown-option", Severity: lint.Error, Pos: source.Pos{Path: "z/my.cnf", Line: 3, Col: 1}, End: 15,
				Message: `unknown option "max_conections" in [mysqld]: <mysqld> & co won't start`, Fix: &lint.Fix{Message: "rename it"}},
			{Rule: "pool-size-unknown", Severity: lint.Info, Message: "no position\nat all"},
			{Rule: "wait-timeout-long", Severity: lint.Warning, Pos: source.Pos{Path: "a,b/my.cnf", Line: 2}, Message: "whole line"},
			{Rule: "duplicate-option", Severity: lint.Warning, Pos: source.Pos{Path: "z/my.cnf", Line: 9, Col: 4}, Message: "second in z"},
			{Rule: "option-file-ignored", Severity: lint.Info, Pos: source.Pos{Path: "a,b/x.cnf", Col: 7}, Message: "whole file"},
		},
		Notes: []string{"not written"},
	}
	var b strings.Builder
	if err := (Checkstyle{}).Format(&b, r, lines{}); err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>
<checkstyle version="4.3">
  <file name="">
    <error severity="info" message="no position&#xA;at all" source="conncap.pool-size-unknown"></error>
  </file>
  <file name="a,b/my.cnf">
    <error line="2" severity="warning" message="whole line" source="conncap.wait-timeout-long"></error>
  </file>
  <file name="a,b/x.cnf">
    <error severity="info" message="whole file" source="conncap.option-file-ignored"></error>
  </file>
  <file name="z/my.cnf">
    <error line="3" column="1" severity="error" message="unknown option &#34;max_conections&#34; in [mysqld]: &lt;mysqld&gt; &amp; co won&#39;t start; fix: rename it" source="conncap.unknown-option"></error>
    <error line="9" column="4" severity="warning" message="second in z" source="conncap.duplicate-option"></error>
  </file>
</checkstyle>
`
	got := b.String()
	if got != want {
		t.Errorf("Checkstyle output mismatch:\n--- want\n%s--- got\n%s", want, got)
	}

	// The document reads back: the escaping round-trips.
	var back checkstyleRoot
	if err := xml.Unmarshal([]byte(got), &back); err != nil {
		t.Fatalf("output is not XML: %v", err)
	}
	if len(back.Files) != 4 || back.Files[3].Errors[0].Message != withFix(r.Findings[0]) || back.Files[0].Errors[0].Message != "no position\nat all" {
		t.Errorf("Checkstyle output does not read back: %+v", back)
	}
}

func TestCheckstyleEmpty(t *testing.T) {
	var b strings.Builder
	if err := (Checkstyle{}).Format(&b, Report{}, lines{}); err != nil {
		t.Fatal(err)
	}
	want := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\"></checkstyle>\n"
	if b.String() != want {
		t.Errorf("Checkstyle of nothing = %q, want %q", b.String(), want)
	}
}
