package system

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/systemd"
	"github.com/conncap/conncap/planner/catalog"
	"github.com/conncap/conncap/planner/startup"
)

// configured returns a numeric variable's value as the server is asked for
// it: the last setting's parsed value, else the flavor's default, with its
// origin. Where nothing sets it, the origin is the entry position with a
// "default" note, so a fix knows where to go.
func (s *Server) configured(name string) source.Value[int64] {
	if st, ok := s.Settings[name]; ok {
		o := st.Last()
		pos := o.ValuePos
		if !o.HasValue {
			pos = o.Pos
		}
		return source.Value[int64]{V: o.Parsed.Num, Origin: source.At(pos)}
	}
	v, _ := s.Version.V.Lookup(name)
	n, _ := strconv.ParseInt(v.Default, 10, 64)
	return source.Value[int64]{V: n, Origin: source.Origin{Pos: s.Entry, Note: fmt.Sprintf("not set; default %d for %s", n, s.Version.V)}}
}

// IsSet reports whether an option file or the command line sets the variable.
func (s *Server) IsSet(name string) bool { _, ok := s.Settings[name]; return ok }

// predict runs the startup model and fills Configured and Effective.
func (s *Server) predict() {
	srv := s.Version.V
	c := Values{
		MaxConnections:          s.configured("max_connections"),
		MaxUserConnections:      s.configured("max_user_connections"),
		TableOpenCache:          s.configured("table_open_cache"),
		TableOpenCacheInstances: s.configured("table_open_cache_instances"),
		OpenFilesLimit:          s.configured("open_files_limit"),
		WaitTimeout:             s.configured("wait_timeout"),
		InteractiveTimeout:      s.configured("interactive_timeout"),
	}
	s.Configured = c
	in := startup.Input{
		Flavor:                  startup.MySQL,
		MaxConnections:          u64(c.MaxConnections.V),
		TableOpenCache:          u64(c.TableOpenCache.V),
		TableOpenCacheInstances: u64(c.TableOpenCacheInstances.V),
		OpenFilesLimit:          u64(c.OpenFilesLimit.V),
		Soft:                    s.NoFile.V.Soft,
		Hard:                    s.NoFile.V.Hard,
	}
	if srv.Flavor == catalog.MariaDB {
		in.Flavor = startup.MariaDB
		in.ExtraMaxConnections = u64(s.configured("extra_max_connections").V)
		in.ThreadPoolSize = uint64(s.CPUs.V)
		if s.IsSet("thread_pool_size") {
			in.ThreadPoolSize = u64(s.configured("thread_pool_size").V)
		}
		if st, ok := s.Settings["thread_handling"]; ok {
			in.PoolOfThreads = strings.EqualFold(st.Last().Parsed.Str, "pool-of-threads")
		}
	}
	if s.IsSet("table_definition_cache") {
		in.TableDefinitionCacheSet = true
		in.TableDefinitionCache = u64(s.configured("table_definition_cache").V)
	}
	r := startup.Predict(in)
	s.StartupInput, s.Startup = in, r
	why := s.limitNote()
	e := c
	e.MaxConnections = adjusted(c.MaxConnections, r.MaxConnections, why)
	e.TableOpenCache = adjusted(c.TableOpenCache, r.TableOpenCache, why)
	e.TableOpenCacheInstances = adjusted(c.TableOpenCacheInstances, r.TableOpenCacheInstances, why)
	e.OpenFilesLimit = source.Value[int64]{V: clampI64(r.OpenFilesLimit), Origin: source.Named(fmt.Sprintf("computed at startup from the file request %d and %s", r.Request, why))}
	s.Effective = e
}

func (s *Server) limitNote() string {
	return fmt.Sprintf("nofile %s (%s)", FormatLimit(s.NoFile.V), s.NoFile.Origin)
}

// adjusted returns the effective value: the configured one when the server
// keeps it, else the new value with a note saying why.
func adjusted(c source.Value[int64], eff uint64, why string) source.Value[int64] {
	if clampI64(eff) == c.V {
		return c
	}
	return source.Value[int64]{V: clampI64(eff), Origin: source.Origin{Pos: c.Origin.Pos, Note: fmt.Sprintf("lowered at startup from %d for lack of file descriptors: %s", c.V, why)}}
}

// FormatLimit writes a limit as systemd does: N, or SOFT:HARD, with infinity.
func FormatLimit(l systemd.Limit) string {
	f := func(n uint64) string {
		if n == systemd.Infinity {
			return "infinity"
		}
		return strconv.FormatUint(n, 10)
	}
	if l.Soft == l.Hard {
		return f(l.Soft)
	}
	return f(l.Soft) + ":" + f(l.Hard)
}

func u64(n int64) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

func clampI64(n uint64) int64 {
	if n > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(n)
}
