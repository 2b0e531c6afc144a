package format

import (
	"slices"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/lint"
)

type lines map[string][]string

func (l lines) Line(path string, n int) (string, bool) {
	f, ok := l[path]
	if !ok || n < 1 || n > len(f) {
		return "", false
	}
	return f[n-1], true
}

func TestText(t *testing.T) {
	src := lines{"my.cnf": {"[mysqld]", "\tmax_connections\t= 500 # é"}}
	ds := []lint.Diagnostic{
		{Rule: "r", Severity: lint.Error, Pos: source.Pos{Path: "my.cnf", Line: 2, Col: 20}, End: 23, Message: "too many",
			Related: []lint.Related{{Pos: source.Pos{Path: "u.service", Line: 3, Col: 13}, Message: "the limit"}},
			Fix:     &lint.Fix{Message: "lower it"}},
		{Rule: "w", Severity: lint.Warning, Pos: source.Pos{Path: "my.cnf", Line: 1}, Message: "whole line"},
		{Rule: "i", Severity: lint.Info, Pos: source.Pos{Path: "gone.cnf", Line: 4, Col: 2}, Message: "no source"},
	}
	var b strings.Builder
	if err := (&Text{}).Format(&b, Report{Findings: ds, Notes: []string{"assumed things"}}, src); err != nil {
		t.Fatal(err)
	}
	want := "my.cnf:2:20: error: too many [r]\n" +
		"  |\n" +
		"2 | \tmax_connections\t= 500 # é\n" +
		"  | \t               \t  ^~~\n" +
		"  = note: u.service:3:13: the limit\n" +
		"  = fix: lower it\n" +
		"my.cnf:1: warning: whole line [w]\n" +
		"  |\n" +
		"1 | [mysqld]\n" +
		"gone.cnf:4:2: info: no source [i]\n" +
		"note: assumed things\n" +
		"1 error, 1 warning, 1 info\n"
	if got := b.String(); got != want {
		t.Errorf("Text mismatch:\n--- want\n%s--- got\n%s", want, got)
	}
}

func TestJSONIsStableAndEmptyIsAnArray(t *testing.T) {
	var b strings.Builder
	if err := (JSON{}).Format(&b, Report{}, lines{}); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"findings\": [],\n  \"notes\": []\n}\n"; b.String() != want {
		t.Errorf("JSON of nothing = %q, want %q", b.String(), want)
	}
}

func TestNew(t *testing.T) {
	if _, err := New("xml", Options{}); err == nil {
		t.Error("New(\"xml\") accepted a format that does not exist")
	}
	want := []string{"checkstyle", "github", "json", "sarif", "text"}
	if got := Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
	if !slices.IsSorted(Names()) {
		t.Errorf("Names() = %q is not sorted", Names())
	}
	for _, n := range Names() {
		if _, err := New(n, Options{}); err != nil {
			t.Errorf("New(%q): %v", n, err)
		}
	}
	f, err := New("sarif", Options{Version: "1.2.3", Rules: []*lint.Rule{lint.BadDirective}})
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := f.(*SARIF); !ok || s.Version != "1.2.3" || len(s.Rules) != 1 {
		t.Errorf("New(\"sarif\", …) = %#v, want the options' version and rules", f)
	}
}
