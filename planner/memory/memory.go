// Package memory computes a server's worst-case memory the way MySQLTuner
// 2.9.1 does (mysqltuner.pl calculations(); reference/mysqld.md §7): the
// per-connection buffers times max_connections, plus the global buffers. It
// answers the planner's two questions: how much memory may this
// max_connections need, and how many connections fit in a memory budget.
//
// The formula is a heuristic upper bound, not a measurement. It leaves out
// what an offline check cannot know (the performance schema's memory) and
// what MySQLTuner deliberately leaves out (max_allowed_packet,
// net_buffer_length, per-table buffers, a sort or join buffer allocated more
// than once per query).
//
// The package is pure: values in, numbers out.
package memory

import (
	"math"

	"github.com/conncap/conncap/planner/catalog"
)

// Input is what the formula needs: every value as the server will run with
// it, in bytes (the caller resolves settings against defaults; FromServer
// does so from the model). A negative value counts as 0.
type Input struct {
	Flavor         catalog.Flavor
	MaxConnections int64

	// The per-connection buffers.
	ReadBufferSize    int64 // read_buffer_size
	ReadRndBufferSize int64 // read_rnd_buffer_size
	SortBufferSize    int64 // sort_buffer_size
	ThreadStack       int64 // thread_stack
	JoinBufferSize    int64 // join_buffer_size
	BinlogCacheSize   int64 // binlog_cache_size
	TmpTableSize      int64 // tmp_table_size (MariaDB alias tmp_memory_table_size)
	MaxHeapTableSize  int64 // max_heap_table_size

	// The global buffers. Those a server does not have are 0
	// (query_cache_size and aria_pagecache_buffer_size on MySQL).
	KeyBufferSize           int64 // key_buffer_size
	InnodbBufferPoolSize    int64 // innodb_buffer_pool_size
	InnodbLogBufferSize     int64 // innodb_log_buffer_size
	QueryCacheSize          int64 // query_cache_size
	AriaPagecacheBufferSize int64 // aria_pagecache_buffer_size

	// TempTable is set when MySQL's internal_tmp_mem_storage_engine is
	// TempTable (the 8.0 and 8.4 default): in-memory temporary tables of all
	// connections together then share TemptableMaxRAM (temptable_max_ram)
	// instead of each taking its own. Ignored for MariaDB, which has no
	// TempTable engine.
	TempTable       bool
	TemptableMaxRAM int64
}

// Estimate is the worst case of an Input, in bytes. Sums that would overflow
// an int64 saturate at math.MaxInt64.
type Estimate struct {
	// PerThread is MySQLTuner's per_thread_buffers: what one connection may
	// hold, read_buffer_size + read_rnd_buffer_size + sort_buffer_size +
	// thread_stack + join_buffer_size + binlog_cache_size +
	// min(tmp_table_size, max_heap_table_size).
	PerThread int64
	// PerThreadTotal is total_per_thread: PerThread for every one of
	// max_connections, with MySQL's TempTable share capped at
	// temptable_max_ram.
	PerThreadTotal int64
	// ServerBuffers is server_buffers: key_buffer_size +
	// innodb_buffer_pool_size + innodb_log_buffer_size + query_cache_size +
	// aria_pagecache_buffer_size.
	ServerBuffers int64
	// Peak is max_peak_memory without the performance schema (which only a
	// live server can report): ServerBuffers + PerThreadTotal.
	Peak int64
}

// Worst returns the worst-case memory of in (reference/mysqld.md §7):
//
//	max_tmp          = min(tmp_table_size, max_heap_table_size)
//	per_thread       = read_buffer_size + read_rnd_buffer_size + sort_buffer_size
//	                   + thread_stack + join_buffer_size + binlog_cache_size + max_tmp
//	total_per_thread = (per_thread − max_tmp) × mc + min(temptable_max_ram, max_tmp × mc)
//	                       for MySQL with TempTable,
//	                   per_thread × mc otherwise
//	server_buffers   = key_buffer_size + innodb_buffer_pool_size + innodb_log_buffer_size
//	                   + query_cache_size + aria_pagecache_buffer_size
//	peak             = server_buffers + total_per_thread
func Worst(in Input) Estimate {
	mc := nonNeg(in.MaxConnections)
	maxTmp := min(nonNeg(in.TmpTableSize), nonNeg(in.MaxHeapTableSize))
	rest := sum(in.ReadBufferSize, in.ReadRndBufferSize, in.SortBufferSize,
		in.ThreadStack, in.JoinBufferSize, in.BinlogCacheSize)
	perThread := add(rest, maxTmp)

	var total int64
	if in.Flavor == catalog.MySQL && in.TempTable {
		total = add(mul(rest, mc), min(nonNeg(in.TemptableMaxRAM), mul(maxTmp, mc)))
	} else {
		total = mul(perThread, mc)
	}

	server := sum(in.KeyBufferSize, in.InnodbBufferPoolSize, in.InnodbLogBufferSize,
		in.QueryCacheSize, in.AriaPagecacheBufferSize)
	return Estimate{
		PerThread:      perThread,
		PerThreadTotal: total,
		ServerBuffers:  server,
		Peak:           add(server, total),
	}
}

// maxConnectionsMax is the largest max_connections either server accepts
// (reference/mysqld.md §3: 1..100000 on MySQL, 10..100000 on MariaDB).
const maxConnectionsMax = 100000

// MaxConnectionsFor returns the largest max_connections whose Peak stays
// within budget bytes, all other values as in in (in.MaxConnections is
// ignored). It returns 0 when even one connection does not fit, and at most
// 100000, the largest max_connections the servers accept. The bound is the
// formula's, not the server's minimum: MariaDB raises a max_connections
// below 10 to 10, so a result from 1 to 9 means that MariaDB does not fit.
func MaxConnectionsFor(in Input, budget int64) int64 {
	fits := func(mc int64) bool {
		in.MaxConnections = mc
		return Worst(in).Peak <= budget
	}
	if !fits(1) {
		return 0
	}
	if fits(maxConnectionsMax) {
		return maxConnectionsMax
	}
	// Peak does not decrease as max_connections grows: fits(lo) and !fits(hi).
	lo, hi := int64(1), int64(maxConnectionsMax)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

func nonNeg(n int64) int64 { return max(n, 0) }

// add adds two values, each counted as 0 when negative, saturating at
// math.MaxInt64.
func add(a, b int64) int64 {
	a, b = nonNeg(a), nonNeg(b)
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// sum adds values as add does.
func sum(ns ...int64) int64 {
	var t int64
	for _, n := range ns {
		t = add(t, n)
	}
	return t
}

// mul multiplies two values, each counted as 0 when negative, saturating at
// math.MaxInt64.
func mul(a, b int64) int64 {
	a, b = nonNeg(a), nonNeg(b)
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}
