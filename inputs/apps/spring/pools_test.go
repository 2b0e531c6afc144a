package spring_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/spring"
	"github.com/conncap/conncap/inputs/source"
)

func at(path string, line, col int) source.Pos { return source.Pos{Path: path, Line: line, Col: col} }

// loadTree parses every Spring file under testdata/dir; paths are relative to testdata/.
func loadTree(t *testing.T, dir string) []*spring.File {
	t.Helper()
	var files []*spring.File
	err := filepath.WalkDir(filepath.Join("testdata", dir), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata", p)
		rel = filepath.ToSlash(rel)
		if !spring.Match(rel, src) {
			t.Fatalf("Match(%q) = false", rel)
		}
		f, err := spring.Parse(rel, src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", rel, err)
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func envVar(name, value string, line int) apps.EnvVar {
	return apps.EnvVar{Name: name, Value: source.Value[string]{V: value, Origin: source.At(at("k8s/app.yaml", line, 18))}}
}

func envOf(vars ...apps.EnvVar) apps.EnvMap {
	m := apps.EnvMap{}
	for _, v := range vars {
		m[v.Name] = v
	}
	return m
}

var oneJVM = source.Value[int]{V: 1, Origin: source.Named("one JVM per container; Spring Boot opens one pool per DataSource")}

func str(v string, p source.Pos) source.Value[string] {
	return source.Value[string]{V: v, Origin: source.At(p)}
}

func TestPoolsOrders(t *testing.T) {
	const (
		yml   = "orders/src/main/resources/application.yml"
		props = "orders/src/main/resources/application-prod.properties"
	)
	account := func(p apps.Pool) apps.Pool {
		p.Ecosystem, p.Name, p.Processes = "hikari", "spring.datasource", oneJVM
		p.User = str("orders", at(yml, 4, 15))
		p.Host = str("mysql.db.svc", at(yml, 3, 10))
		p.Database = str("orders", at(yml, 3, 10))
		p.MaxLifetime = apps.Duration{V: 1750 * time.Second, Origin: source.At(at(yml, 7, 21)), Known: true}
		return p
	}
	prodNote := "active profiles: prod (spring.profiles.active from env SPRING_PROFILES_ACTIVE (k8s/app.yaml:20:18))"
	prod := envVar("SPRING_PROFILES_ACTIVE", "prod", 20)
	tests := []struct {
		name string
		env  apps.EnvMap
		want apps.Pool
	}{
		{
			name: "no profile: 12, fixed-size pool",
			env:  envOf(),
			want: account(apps.Pool{
				Max:         source.Value[int]{V: 12, Origin: source.At(at(yml, 6, 26))},
				Declared:    true,
				MinIdle:     source.Value[int]{V: 12, Origin: source.Origin{Pos: at(yml, 6, 26), Note: "minimumIdle not set: HikariCP keeps maximumPoolSize connections open (fixed-size pool)"}},
				IdleTimeout: apps.Duration{Origin: source.Named("idleTimeout has no effect: minimumIdle equals maximumPoolSize (fixed-size pool), so idle connections stay open"), Known: true},
				Notes:       []string{"no active profile: the default profile is active"},
			}),
		},
		{
			name: "prod: the prod document and the prod properties file",
			env:  envOf(prod),
			want: account(apps.Pool{
				Max:         source.Value[int]{V: 20, Origin: source.At(at(yml, 15, 26))},
				Declared:    true,
				MinIdle:     source.Value[int]{V: 5, Origin: source.At(at(props, 2, 39))},
				IdleTimeout: apps.Duration{V: 10 * time.Minute, Origin: source.Named("HikariCP default idleTimeout 10 min"), Known: true},
				Notes:       []string{prodNote},
			}),
		},
		{
			name: "a container variable beats both files; its position is the origin",
			env:  envOf(prod, envVar("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", "15", 18)),
			want: account(apps.Pool{
				Max:         source.Value[int]{V: 15, Origin: source.At(at("k8s/app.yaml", 18, 18))},
				Declared:    true,
				MinIdle:     source.Value[int]{V: 5, Origin: source.At(at(props, 2, 39))},
				IdleTimeout: apps.Duration{V: 10 * time.Minute, Origin: source.Named("HikariCP default idleTimeout 10 min"), Known: true},
				Notes:       []string{prodNote},
			}),
		},
		{
			name: "the legacy underscore form binds too",
			env:  envOf(prod, envVar("SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE", "14", 19)),
			want: account(apps.Pool{
				Max:         source.Value[int]{V: 14, Origin: source.At(at("k8s/app.yaml", 19, 18))},
				Declared:    true,
				MinIdle:     source.Value[int]{V: 5, Origin: source.At(at(props, 2, 39))},
				IdleTimeout: apps.Duration{V: 10 * time.Minute, Origin: source.Named("HikariCP default idleTimeout 10 min"), Known: true},
				Notes:       []string{prodNote},
			}),
		},
		{
			name: "SPRING_APPLICATION_JSON beats the variables",
			env: envOf(prod, envVar("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", "15", 18),
				envVar("SPRING_APPLICATION_JSON", `{"spring":{"datasource":{"hikari":{"maximum-pool-size":40}}}}`, 22)),
			want: account(apps.Pool{
				Max:         source.Value[int]{V: 40, Origin: source.At(at("k8s/app.yaml", 22, 18))},
				Declared:    true,
				MinIdle:     source.Value[int]{V: 5, Origin: source.At(at(props, 2, 39))},
				IdleTimeout: apps.Duration{V: 10 * time.Minute, Origin: source.Named("HikariCP default idleTimeout 10 min"), Known: true},
				Notes:       []string{prodNote},
			}),
		},
	}
	files := loadTree(t, "orders")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := spring.Pools(files, tc.env)
			if err != nil {
				t.Fatalf("Pools() error: %v", err)
			}
			if diff := cmp.Diff([]apps.Pool{tc.want}, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Pools() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPoolsPlaceholder(t *testing.T) {
	const tb = "thingsboard/application/src/main/resources/thingsboard.yml"
	files := loadTree(t, "thingsboard")
	t.Run("default after the colon", func(t *testing.T) {
		got, err := spring.Pools(files, envOf())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("Pools() = %+v, want one pool", got)
		}
		want := source.Value[int]{V: 16, Origin: source.Origin{Pos: at(tb, 14, 24),
			Note: "default of ${SPRING_DATASOURCE_MAXIMUM_POOL_SIZE:16}: SPRING_DATASOURCE_MAXIMUM_POOL_SIZE is not set"}}
		if diff := cmp.Diff(want, got[0].Max); diff != "" {
			t.Errorf("Max mismatch (-want +got):\n%s", diff)
		}
		if got[0].Host.V != "localhost" || got[0].User.V != "tb" || got[0].Database.V != "thingsboard" {
			t.Errorf("account = %v@%v/%v, want tb@localhost/thingsboard (placeholder defaults)", got[0].User.V, got[0].Host.V, got[0].Database.V)
		}
		wantNote := `${SPRING_DATASOURCE_MAXIMUM_POOL_SIZE} at ` + tb + `:14:24: not set; default "16" used`
		if !containsNote(got[0].Notes, wantNote) {
			t.Errorf("Notes = %q, want %q", got[0].Notes, wantNote)
		}
	})
	t.Run("the variable wins and is the origin", func(t *testing.T) {
		got, err := spring.Pools(files, envOf(envVar("SPRING_DATASOURCE_MAXIMUM_POOL_SIZE", "48", 31),
			envVar("SPRING_DATASOURCE_URL", "jdbc:mysql://mysql-0.mysql:3306/tb", 30)))
		if err != nil {
			t.Fatal(err)
		}
		want := source.Value[int]{V: 48, Origin: source.Origin{Pos: at("k8s/app.yaml", 31, 18),
			Note: "via ${SPRING_DATASOURCE_MAXIMUM_POOL_SIZE:16} at " + tb + ":14:24"}}
		if diff := cmp.Diff(want, got[0].Max); diff != "" {
			t.Errorf("Max mismatch (-want +got):\n%s", diff)
		}
		// SPRING_DATASOURCE_URL binds spring.datasource.url directly (relaxed binding), before the placeholder.
		if want := str("mysql-0.mysql", at("k8s/app.yaml", 30, 18)); got[0].Host != want {
			t.Errorf("Host = %+v, want %+v", got[0].Host, want)
		}
	})
	t.Run("a variable from a Secret leaves the size unknown", func(t *testing.T) {
		secret := apps.EnvVar{Name: "SPRING_DATASOURCE_MAXIMUM_POOL_SIZE", Unknown: true, Value: source.Value[string]{Origin: source.At(at("k8s/app.yaml", 32, 18))}}
		got, err := spring.Pools(files, envOf(secret))
		if err != nil {
			t.Fatal(err)
		}
		want := source.Value[int]{Origin: source.Origin{Pos: at("k8s/app.yaml", 32, 18),
			Note: "via ${SPRING_DATASOURCE_MAXIMUM_POOL_SIZE:16} at " + tb + ":14:24; SPRING_DATASOURCE_MAXIMUM_POOL_SIZE has no value in the inputs"}}
		if diff := cmp.Diff(want, got[0].Max); diff != "" || !got[0].Declared {
			t.Errorf("Max mismatch (declared %v) (-want +got):\n%s", got[0].Declared, diff)
		}
	})
}

func containsNote(notes []string, want string) bool {
	for _, n := range notes {
		if n == want {
			return true
		}
	}
	return false
}

func TestPoolsLocations(t *testing.T) {
	const (
		outer = "layered/config/application.properties"
		yml   = "layered/src/main/resources/application.yml"
		prodY = "layered/src/main/resources/config/application-prod.yml"
	)
	files := loadTree(t, "layered")
	tests := []struct {
		name string
		env  apps.EnvMap
		want apps.Pool
	}{
		{
			name: "./config/ beats the jar; prod & !eu document; profile file's lifetime",
			env:  envOf(),
			want: apps.Pool{
				Ecosystem: "hikari", Name: "spring.datasource", Processes: oneJVM,
				Max:         source.Value[int]{V: 25, Origin: source.At(at(outer, 2, 44))},
				Declared:    true,
				MinIdle:     source.Value[int]{V: 4, Origin: source.At(at(outer, 6, 39))},
				MaxLifetime: apps.Duration{V: 10 * time.Minute, Origin: source.At(at(prodY, 5, 21)), Known: true},
				IdleTimeout: apps.Duration{V: 2 * time.Minute, Origin: source.At(at(yml, 9, 21)), Known: true},
				User:        str("billing_app", at(outer, 3, 29)),
				Host:        str("maria.internal", at(yml, 5, 10)),
				Database:    str("billing", at(yml, 5, 10)),
				Notes:       []string{"active profiles: prod (spring.profiles.active from " + yml + ":3:13)"},
			},
		},
		{
			name: "prod,eu: the eu document instead",
			env:  envOf(envVar("SPRING_PROFILES_ACTIVE", "prod, eu", 7)),
			want: apps.Pool{
				Ecosystem: "hikari", Name: "spring.datasource", Processes: oneJVM,
				Max:         source.Value[int]{V: 25, Origin: source.At(at(outer, 2, 44))},
				Declared:    true,
				MinIdle:     source.Value[int]{V: 1, Origin: source.At(at(outer, 9, 39))},
				MaxLifetime: apps.Duration{V: 10 * time.Minute, Origin: source.At(at(prodY, 5, 21)), Known: true},
				IdleTimeout: apps.Duration{V: 2 * time.Minute, Origin: source.At(at(yml, 9, 21)), Known: true},
				User:        str("billing_app", at(outer, 3, 29)),
				Host:        str("maria.internal", at(yml, 5, 10)),
				Database:    str("billing", at(yml, 5, 10)),
				Notes:       []string{"active profiles: prod,eu (spring.profiles.active from env SPRING_PROFILES_ACTIVE (k8s/app.yaml:7:18))"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := spring.Pools(files, tc.env)
			if err != nil {
				t.Fatalf("Pools() error: %v", err)
			}
			if diff := cmp.Diff([]apps.Pool{tc.want}, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Pools() mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// Without ./config/, the packaged profile file beats the packaged
	// application.properties, which beats application.yml in its location.
	var packaged []*spring.File
	for _, f := range files {
		if !strings.HasPrefix(f.Path, "layered/config/") {
			packaged = append(packaged, f)
		}
	}
	got, err := spring.Pools(packaged, envOf())
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Max.V != 30 || got[0].Max.Origin.Pos != at(prodY, 4, 26) {
		t.Errorf("packaged only: Max = %+v, want 30 from %s:4:26", got[0].Max, prodY)
	}
	got, err = spring.Pools(packaged, envOf(envVar("SPRING_PROFILES_ACTIVE", "staging", 7)))
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Max.V != 9 || got[0].Max.Origin.Pos != at("layered/src/main/resources/application.properties", 2, 44) {
		t.Errorf("staging: Max = %+v, want 9 from application.properties (it beats application.yml)", got[0].Max)
	}
}

// hikari is what TestHikariValidation compares: the numbers and the notes
// that explain them.
type hikari struct {
	Max, MinIdle           int
	MaxNote, MinNote       string
	Lifetime, Idle         time.Duration
	LifetimeNote, IdleNote string
	Declared               bool
}

func TestHikariValidation(t *testing.T) {
	const head = "spring.datasource.url=jdbc:mysql://db/app\n"
	fixed := "idleTimeout has no effect: minimumIdle equals maximumPoolSize (fixed-size pool), so idle connections stay open"
	notSet := "minimumIdle not set: HikariCP keeps maximumPoolSize connections open (fixed-size pool)"
	tests := []struct {
		name, props string
		want        hikari
	}{
		{
			name: "nothing set: HikariCP defaults",
			want: hikari{Max: 10, MaxNote: "HikariCP default maximumPoolSize 10", MinIdle: 10, MinNote: "HikariCP default: " + notSet,
				Lifetime: 30 * time.Minute, LifetimeNote: "HikariCP default maxLifetime 30 min", IdleNote: fixed},
		},
		{
			name:  "camelCase and snake_case keys bind",
			props: "spring.datasource.hikari.maximumPoolSize=7\nspring.datasource.hikari.minimum_idle=3\n",
			want: hikari{Max: 7, MinIdle: 3, Declared: true, Lifetime: 30 * time.Minute, LifetimeNote: "HikariCP default maxLifetime 30 min",
				Idle: 10 * time.Minute, IdleNote: "HikariCP default idleTimeout 10 min"},
		},
		{
			name:  "minimum-idle above the maximum becomes the maximum",
			props: "spring.datasource.hikari.maximum-pool-size=6\nspring.datasource.hikari.minimum-idle=9\n",
			want: hikari{Max: 6, MinIdle: 6, MinNote: "minimumIdle 9 is above maximumPoolSize 6: HikariCP uses 6", Declared: true,
				Lifetime: 30 * time.Minute, LifetimeNote: "HikariCP default maxLifetime 30 min", IdleNote: fixed},
		},
		{
			name:  "max-lifetime below 30 s is reset to 30 min",
			props: "spring.datasource.hikari.max-lifetime=20000\n",
			want: hikari{Max: 10, MaxNote: "HikariCP default maxLifetime", MinIdle: 10, MinNote: "HikariCP default: " + notSet,
				Lifetime: 30 * time.Minute, LifetimeNote: "maxLifetime 20000 ms is below HikariCP's 30 s floor: reset to 30 min", IdleNote: fixed},
		},
		{
			name:  "max-lifetime 0 is forever",
			props: "spring.datasource.hikari.max-lifetime=0\n",
			want: hikari{Max: 10, MaxNote: "HikariCP default maximumPoolSize 10", MinIdle: 10, MinNote: "HikariCP default: " + notSet,
				LifetimeNote: "0: connections are never retired", IdleNote: fixed},
		},
		{
			name:  "idle-timeout below 10 s is reset to 10 min when the pool can shrink",
			props: "spring.datasource.hikari.minimum-idle=2\nspring.datasource.hikari.idle-timeout=5000\n",
			want: hikari{Max: 10, MaxNote: "HikariCP default maximumPoolSize 10", MinIdle: 2, Lifetime: 30 * time.Minute,
				LifetimeNote: "HikariCP default maxLifetime 30 min", Idle: 10 * time.Minute, IdleNote: "idleTimeout 5000 ms is below HikariCP's 10 s floor: reset to 10 min"},
		},
		{
			name:  "idle-timeout within 1 s of max-lifetime is disabled",
			props: "spring.datasource.hikari.minimum-idle=2\nspring.datasource.hikari.idle-timeout=600000\nspring.datasource.hikari.max-lifetime=600500\n",
			want: hikari{Max: 10, MaxNote: "HikariCP default maximumPoolSize 10", MinIdle: 2, Lifetime: 600500 * time.Millisecond,
				IdleNote: "idleTimeout 600000 ms is within 1 s of maxLifetime 600500 ms: HikariCP disables it"},
		},
		{
			name:  "hex and blanks as Spring's NumberUtils reads them; an empty value is unset",
			props: "spring.datasource.hikari.maximum-pool-size = 0x1 4\nspring.datasource.hikari.minimum-idle=\n",
			want: hikari{Max: 20, MinIdle: 20, MinNote: notSet, Declared: true, Lifetime: 30 * time.Minute,
				LifetimeNote: "HikariCP default maxLifetime 30 min", IdleNote: fixed},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := spring.Parse("src/main/resources/application.properties", []byte(head+tc.props))
			if err != nil {
				t.Fatal(err)
			}
			pools, err := spring.Pools([]*spring.File{f}, nil)
			if err != nil {
				t.Fatalf("Pools() error: %v", err)
			}
			p := pools[0]
			got := hikari{Max: p.Max.V, MaxNote: p.Max.Origin.Note, MinIdle: p.MinIdle.V, MinNote: p.MinIdle.Origin.Note,
				Lifetime: p.MaxLifetime.V, LifetimeNote: p.MaxLifetime.Origin.Note, Idle: p.IdleTimeout.V, IdleNote: p.IdleTimeout.Origin.Note, Declared: p.Declared}
			if tc.want.MaxNote == "HikariCP default maxLifetime" { // shorthand: same as the default
				tc.want.MaxNote = "HikariCP default maximumPoolSize 10"
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Pools() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHikariMinimumIdleOnly(t *testing.T) {
	f, err := spring.Parse("application.properties", []byte("spring.datasource.hikari.minimum-idle=3\n"))
	if err != nil {
		t.Fatal(err)
	}
	pools, err := spring.Pools([]*spring.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := pools[0]
	wantNote := "minimum-idle 3 without maximum-pool-size: current HikariCP sizes the pool at 10; older releases (3.x) sized it at minimumIdle"
	if p.Max.V != 10 || p.Declared || p.MinIdle.V != 3 || !containsNote(p.Notes, wantNote) {
		t.Errorf("Pools() = Max %d (declared %v), MinIdle %d, notes %q; want 10 (default), 3 and the version note", p.Max.V, p.Declared, p.MinIdle.V, p.Notes)
	}
}

func TestPoolsYAMLScalars(t *testing.T) {
	// YAML 1.1 as SnakeYAML reads it: 010 is octal, a float truncates.
	src := "spring:\n  datasource:\n    url: jdbc:mysql://db/app\n    hikari:\n      maximum-pool-size: 010\n      minimum-idle: 2.9\n"
	f, err := spring.Parse("application.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	pools, err := spring.Pools([]*spring.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pools[0].Max.V != 8 || pools[0].MinIdle.V != 2 {
		t.Errorf("Max, MinIdle = %d, %d; want 8 (octal 010), 2 (2.9 truncated)", pools[0].Max.V, pools[0].MinIdle.V)
	}
}

func TestPoolsKinds(t *testing.T) {
	tests := []struct {
		name, props string
		env         apps.EnvMap
		want        string // ecosystem, "" for no pool
		wantMax     int
	}{
		{"PostgreSQL is not ours", "spring.datasource.url=jdbc:postgresql://pg/app\n", nil, "", 0},
		{"no datasource at all", "server.port=8080\nspring.application.name=x\n", nil, "", 0},
		{"Tomcat JDBC by type", "spring.datasource.url=jdbc:mysql://db/app\nspring.datasource.type=org.apache.tomcat.jdbc.pool.DataSource\nspring.datasource.tomcat.max-active=50\n", nil, "tomcat-jdbc", 50},
		{"Tomcat JDBC by keys, default size", "spring.datasource.url=jdbc:mysql://db/app\nspring.datasource.tomcat.min-idle=5\n", nil, "tomcat-jdbc", 100},
		{"Tomcat maxActive below 1 is 100", "spring.datasource.type=org.apache.tomcat.jdbc.pool.DataSource\nspring.datasource.tomcat.max-active=0\n", nil, "tomcat-jdbc", 100},
		{"URL only from the environment", "spring.datasource.hikari.maximum-pool-size=4\n",
			envOf(envVar("SPRING_DATASOURCE_URL", "jdbc:mysql://db/app", 5)), "hikari", 4},
		{"pool declared by an env var only", "spring.application.name=x\n",
			envOf(envVar("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", "6", 5)), "hikari", 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := spring.Parse("src/main/resources/application.properties", []byte(tc.props))
			if err != nil {
				t.Fatal(err)
			}
			pools, err := spring.Pools([]*spring.File{f}, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.want == "" && len(pools) != 0:
				t.Fatalf("Pools() = %+v, want none", pools)
			case tc.want == "":
			case len(pools) != 1 || pools[0].Ecosystem != tc.want || pools[0].Max.V != tc.wantMax:
				t.Fatalf("Pools() = %+v, want one %s pool of %d", pools, tc.want, tc.wantMax)
			}
		})
	}
}

func TestPoolsErrors(t *testing.T) {
	const p = "src/main/resources/application.properties"
	tests := []struct {
		name, props string
		env         apps.EnvMap
		want        []string
	}{
		{
			name:  "maximum-pool-size 0 is rejected by HikariCP",
			props: "spring.datasource.hikari.maximum-pool-size=0\n",
			want:  []string{p + ":1:44: spring.datasource.hikari.maximum-pool-size is 0: HikariCP rejects it (maxPoolSize cannot be less than 1) and the application fails to start"},
		},
		{
			name:  "a duration string does not bind to HikariCP's long milliseconds",
			props: "spring.datasource.hikari.max-lifetime=30s\n",
			want:  []string{p + `:1:39: spring.datasource.hikari.max-lifetime: "30s" is not a number: Spring Boot fails to bind it`},
		},
		{
			name:  "a bad value from the environment is reported at the variable",
			props: "spring.datasource.url=jdbc:mysql://db/app\n",
			env:   envOf(envVar("SPRING_DATASOURCE_HIKARI_MINIMUMIDLE", "-1", 9)),
			want:  []string{"k8s/app.yaml:9:18: spring.datasource.hikari.minimum-idle is -1: HikariCP rejects it (minimumIdle cannot be negative) and the application fails to start"},
		},
		{
			name:  "malformed profile expression",
			props: "spring.datasource.url=jdbc:mysql://db/app\n#---\nspring.config.activate.on-profile=a & b | c\n",
			want:  []string{p + `:3:35: malformed profile expression "a & b | c": Spring Boot fails to start`},
		},
		{
			name:  "spring.profiles.active in a profile document",
			props: "spring.datasource.url=jdbc:mysql://db/app\n#---\nspring.config.activate.on-profile=default\nspring.profiles.active=prod\n",
			want:  []string{p + ":4:24: spring.profiles.active is invalid in a profile-specific document or file: Spring Boot fails to start"},
		},
		{
			name:  "circular placeholders",
			props: "spring.datasource.hikari.maximum-pool-size=${a}\na=${b}\nb=${a}\n",
			want:  []string{p + `:1:44: circular placeholder reference "a"`},
		},
		{
			name: "SPRING_APPLICATION_JSON that is not JSON",
			env:  envOf(envVar("SPRING_APPLICATION_JSON", "{spring: 1}", 4)),
			want: []string{"k8s/app.yaml:4:18: SPRING_APPLICATION_JSON is not valid JSON (invalid character 's' looking for beginning of object key string): Spring Boot fails to start"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := spring.Parse(p, []byte(tc.props))
			if err != nil {
				t.Fatal(err)
			}
			_, err = spring.Pools([]*spring.File{f}, tc.env)
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

func TestMatch(t *testing.T) {
	tests := []struct {
		path, src string
		want      bool
	}{
		{"src/main/resources/application.yml", "spring:\n  datasource:\n", true},
		{"src/main/resources/application-prod.properties", "spring.datasource.url=x\n", true},
		{"config/application.yaml", "spring.profiles.active: prod\n", true},
		{"src/main/resources/application.properties", "quarkus.datasource.jdbc.max-size=20\n", false},
		{"src/test/resources/application.yml", "spring:\n  datasource:\n", false},
		{"target/classes/application.yml", "spring:\n  datasource:\n", false},
		{"src/main/resources/thingsboard.yml", "spring:\n  datasource:\n    url: x\n", true},
		{"src/main/resources/logback.yml", "spring: {}\n", false},
		{"src/main/resources/db.properties", "spring.datasource.url=x\n", true},
		{"src/main/resources/messages.properties", "greeting=hello spring\n", false},
		{"src/main/resources/application.json", "{\"spring\": {}}", false},
	}
	for _, tc := range tests {
		if got := spring.Match(tc.path, []byte(tc.src)); got != tc.want {
			t.Errorf("Match(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}
