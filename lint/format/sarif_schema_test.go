package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/lint"
	"github.com/conncap/conncap/lint/rules"
)

// sarifSchemaFile is the SARIF 2.1.0 JSON schema as Microsoft's SARIF SDK
// ships it (sarif-2.1.0.json in npm @microsoft/sarif-multitool-linux 5.7.0;
// sarif-sdk is MIT-licensed). It is checked here without the multitool: the
// multitool silently skips a log with an invalid enum value (a result level
// "info", say) and reports nothing at all.
const sarifSchemaFile = "testdata/sarif-2.1.0.schema.json"

// schemaChecker validates JSON values against the subset of JSON Schema the
// SARIF schema uses. It refuses schemas with other keywords, so it never
// passes a value by ignoring a constraint.
type schemaChecker struct {
	root map[string]any
	errs []string
}

// schemaKeywords are the keywords check understands; annotations are listed
// so they are not mistaken for unknown constraints.
var schemaKeywords = []string{
	"$ref", "type", "enum", "properties", "required", "additionalProperties", "items", "minItems",
	"uniqueItems", "minimum", "maximum", "pattern", "format", "anyOf", "oneOf",
	"description", "default", "title", "$schema", "definitions",
}

func loadSARIFSchema(t *testing.T) *schemaChecker {
	t.Helper()
	data, err := os.ReadFile(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &root); err != nil {
		t.Fatalf("%s: %v", sarifSchemaFile, err)
	}
	return &schemaChecker{root: root}
}

// validate returns the violations of doc (raw JSON) against the schema.
func (c *schemaChecker) validate(doc []byte) ([]string, error) {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		return nil, err
	}
	c.errs = nil
	if err := c.check("$", v, c.root); err != nil {
		return nil, err
	}
	return c.errs, nil
}

func (c *schemaChecker) failf(path, format string, args ...any) {
	c.errs = append(c.errs, path+": "+fmt.Sprintf(format, args...))
}

// check validates v at path against schema s; the error is a schema the
// checker cannot handle.
func (c *schemaChecker) check(path string, v any, s map[string]any) error {
	for k := range s {
		if !slices.Contains(schemaKeywords, k) {
			return fmt.Errorf("schema at %s uses keyword %q, which the checker does not implement", path, k)
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		name, ok := strings.CutPrefix(ref, "#/definitions/")
		defs, _ := c.root["definitions"].(map[string]any)
		def, found := defs[name].(map[string]any)
		if !ok || !found {
			return fmt.Errorf("schema at %s: unresolvable $ref %q", path, ref)
		}
		if err := c.check(path, v, def); err != nil {
			return err
		}
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return jsonIs(v, t) }) {
			c.failf(path, "%s is not of type %v", short(v), types)
			return nil // the other keywords assume the type
		}
	}
	if e, ok := s["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return reflect.DeepEqual(x, v) }) {
		c.failf(path, "%s is not one of %v", short(v), e)
	}
	for _, k := range []string{"anyOf", "oneOf"} {
		subs, ok := s[k].([]any)
		if !ok {
			continue
		}
		pass := 0
		for _, sub := range subs {
			inner := &schemaChecker{root: c.root}
			if err := inner.check(path, v, sub.(map[string]any)); err != nil {
				return err
			}
			if len(inner.errs) == 0 {
				pass++
			}
		}
		if pass == 0 || k == "oneOf" && pass != 1 {
			c.failf(path, "%s matches %d of the %s schemas", short(v), pass, k)
		}
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		required, _ := s["required"].([]any)
		for _, r := range required {
			if _, ok := v[r.(string)]; !ok {
				c.failf(path, "required property %q is missing", r)
			}
		}
		for _, k := range sortedKeys(v) {
			if ps, ok := props[k].(map[string]any); ok {
				if err := c.check(path+"."+k, v[k], ps); err != nil {
					return err
				}
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					c.failf(path, "property %q is not allowed", k)
				}
			case map[string]any:
				if err := c.check(path+"."+k, v[k], ap); err != nil {
					return err
				}
			}
		}
	case []any:
		if m, ok := s["minItems"].(float64); ok && float64(len(v)) < m {
			c.failf(path, "%d items, fewer than %v", len(v), m)
		}
		if u, _ := s["uniqueItems"].(bool); u {
			seen := map[string]bool{}
			for _, x := range v {
				b, _ := json.Marshal(x) // maps marshal with sorted keys
				if seen[string(b)] {
					c.failf(path, "duplicate item %s", b)
				}
				seen[string(b)] = true
			}
		}
		if is, ok := s["items"].(map[string]any); ok {
			for i, x := range v {
				if err := c.check(fmt.Sprintf("%s[%d]", path, i), x, is); err != nil {
					return err
				}
			}
		}
	case float64:
		if m, ok := s["minimum"].(float64); ok && v < m {
			c.failf(path, "%v is less than the minimum %v", v, m)
		}
		if m, ok := s["maximum"].(float64); ok && v > m {
			c.failf(path, "%v is more than the maximum %v", v, m)
		}
	case string:
		if p, ok := s["pattern"].(string); ok {
			re, err := regexp.Compile(p)
			if err != nil {
				return fmt.Errorf("schema at %s: pattern %q: %v", path, p, err)
			}
			if !re.MatchString(v) {
				c.failf(path, "%q does not match %q", v, p)
			}
		}
		switch s["format"] {
		case "uri":
			if u, err := url.Parse(v); err != nil || !u.IsAbs() {
				c.failf(path, "%q is not an absolute URI", v)
			}
		case "uri-reference":
			if _, err := url.Parse(v); err != nil {
				c.failf(path, "%q is not a URI reference: %v", v, err)
			}
		}
		// date-time and uuid: conncap writes neither (no timestamps, no GUIDs).
	}
	return nil
}

func jsonIs(v any, typ string) bool {
	switch typ {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

// sarifLogs are the logs the validators check: the golden report, the real
// rule catalogue with one finding per rule, and an empty run.
func sarifLogs(t *testing.T) map[string][]byte {
	t.Helper()
	golden, err := os.ReadFile(sarifGolden)
	if err != nil {
		t.Fatal(err)
	}
	all := rules.All()
	var real []lint.Diagnostic
	for i, r := range all {
		real = append(real, lint.Diagnostic{Rule: r.ID, Severity: r.Severity, Pos: source.Pos{Path: "etc/mysql/my.cnf", Line: i + 1, Col: 1}, End: 4,
			Message: r.Summary, Fix: &lint.Fix{Message: r.Doc.Fix}})
	}
	return map[string][]byte{
		"golden":  golden,
		"catalog": formatSARIF(t, &SARIF{Version: "v1.0.0", Rules: all}, Report{Findings: real, Notes: []string{"a note"}}, lines{}),
		"empty":   formatSARIF(t, &SARIF{}, Report{}, lines{}),
	}
}

func TestSARIFSchema(t *testing.T) {
	c := loadSARIFSchema(t)
	logs := sarifLogs(t)
	for _, name := range []string{"catalog", "empty", "golden"} {
		t.Run(name, func(t *testing.T) {
			errs, err := c.validate(logs[name])
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range errs {
				t.Error(e)
			}
		})
	}

	// The checker must reject what the schema forbids.
	golden := string(logs["golden"])
	broken := []struct{ name, old, new, want string }{
		{"result level info", `"level": "note"`, `"level": "info"`, `is not one of`},
		{"column kind", `"columnKind": "unicodeCodePoints"`, `"columnKind": "runes"`, `is not one of`},
		{"no driver name", `"name": "conncap",`, ``, `required property "name"`},
		{"line 0", `"startLine": 2,`, `"startLine": 0,`, `less than the minimum 1`},
		{"unknown property", `"ruleIndex": 1,`, `"ruleIndex": 1, "rule_index": 1,`, `"rule_index" is not allowed`},
		{"index is a string", `"ruleIndex": 1,`, `"ruleIndex": "1",`, `is not of type [integer]`},
		{"relative helpUri", `"helpUri": "https://github.com/conncap/conncap/blob/main/docs/rules.md#wait-timeout-long"`, `"helpUri": "docs/rules.md"`, `not an absolute URI`},
		{"duplicate rules", `"rules": [`, `"rules": [{"id": "x"}, {"id": "x"},`, `duplicate item`},
	}
	for _, b := range broken {
		t.Run("rejects "+b.name, func(t *testing.T) {
			doc := strings.Replace(golden, b.old, b.new, 1)
			if doc == golden {
				t.Fatalf("%q not in the golden log", b.old)
			}
			errs, err := c.validate([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, b.want) }) {
				t.Errorf("violations %q, want one containing %q", errs, b.want)
			}
		})
	}
}
