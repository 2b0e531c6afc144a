package rules

import (
	"fmt"
	"strings"

	"github.com/conncap/conncap/lint"
	"github.com/conncap/conncap/planner/system"
)

// daemon names the server binary of the analysed flavor.
func daemon(s *system.Server) string {
	if s.Version.V.Flavor == "mariadb" {
		return "mariadbd"
	}
	return "mysqld"
}

// limitFix says how to grant the server the descriptors its settings need:
// edit the LimitNOFILE line when an administrator's file under /etc sets it,
// else add a drop-in whose name sorts after every other.
func limitFix(s *system.Server) string {
	want := s.Startup.Request
	p := s.NoFile.Origin.Pos
	switch {
	case p.IsValid() && (strings.HasSuffix(p.Path, ".yaml") || strings.HasSuffix(p.Path, ".yml")):
		return fmt.Sprintf("set the container's nofile ulimit (soft and hard) to %d at %s", want, p)
	case p.IsValid() && strings.HasPrefix(p.Path, "etc/"):
		return fmt.Sprintf("set LimitNOFILE=%d at %s", want, p)
	case s.Unit == nil && !p.IsValid():
		return fmt.Sprintf("give the server process a nofile limit of at least %d (LimitNOFILE=%d in its unit, or the container's nofile ulimit)", want, want)
	}
	return fmt.Sprintf("add /etc/systemd/system/%s.d/zz-conncap-limits.conf with [Service] LimitNOFILE=%d", unitName(s), want)
}

func unitName(s *system.Server) string {
	if s.Unit != nil {
		return s.Unit.Name
	}
	if s.Version.V.Flavor == "mariadb" {
		return "mariadb.service"
	}
	return "mysql.service"
}

// fdReason says how many descriptors the server gets and needs.
func fdReason(s *system.Server) string {
	return fmt.Sprintf("the process may open %d files (nofile %s, %s) and these settings need %d",
		s.Startup.OpenFilesLimit, system.FormatLimit(s.NoFile.V), where(s.NoFile.Origin), s.Startup.Request)
}

// MaxConnectionsLowered reports a max_connections the server will lower at
// startup because its file-descriptor limit is too small.
var MaxConnectionsLowered = &lint.Rule{
	ID:       "max-connections-lowered",
	Severity: lint.Error,
	Summary:  "max_connections will be lowered at startup for lack of file descriptors",
	Doc: lint.Doc{
		Why: "At startup mysqld asks the kernel for enough file descriptors for max_connections and the table cache. " +
			"When RLIMIT_NOFILE (systemd's LimitNOFILE, a container's ulimit) is too small and cannot be raised, it silently " +
			"lowers max_connections (MySQL: to open_files_limit - 810, e.g. 214 under 1024 descriptors) and only logs " +
			"\"Changed limits\". Clients then get ERROR 1040 Too many connections far below the configured value.",
		Fix: "Raise the unit's LimitNOFILE to the server's request (the value conncap prints), in a drop-in rather than the " +
			"packaged unit, or lower max_connections to what the limit allows. Raise both together.",
		Example: lint.Example{
			Files: map[string]string{
				"etc/mysql/my.cnf":                 "[mysqld]\nmax_connections = 500\n",
				"lib/systemd/system/mysql.service": "[Service]\nExecStart=/usr/sbin/mysqld\nLimitNOFILE=1024\n",
			},
		},
	},
	Run: maxConnectionsLowered,
}

func maxConnectionsLowered(p *lint.Pass) {
	s := p.Analysis.Server
	c, e := s.Configured.MaxConnections, s.Effective.MaxConnections
	if e.V >= c.V {
		return
	}
	what := fmt.Sprintf("max_connections = %d", c.V)
	if !s.IsSet("max_connections") {
		what = fmt.Sprintf("max_connections (not set; default %d)", c.V)
	}
	d := lint.Diagnostic{
		Pos:     c.Origin.Pos,
		Message: fmt.Sprintf("%s will start as %d: %s", what, e.V, fdReason(s)),
		Related: related(s.NoFile.Origin, "the file-descriptor limit (nofile %s)", system.FormatLimit(s.NoFile.V)),
		Fix:     &lint.Fix{Message: fmt.Sprintf("%s, or lower max_connections to %d", limitFix(s), e.V)},
	}
	if st, ok := s.Settings["max_connections"]; ok {
		d.End = valueEnd(st.Last())
	}
	p.Report(d)
}

// TableOpenCacheLowered reports a table cache the server will shrink at
// startup for lack of file descriptors.
var TableOpenCacheLowered = &lint.Rule{
	ID:       "table-open-cache-lowered",
	Severity: lint.Warning,
	Summary:  "table_open_cache or its instances will be lowered at startup for lack of file descriptors",
	Doc: lint.Doc{
		Why: "The same startup check that lowers max_connections shrinks table_open_cache (MySQL down to 400, MariaDB down to 200 " +
			"per instance) and, on MariaDB, first drops table_open_cache_instances without logging anything. A small table " +
			"cache makes every query reopen tables: Opened_tables climbs and latency with it.",
		Fix: "Raise LimitNOFILE to the server's request, or set table_open_cache to what the limit allows.",
		Example: lint.Example{
			Files: map[string]string{
				"etc/mysql/my.cnf": "[mysqld]\ntable_open_cache = 4000\n",
			},
			Args: []string{"--server=mysql-8.4", "--nofile=1024"},
		},
	},
	Run: tableOpenCacheLowered,
}

func tableOpenCacheLowered(p *lint.Pass) {
	s := p.Analysis.Server
	c, e := s.Configured.TableOpenCache, s.Effective.TableOpenCache
	ci, ei := s.Configured.TableOpenCacheInstances, s.Effective.TableOpenCacheInstances
	switch {
	case e.V < c.V:
		d := lint.Diagnostic{
			Pos:     c.Origin.Pos,
			Message: fmt.Sprintf("table_open_cache = %d will start as %d: %s", c.V, e.V, fdReason(s)),
			Related: related(s.NoFile.Origin, "the file-descriptor limit (nofile %s)", system.FormatLimit(s.NoFile.V)),
			Fix:     &lint.Fix{Message: fmt.Sprintf("%s, or set table_open_cache = %d", limitFix(s), e.V)},
		}
		if st, ok := s.Settings["table_open_cache"]; ok {
			d.End = valueEnd(st.Last())
		} else {
			d.Message = fmt.Sprintf("table_open_cache (not set; default %d) will start as %d: %s", c.V, e.V, fdReason(s))
		}
		p.Report(d)
	case ei.V < ci.V:
		d := lint.Diagnostic{
			Pos: ci.Origin.Pos,
			Message: fmt.Sprintf("table_open_cache_instances = %d will silently start as %d (nothing is logged): %s",
				ci.V, ei.V, fdReason(s)),
			Related: related(s.NoFile.Origin, "the file-descriptor limit (nofile %s)", system.FormatLimit(s.NoFile.V)),
			Fix:     &lint.Fix{Message: fmt.Sprintf("%s, or set table_open_cache_instances = %d", limitFix(s), ei.V)},
		}
		if !s.IsSet("table_open_cache_instances") {
			d.Message = fmt.Sprintf("table_open_cache_instances (not set; default %d) will silently start as %d (nothing is logged): %s",
				ci.V, ei.V, fdReason(s))
		}
		p.Report(d)
	}
}

// FdOvercommit reports MariaDB keeping a max_connections it has no file
// descriptors for.
var FdOvercommit = &lint.Rule{
	ID:       "fd-overcommit",
	Severity: lint.Error,
	Summary:  "the server keeps more connections than it has file descriptors for",
	Doc: lint.Doc{
		Why: "MariaDB's startup check subtracts max_connections from the descriptors it got using unsigned arithmetic. When " +
			"max_connections exceeds open_files_limit - 30 the subtraction wraps around and the check lowers nothing: the " +
			"server starts with the full max_connections and table cache (measured on MariaDB 10.11: 1024 descriptors, " +
			"max_connections = 2000 stays 2000) and fails later with \"Too many open files\" (EMFILE) while accepting " +
			"connections or opening tables.",
		Fix: "Raise LimitNOFILE to the server's request so every configured connection has a descriptor, or lower max_connections well below the limit.",
		Example: lint.Example{
			Files: map[string]string{
				"etc/mysql/my.cnf": "[mariadb]\nmax_connections = 2000\n",
			},
			Args: []string{"--server=mariadb-10.11", "--nofile=1024"},
		},
	},
	Run: fdOvercommit,
}

func fdOvercommit(p *lint.Pass) {
	s := p.Analysis.Server
	if !s.Startup.Underflow {
		return
	}
	c := s.Effective.MaxConnections
	d := lint.Diagnostic{
		Pos: c.Origin.Pos,
		Message: fmt.Sprintf("max_connections = %d is kept although the process may open only %d files (nofile %s, %s): %s's startup check wraps around and lowers nothing, so connections and tables fail with EMFILE at run time",
			c.V, s.Startup.OpenFilesLimit, system.FormatLimit(s.NoFile.V), where(s.NoFile.Origin), daemon(s)),
		Related: related(s.NoFile.Origin, "the file-descriptor limit (nofile %s)", system.FormatLimit(s.NoFile.V)),
		Fix:     &lint.Fix{Message: fmt.Sprintf("%s, or lower max_connections below %d", limitFix(s), max(int64(s.Startup.OpenFilesLimit)-30-400, 10))},
	}
	if st, ok := s.Settings["max_connections"]; ok {
		d.End = valueEnd(st.Last())
	}
	p.Report(d)
}

// OpenFilesLimitUnreachable reports an open_files_limit the process cannot
// raise its limit to.
var OpenFilesLimitUnreachable = &lint.Rule{
	ID:       "open-files-limit-unreachable",
	Severity: lint.Warning,
	Summary:  "open_files_limit is above what the server process may raise its limit to",
	Doc: lint.Doc{
		Why: "open_files_limit is a request, not a grant: an unprivileged mysqld (systemd's User=mysql) can raise its soft " +
			"limit only up to the hard limit, and when the request is higher it keeps the soft limit it started with, " +
			"not even the hard one. The configured value then only hides the real limit from whoever reads my.cnf.",
		Fix: "Set LimitNOFILE in the unit (or the container's nofile ulimit) to at least open_files_limit; the server then gets it.",
		Example: lint.Example{
			Files: map[string]string{
				"etc/mysql/my.cnf":                 "[mysqld]\nopen_files_limit = 65535\n",
				"lib/systemd/system/mysql.service": "[Service]\nExecStart=/usr/sbin/mysqld\nLimitNOFILE=10000\n",
			},
		},
	},
	Run: openFilesLimitUnreachable,
}

func openFilesLimitUnreachable(p *lint.Pass) {
	s := p.Analysis.Server
	st, ok := s.Settings["open_files_limit"]
	if !ok {
		return
	}
	want := s.Configured.OpenFilesLimit.V
	got := int64(s.Startup.OpenFilesLimit)
	if want <= got {
		return
	}
	o := st.Last()
	p.Report(lint.Diagnostic{
		Pos: o.ValuePos,
		End: valueEnd(o),
		Message: fmt.Sprintf("open_files_limit = %d cannot be granted: the process limit is nofile %s (%s) and cannot be raised past its hard limit, so the server runs with %d",
			want, system.FormatLimit(s.NoFile.V), where(s.NoFile.Origin), got),
		Related: related(s.NoFile.Origin, "the file-descriptor limit (nofile %s)", system.FormatLimit(s.NoFile.V)),
		Fix:     &lint.Fix{Message: fmt.Sprintf("set LimitNOFILE=%d for %s, or remove open_files_limit", max(want, int64(s.Startup.Request)), unitName(s))},
	})
}
