// Package apps holds what every application-pool reader reports: the
// connection pools one application process opens, with the position of each
// number. Readers for each ecosystem live in the packages below it
// (apps/spring, apps/rails, …); they know their framework's file formats,
// defaults and precedence, and judge nothing.
package apps

import (
	"time"

	"github.com/conncap/conncap/inputs/source"
)

// Pool is one connection pool that one application process opens.
type Pool struct {
	// Ecosystem names the library that owns the pool: "hikari",
	// "tomcat-jdbc", "rails", "sqlalchemy", "django", "mysql2", "knex",
	// "sequelize", "typeorm", "prisma", "dotnet", "gosql", "php-fpm", "url".
	Ecosystem string
	// Name is the pool's name within the process: a datasource, a
	// database.yml entry, a Django alias ("default" when there is one).
	Name string
	// Max is the most connections the pool opens per process. When nothing
	// sets it, V is the library's default and Origin a Named source that
	// says so ("HikariCP default maximumPoolSize 10"); Declared is false.
	Max      source.Value[int]
	Declared bool
	// Unbounded is set when the pool has no upper bound at all (Go's
	// database/sql without SetMaxOpenConns); Max is then meaningless.
	Unbounded bool
	// MinIdle is how many connections the pool keeps open while idle; V is
	// -1 when the library has no such notion.
	MinIdle source.Value[int]
	// MaxLifetime and IdleTimeout: V == 0 means none (connections live
	// forever / never idle out); Known is false when the library has no such
	// setting, so no comparison with wait_timeout makes sense.
	MaxLifetime Duration
	IdleTimeout Duration
	// Processes is how many processes of one instance each open this pool
	// (Puma workers, gunicorn workers, PHP-FPM children, PM2/cluster
	// instances; for Django it is workers × threads, one connection per
	// thread). V is 1 with a Named origin when nothing says otherwise.
	Processes source.Value[int]
	// Account the pool logs in as, when a URL or key says so (issue 4).
	User     source.Value[string]
	Host     source.Value[string]
	Database source.Value[string]
	// Notes are facts worth saying about how the numbers were resolved
	// ("spring.profiles.active=prod from SPRING_PROFILES_ACTIVE").
	Notes []string
}

// Duration is a time value with its origin; Known is false when the
// library has no such setting.
type Duration struct {
	V      time.Duration
	Origin source.Origin
	Known  bool
}

// EnvVar is one environment variable a process sees, with where its value
// was set (a container's env list, a ConfigMap key, a compose file).
type EnvVar struct {
	Name  string
	Value source.Value[string]
	// Unknown is set when the variable exists but its value is not in the
	// inputs (a Secret, a fieldRef): the name is known, the value is not.
	Unknown bool
}

// Env is a process's environment, looked up by name.
type Env interface {
	Lookup(name string) (EnvVar, bool)
}

// EnvMap is an Env backed by a map; the zero value is empty.
type EnvMap map[string]EnvVar

// Lookup returns the variable called name.
func (m EnvMap) Lookup(name string) (EnvVar, bool) {
	v, ok := m[name]
	return v, ok
}
