package dotnet_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/dotnet"
	"github.com/conncap/conncap/inputs/source"
)

const (
	baseJSON = "shop/appsettings.json"
	prodJSON = "shop/appsettings.Production.json"
	devJSON  = "shop/appsettings.Development.json"
)

func at(path string, line, col int) source.Pos { return source.Pos{Path: path, Line: line, Col: col} }

// load parses the named fixtures under testdata/.
func load(t *testing.T, names ...string) []*dotnet.File {
	t.Helper()
	var files []*dotnet.File
	for _, n := range names {
		src, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		if !dotnet.Match(n, src) {
			t.Fatalf("Match(%q) = false", n)
		}
		f, err := dotnet.Parse(n, src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", n, err)
		}
		files = append(files, f)
	}
	return files
}

func env(vars ...apps.EnvVar) apps.EnvMap {
	m := apps.EnvMap{}
	for _, v := range vars {
		m[v.Name] = v
	}
	return m
}

func envVar(name, value string, line int) apps.EnvVar {
	return apps.EnvVar{Name: name, Value: source.Value[string]{V: value, Origin: source.At(at("k8s/shop.yaml", line, 20))}}
}

var oneProc = source.Value[int]{V: 1, Origin: source.Named("one .NET process per container")}

func str(v string, p source.Pos) source.Value[string] {
	return source.Value[string]{V: v, Origin: source.At(p)}
}

// reporting is the pool of ConnectionStrings:Reporting in appsettings.json,
// which no other file overrides.
func reporting(envNote string) apps.Pool {
	return apps.Pool{
		Ecosystem: "dotnet", Name: "Reporting",
		Max:      source.Value[int]{V: 10, Origin: source.At(at(baseJSON, 7, 83))},
		Declared: true,
		MinIdle:  source.Value[int]{V: 2, Origin: source.At(at(baseJSON, 7, 100))},
		MaxLifetime: apps.Duration{Origin: source.Origin{Pos: at(baseJSON, 7, 18),
			Note: "not set; default Connection Lifetime 0 (connections live until closed by the server)"}, Known: true},
		IdleTimeout: apps.Duration{V: 180 * time.Second, Origin: source.Origin{Pos: at(baseJSON, 7, 18),
			Note: "not set; MySqlConnector default Connection Idle Timeout 180 s (MySql.Data has no such option ⚠)"}, Known: true},
		Processes: oneProc,
		User:      str("report", at(baseJSON, 7, 62)),
		Host:      str("replica", at(baseJSON, 7, 26)),
		Database:  str("shop", at(baseJSON, 7, 53)),
		Notes:     []string{envNote},
	}
}

func TestPools(t *testing.T) {
	const defaultEnv = "environment Production (ASP.NET Core's default; no ASPNETCORE_ENVIRONMENT or DOTNET_ENVIRONMENT)"
	tests := []struct {
		name  string
		files []string
		env   apps.EnvMap
		want  []apps.Pool
	}{
		{
			name:  "Production by default: appsettings.Production.json overrides Default",
			files: []string{baseJSON, prodJSON, devJSON},
			env:   env(),
			want: []apps.Pool{
				{
					Ecosystem: "dotnet", Name: "Default",
					Max:      source.Value[int]{V: 60, Origin: source.At(at(prodJSON, 3, 81))},
					Declared: true,
					MinIdle:  source.Value[int]{Origin: source.Origin{Pos: at(prodJSON, 3, 16), Note: "not set; default Minimum Pool Size 0"}},
					MaxLifetime: apps.Duration{Origin: source.Origin{Pos: at(prodJSON, 3, 16),
						Note: "not set; default Connection Lifetime 0 (connections live until closed by the server)"}, Known: true},
					IdleTimeout: apps.Duration{V: time.Minute, Origin: source.At(at(prodJSON, 3, 108)), Known: true},
					Processes:   oneProc,
					User:        str("app", at(prodJSON, 3, 61)),
					Host:        str("mysql.prod.svc", at(prodJSON, 3, 24)),
					Database:    str("shop", at(prodJSON, 3, 48)),
					Notes:       []string{defaultEnv},
				},
				reporting(defaultEnv),
			},
		},
		{
			name:  "Development: Pooling=false is unbounded",
			files: []string{baseJSON, prodJSON, devJSON},
			env:   env(envVar("ASPNETCORE_ENVIRONMENT", "Development", 30)),
			want: []apps.Pool{
				{
					Ecosystem: "dotnet", Name: "Default",
					Unbounded: true, Declared: true,
					Max:         source.Value[int]{Origin: source.Origin{Pos: at(devJSON, 3, 73), Note: "Pooling=false: no pool; every open connection is its own server connection"}},
					MinIdle:     source.Value[int]{Origin: source.Origin{Pos: at(devJSON, 3, 73), Note: "Pooling=false: nothing is kept open while idle"}},
					MaxLifetime: apps.Duration{Origin: source.Origin{Pos: at(devJSON, 3, 73), Note: "Pooling=false: connections close when the application closes them"}, Known: true},
					IdleTimeout: apps.Duration{Origin: source.Origin{Pos: at(devJSON, 3, 73), Note: "Pooling=false: no idle connections are kept"}, Known: true},
					Processes:   oneProc,
					User:        str("root", at(devJSON, 3, 60)),
					Host:        str("localhost", at(devJSON, 3, 24)),
					Database:    str("shop_dev", at(devJSON, 3, 43)),
					Notes: []string{
						"environment Development from ASPNETCORE_ENVIRONMENT (k8s/shop.yaml:30:20)",
						"ConnectionStrings:Default (shop/appsettings.Development.json:3:16) does not say which database it is for; assumed MySQL/MariaDB",
					},
				},
				reporting("environment Development from ASPNETCORE_ENVIRONMENT (k8s/shop.yaml:30:20)"),
			},
		},
		{
			name:  "environment variable overrides both files; its position wins",
			files: []string{baseJSON, prodJSON},
			env: env(envVar("ConnectionStrings__Default", "Server=mysql-0.mysql;Database=shop;User ID=api;Max Pool Size=25", 41),
				envVar("ConnectionStrings__Reporting", "Server=pg;Port=5432;Database=shop", 42)), // PostgreSQL now: no MySQL pool
			want: []apps.Pool{{
				Ecosystem: "dotnet", Name: "Default",
				Max:         source.Value[int]{V: 25, Origin: source.At(at("k8s/shop.yaml", 41, 20))},
				Declared:    true,
				MinIdle:     source.Value[int]{Origin: source.Origin{Pos: at("k8s/shop.yaml", 41, 20), Note: "not set; default Minimum Pool Size 0"}},
				MaxLifetime: apps.Duration{Origin: source.Origin{Pos: at("k8s/shop.yaml", 41, 20), Note: "not set; default Connection Lifetime 0 (connections live until closed by the server)"}, Known: true},
				IdleTimeout: apps.Duration{V: 180 * time.Second, Origin: source.Origin{Pos: at("k8s/shop.yaml", 41, 20),
					Note: "not set; MySqlConnector default Connection Idle Timeout 180 s (MySql.Data has no such option ⚠)"}, Known: true},
				Processes: oneProc,
				User:      str("api", at("k8s/shop.yaml", 41, 20)),
				Host:      str("mysql-0.mysql", at("k8s/shop.yaml", 41, 20)),
				Database:  str("shop", at("k8s/shop.yaml", 41, 20)),
				Notes: []string{
					defaultEnv,
					"ConnectionStrings:Default (env ConnectionStrings__Default (k8s/shop.yaml:41:20)) does not say which database it is for; assumed MySQL/MariaDB",
				},
			}},
		},
		{
			name:  "Azure MYSQLCONNSTR_ adds a connection string; the same string shares one pool",
			files: []string{baseJSON},
			env: env(envVar("MYSQLCONNSTR_Jobs", "Server=db;Database=shop;User ID=app;Maximum Pool Size=40;Connection Lifetime=300", 50),
				envVar("ASPNETCORE_ENVIRONMENT", "Staging", 51)),
			want: []apps.Pool{
				{
					Ecosystem: "dotnet", Name: "Default",
					Max:         source.Value[int]{V: 40, Origin: source.At(at(baseJSON, 6, 71))},
					Declared:    true,
					MinIdle:     source.Value[int]{Origin: source.Origin{Pos: at(baseJSON, 6, 16), Note: "not set; default Minimum Pool Size 0"}},
					MaxLifetime: apps.Duration{V: 5 * time.Minute, Origin: source.At(at(baseJSON, 6, 94)), Known: true},
					IdleTimeout: apps.Duration{V: 180 * time.Second, Origin: source.Origin{Pos: at(baseJSON, 6, 16),
						Note: "not set; MySqlConnector default Connection Idle Timeout 180 s (MySql.Data has no such option ⚠)"}, Known: true},
					Processes: oneProc,
					User:      str("app", at(baseJSON, 6, 49)),
					Host:      str("db", at(baseJSON, 6, 24)),
					Database:  str("shop", at(baseJSON, 6, 36)),
					Notes: []string{
						"environment Staging from ASPNETCORE_ENVIRONMENT (k8s/shop.yaml:51:20)",
						"ConnectionStrings:Default (shop/appsettings.json:6:16) does not say which database it is for; assumed MySQL/MariaDB",
						"ConnectionStrings:Jobs (env MYSQLCONNSTR_Jobs (k8s/shop.yaml:50:20)) is the same string and shares this pool",
					},
				},
				reporting("environment Staging from ASPNETCORE_ENVIRONMENT (k8s/shop.yaml:51:20)"),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dotnet.Pools(load(t, tc.files...), tc.env)
			if err != nil {
				t.Fatalf("Pools() error: %v", err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Pools() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPoolsSecret(t *testing.T) {
	e := env(apps.EnvVar{Name: "ConnectionStrings__Default", Unknown: true, Value: source.Value[string]{Origin: source.At(at("k8s/shop.yaml", 60, 20))}})
	got, err := dotnet.Pools(load(t, baseJSON), e)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "Default" || got[0].Declared || got[0].Max.Origin.Pos != at("k8s/shop.yaml", 60, 20) {
		t.Fatalf("Pools() with a Secret = %+v, want Default with an unknown size at the env var", got)
	}
}

func TestPoolsErrors(t *testing.T) {
	tests := []struct {
		name, json string
		want       []string
	}{
		{
			name: "key without a value",
			json: `{"ConnectionStrings": {"Default": "Server=db;Pooling;Max Pool Size=5"}}`,
			want: []string{"appsettings.json:1:46: ConnectionStrings:Default: format of the connection string does not conform to specification starting at index 10"},
		},
		{
			name: "minimum above maximum",
			json: "{\n  \"ConnectionStrings\": {\n    \"Default\": \"Server=db;Port=3306;Max Pool Size=5;Min Pool Size=8\"\n  }\n}",
			want: []string{"appsettings.json:3:67: ConnectionStrings:Default: Minimum Pool Size 8 is above Maximum Pool Size 5: MySqlConnector rejects the connection string"},
		},
		{
			name: "negative size; escapes before it shift the column",
			json: `{"ConnectionStrings": {"Default": "Server=d\u0062;Port=3306;Maximum Pool Size=-1"}}`,
			want: []string{`appsettings.json:1:79: ConnectionStrings:Default: Maximum Pool Size="-1" is not a non-negative integer; the driver rejects the connection string`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := dotnet.Parse("appsettings.json", []byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			_, err = dotnet.Pools([]*dotnet.File{f}, apps.EnvMap{})
			var list source.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Pools() error = %v, want a source.ErrorList", err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Pools() errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParse(t *testing.T) {
	const p = "appsettings.json"
	tests := []struct {
		name string
		in   string
		want []dotnet.Setting
	}{
		{
			name: "comments, trailing commas, arrays, booleans, numbers, null",
			in:   "{ // top\n  \"A\": {\"B\": [1, true,], /* x */ \"C\": null},\n  \"D\": \"é\\\"x\",\n}\n",
			want: []dotnet.Setting{
				{Key: "A:B:0", Value: "1", KeyPos: at(p, 2, 15), ValuePos: at(p, 2, 15)},
				{Key: "A:B:1", Value: "True", KeyPos: at(p, 2, 18), ValuePos: at(p, 2, 18)},
				{Key: "A:C", Null: true, KeyPos: at(p, 2, 34), ValuePos: at(p, 2, 39)},
				{Key: "D", Value: `é"x`, KeyPos: at(p, 3, 3), ValuePos: at(p, 3, 8), Raw: `"é\"x"`},
			},
		},
		{
			name: "a BOM is not a column",
			in:   "\ufeff{\"ConnectionStrings\": {\"X\": \"Server=db\"}}",
			want: []dotnet.Setting{{Key: "ConnectionStrings:X", Value: "Server=db", KeyPos: at(p, 1, 24), ValuePos: at(p, 1, 29), Raw: `"Server=db"`}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := dotnet.Parse(p, []byte(tc.in))
			if err != nil {
				t.Fatalf("Parse() error: %v", err)
			}
			if diff := cmp.Diff(tc.want, f.Settings); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"duplicate key, case-insensitive", "{\"ConnectionStrings\": {\n  \"Default\": \"a\",\n  \"default\": \"b\"}}",
			`appsettings.json:3:3: duplicate configuration key "ConnectionStrings:default" (keys are case-insensitive)`},
		{"missing comma", "{\n  \"a\": \"b\"\n  \"c\": 1}", "appsettings.json:3:3: invalid JSON: invalid character '\"' after object key:value pair"},
		{"top level array", "[1]", "appsettings.json:1:1: top-level JSON element must be an object"},
		{"unterminated comment", "{\n /* x", "appsettings.json:2:2: unterminated /* comment"},
		{"truncated", "{\"a\": ", "appsettings.json:1:7: invalid JSON: unexpected end of file"},
		{"trailing garbage", "{} x", "appsettings.json:1:4: unexpected data after the top-level JSON value"},
		{"double comma stays an error", "{\"a\": [1,,]}", "appsettings.json:1:10: invalid JSON: invalid character ',' looking for beginning of value"},
		{"empty file", "\n", "appsettings.json:1:1: empty JSON file: the configuration provider needs a top-level object"},
		{"invalid UTF-8", "{\"a\": \"\xff\"}", "appsettings.json:1:8: invalid UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dotnet.Parse("appsettings.json", []byte(tc.in))
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v, want a *source.Error", tc.in, err)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse(%q) error:\n got %s\nwant %s", tc.in, err, tc.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	withCS := []byte(`{"ConnectionStrings": {}}`)
	tests := []struct {
		path string
		src  []byte
		want bool
	}{
		{"src/Api/appsettings.json", withCS, true},
		{"src/Api/appsettings.Production.json", withCS, true},
		{"src/Api/AppSettings.json", withCS, true},
		{"src/Api/appsettings.json", []byte(`{"Logging": {}}`), false},
		{"src/Api/bin/Release/net8.0/appsettings.json", withCS, false},
		{"src/Api/settings.json", withCS, false},
		{"src/Api/appsettings.yaml", withCS, false},
	}
	for _, tc := range tests {
		if got := dotnet.Match(tc.path, tc.src); got != tc.want {
			t.Errorf("Match(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}
