package startup

import "fmt"

// MariaDB constants of init_common_variables() (sql/mysqld.cc) and
// sql/sql_const.h.
const (
	mariadbExtraFiles        = 30  // extra_files: reserved for temporary files
	mariadbMinConnections    = 10  // min_connections
	mariadbTableOpenCacheMin = 200 // TABLE_OPEN_CACHE_MIN
	mariadbBackLogMax        = 900
	mariadbThreadCacheSize   = 256 // thread_cache_size default
	mariadbTableDefCache     = 400 // table_definition_cache default, not autosized
)

// MariaDB warnings, as printed after the timestamp and thread id. Note the
// two spaces between the fields of "Changed limits".
const (
	mariadbCantIncreaseOpenFiles  = "[Warning] Could not increase number of max_open_files to more than %d (request: %d)"
	mariadbChangedLimits          = "[Warning] Changed limits: max_open_files: %d  max_connections: %d (was %d)  table_cache: %d (was %d)"
	mariadbInnodbOpenFilesTooHigh = "[Warning] InnoDB: innodb_open_files %d should not be greater than the open_files_limit %d"
)

// mariadbSetMaxOpenFiles models my_set_max_open_files() →
// set_max_open_files() of MariaDB 10.11.19 (mysys/my_file.c) as it behaves on
// this machine. It returns the value the server believes it has and the
// process limit afterwards.
//
// A soft limit at or above the request (or infinite) makes it return the
// request itself, not the soft limit: open_files_limit shows the request
// (reference §2.5 row 10: ulimit 20000, request 5000 → 5000). Otherwise it
// calls setrlimit(cur=request, max=max(hard, request)) — observed with strace
// on 10.11.19: 1024:20000 and request 4184 → {4184, 20000}; 1024:4000 and
// request 32184 → {32184, 32184}, EPERM. So the hard limit is kept when the
// request fits under it (reference §2.1; MariaDB 11.8.6's source is said to
// set cur=max=request instead, which would lower it), and on failure the
// server keeps the old soft limit, not the hard limit (reference §2.5 row 7).
func mariadbSetMaxOpenFiles(request uint32, l rlimit) (files uint32, soft, hard uint64) {
	if l.soft >= uint64(request) {
		return request, l.soft, l.hard
	}
	newHard := max(l.hard, uint64(request))
	if l.allows(newHard) {
		return request, uint64(request), newHard
	}
	return uint32(l.soft), l.soft, l.hard
}

// predictMariaDB follows the sizing block of init_common_variables() in
// MariaDB 10.11.18 / 11.8.6 (sql/mysqld.cc; reference §2.3), then get_options()
// and innodb_init_params() for the dependent values (reference §2.4).
//
// The C types matter and are kept: files, wanted_files and max_open_files
// are 32-bit uint; max_connections, tc_size and extra_max_connections are
// 64-bit ulong; tc_instances is uint32. Hence:
//
//   - instances' = min(max((files−30−mc)/2/toc, 1), inst): files−30 is 32-bit,
//     minus mc is 64-bit. When mc > files−30 it wraps to ~2^64 and the
//     instances stay unreduced.
//   - mc' = max(min(files−30−2·min(toc,200)·instances', mc), 10): entirely
//     32-bit. When files < 30 + 2·min(toc,200)·instances' it wraps to ~2^32
//     and max_connections stays unreduced. MariaDB 10.11 keeps
//     max_connections unreduced when mc > files−30: measured, reference §2.5
//     rows 3 and 6 (1024 fds with max_connections 2000 or 1000).
//   - toc' = min(max((files−30−mc')/2/instances', min(toc,200)), toc): 64-bit,
//     wraps like instances'.
func predictMariaDB(in Input) Result {
	mc, toc, inst := in.MaxConnections, in.TableOpenCache, in.TableOpenCacheInstances
	log := []string{}

	// The request. MyISAM needs two fds per table; thread_pool_size is added
	// when the pool is NOT used (sic: thread_handling > SCHEDULER_NO_THREADS
	// adds 0), reference §2.3 quirk 3.
	wanted := uint32(mariadbExtraFiles + mc + in.ExtraMaxConnections + toc*2*inst)
	if !in.PoolOfThreads {
		wanted += uint32(in.ThreadPoolSize)
	}
	request := uint32(max(uint64(wanted), (mc+in.ExtraMaxConnections)*5, in.OpenFilesLimit))
	files, procSoft, procHard := mariadbSetMaxOpenFiles(request, rlimit{in.Soft, in.Hard, in.NrOpen, in.Privileged})
	if files < request { // log_warnings >= 1
		log = append(log, fmt.Sprintf(mariadbCantIncreaseOpenFiles, files, request))
	}

	minTC := uint32(min(toc, mariadbTableOpenCacheMin))
	avail := files - mariadbExtraFiles // uint: wraps when files < 30

	// table_open_cache_instances first, silently.
	instRaw := uint64(avail) - mc
	inst2 := min(max(instRaw/2/toc, 1), inst)

	// max_connections, 32-bit.
	mcRaw := avail - minTC*2*uint32(inst2)
	mc2 := max(min(uint64(mcRaw), mc), mariadbMinConnections)

	// table_open_cache (per instance), never raised.
	tocRaw := uint64(avail) - mc2
	toc2 := min(max(tocRaw/2/inst2, uint64(minTC)), toc)

	// Only with log_warnings > 1 (the default 2); a reduction of the
	// instances alone logs nothing.
	if mc2 < mc || toc2 < toc {
		log = append(log, fmt.Sprintf(mariadbChangedLimits, files, mc2, mc, toc2, toc))
	}

	underflow := files < mariadbExtraFiles ||
		uint64(avail) < mc ||
		avail < minTC*2*uint32(inst2) ||
		uint64(avail) < mc2

	// innodb_init_params() (storage/innobase/handler/ha_innodb.cc) with
	// innodb_open_files unset and innodb_file_per_table ON: table_open_cache
	// is used only strictly between 300 and open_files_limit; a value above
	// open_files_limit is warned about and capped to table_open_cache
	// (reference §2.5 row 18: 256 fds, toc 10 → 10). This line goes to the
	// error log, after the two above.
	ofl := uint64(files)
	iof := uint64(300)
	if toc2 > 300 && toc2 < ofl {
		iof = toc2
	}
	if iof > ofl {
		log = append(log, fmt.Sprintf(mariadbInnodbOpenFilesTooHigh, iof, ofl))
		if iof > toc2 {
			iof = toc2
		}
	}

	tdc := uint64(mariadbTableDefCache)
	if in.TableDefinitionCacheSet {
		tdc = in.TableDefinitionCache
	}

	// host_cache_size and back_log are autosized from the reduced
	// max_connections (reference §2.5: back_log 168 for max_connections 594).
	hostCache := 128 + min(mc2, 500)
	if mc2 > 500 {
		hostCache += (mc2 - 500) / 20
	}

	return Result{
		Request:                 uint64(request),
		OpenFilesLimit:          ofl,
		MaxConnections:          mc2,
		TableOpenCache:          toc2,
		TableOpenCacheInstances: inst2,
		TableDefinitionCache:    tdc,
		InnodbOpenFiles:         iof,
		BackLog:                 min(mariadbBackLogMax, 50+mc2/5),
		// thread_cache_size (default 256) is capped by the configured
		// max_connections, not the reduced one, so the cap must happen before
		// the sizing block: measured on 10.11.19 with 512:512 →
		// max_connections 82, thread_cache_size 151 (reference §2.4 says
		// "lowered to max_connections" without saying which).
		ThreadCacheSize: min(mariadbThreadCacheSize, mc),
		HostCacheSize:   hostCache,
		ProcessSoft:     procSoft,
		ProcessHard:     procHard,
		Underflow:       underflow,
		Log:             log,
	}
}
