// Package emit writes recommendations as files a person applies as they
// are: a [mysqld] option file for the directory the server reads last, a
// systemd drop-in, ALTER USER statements, and pool sizes in each
// ecosystem's own form. Each snippet says in a comment what it was computed
// from. Pure: it returns text, the caller writes it.
package emit

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/mycnf"
	"github.com/conncap/conncap/planner/recommend"
	"github.com/conncap/conncap/planner/system"
)

// Kind names a snippet's format.
type Kind string

// The snippet kinds.
const (
	MyCnf   Kind = "mycnf"
	Systemd Kind = "systemd"
	SQL     Kind = "sql"
	Pools   Kind = "pools"
	// ProxySQL is SQL for ProxySQL's Admin interface (port 6032): the
	// runtime tables, which win over proxysql.cnf once ProxySQL has started.
	ProxySQL Kind = "proxysql"
)

// Snippet is one file to apply.
type Snippet struct {
	Kind Kind
	Name string // where it goes, sysroot-relative (a new file, or the file to edit)
	Text string
}

// All returns the snippets for the recommendations, in a fixed order.
func All(s *system.Server, p *recommend.Plan, accounts []AccountLimit) []Snippet {
	var out []Snippet
	if sn, ok := myCnf(s, p); ok {
		out = append(out, sn)
	}
	if sn, ok := dropIn(s, p); ok {
		out = append(out, sn)
	}
	if sn, ok := alterUsers(s, accounts); ok {
		out = append(out, sn)
	}
	if sn, ok := pools(p); ok {
		out = append(out, sn)
	}
	if sn, ok := proxyAdmin(s, p); ok {
		out = append(out, sn)
	}
	return out
}

// proxyAdmin writes the recommended backend caps as ProxySQL Admin
// statements, loaded to runtime and saved to disk; the comment names the
// proxysql.cnf line to change as well.
func proxyAdmin(s *system.Server, p *recommend.Plan) (Snippet, bool) {
	if p == nil || len(p.ProxyRows) == 0 {
		return Snippet{}, false
	}
	var b strings.Builder
	header(&b, "--", s, p)
	b.WriteString("-- Run on each ProxySQL instance's Admin interface (mysql -h127.0.0.1 -P6032 -uadmin -p).\n")
	for _, r := range p.ProxyRows {
		fmt.Fprintf(&b, "-- %s, hostgroup %d, %s:%d: max_connections %d -> %d (%s; change it there too): %s\n",
			r.Proxy, r.Hostgroup, r.Address, r.Port, r.Current, r.Recommended, r.Where, r.Reason)
		fmt.Fprintf(&b, "UPDATE mysql_servers SET max_connections = %d WHERE hostgroup_id = %d AND hostname = '%s' AND port = %d;\n",
			r.Recommended, r.Hostgroup, strings.ReplaceAll(r.Address, "'", "''"), r.Port)
	}
	b.WriteString("LOAD MYSQL SERVERS TO RUNTIME;\nSAVE MYSQL SERVERS TO DISK;\n")
	return Snippet{Kind: ProxySQL, Name: "conncap-proxysql-admin.sql", Text: b.String()}, true
}

// header is the comment every snippet starts with.
func header(b *strings.Builder, comment string, s *system.Server, p *recommend.Plan) {
	fmt.Fprintf(b, "%s Written by conncap plan --emit for %s.\n", comment, s.Version.V)
	switch {
	case p != nil && len(p.Worst.Lines) > 0:
		fmt.Fprintf(b, "%s Computed from the %s scenario: %d connections against max_connections %d.\n",
			comment, p.Worst.Scenario, p.Worst.Total, p.Worst.Limit)
	case p != nil:
		fmt.Fprintf(b, "%s Computed from the server's own settings (no application tier in the inputs).\n", comment)
	}
}

// lastIncludeDir is the !includedir directory the server reads last: a new
// file sorting last there overrides everything read before it.
func lastIncludeDir(set *mycnf.Set) string {
	if set == nil {
		return ""
	}
	dir := ""
	for _, e := range set.Events {
		if e.Kind == mycnf.IncludedDirEntry || e.Kind == mycnf.SkippedDirEntry {
			dir = path.Dir(e.Path)
		}
	}
	return dir
}

func myCnf(s *system.Server, p *recommend.Plan) (Snippet, bool) {
	var lines []string
	var b strings.Builder
	header(&b, "#", s, p)
	for _, v := range p.Server {
		switch v.Name {
		case "max_connections":
			if !p.Grow {
				continue
			}
		case "open_files_limit", "table_open_cache", "wait_timeout", "interactive_timeout":
		default:
			continue
		}
		fmt.Fprintf(&b, "# %s: %d at %s; %s.\n", v.Name, v.Current.V, v.Current.Origin, v.Reason)
		lines = append(lines, fmt.Sprintf("%s = %d", v.Name, v.Recommended))
	}
	if len(lines) == 0 {
		return Snippet{}, false
	}
	if sn, ok := configMapPatch(s.OptionFiles, &b, lines); ok {
		return sn, true
	}
	name := "etc/mysql/conf.d/zz-conncap.cnf"
	switch d := lastIncludeDir(s.OptionFiles); {
	case d != "":
		name = d + "/zz-conncap.cnf"
		fmt.Fprintf(&b, "# Save as %s: it sorts last in the directory the server reads last, so it wins.\n", name)
	case s.Entry.IsValid():
		// No !includedir: a new file would not be read. Append to the
		// file the server reads last instead.
		name = s.Entry.Path
		fmt.Fprintf(&b, "# The server reads no directory of option files: append these lines to the end of %s.\n", name)
	default:
		fmt.Fprintf(&b, "# Save as %s and make sure the server's option files !includedir it.\n", name)
	}
	fmt.Fprintf(&b, "[mysqld]\n%s\n", strings.Join(lines, "\n"))
	return Snippet{Kind: MyCnf, Name: name, Text: b.String()}, true
}

// configMapPatch writes the my.cnf lines as a ConfigMap change when the
// option file the server reads last is a ConfigMap key a Kubernetes
// container mounts: a new key sorting last in a mounted directory, or the
// lines to append to a key mounted as the main file. head is the comment
// so far.
func configMapPatch(set *mycnf.Set, head *strings.Builder, lines []string) (Snippet, bool) {
	if set == nil {
		return Snippet{}, false
	}
	var last *mycnf.Event
	for i, e := range set.Events {
		if e.Kind == mycnf.MountedFile {
			last = &set.Events[i]
		}
	}
	if last == nil {
		return Snippet{}, false
	}
	cm, key, _ := strings.Cut(last.Msg, "/")
	var b strings.Builder
	b.WriteString(head.String())
	block := "    [mysqld]\n"
	for _, l := range lines {
		block += "    " + l + "\n"
	}
	if slices.Contains(mycnf.DefaultFiles, last.Path) || strings.HasPrefix(last.Path, "/opt/bitnami/") {
		fmt.Fprintf(&b, "# The server reads ConfigMap %s key %s as %s: append these lines to that key in %s, then restart the pods.\n",
			cm, key, last.Path, last.Pos.Path)
		fmt.Fprintf(&b, "data:\n  %s: |\n    # … the key's lines so far …\n%s", key, block)
	} else {
		fmt.Fprintf(&b, "# ConfigMap %s is mounted at %s, whose *.cnf files the server reads in name order: add this key to it in %s,\n"+
			"# where it sorts last and wins, then restart the pods (option files are read at startup).\n", cm, path.Dir(last.Path), last.Pos.Path)
		fmt.Fprintf(&b, "data:\n  zz-conncap.cnf: |\n%s", block)
	}
	return Snippet{Kind: MyCnf, Name: "conncap-configmap-" + cm + ".yaml", Text: b.String()}, true
}

func dropIn(s *system.Server, p *recommend.Plan) (Snippet, bool) {
	for _, v := range p.Server {
		if v.Name != "LimitNOFILE" {
			continue
		}
		unit := "mysql.service"
		if s.Unit != nil {
			unit = s.Unit.Name
		} else if s.Version.V.Flavor == "mariadb" {
			unit = "mariadb.service"
		}
		name := fmt.Sprintf("etc/systemd/system/%s.d/zz-conncap.conf", unit)
		var b strings.Builder
		header(&b, "#", s, p)
		fmt.Fprintf(&b, "# LimitNOFILE: %d at %s; %s.\n", v.Current.V, v.Current.Origin, v.Reason)
		fmt.Fprintf(&b, "# Save as /%s, then: systemctl daemon-reload && systemctl restart %s\n", name, unit)
		fmt.Fprintf(&b, "[Service]\nLimitNOFILE=%d\n", v.Recommended)
		return Snippet{Kind: Systemd, Name: name, Text: b.String()}, true
	}
	return Snippet{}, false
}

// AccountLimit is a recommended per-account limit.
type AccountLimit struct {
	User, Host  string
	Current     int64
	Recommended int64
	Why         string
}

func alterUsers(s *system.Server, accounts []AccountLimit) (Snippet, bool) {
	if len(accounts) == 0 {
		return Snippet{}, false
	}
	var b strings.Builder
	header(&b, "--", s, nil)
	for _, a := range accounts {
		fmt.Fprintf(&b, "-- %s: %s\n", quoteAccount(a.User, a.Host), a.Why)
		fmt.Fprintf(&b, "ALTER USER %s WITH MAX_USER_CONNECTIONS %d;\n", quoteAccount(a.User, a.Host), a.Recommended)
	}
	return Snippet{Kind: SQL, Name: "conncap-accounts.sql", Text: b.String()}, true
}

func quoteAccount(user, host string) string {
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	return q(user) + "@" + q(host)
}

// poolSetting is how each ecosystem spells its pool size.
func poolSetting(eco string, n int) string {
	switch eco {
	case "hikari":
		return fmt.Sprintf("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE=%d  (or spring.datasource.hikari.maximum-pool-size=%d)", n, n)
	case "tomcat-jdbc":
		return fmt.Sprintf("spring.datasource.tomcat.max-active=%d", n)
	case "rails":
		return fmt.Sprintf("pool: %d  (config/database.yml; or RAILS_MAX_THREADS=%d where the pool reads it)", n, n)
	case "sqlalchemy":
		return fmt.Sprintf("create_engine(..., pool_size=%d, max_overflow=0)", n)
	case "mysql2":
		return fmt.Sprintf("createPool({connectionLimit: %d})", n)
	case "knex", "sequelize":
		return fmt.Sprintf("pool: {max: %d}", n)
	case "typeorm":
		return fmt.Sprintf("poolSize: %d", n)
	case "prisma", "url":
		return fmt.Sprintf("?connection_limit=%d in DATABASE_URL", n)
	case "dotnet":
		return fmt.Sprintf("Maximum Pool Size=%d in the connection string", n)
	case "gosql":
		return fmt.Sprintf("db.SetMaxOpenConns(%d); db.SetMaxIdleConns(%d)", n, n)
	case "declared":
		return fmt.Sprintf("pool: %d  (.conncap.yaml)", n)
	}
	return fmt.Sprintf("pool size %d", n)
}

func pools(p *recommend.Plan) (Snippet, bool) {
	if len(p.Pools) == 0 {
		return Snippet{}, false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Written by conncap plan --emit pools.\n# Computed from the %s scenario: %d connections against max_connections %d.\n",
		p.Worst.Scenario, p.Worst.Total, p.Worst.Limit)
	for _, pl := range p.Pools {
		fmt.Fprintf(&b, "# %s: %d instances × %d processes; was %d at %s\n%s: %s\n", pl.Service, pl.Instances, pl.Processes, pl.Current, pl.Where, pl.Service, poolSetting(pl.Ecosystem, pl.Recommended))
	}
	return Snippet{Kind: Pools, Name: "conncap-pools.txt", Text: b.String()}, true
}
