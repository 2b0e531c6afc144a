package format

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"regexp"
	"strings"

	"github.com/conncap/conncap/lint"
)

const (
	// SARIFSchema is the $schema of the logs SARIF writes.
	SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"
	// SARIFVersion is the SARIF version of the logs SARIF writes.
	SARIFVersion = "2.1.0"
	// InformationURI is the tool's home page, tool.driver.informationUri.
	InformationURI = "https://github.com/conncap/conncap"
	// RuleDocURL is the rule catalogue; a rule's helpUri adds "#" and its ID.
	RuleDocURL = "https://github.com/conncap/conncap/blob/main/docs/rules.md"
	// FingerprintKey names conncap's entry in result.partialFingerprints.
	FingerprintKey = "conncapFingerprint/v1"
	// srcRoot is the uriBaseId every artifact location is relative to.
	srcRoot = "%SRCROOT%"
)

// SARIF writes a SARIF 2.1.0 log with one run. The driver lists the whole
// rule catalogue (Rules) so ruleIndex is stable across runs; artifact URIs are
// the findings' slash paths relative to %SRCROOT% (the linted root), and
// columns count Unicode code points, as Pos.Col does.
//
// Each result carries a partial fingerprint that does not depend on the line
// number: a hash of the rule, the path, the trimmed text of the source line
// and the message with its digits masked, so a finding that moves down the
// file keeps its identity in code-scanning services.
type SARIF struct {
	Version string       // tool version; "dev" when empty
	Rules   []*lint.Rule // the rule catalogue, in catalogue order
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool         `json:"tool"`
	Invocations        []sarifInvocation `json:"invocations"`
	OriginalURIBaseIDs sarifBaseIDs      `json:"originalUriBaseIds"`
	ColumnKind         string            `json:"columnKind"`
	Results            []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	InformationURI  string      `json:"informationUri"`
	Version         string      `json:"version"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	Rules           []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifMessage       `json:"shortDescription"`
	FullDescription      *sarifMessage      `json:"fullDescription,omitempty"`
	Help                 *sarifHelp         `json:"help,omitempty"`
	HelpURI              string             `json:"helpUri"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifBaseIDs struct {
	SrcRoot sarifBaseID `json:"%SRCROOT%"`
}

// sarifBaseID has no uri: SARIF requires an absolute one there, and the
// linted root's absolute path is machine-specific.
type sarifBaseID struct {
	Description sarifMessage `json:"description"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"` // one key; encoding/json sorts keys anyway
}

type sarifLocation struct {
	ID               *int                   `json:"id,omitempty"`
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	Message          *sarifMessage          `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

// Format writes the findings as one SARIF log.
func (s *SARIF) Format(w io.Writer, r Report, src Sources) error {
	version := s.Version
	if version == "" {
		version = "dev"
	}
	sv := semver(version)
	if sv != "" {
		version = sv // "v1.4.0" → "1.4.0": validators want a version that starts with a digit
	}
	driver := sarifDriver{Name: "conncap", InformationURI: InformationURI, Version: version,
		SemanticVersion: sv, Rules: []sarifRule{}}
	index := map[string]int{}
	for _, rule := range s.Rules {
		if _, dup := index[rule.ID]; dup {
			continue
		}
		index[rule.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRuleOf(rule))
	}
	run := sarifRun{
		Tool:        sarifTool{Driver: driver},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		OriginalURIBaseIDs: sarifBaseIDs{SrcRoot: sarifBaseID{Description: sarifMessage{
			Text: "The directory conncap linted (its --root); result paths are relative to it."}}},
		ColumnKind: "unicodeCodePoints",
		Results:    []sarifResult{},
	}
	for _, n := range r.Notes {
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications,
			sarifNotification{Level: "note", Message: sarifMessage{Text: n}})
	}
	for _, d := range r.Findings {
		i, ok := index[d.Rule]
		if !ok {
			// Not in the catalogue handed in: describe it minimally so
			// ruleIndex stays valid.
			i = len(run.Tool.Driver.Rules)
			index[d.Rule] = i
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(&lint.Rule{ID: d.Rule, Severity: d.Severity, Summary: d.Rule}))
		}
		res := sarifResult{
			RuleID: d.Rule, RuleIndex: i, Level: sarifLevel(d.Severity),
			Message:             sarifMessage{Text: withFix(d)},
			PartialFingerprints: map[string]string{FingerprintKey: Fingerprint(d, src)},
		}
		if loc, ok := sarifPhysical(d.Pos.Path, d.Pos.Line, d.Pos.Col, d.End); ok {
			res.Locations = []sarifLocation{{PhysicalLocation: loc}}
		}
		for j, rel := range d.Related {
			id := j
			l := sarifLocation{ID: &id, Message: &sarifMessage{Text: rel.Message}}
			if loc, ok := sarifPhysical(rel.Pos.Path, rel.Pos.Line, rel.Pos.Col, 0); ok {
				l.PhysicalLocation = loc
			}
			res.RelatedLocations = append(res.RelatedLocations, l)
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{run}})
}

// sarifPhysical returns the location of a file position; false when it names
// no file. A position without a line names the whole file (no region).
func sarifPhysical(path string, line, col, end int) (*sarifPhysicalLocation, bool) {
	if path == "" {
		return nil, false
	}
	loc := &sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: artifactURI(path), URIBaseID: srcRoot}}
	if line > 0 {
		loc.Region = &sarifRegion{StartLine: line}
		if col > 0 {
			loc.Region.StartColumn = col
			if end > col {
				loc.Region.EndColumn = end
			}
		}
	}
	return loc, true
}

// artifactURI turns a slash path into a relative URI reference: characters
// that URIs reserve or forbid are percent-encoded, slashes are kept.
func artifactURI(path string) string {
	var b strings.Builder
	for _, c := range []byte(strings.TrimPrefix(path, "/")) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/!$&'()*+,;=@", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		const hexDigits = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func sarifRuleOf(r *lint.Rule) sarifRule {
	out := sarifRule{
		ID:                   r.ID,
		Name:                 camelCase(r.ID),
		ShortDescription:     sarifMessage{Text: r.Summary},
		HelpURI:              RuleDocURL + "#" + r.ID,
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(r.Severity)},
	}
	if r.Doc.Why != "" {
		out.FullDescription = &sarifMessage{Text: r.Doc.Why}
	}
	if r.Doc.Why != "" || r.Doc.Fix != "" {
		var text, md []string
		if r.Doc.Why != "" {
			text = append(text, r.Doc.Why)
			md = append(md, r.Doc.Why)
		}
		if r.Doc.Fix != "" {
			text = append(text, "Fix: "+r.Doc.Fix)
			md = append(md, "**Fix:** "+r.Doc.Fix)
		}
		if len(r.Doc.Config) > 0 {
			text = append(text, "Configuration: "+strings.Join(r.Doc.Config, ", "))
			md = append(md, "**Configuration:** `"+strings.Join(r.Doc.Config, "`, `")+"`")
		}
		md = append(md, "See ["+r.ID+"]("+out.HelpURI+").")
		out.Help = &sarifHelp{Text: strings.Join(text, "\n\n"), Markdown: strings.Join(md, "\n\n")}
	}
	return out
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	case lint.Info:
		return "note"
	}
	return "none"
}

// camelCase turns a kebab-case rule ID into the PascalCase name SARIF
// viewers show: "wait-timeout-long" becomes "WaitTimeoutLong".
func camelCase(id string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(id, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]))
		b.WriteString(part[1:])
	}
	return b.String()
}

var semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
	`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
	`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// semver returns v without a leading "v" when that is a Semantic Versioning
// 2.0 version, and "" otherwise (SARIF requires semanticVersion to be one;
// "dev" goes in driver.version only).
func semver(v string) string {
	v = strings.TrimPrefix(v, "v")
	if semverRE.MatchString(v) {
		return v
	}
	return ""
}

// withFix is the finding's message, followed by "; fix: …" when it has one.
func withFix(d lint.Diagnostic) string {
	if d.Fix != nil && d.Fix.Message != "" {
		return d.Message + "; fix: " + d.Fix.Message
	}
	return d.Message
}

var digits = regexp.MustCompile(`[0-9]+`)

// Fingerprint identifies a finding independently of its line number: the
// first 32 hex digits of the SHA-256 of the rule ID, the path, the trimmed
// source line at the finding (from src; empty when unknown) and the message
// with every run of digits replaced by "0" (messages quote positions and
// values). Moving a finding within its file keeps the fingerprint; editing
// the offending line or the wording of the message changes it.
func Fingerprint(d lint.Diagnostic, src Sources) string {
	var line string
	if d.Pos.Path != "" && d.Pos.Line > 0 && src != nil {
		if l, ok := src.Line(d.Pos.Path, d.Pos.Line); ok {
			line = strings.TrimSpace(l)
		}
	}
	h := sha256.New()
	for _, part := range []string{d.Rule, d.Pos.Path, line, digits.ReplaceAllString(d.Message, "0")} {
		io.WriteString(h, part)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
