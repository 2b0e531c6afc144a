package gosql_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/gosql"
	"github.com/conncap/conncap/inputs/source"
)

func at(path string, line, col int) source.Pos { return source.Pos{Path: path, Line: line, Col: col} }

// loadDir parses every .go file of testdata/dir, with paths relative to testdata.
func loadDir(t *testing.T, dir string) []*gosql.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.go"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in %s: %v", dir, err)
	}
	var files []*gosql.File
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel := filepath.ToSlash(filepath.Join(dir, filepath.Base(p)))
		if !gosql.Match(rel, src) {
			t.Fatalf("Match(%q) = false", rel)
		}
		f, err := gosql.Parse(rel, src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", rel, err)
		}
		files = append(files, f)
	}
	return files
}

var oneProc = source.Value[int]{V: 1, Origin: source.Named("one Go process per container")}

func named(p source.Pos, note string) source.Origin { return source.Origin{Pos: p, Note: note} }

func TestPools(t *testing.T) {
	const (
		noIdleTime = "database/sql default: idle connections are not closed for idleness (no SetConnMaxIdleTime)"
		noLifetime = "database/sql default: connections are reused forever (no SetConnMaxLifetime)"
		noMaxOpen  = "database/sql default: unlimited open connections (no SetMaxOpenConns)"
		twoIdle    = "database/sql default MaxIdleConns 2 (idle connections kept open)"
	)
	tests := []struct {
		dir  string
		env  apps.EnvMap
		want []apps.Pool
	}{
		{
			dir: "store", // the reference's Go sample: constants, named and with time units
			want: []apps.Pool{{
				Ecosystem: "gosql", Name: "db",
				Max:         source.Value[int]{V: 20, Origin: source.At(at("store/db.go", 21, 21))},
				Declared:    true,
				MinIdle:     source.Value[int]{V: 20, Origin: named(at("store/db.go", 22, 21), "MaxIdleConns 25 is capped at MaxOpenConns 20")},
				MaxLifetime: apps.Duration{V: 55 * time.Minute, Origin: source.At(at("store/db.go", 23, 24)), Known: true},
				IdleTimeout: apps.Duration{Origin: named(at("store/db.go", 17, 13), noIdleTime), Known: true},
				Processes:   oneProc,
				User:        source.Value[string]{V: "app", Origin: source.At(at("store/db.go", 17, 31))},
				Host:        source.Value[string]{V: "db", Origin: source.At(at("store/db.go", 17, 31))},
				Database:    source.Value[string]{V: "shop", Origin: source.At(at("store/db.go", 17, 31))},
			}},
		},
		{
			dir: "config", // sqlx, a struct field, a size read from the environment
			env: apps.EnvMap{"DB_MAX_OPEN_CONNS": {Name: "DB_MAX_OPEN_CONNS",
				Value: source.Value[string]{V: "40", Origin: source.At(at("k8s/api.yaml", 30, 20))}}},
			want: []apps.Pool{{
				Ecosystem: "gosql", Name: "db",
				Max: source.Value[int]{Origin: named(at("config/main.go", 26, 23),
					`SetMaxOpenConns(mustInt(os.Getenv("DB_MAX_OPEN_CONNS"))): not a constant; value unknown; reads DB_MAX_OPEN_CONNS="40" (k8s/api.yaml:30:20)`)},
				Declared:    true,
				MinIdle:     source.Value[int]{V: 2, Origin: named(at("config/main.go", 24, 8), twoIdle)},
				MaxLifetime: apps.Duration{Origin: named(at("config/main.go", 24, 8), noLifetime), Known: true},
				IdleTimeout: apps.Duration{V: 5 * time.Minute, Origin: source.At(at("config/main.go", 27, 26)), Known: true},
				Processes:   oneProc,
			}},
		},
		{
			dir: "gormrepo", // GORM without SetMaxOpenConns: unbounded
			want: []apps.Pool{{
				Ecosystem: "gosql", Name: "gdb",
				Max:         source.Value[int]{Origin: named(at("gormrepo/repo.go", 10, 14), noMaxOpen)},
				Unbounded:   true,
				MinIdle:     source.Value[int]{V: 10, Origin: source.At(at("gormrepo/repo.go", 18, 24))},
				MaxLifetime: apps.Duration{V: 3600, Origin: named(at("gormrepo/repo.go", 19, 27), "SetConnMaxLifetime(3600) is 3.6µs: the argument counts nanoseconds"), Known: true},
				IdleTimeout: apps.Duration{Origin: named(at("gormrepo/repo.go", 10, 14), noIdleTime), Known: true},
				Processes:   oneProc,
			}},
		},
		{
			dir: "multi", // two MySQL pools configured in another file, a PostgreSQL one skipped
			want: []apps.Pool{
				{
					Ecosystem: "gosql", Name: "s.primary",
					Max:         source.Value[int]{V: 30, Origin: source.At(at("multi/config.go", 12, 28))},
					Declared:    true,
					MinIdle:     source.Value[int]{V: 2, Origin: named(at("multi/open.go", 19, 22), twoIdle)},
					MaxLifetime: apps.Duration{Origin: named(at("multi/open.go", 19, 22), noLifetime), Known: true},
					IdleTimeout: apps.Duration{Origin: named(at("multi/open.go", 19, 22), noIdleTime), Known: true},
					Processes:   oneProc,
				},
				{
					Ecosystem: "gosql", Name: "s.replica",
					Max:         source.Value[int]{Origin: named(at("multi/config.go", 14, 28), "SetMaxOpenConns(0): n <= 0 means no limit")},
					Declared:    true,
					Unbounded:   true,
					MinIdle:     source.Value[int]{V: 2, Origin: named(at("multi/open.go", 22, 22), twoIdle)},
					MaxLifetime: apps.Duration{V: 90 * time.Second, Origin: source.At(at("multi/config.go", 15, 31)), Known: true},
					IdleTimeout: apps.Duration{Origin: named(at("multi/open.go", 22, 22), noIdleTime), Known: true},
					Processes:   oneProc,
					Notes:       []string{"SetMaxOpenConns is called more than once; SetMaxOpenConns(replicaPool) at multi/config.go:13:12 is overridden by the call at multi/config.go:14:12"},
				},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			got, err := gosql.Pools(loadDir(t, tc.dir), tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Pools() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPoolsFromSource(t *testing.T) {
	tests := []struct {
		name, src string
		wantMax   int
		unbounded bool
		unknown   bool // Max declared but not a constant
		notes     []string
	}{
		{
			name: "integer constant division and typed conversion",
			src: `package p
import ("database/sql"; "time")
const base = 7
func f() { db, _ := sql.Open("mysql", "/x"); db.SetMaxOpenConns(int(base*10/3)); db.SetConnMaxIdleTime(time.Duration(base) * time.Second) }`,
			wantMax: 23,
		},
		{
			name: "gorm v1 db.DB() chain",
			src: `package p
import "github.com/jinzhu/gorm"
func f() { db, _ := gorm.Open("mysql", "u@tcp(h)/d"); db.DB().SetMaxOpenConns(12) }`,
			wantMax: 12,
		},
		{
			name: "OpenDB with a mysql connector, returned directly",
			src: `package p
import ("database/sql"; "github.com/go-sql-driver/mysql")
func f(cfg *mysql.Config) *sql.DB { c, _ := mysql.NewConnector(cfg); return sql.OpenDB(c) }`,
			unbounded: true,
		},
		{
			name: "wrapped in a helper",
			src: `package p
import "database/sql"
func must(db *sql.DB, err error) *sql.DB { return db }
var db = must(sql.Open("mysql", "/x"))
func init() { db.SetMaxOpenConns(3) }`,
			wantMax: 3,
		},
		{
			name: "division by zero is not a constant",
			src: `package p
import "database/sql"
func f() { db, _ := sql.Open("mysql", "/x"); db.SetMaxOpenConns(1/0) }`,
			unknown: true,
		},
		{
			name: "a call on a name nothing ties to the only pool still counts",
			src: `package p
import "database/sql"
func open() (*sql.DB, error) { return sql.Open("mysql", "/x") }
func use(conn *sql.DB) { conn.SetMaxOpenConns(9) }`,
			wantMax: 9,
		},
		{
			name: "sqlite is skipped",
			src: `package p
import "database/sql"
func f() { db, _ := sql.Open("sqlite3", "x.db"); db.SetMaxOpenConns(1) }`,
			wantMax: -1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := gosql.Parse("p.go", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			pools, err := gosql.Pools([]*gosql.File{f}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantMax < 0 {
				if len(pools) != 0 {
					t.Fatalf("Pools() = %+v, want none", pools)
				}
				return
			}
			if len(pools) != 1 {
				t.Fatalf("Pools() = %+v, want one pool", pools)
			}
			p := pools[0]
			if p.Max.V != tc.wantMax || p.Unbounded != tc.unbounded {
				t.Errorf("Max = %d (unbounded %v), want %d (unbounded %v); origin %v", p.Max.V, p.Unbounded, tc.wantMax, tc.unbounded, p.Max.Origin)
			}
			if tc.unknown && (!p.Declared || p.Max.Origin.Note == "") {
				t.Errorf("Max = %+v, want declared with a note saying the value is unknown", p.Max)
			}
		})
	}
}

func TestParseError(t *testing.T) {
	src := "package p\n\nfunc f() {\n\tdb.SetMaxOpenConns(é 1)\n}\n"
	f, err := gosql.Parse("bad.go", []byte(src))
	var list source.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("Parse() error = %v, want a source.ErrorList", err)
	}
	// "é" is one rune: the error at the byte after it is at rune column 23.
	if want := at("bad.go", 4, 23); list[0].Pos != want {
		t.Errorf("error at %v, want %v (%v)", list[0].Pos, want, list[0])
	}
	if f == nil {
		t.Fatal("Parse() returned a nil File")
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		path, src string
		want      bool
	}{
		{"db.go", "package p\nimport \"database/sql\"\n", true},
		{"db.go", "package p\nimport _ \"github.com/go-sql-driver/mysql\"\n", true},
		{"db.go", "package p\nimport m \"gorm.io/driver/mysql\"\n", true},
		{"cfg.go", "package p\nfunc (s *S) c() { s.db.SetMaxOpenConns(4) }\n", true},
		{"db_test.go", "package p\nimport \"database/sql\"\n", false},
		{"main.go", "package main\nimport \"fmt\"\n", false},
		{"db.txt", "package p\nimport \"database/sql\"\n", false},
		{"bad.go", "not go at all", false},
	}
	for _, tc := range tests {
		if got := gosql.Match(tc.path, []byte(tc.src)); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.path, tc.src, got, tc.want)
		}
	}
}
