// Package startup predicts what a MySQL or MariaDB server does with its
// file-descriptor budget at startup: the RLIMIT_NOFILE it asks for, what it
// gets, how it then lowers max_connections, table_open_cache and (MariaDB)
// table_open_cache_instances, the values derived from those, and the warnings
// it prints.
//
// Predict is a pure function of its Input: the effective option values (already
// parsed and clamped by the caller) and the process's RLIMIT_NOFILE. It
// follows the servers' own code, including its unsigned wrap-arounds:
//
//   - MySQL 8.0 / 8.4: adjust_related_options() in sql/mysqld.cc and
//     SetOsLimitMaxOpenFiles() in mysys/my_file.cc (reference/mysqld.md §2.1,
//     §2.2, §2.4).
//   - MariaDB 10.6 / 10.11 / 11.x: the "connections and databases needs lots of
//     files" block of init_common_variables() in sql/mysqld.cc and
//     set_max_open_files() in mysys/my_file.c (reference/mysqld.md §2.1, §2.3,
//     §2.4), checked against a real mariadbd 10.11.19 by TestMariadbdOracle.
//
// Quirks the model reproduces (each measured on MariaDB 10.11.19 or read in
// the cited source):
//
//   - MariaDB lowers table_open_cache_instances first and silently, before
//     it touches max_connections or table_open_cache (reference §2.5 row 1:
//     20000 fds, instances 8 → 4, nothing logged but "Could not increase").
//   - MariaDB keeps max_connections and table_open_cache unreduced when
//     max_connections > files − 30: the instance formula wraps in unsigned
//     64-bit arithmetic, and the max_connections formula wraps in 32-bit
//     arithmetic whenever files < 30 + 2·min(toc, 200)·instances (reference
//     §2.5 rows 3 and 6; Result.Underflow). The server then starts with values
//     it cannot honour and hits EMFILE at runtime.
//   - MySQL likewise never lowers max_connections when the usable budget is
//     below 810 (64-bit wrap of budget − 10 − 2·400; reference §2.6, 512:512),
//     and has no floor above it: a budget of exactly 810 gives
//     max_connections 0 (read in the source, not measured).
//   - When the request exceeds the hard limit and the process lacks
//     CAP_SYS_RESOURCE (the normal systemd User=mysql case), both servers keep
//     the old soft limit, not the hard limit (reference §2.5 row 7).
//   - MariaDB reports the request as open_files_limit when the soft limit is
//     already large enough (reference §2.5 row 10), MySQL reports the soft
//     limit.
//   - MariaDB adds thread_pool_size to the request when thread_handling is
//     NOT pool-of-threads (reference §2.3 quirk 3, §2.5 row 11).
//   - MariaDB prints "Could not increase…" and "Changed limits…" on stderr,
//     before its error log is open; only the InnoDB warning reaches the
//     error log (reference §2.3 quirk 7; TestMariadbdOracle checks it).
//   - MariaDB caps thread_cache_size at the configured max_connections, not
//     at the reduced one (measured here: 512:512 gives max_connections 82 but
//     thread_cache_size 151; reference §2.4 leaves this open).
//   - MariaDB 10.11.19 raises the soft limit with setrlimit(cur=request,
//     max=max(hard, request)): the hard limit is kept when the request fits
//     under it, and a raise of the hard limit is attempted (and refused
//     without CAP_SYS_RESOURCE) when it does not (strace on this machine).
//     MySQL sets cur=max=request, so its hard limit drops to the request.
//
// Values set explicitly for innodb_open_files, back_log, host_cache_size and
// thread_cache_size are not inputs: Predict computes them as the server
// autosizes them when they are unset, with innodb_file_per_table ON.
package startup
