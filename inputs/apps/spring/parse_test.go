package spring_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/apps/spring"
	"github.com/conncap/conncap/inputs/source"
)

// kv is a compact expected property: key, value, and where the value is.
type kv struct {
	Key, Value string
	Line, Col  int
}

func flat(docs []spring.Doc) [][]kv {
	var out [][]kv
	for _, d := range docs {
		var ps []kv
		for _, p := range d.Props {
			ps = append(ps, kv{p.Key, p.Value, p.ValuePos.Line, p.ValuePos.Col})
		}
		out = append(out, ps)
	}
	return out
}

func TestParseProperties(t *testing.T) {
	tests := []struct {
		name, in string
		want     [][]kv
	}{
		{
			name: "separators: = : and blank",
			in:   "a=1\nb: 2\nc 3\n  d  =  4  \n",
			want: [][]kv{{{"a", "1", 1, 3}, {"b", "2", 2, 4}, {"c", "3", 3, 3}, {"d", "4  ", 4, 9}}},
		},
		{
			name: "comments, continuation, escapes",
			in:   "# c\n! c\nurl=jdbc:mysql://db\\\n    /app\nk\\=ey=v\\:1\\u00e9\\n\n",
			want: [][]kv{{{"url", "jdbc:mysql://db/app", 3, 5}, {"k=ey", "v:1é\n", 5, 7}}},
		},
		{
			name: "CRLF and CR line ends",
			in:   "a=1\r\nb=2\rc=3",
			want: [][]kv{{{"a", "1", 1, 3}, {"b", "2", 2, 3}, {"c", "3", 3, 3}}},
		},
		{
			name: "list shorthand",
			in:   "spring.profiles.active[]=prod, eu\n",
			want: [][]kv{{{"spring.profiles.active[0]", "prod", 1, 26}, {"spring.profiles.active[1]", "eu", 1, 32}}},
		},
		{
			name: "documents: #--- and !---, blanks after, not indented, not after a same-prefix comment",
			in:   "a=1\n#---\nb=2\n!---  \nc=3\n  #---\nd=4\n# note\n#---\ne=5\n",
			want: [][]kv{{{"a", "1", 1, 3}}, {{"b", "2", 3, 3}}, {{"c", "3", 5, 3}, {"d", "4", 7, 3}, {"e", "5", 10, 3}}},
		},
		{
			name: "a comment right after a separator merges the documents back (Spring Boot's loader does so)",
			in:   "a=1\n#---\n# about b\nb=2\n",
			want: [][]kv{{{"a", "1", 1, 3}, {"b", "2", 4, 3}}},
		},
		{
			name: "ISO-8859-1: a UTF-8 é is two characters for Spring; columns count runes",
			in:   "é=x\nk=é\n",
			want: [][]kv{{{"Ã©", "x", 1, 3}, {"k", "Ã©", 2, 3}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := spring.Parse("application.properties", []byte(tc.in))
			if err != nil {
				t.Fatalf("Parse() error: %v", err)
			}
			if diff := cmp.Diff(tc.want, flat(f.Docs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseYAML(t *testing.T) {
	tests := []struct {
		name, in string
		want     [][]kv
	}{
		{
			name: "nesting, lists, dotted keys, brackets",
			in:   "spring:\n  datasource.url: x\n  profiles:\n    active: [a, b]\n  \"[a.b]\": c\n",
			want: [][]kv{{{"spring.datasource.url", "x", 2, 19}, {"spring.profiles.active[0]", "a", 4, 14}, {"spring.profiles.active[1]", "b", 4, 17}, {"spring[a.b]", "c", 5, 12}}},
		},
		{
			name: "YAML 1.1 scalars as SnakeYAML resolves them",
			in:   "a: 012\nb: 0x1F\nc: 1_000\nd: on\ne: 1:30\nf: '012'\ng: ~\nh: 1e3\ni: !!str 7\n",
			want: [][]kv{{{"a", "10", 1, 4}, {"b", "31", 2, 4}, {"c", "1000", 3, 4}, {"d", "true", 4, 4}, {"e", "90", 5, 4},
				{"f", "012", 6, 4}, {"g", "", 7, 4}, {"h", "1000.0", 8, 4}, {"i", "7", 9, 4}}},
		},
		{
			name: "anchors, aliases and merge keys",
			in:   "base: &b {size: 4, life: 9}\npool:\n  <<: *b\n  size: 5\n",
			want: [][]kv{{{"base.size", "4", 1, 17}, {"base.life", "9", 1, 26}, {"pool.life", "9", 1, 26}, {"pool.size", "5", 4, 9}}},
		},
		{
			name: "documents; empty ones dropped; a non-map document is under \"document\"",
			in:   "a: 1\n---\n---\n- x\n",
			want: [][]kv{{{"a", "1", 1, 4}}, {{"document[0]", "x", 4, 3}}},
		},
		{
			name: "non-ASCII columns count runes",
			in:   "é: {ü: 1}\n",
			want: [][]kv{{{"é.ü", "1", 1, 8}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := spring.Parse("application.yml", []byte(tc.in))
			if err != nil {
				t.Fatalf("Parse() error: %v", err)
			}
			if diff := cmp.Diff(tc.want, flat(f.Docs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, path, in, want string }{
		{"malformed unicode escape", "application.properties", "a=1\nb=x\\u12g4\n", `application.properties:2:4: malformed \uxxxx encoding: Spring Boot refuses to load the file`},
		{"YAML syntax", "application.yml", "a: b\nc: d: e\n", "application.yml:2: invalid YAML: mapping values are not allowed in this context"},
		{"duplicate YAML key", "application.yml", "spring:\n  a: 1\n  a: 2\n", `application.yml:3:3: duplicate YAML key "a": Spring Boot refuses to load the file`},
		{"control character", "application.yml", "a: b\x01\n", `application.yml:1:5: control character '\x01' is not allowed in YAML`},
		{"invalid UTF-8", "application.yml", "a: é\xff\n", "application.yml:1:5: invalid UTF-8"},
		{"bad merge", "application.yml", "a:\n  <<: 3\n", "application.yml:2:7: a YAML merge key needs a mapping or a list of mappings"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := spring.Parse(tc.path, []byte(tc.in))
			var list source.ErrorList
			if !errors.As(err, &list) || len(list) != 1 {
				t.Fatalf("Parse() error = %v, want one positioned error", err)
			}
			if got := list[0].Error(); got != tc.want {
				t.Errorf("Parse() error:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestParseNames(t *testing.T) {
	tests := []struct {
		path          string
		name, profile string
		loc           spring.Location
	}{
		{"src/main/resources/application.yml", "application", "", spring.ClasspathRoot},
		{"svc/src/main/resources/config/application-prod.properties", "application", "prod", spring.ClasspathConfig},
		{"src/main/resources/db/application.yml", "application", "", spring.OtherLocation},
		{"app/BOOT-INF/classes/application-k8s-eu.yaml", "application", "k8s-eu", spring.ClasspathRoot},
		{"application.properties", "application", "", spring.FileRoot},
		{"deploy/config/application.yml", "application", "", spring.FileConfig},
		{"config/eu/application.yml", "application", "", spring.FileConfigChild},
		{"src/main/resources/thingsboard.yml", "thingsboard", "", spring.ClasspathRoot},
	}
	for _, tc := range tests {
		f, err := spring.Parse(tc.path, []byte("a: 1\n"))
		if err != nil && f == nil {
			t.Fatal(err)
		}
		if f.Name != tc.name || f.Profile != tc.profile || f.Location != tc.loc {
			t.Errorf("Parse(%q) = name %q profile %q location %v; want %q %q %v", tc.path, f.Name, f.Profile, f.Location, tc.name, tc.profile, tc.loc)
		}
	}
}
