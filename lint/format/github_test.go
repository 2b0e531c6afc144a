package format

import (
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/lint"
)

func TestGitHub(t *testing.T) {
	tests := []struct {
		name string
		in   lint.Diagnostic
		want string
	}{
		{
			name: "full position and fix",
			in: lint.Diagnostic{Rule: "wait-timeout-long", Severity: lint.Warning, Pos: source.Pos{Path: "etc/mysql/my.cnf", Line: 4, Col: 16}, End: 21,
				Message: "wait_timeout is 28800 s", Fix: &lint.Fix{Message: "set wait_timeout = 300"}},
			want: "::warning file=etc/mysql/my.cnf,line=4,col=16,endColumn=21,title=wait-timeout-long::wait_timeout is 28800 s; fix: set wait_timeout = 300\n",
		},
		{
			name: "error, whole line, newline and percent in the message",
			in:   lint.Diagnostic{Rule: "r", Severity: lint.Error, Pos: source.Pos{Path: "a.cnf", Line: 2}, Message: "demand is 120% of the limit\nsecond line"},
			want: "::error file=a.cnf,line=2,title=r::demand is 120%25 of the limit%0Asecond line\n",
		},
		{
			name: "info is a notice; carriage return; already-escaped text is escaped again",
			in:   lint.Diagnostic{Rule: "i", Severity: lint.Info, Pos: source.Pos{Path: "a.cnf", Line: 1, Col: 3}, End: 3, Message: "a\r\nb %0A"},
			want: "::notice file=a.cnf,line=1,col=3,title=i::a%0D%0Ab %250A\n",
		},
		{
			name: "comma, colon and percent in the path; whole file",
			in:   lint.Diagnostic{Rule: "r", Severity: lint.Warning, Pos: source.Pos{Path: "conf.d/a,b:c%.cnf"}, Message: "x: y, z"},
			want: "::warning file=conf.d/a%2Cb%3Ac%25.cnf,title=r::x: y, z\n",
		},
		{
			name: "no file",
			in:   lint.Diagnostic{Rule: "pool-size-unknown", Severity: lint.Info, Message: "no pool size for api", Fix: &lint.Fix{Message: "set it"}},
			want: "::notice title=pool-size-unknown::no pool size for api; fix: set it\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			if err := (GitHub{}).Format(&b, Report{Findings: []lint.Diagnostic{tc.in}}, lines{}); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tc.want {
				t.Errorf("GitHub output mismatch:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestGitHubReport(t *testing.T) {
	r := Report{
		Findings: []lint.Diagnostic{
			{Rule: "a", Severity: lint.Error, Pos: source.Pos{Path: "x.cnf", Line: 1, Col: 1}, Message: "first"},
			{Rule: "b", Severity: lint.Warning, Pos: source.Pos{Path: "y.cnf", Line: 9}, Message: "second"},
		},
		Notes: []string{"server mysql-8.4 assumed", "100% of\nthe pool"},
	}
	var b strings.Builder
	if err := (GitHub{}).Format(&b, r, lines{}); err != nil {
		t.Fatal(err)
	}
	want := "::error file=x.cnf,line=1,col=1,title=a::first\n" +
		"::warning file=y.cnf,line=9,title=b::second\n" +
		"::notice::server mysql-8.4 assumed\n" +
		"::notice::100%25 of%0Athe pool\n"
	if got := b.String(); got != want {
		t.Errorf("GitHub output mismatch:\n--- want\n%s--- got\n%s", want, got)
	}

	b.Reset()
	if err := (GitHub{}).Format(&b, Report{}, lines{}); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 0 {
		t.Errorf("GitHub output of an empty report = %q, want nothing", b.String())
	}
}
