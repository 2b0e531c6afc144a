package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// Flavor is a server family: MySQL or MariaDB.
type Flavor string

// The supported flavors.
const (
	MySQL   Flavor = "mysql"
	MariaDB Flavor = "mariadb"
)

// Server is a flavor and a major.minor version, e.g. mysql-8.4. Its methods
// treat a Server that is not one of Supported() as Default().
type Server struct {
	Flavor  Flavor
	Version string // major.minor, e.g. "8.4", "10.11"
}

// Supported returns the supported servers in a fixed order: mysql-8.4,
// mysql-8.0, mariadb-10.6, mariadb-10.11, mariadb-11.4.
func Supported() []Server {
	return []Server{
		{MySQL, "8.4"},
		{MySQL, "8.0"},
		{MariaDB, "10.6"},
		{MariaDB, "10.11"},
		{MariaDB, "11.4"},
	}
}

// Default returns the server assumed when nothing says otherwise: mysql-8.4.
func Default() Server { return Server{MySQL, "8.4"} }

// IsSupported reports whether s is one of the Supported servers.
func (s Server) IsSupported() bool { return slices.Contains(Supported(), s) }

// String formats s as flavor-version, e.g. "mysql-8.4".
func (s Server) String() string { return string(s.Flavor) + "-" + s.Version }

// ParseServer parses a server name such as "mysql-8.4" or "mariadb-10.11",
// case-insensitively. A patch level is accepted and dropped: "mysql-8.4.3" is
// mysql-8.4. An unsupported flavor or version is an error that lists the
// supported servers.
func ParseServer(s string) (Server, error) {
	flavor, version, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "-")
	if ok {
		parts := strings.Split(version, ".")
		if len(parts) >= 2 && len(parts) <= 3 && allDigits(parts) {
			srv := Server{Flavor(flavor), parts[0] + "." + parts[1]}
			if srv.IsSupported() {
				return srv, nil
			}
		}
	}
	var names []string
	for _, srv := range Supported() {
		names = append(names, srv.String())
	}
	return Server{}, fmt.Errorf("unsupported server %q: supported are %s", s, strings.Join(names, ", "))
}

func allDigits(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
		}
	}
	return true
}

// Groups returns the option-file groups the server reads, lowercase, in the
// order the server lists them (reference §1.3). The order does not decide
// precedence: the server applies options in file and line order.
//
// MySQL reads [mysqld], [server] and [mysqld-<version>]. MariaDB also reads
// [mariadb], [mariadb-<version>], [mariadbd], [mariadbd-<version>],
// [client-server], and [galera] (Debian's builds are WSREP builds).
func (s Server) Groups() []string {
	v := s.Version
	if s.Flavor == MariaDB {
		return []string{"mysqld", "server", "mysqld-" + v, "mariadb", "mariadb-" + v,
			"mariadbd", "mariadbd-" + v, "client-server", "galera"}
	}
	return []string{"mysqld", "server", "mysqld-" + v}
}

// ReadsGroup reports whether the server reads the group name, compared
// case-insensitively as both servers do. The caller trims the blanks before
// "]" as the option-file reader does; leading blanks make a different name.
func (s Server) ReadsGroup(name string) bool {
	name = strings.ToLower(name)
	return slices.Contains(s.Groups(), name)
}
