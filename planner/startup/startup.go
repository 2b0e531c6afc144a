package startup

import (
	"math"
	"strconv"
)

// Flavor selects which server's startup code Predict follows.
type Flavor int

const (
	// MySQL is MySQL 8.0 and 8.4 (adjust_related_options in sql/mysqld.cc).
	MySQL Flavor = iota
	// MariaDB is MariaDB 10.6, 10.11 and 11.x (init_common_variables in
	// sql/mysqld.cc), measured on 10.11.19.
	MariaDB
)

// String returns "mysql" or "mariadb" ("Flavor(N)" for any other value).
func (f Flavor) String() string {
	switch f {
	case MySQL:
		return "mysql"
	case MariaDB:
		return "mariadb"
	}
	return "Flavor(" + strconv.Itoa(int(f)) + ")"
}

// Infinity is the RLIMIT_NOFILE value that stands for "no limit"
// (systemd's LimitNOFILE=infinity) in Input.Soft and Input.Hard. Linux never
// holds RLIMIT_NOFILE above fs.nr_open, so Predict replaces it with
// Input.NrOpen; MySQL's cap of a large soft limit at 2^32−1 then never
// applies to it (reference §2.6: infinity → open_files_limit 1048576).
const Infinity uint64 = math.MaxUint64

// DefaultNrOpen is Linux's default fs.nr_open, the kernel's ceiling for
// RLIMIT_NOFILE, used when Input.NrOpen is 0.
const DefaultNrOpen uint64 = 1048576

// Input is what the server knows when it sizes its file-descriptor budget:
// the effective option values and the process's RLIMIT_NOFILE.
//
// Option values are expected already parsed and clamped to the server's
// ranges, defaults filled in by the caller. As a safety net Predict clamps
// every value to the flavor's range again, silently, as my_getopt would (e.g.
// MariaDB max_connections 5 → 10); reporting the adjustment is the option
// reader's job.
type Input struct {
	// Flavor selects the server. A value other than MariaDB is treated as
	// MySQL.
	Flavor Flavor

	// MaxConnections is max_connections (MySQL 1..100000, MariaDB 10..100000;
	// default 151 on both).
	MaxConnections uint64
	// TableOpenCache is table_open_cache: the total over all instances on
	// MySQL (1..524288, default 4000), the per-instance size on MariaDB
	// (10..1048576, default 2000).
	TableOpenCache uint64
	// TableOpenCacheInstances is table_open_cache_instances (1..64; default
	// 16 on MySQL, 8 on MariaDB).
	TableOpenCacheInstances uint64
	// OpenFilesLimit is open_files_limit as configured, 0 when unset (auto).
	// Set explicitly it is only a floor of the request, never a cap.
	OpenFilesLimit uint64
	// ExtraMaxConnections is MariaDB's extra_max_connections (1..100000,
	// default 1), counted in the request even when extra_port is 0. Ignored
	// for MySQL.
	ExtraMaxConnections uint64
	// ThreadPoolSize is MariaDB's thread_pool_size (1..100000); the server
	// autosizes it to the number of CPUs before the sizing block, so the
	// caller passes #CPUs when it is not set. Ignored for MySQL.
	ThreadPoolSize uint64
	// PoolOfThreads is MariaDB's thread_handling=pool-of-threads. Ignored for
	// MySQL.
	PoolOfThreads bool
	// TableDefinitionCacheSet says table_definition_cache was set explicitly.
	TableDefinitionCacheSet bool
	// TableDefinitionCache is table_definition_cache when
	// TableDefinitionCacheSet.
	TableDefinitionCache uint64

	// Soft is the RLIMIT_NOFILE soft limit the process starts with; Infinity
	// for LimitNOFILE=infinity. Above Hard it is taken as Hard (the kernel
	// keeps soft ≤ hard). A process with soft limit 0 cannot even load its
	// shared libraries, so 0 is not a meaningful input.
	Soft uint64
	// Hard is the RLIMIT_NOFILE hard limit the process starts with; Infinity
	// for LimitNOFILE=infinity.
	Hard uint64
	// Privileged says the process has CAP_SYS_RESOURCE and may raise its hard
	// limit (up to NrOpen). A server started by systemd with User=mysql, or
	// run as mysql via setpriv, does not.
	Privileged bool
	// NrOpen is the kernel's fs.nr_open; DefaultNrOpen when 0. It replaces
	// Infinity and bounds any raise of the hard limit.
	NrOpen uint64
}

// Result is what the server reports after startup, and what it printed.
type Result struct {
	// Request is the RLIMIT_NOFILE the server asks for (the "request:" or
	// "requested" value of its warnings), whether or not it needs a
	// setrlimit call to get it.
	Request uint64
	// OpenFilesLimit is @@open_files_limit.
	OpenFilesLimit uint64
	// MaxConnections is @@max_connections.
	MaxConnections uint64
	// TableOpenCache is @@table_open_cache (MySQL: total; MariaDB: per
	// instance).
	TableOpenCache uint64
	// TableOpenCacheInstances is @@table_open_cache_instances (MySQL never
	// changes it; MariaDB lowers it first, silently).
	TableOpenCacheInstances uint64
	// TableDefinitionCache is @@table_definition_cache.
	TableDefinitionCache uint64
	// InnodbOpenFiles is @@innodb_open_files when it is unset and
	// innodb_file_per_table is ON. MariaDB later raises it to the number of
	// system, undo and temporary tablespace files if that is larger; that
	// step is not modelled (it never bites with table_open_cache ≥ 10 and the
	// default undo tablespaces).
	InnodbOpenFiles uint64
	// BackLog is @@back_log when it is unset.
	BackLog uint64
	// ThreadCacheSize is @@thread_cache_size when it is unset.
	ThreadCacheSize uint64
	// HostCacheSize is @@host_cache_size when it is unset.
	HostCacheSize uint64
	// ProcessSoft is the process's RLIMIT_NOFILE soft limit after the
	// server's setrlimit (as /proc/PID/limits shows it).
	ProcessSoft uint64
	// ProcessHard is the process's RLIMIT_NOFILE hard limit after the
	// server's setrlimit. MariaDB keeps the hard limit when the request fits
	// under it; MySQL sets it to the request.
	ProcessHard uint64
	// Underflow says the reduction arithmetic wrapped around, so the server
	// kept values its fd budget cannot hold and will hit EMFILE at runtime
	// instead of lowering them. MariaDB: max_connections > files − 30 (the
	// instance and table-cache formulas wrap), or files < 30 +
	// 2·min(toc, 200)·instances (the max_connections formula wraps; reference
	// §2.5 rows 3 and 6). MySQL: a budget below 810 or below 10 +
	// max_connections.
	Underflow bool
	// Log holds the startup warnings about these values, in the server's own
	// words and order, without timestamp and thread id, e.g.
	// "[Warning] [MY-010139] [Server] Changed limits: max_open_files: 1024 (requested 8161)".
	// MariaDB prints the max_open_files and "Changed limits" lines on stderr
	// (the journal under systemd), not in log_error; the InnoDB line goes to
	// log_error. Never nil.
	Log []string
}

// Predict computes what the server of in.Flavor reports after startup with
// the given options and RLIMIT_NOFILE, and the warnings it prints.
func Predict(in Input) Result {
	in = normalize(in)
	if in.Flavor == MariaDB {
		return predictMariaDB(in)
	}
	return predictMySQL(in)
}

// optionRange is the valid range of one server option.
type optionRange struct{ min, max uint64 }

func (r optionRange) clamp(v uint64) uint64 { return min(max(v, r.min), r.max) }

// flavorRanges holds the option ranges of reference/mysqld.md §3 for one flavor.
type flavorRanges struct {
	maxConnections, tableOpenCache, instances, openFilesLimit, tableDefinitionCache optionRange
	// extraMaxConnections and threadPoolSize exist on MariaDB only.
	extraMaxConnections, threadPoolSize optionRange
}

// rangesFor returns the option ranges of reference/mysqld.md §3 for f.
func rangesFor(f Flavor) flavorRanges {
	if f == MariaDB {
		return flavorRanges{
			maxConnections:       optionRange{10, 100000},
			tableOpenCache:       optionRange{10, 1048576},
			instances:            optionRange{1, 64},
			openFilesLimit:       optionRange{0, math.MaxUint32},
			tableDefinitionCache: optionRange{400, 2097152},
			extraMaxConnections:  optionRange{1, 100000},
			threadPoolSize:       optionRange{1, 100000},
		}
	}
	return flavorRanges{
		maxConnections:       optionRange{1, 100000},
		tableOpenCache:       optionRange{1, 524288},
		instances:            optionRange{1, 64},
		openFilesLimit:       optionRange{0, math.MaxUint32},
		tableDefinitionCache: optionRange{400, 524288},
	}
}

// normalize clamps every option to the flavor's range and resolves Infinity
// and the NrOpen default.
func normalize(in Input) Input {
	if in.Flavor != MariaDB {
		in.Flavor = MySQL
	}
	r := rangesFor(in.Flavor)
	if in.Flavor == MariaDB {
		in.ExtraMaxConnections = r.extraMaxConnections.clamp(in.ExtraMaxConnections)
		in.ThreadPoolSize = r.threadPoolSize.clamp(in.ThreadPoolSize)
	}
	in.MaxConnections = r.maxConnections.clamp(in.MaxConnections)
	in.TableOpenCache = r.tableOpenCache.clamp(in.TableOpenCache)
	in.TableOpenCacheInstances = r.instances.clamp(in.TableOpenCacheInstances)
	in.OpenFilesLimit = r.openFilesLimit.clamp(in.OpenFilesLimit)
	if in.TableDefinitionCacheSet {
		in.TableDefinitionCache = r.tableDefinitionCache.clamp(in.TableDefinitionCache)
	}
	if in.NrOpen == 0 {
		in.NrOpen = DefaultNrOpen
	}
	// Linux never holds RLIMIT_NOFILE above fs.nr_open: setrlimit refuses
	// such a value with EPERM, and systemd then applies the closest value it
	// can, nr_open. So LimitNOFILE=infinity is nr_open:nr_open in the process
	// (reference §2.6 MySQL row "LimitNOFILE=infinity" → 1048576).
	if in.Soft == Infinity {
		in.Soft = in.NrOpen
	}
	if in.Hard == Infinity {
		in.Hard = in.NrOpen
	}
	// The kernel keeps soft ≤ hard; a soft limit above the hard one (e.g. a
	// finite soft with an infinite hard resolved to nr_open) is the hard one.
	in.Soft = min(in.Soft, in.Hard)
	return in
}

// rlimit is the process's RLIMIT_NOFILE and what the kernel lets it do.
type rlimit struct {
	soft, hard, nrOpen uint64
	privileged         bool
}

// allows reports whether setrlimit(RLIMIT_NOFILE) may set the hard limit to
// newHard: the kernel refuses any value above fs.nr_open, and a raise of the
// hard limit without CAP_SYS_RESOURCE (kernel/sys.c do_prlimit).
func (l rlimit) allows(newHard uint64) bool {
	return newHard <= l.nrOpen && (newHard <= l.hard || l.privileged)
}
