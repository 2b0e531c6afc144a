package startup

import (
	"fmt"
	"math"
)

// MySQL constants from sql/sql_const.h (8.0) and sql/mysqld.cc (8.4).
const (
	mysqlTableOpenCacheMin = 400 // TABLE_OPEN_CACHE_MIN
	mysqlDefaultOpenFiles  = 5000
	mysqlBackLogMax        = 65535
)

// MySQL error-log messages (share/messages_to_error_log.txt), as the default
// log sink prints them after the timestamp and thread id. MY-010139,
// MY-010140 and MY-010142 appear verbatim in public 8.0 error logs, and so
// does MY-012364 (an 8.0.32 log); MY-010141 is the code between them
// (ER_CHANGED_MAX_CONNECTIONS), not seen in a live log.
const (
	mysqlChangedMaxOpenFiles    = "[Warning] [MY-010139] [Server] Changed limits: max_open_files: %d (requested %d)"
	mysqlCantIncreaseOpenFiles  = "[Warning] [MY-010140] [Server] Could not increase number of max_open_files to more than %d (request: %d)"
	mysqlChangedMaxConnections  = "[Warning] [MY-010141] [Server] Changed limits: max_connections: %d (requested %d)"
	mysqlChangedTableOpenCache  = "[Warning] [MY-010142] [Server] Changed limits: table_open_cache: %d (requested %d)"
	mysqlInnodbOpenFilesTooHigh = "[Warning] [MY-012364] [InnoDB] innodb_open_files should not be greater than the open_files_limit."
)

// mysqlSetMaxOpenFiles models my_set_max_open_files() →
// SetOsLimitMaxOpenFiles() of MySQL 8.0/8.4 (mysys/my_file.cc). It returns
// the value the server believes it has and the process limit afterwards.
//
// A soft limit at or above the request is returned as is, capped to 2^32−1
// (the function returns uint), so open_files_limit shows the OS soft limit,
// e.g. 10000 under MySQL's own unit. Otherwise the server calls
// setrlimit(cur=max=request): on success the hard limit becomes the request
// (lowered or, with CAP_SYS_RESOURCE, raised); on failure the server keeps
// the old soft limit, not the hard limit (reference §2.1).
func mysqlSetMaxOpenFiles(request uint32, l rlimit) (files uint32, soft, hard uint64) {
	if l.soft >= uint64(request) {
		return uint32(min(l.soft, math.MaxUint32)), l.soft, l.hard
	}
	if l.allows(uint64(request)) {
		return request, uint64(request), uint64(request)
	}
	return uint32(l.soft), l.soft, l.hard
}

// predictMySQL follows adjust_related_options() of MySQL 8.0.27 / 8.4.8
// (sql/mysqld.cc: adjust_open_files_limit, adjust_max_connections,
// adjust_table_cache_size, adjust_table_def_size), then the autosizing in
// init_common_variables() and innodb_init_params() (reference §2.2, §2.4).
//
// All arithmetic is on unsigned 64-bit ulong, as in the server: with a budget
// below 810 the max_connections limit wraps to a huge value and
// max_connections is not lowered at all (reference §2.6, 512:512); with a
// budget below 10 + max_connections the table_open_cache limit wraps the
// same way. There is no floor on max_connections (the variable's minimum of 1
// is not applied here): a budget of exactly 810 sets max_connections to 0,
// and 811..960 to 1..150. There is no extra-port term, and
// table_open_cache_instances is never changed.
func predictMySQL(in Input) Result {
	mc, toc := in.MaxConnections, in.TableOpenCache
	log := []string{}

	// adjust_open_files_limit(): the request is a ulong, passed on as uint.
	floor := uint64(mysqlDefaultOpenFiles)
	if in.OpenFilesLimit != 0 {
		floor = in.OpenFilesLimit
	}
	request := uint32(max(10+mc+toc*2, mc*5, floor))
	files, procSoft, procHard := mysqlSetMaxOpenFiles(request, rlimit{in.Soft, in.Hard, in.NrOpen, in.Privileged})
	if files < request {
		msg := mysqlChangedMaxOpenFiles
		if in.OpenFilesLimit != 0 {
			msg = mysqlCantIncreaseOpenFiles
		}
		log = append(log, fmt.Sprintf(msg, files, request))
	}
	budget := uint64(min(files, request))

	// adjust_max_connections(): ulong, wraps when budget < 810.
	mcLimit := budget - 10 - mysqlTableOpenCacheMin*2
	mc2 := mc
	if mcLimit < mc {
		log = append(log, fmt.Sprintf(mysqlChangedMaxConnections, mcLimit, mc))
		mc2 = mcLimit
	}

	// adjust_table_cache_size(): ulong, wraps when budget < 10 + mc.
	tocLimit := max((budget-10-mc2)/2, mysqlTableOpenCacheMin)
	toc2 := toc
	if tocLimit < toc {
		log = append(log, fmt.Sprintf(mysqlChangedTableOpenCache, tocLimit, toc))
		toc2 = tocLimit
	}

	// adjust_table_def_size().
	tdc := min(400+toc2/2, 2000)
	if in.TableDefinitionCacheSet {
		tdc = in.TableDefinitionCache
	}

	// innodb_init_params() (storage/innobase/handler/ha_innodb.cc), with
	// innodb_open_files unset and innodb_file_per_table ON.
	iof := uint64(300)
	if toc2 > 300 {
		iof = toc2
	}
	if iof > uint64(files) {
		log = append(log, mysqlInnodbOpenFilesTooHigh)
		if iof > toc2 {
			iof = toc2
		}
	}

	// init_common_variables(): thread_cache_size, host_cache_size and
	// back_log when unset, from the reduced max_connections
	// (adjust_related_options runs first, in mysqld_main).
	hostCache := 128 + mc2
	if hostCache > 628 {
		hostCache = min(628+(mc2-500)/20, 2000)
	}

	return Result{
		Request:                 uint64(request),
		OpenFilesLimit:          uint64(files),
		MaxConnections:          mc2,
		TableOpenCache:          toc2,
		TableOpenCacheInstances: in.TableOpenCacheInstances,
		TableDefinitionCache:    tdc,
		InnodbOpenFiles:         iof,
		BackLog:                 min(mc2, mysqlBackLogMax),
		ThreadCacheSize:         min(8+mc2/100, 100),
		HostCacheSize:           hostCache,
		ProcessSoft:             procSoft,
		ProcessHard:             procHard,
		Underflow:               budget < 10+mysqlTableOpenCacheMin*2 || budget < 10+mc2,
		Log:                     log,
	}
}
