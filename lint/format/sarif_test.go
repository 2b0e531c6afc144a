package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/internal/oracletest"
	"github.com/conncap/conncap/lint"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sarifRules is a small fixed catalogue, so the golden file does not change
// when the real rules' docs do.
var sarifRules = []*lint.Rule{
	{ID: "wait-timeout-long", Severity: lint.Warning, Summary: "wait_timeout keeps idle and leaked connections for too long",
		Doc: lint.Doc{Why: "An idle connection holds a max_connections slot until wait_timeout expires.",
			Fix: "Set wait_timeout to 300 s or less.", Config: []string{"thresholds.wait_timeout"}}},
	{ID: "demand-exceeds-max-connections", Severity: lint.Error, Summary: "application demand exceeds max_connections",
		Doc: lint.Doc{Why: "Clients beyond max_connections get \"Too many connections\".", Fix: "Raise max_connections or shrink the pools."}},
	{ID: "pool-size-unknown", Severity: lint.Info, Summary: "a service's pool size is unknown",
		Doc: lint.Doc{Why: "Demand cannot be computed without it.", Fix: "Set the pool size explicitly."}},
}

func sarifSources() lines {
	return lines{
		"etc/mysql/my.cnf":      {"[mysqld]", "max_connections = 151", "", "wait_timeout = 28800 # é"},
		"k8s/api,v2/deploy.yml": {"spec:", "  replicas: 30"},
	}
}

// sarifReport exercises every branch: full region, whole line, whole file,
// no file, related locations with and without files, a rule outside the
// catalogue, notes, and a path that needs percent-encoding.
func sarifReport() Report {
	return Report{
		Findings: []lint.Diagnostic{
			{Rule: "demand-exceeds-max-connections", Severity: lint.Error, Pos: source.Pos{Path: "etc/mysql/my.cnf", Line: 2, Col: 19}, End: 22,
				Message: "autoscale demand is 300 (api: 30 pods × pool 10, k8s/api,v2/deploy.yml:2:13) but the server allows 151",
				Related: []lint.Related{
					{Pos: source.Pos{Path: "k8s/api,v2/deploy.yml", Line: 2, Col: 13}, Message: "30 replicas"},
					{Message: "pool 10: default for HikariCP"},
				},
				Fix: &lint.Fix{Message: "set max_connections = 400 in [mysqld]"}},
			{Rule: "wait-timeout-long", Severity: lint.Warning, Pos: source.Pos{Path: "etc/mysql/my.cnf", Line: 4}, Message: "wait_timeout is 28800 s"},
			{Rule: "custom-rule", Severity: lint.Warning, Pos: source.Pos{Path: "etc/my cnf.d/x.cnf"}, Message: "a rule outside the catalogue, whole file"},
			{Rule: "pool-size-unknown", Severity: lint.Info, Message: "no pool size for \"worker\""},
		},
		Notes: []string{"server mysql-8.4 assumed"},
	}
}

func formatSARIF(t *testing.T, s *SARIF, r Report, src Sources) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := s.Format(&b, r, src); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const sarifGolden = "testdata/report.sarif"

func TestSARIFGolden(t *testing.T) {
	got := formatSARIF(t, &SARIF{Rules: sarifRules}, sarifReport(), sarifSources())
	if *update {
		if err := os.WriteFile(sarifGolden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(sarifGolden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("SARIF output differs from %s (go test -update rewrites it):\n%s", sarifGolden, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first line where want and got differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n-want %s\n+got  %s", i+1, wl, gl)
		}
	}
	return "(same lines)"
}

// The parts of the log consumers rely on, read back through encoding/json.
type sarifBack struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name, InformationURI, Version, SemanticVersion string
				Rules                                          []struct {
					ID, Name, HelpURI    string
					ShortDescription     struct{ Text string }
					FullDescription      struct{ Text string }
					Help                 struct{ Text, Markdown string }
					DefaultConfiguration struct{ Level string }
				}
			}
		}
		Invocations []struct {
			ExecutionSuccessful        bool
			ToolExecutionNotifications []struct {
				Level   string
				Message struct{ Text string }
			}
		}
		OriginalURIBaseIDs map[string]struct {
			URI         *string
			Description struct{ Text string }
		} `json:"originalUriBaseIds"`
		ColumnKind string
		Results    []struct {
			RuleID              string
			RuleIndex           *int
			Level               string
			Message             struct{ Text string }
			Locations           []sarifBackLocation
			RelatedLocations    []sarifBackLocation
			PartialFingerprints map[string]string
		}
	}
}

type sarifBackLocation struct {
	ID               *int
	Message          *struct{ Text string }
	PhysicalLocation *struct {
		ArtifactLocation struct {
			URI       string
			URIBaseID string `json:"uriBaseId"`
		}
		Region *struct{ StartLine, StartColumn, EndColumn int }
	}
}

func TestSARIFStructure(t *testing.T) {
	out := formatSARIF(t, &SARIF{Rules: sarifRules}, sarifReport(), sarifSources())
	var log sarifBack
	dec := json.NewDecoder(bytes.NewReader(out))
	if err := dec.Decode(&log); err != nil {
		t.Fatal(err)
	}
	if log.Schema != "https://json.schemastore.org/sarif-2.1.0.json" || log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("header: schema %q version %q, %d runs", log.Schema, log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Name != "conncap" || d.InformationURI != "https://github.com/conncap/conncap" || d.Version != "dev" || d.SemanticVersion != "" {
		t.Errorf("driver = %q %q version %q semver %q", d.Name, d.InformationURI, d.Version, d.SemanticVersion)
	}
	type rule struct{ ID, Name, Level, Short, Full, HelpURI string }
	var gotRules []rule
	for _, r := range d.Rules {
		gotRules = append(gotRules, rule{r.ID, r.Name, r.DefaultConfiguration.Level, r.ShortDescription.Text, r.FullDescription.Text, r.HelpURI})
		if r.FullDescription.Text != "" && (!strings.Contains(r.Help.Text, r.FullDescription.Text) || !strings.Contains(r.Help.Markdown, "**Fix:**")) {
			t.Errorf("rule %s: help %q / %q lacks the why or the fix", r.ID, r.Help.Text, r.Help.Markdown)
		}
	}
	doc := "https://github.com/conncap/conncap/blob/main/docs/rules.md#"
	wantRules := []rule{
		{"wait-timeout-long", "WaitTimeoutLong", "warning", sarifRules[0].Summary, sarifRules[0].Doc.Why, doc + "wait-timeout-long"},
		{"demand-exceeds-max-connections", "DemandExceedsMaxConnections", "error", sarifRules[1].Summary, sarifRules[1].Doc.Why, doc + "demand-exceeds-max-connections"},
		{"pool-size-unknown", "PoolSizeUnknown", "note", sarifRules[2].Summary, sarifRules[2].Doc.Why, doc + "pool-size-unknown"},
		{"custom-rule", "CustomRule", "warning", "custom-rule", "", doc + "custom-rule"},
	}
	if diff := cmp.Diff(wantRules, gotRules); diff != "" {
		t.Errorf("rules mismatch (-want +got):\n%s", diff)
	}
	if len(run.Invocations) != 1 || !run.Invocations[0].ExecutionSuccessful || len(run.Invocations[0].ToolExecutionNotifications) != 1 ||
		run.Invocations[0].ToolExecutionNotifications[0].Message.Text != "server mysql-8.4 assumed" {
		t.Errorf("invocations = %+v, want one successful with the note", run.Invocations)
	}
	if b, ok := run.OriginalURIBaseIDs["%SRCROOT%"]; !ok || b.URI != nil || b.Description.Text == "" {
		t.Errorf("originalUriBaseIds = %+v, want %%SRCROOT%% with a description and no uri", run.OriginalURIBaseIDs)
	}
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind = %q", run.ColumnKind)
	}

	type loc struct {
		ID                 int
		URI, Base, Message string
		Line, Col, End     int
	}
	flat := func(ls []sarifBackLocation) []loc {
		var out []loc
		for _, l := range ls {
			var f loc
			f.ID = -1
			if l.ID != nil {
				f.ID = *l.ID
			}
			if l.Message != nil {
				f.Message = l.Message.Text
			}
			if p := l.PhysicalLocation; p != nil {
				f.URI, f.Base = p.ArtifactLocation.URI, p.ArtifactLocation.URIBaseID
				if p.Region != nil {
					f.Line, f.Col, f.End = p.Region.StartLine, p.Region.StartColumn, p.Region.EndColumn
				}
			}
			out = append(out, f)
		}
		return out
	}
	type result struct {
		Rule      string
		Index     int
		Level     string
		Message   string
		Locations []loc
		Related   []loc
	}
	var gotResults []result
	fpRE := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for _, r := range run.Results {
		if r.RuleIndex == nil {
			t.Fatalf("result %s has no ruleIndex", r.RuleID)
		}
		gotResults = append(gotResults, result{r.RuleID, *r.RuleIndex, r.Level, r.Message.Text, flat(r.Locations), flat(r.RelatedLocations)})
		if fp := r.PartialFingerprints["conncapFingerprint/v1"]; len(r.PartialFingerprints) != 1 || !fpRE.MatchString(fp) {
			t.Errorf("result %s: partialFingerprints = %v", r.RuleID, r.PartialFingerprints)
		}
	}
	wantResults := []result{
		{"demand-exceeds-max-connections", 1, "error", sarifReport().Findings[0].Message + "; fix: set max_connections = 400 in [mysqld]",
			[]loc{{-1, "etc/mysql/my.cnf", "%SRCROOT%", "", 2, 19, 22}},
			[]loc{{0, "k8s/api,v2/deploy.yml", "%SRCROOT%", "30 replicas", 2, 13, 0}, {1, "", "", "pool 10: default for HikariCP", 0, 0, 0}}},
		{"wait-timeout-long", 0, "warning", "wait_timeout is 28800 s", []loc{{-1, "etc/mysql/my.cnf", "%SRCROOT%", "", 4, 0, 0}}, nil},
		{"custom-rule", 3, "warning", "a rule outside the catalogue, whole file", []loc{{-1, "etc/my%20cnf.d/x.cnf", "%SRCROOT%", "", 0, 0, 0}}, nil},
		{"pool-size-unknown", 2, "note", "no pool size for \"worker\"", nil, nil},
	}
	if diff := cmp.Diff(wantResults, gotResults); diff != "" {
		t.Errorf("results mismatch (-want +got):\n%s", diff)
	}

	// Schema-required properties (sarif-2.1.0 "required" lists) are present
	// in the raw document, not just zero after decoding.
	var raw map[string]any
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	requireKeys(t, raw, "$", "version", "runs")
	r0 := raw["runs"].([]any)[0].(map[string]any)
	requireKeys(t, r0, "runs[0]", "tool")
	requireKeys(t, r0["tool"].(map[string]any), "tool", "driver")
	requireKeys(t, r0["tool"].(map[string]any)["driver"].(map[string]any), "driver", "name")
	for _, rr := range r0["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any) {
		requireKeys(t, rr.(map[string]any), "rule", "id")
	}
	for _, inv := range r0["invocations"].([]any) {
		requireKeys(t, inv.(map[string]any), "invocation", "executionSuccessful")
	}
	for _, res := range r0["results"].([]any) {
		requireKeys(t, res.(map[string]any), "result", "message")
		requireKeys(t, res.(map[string]any)["message"].(map[string]any), "message", "text")
	}
}

func requireKeys(t *testing.T, m map[string]any, where string, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: required property %q missing", where, k)
		}
	}
}

func TestSARIFEmptyAndVersion(t *testing.T) {
	tests := []struct {
		version, wantVersion, wantSemver string
	}{
		{"", "dev", ""},
		{"dev", "dev", ""},
		{"v1.4.0", "1.4.0", "1.4.0"},
		{"1.4.0-rc.1+abc", "1.4.0-rc.1+abc", "1.4.0-rc.1+abc"},
		{"(devel)", "(devel)", ""},
	}
	for _, tc := range tests {
		out := formatSARIF(t, &SARIF{Version: tc.version}, Report{}, lines{})
		var log sarifBack
		if err := json.Unmarshal(out, &log); err != nil {
			t.Fatal(err)
		}
		d := log.Runs[0].Tool.Driver
		if d.Version != tc.wantVersion || d.SemanticVersion != tc.wantSemver {
			t.Errorf("Version %q: driver version %q semanticVersion %q, want %q %q", tc.version, d.Version, d.SemanticVersion, tc.wantVersion, tc.wantSemver)
		}
		// No findings is an empty array ("ran, found nothing"), not null.
		if !bytes.Contains(out, []byte(`"results": []`)) || !bytes.Contains(out, []byte(`"rules": []`)) {
			t.Errorf("Version %q: empty report lacks \"results\": [] or \"rules\": []:\n%s", tc.version, out)
		}
	}
}

func TestFingerprint(t *testing.T) {
	base := lint.Diagnostic{Rule: "wait-timeout-long", Severity: lint.Warning, Pos: source.Pos{Path: "etc/mysql/my.cnf", Line: 2, Col: 16}, End: 21,
		Message: "wait_timeout is 28800 s (etc/mysql/my.cnf:2:16)"}
	src := lines{"etc/mysql/my.cnf": {"[mysqld]", "wait_timeout = 28800", "", "", "", "  wait_timeout = 28800\t", "max_connections = 151"}}
	moved := base
	moved.Pos.Line, moved.Message = 6, "wait_timeout is 28800 s (etc/mysql/my.cnf:6:16)"
	want := Fingerprint(base, src)

	tests := []struct {
		name string
		d    lint.Diagnostic
		same bool
	}{
		{"moved down 3 lines, re-indented, message quoting the new line", moved, true},
		{"severity changed by configuration", func() lint.Diagnostic { d := base; d.Severity = lint.Error; return d }(), true},
		{"different message", func() lint.Diagnostic { d := base; d.Message = "wait_timeout is long"; return d }(), false},
		{"different rule", func() lint.Diagnostic { d := base; d.Rule = "duplicate-option"; return d }(), false},
		{"different file", func() lint.Diagnostic { d := base; d.Pos.Path = "etc/mysql/conf.d/x.cnf"; return d }(), false},
		{"different source line", func() lint.Diagnostic { d := base; d.Pos.Line = 7; return d }(), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Fingerprint(tc.d, src)
			if (got == want) != tc.same {
				t.Errorf("Fingerprint = %s, base %s; want same = %v", got, want, tc.same)
			}
		})
	}
	if len(want) != 32 || strings.Trim(want, "0123456789abcdef") != "" {
		t.Errorf("Fingerprint = %q, want 32 lowercase hex digits", want)
	}

	// Through the formatter: the result's partialFingerprints follow.
	fp := func(d lint.Diagnostic) string {
		var log sarifBack
		if err := json.Unmarshal(formatSARIF(t, &SARIF{}, Report{Findings: []lint.Diagnostic{d}}, src), &log); err != nil {
			t.Fatal(err)
		}
		return log.Runs[0].Results[0].PartialFingerprints["conncapFingerprint/v1"]
	}
	if a, b := fp(base), fp(moved); a != b || a != want {
		t.Errorf("SARIF fingerprints: base %s, moved %s, Fingerprint %s; want all equal", a, b, want)
	}
	other := base
	other.Message = "wait_timeout keeps connections"
	if fp(base) == fp(other) {
		t.Error("SARIF fingerprint did not change with the message")
	}
}

// TestSarifValidates runs Microsoft's SARIF multitool (npm
// @microsoft/sarif-multitool), which checks the SARIF 2.1.0 JSON schema and
// the spec's rules, on the golden log, an empty log and a log describing the
// real rule catalogue, and fails on any error-level result or when the tool
// reports nothing at all (it did not read the log). A deliberately broken log
// must draw errors, so a validator that checks nothing fails the test.
func TestSarifValidates(t *testing.T) {
	tool := os.Getenv("CONNCAP_SARIF_MULTITOOL")
	if tool == "" {
		tool, _ = exec.LookPath("sarif-multitool")
	}
	if tool == "" {
		oracletest.Unavailable(t, "sarif-multitool not found (set CONNCAP_SARIF_MULTITOOL or put it in PATH)")
	}
	tool = nativeMultitool(tool)
	logs := sarifLogs(t)
	for _, name := range []string{"catalog", "empty", "golden"} {
		t.Run(name, func(t *testing.T) {
			for _, e := range validateSARIF(t, tool, logs[name]) {
				t.Error(e)
			}
		})
	}
	t.Run("broken log is rejected", func(t *testing.T) {
		broken := strings.Replace(string(logs["golden"]), `"name": "conncap",`, "", 1)
		broken = strings.Replace(broken, `"startLine": 2,`, `"startLine": 0,`, 1)
		if broken == string(logs["golden"]) {
			t.Fatal("could not break the golden log")
		}
		if errs := validateSARIF(t, tool, []byte(broken)); len(errs) < 2 {
			t.Errorf("validator found %d errors in a log without driver.name and with startLine 0, want at least 2: %q", len(errs), errs)
		}
	})
}

// nativeMultitool returns the platform binary behind the npm package's
// bin.js wrapper, when path is that wrapper: the wrapper runs the binary
// through a shell, which re-splits arguments with spaces or semicolons.
func nativeMultitool(path string) string {
	real, err := filepath.EvalSymlinks(path)
	if err != nil || filepath.Base(real) != "bin.js" {
		return path
	}
	native := filepath.Join(filepath.Dir(real), "..", "sarif-multitool-"+runtime.GOOS, "Sarif.Multitool")
	if _, err := os.Stat(native); err != nil {
		return path
	}
	return native
}

// validateSARIF runs "tool validate" on log and returns its error-level
// results; warnings are logged.
func validateSARIF(t *testing.T, tool string, log []byte) []string {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "log.sarif"), filepath.Join(dir, "validation.sarif")
	if err := os.WriteFile(in, log, 0o644); err != nil {
		t.Fatal(err)
	}
	// SARIF2006 (a note) fetches every URI in the log over HTTP; offline it
	// only adds time.
	config := filepath.Join(dir, "policy.xml")
	if err := os.WriteFile(config, []byte(`<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" />
  </Properties>
</Properties>
`), 0o644); err != nil {
		t.Fatal(err)
	}
	// Notes too: a log the multitool cannot deserialize (an invalid enum
	// value) draws no result at all, so silence means it was not read.
	// Space-separated levels survive the npm wrapper's shell.
	cmd := exec.Command(tool, "validate", in, "--output", out, "--config", config, "--level", "Error", "Warning", "Note")
	// A self-contained .NET program: without this it needs libicu.
	cmd.Env = append(os.Environ(), "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1", "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	cmd.Dir = dir
	console, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s: %v", tool, err)
	}
	report, rerr := os.ReadFile(out)
	if rerr != nil {
		t.Fatalf("%s validate wrote no report (%v); exit %v; output:\n%s", tool, rerr, err, console)
	}
	type message struct {
		Text      string
		ID        string
		Arguments []string
	}
	var v struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID             string
						MessageStrings map[string]struct{ Text string }
					}
				}
			}
			Invocations []struct {
				ToolExecutionNotifications []struct {
					Level   string
					Message message
				}
			}
			Results []struct {
				RuleID  string
				Level   string
				Message message
			}
		}
	}
	if err := json.Unmarshal(report, &v); err != nil {
		t.Fatalf("validation report: %v", err)
	}
	if len(v.Runs) != 1 {
		t.Fatalf("validation report has %d runs, want 1; output:\n%s", len(v.Runs), console)
	}
	run := v.Runs[0]
	text := func(rule string, m message) string {
		if m.Text != "" {
			return m.Text
		}
		for _, r := range run.Tool.Driver.Rules {
			if ms, ok := r.MessageStrings[m.ID]; ok && r.ID == rule {
				s := ms.Text
				for i, a := range m.Arguments {
					s = strings.ReplaceAll(s, fmt.Sprintf("{%d}", i), a)
				}
				return s
			}
		}
		return m.ID + " " + strings.Join(m.Arguments, " | ")
	}
	var errs []string
	if len(run.Results) == 0 {
		errs = append(errs, "validator reported nothing, not even notes: it did not read the log (the multitool skips logs with an invalid enum value silently)")
	}
	for _, inv := range run.Invocations {
		for _, n := range inv.ToolExecutionNotifications {
			if n.Level == "error" {
				errs = append(errs, "validator: "+text("", n.Message))
			}
		}
	}
	for _, r := range run.Results {
		level := r.Level
		if level == "" {
			level = "warning" // SARIF's default
		}
		line := r.RuleID + " " + level + ": " + text(r.RuleID, r.Message)
		switch level {
		case "error":
			errs = append(errs, line)
		case "warning":
			t.Log(line)
		}
	}
	if err != nil && len(errs) == 0 {
		errs = append(errs, fmt.Sprintf("%s validate: %v; output:\n%s", tool, err, console))
	}
	return errs
}
