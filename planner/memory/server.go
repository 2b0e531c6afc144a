package memory

import (
	"slices"
	"strings"

	"github.com/conncap/conncap/planner/catalog"
	"github.com/conncap/conncap/planner/system"
)

const (
	mib = int64(1) << 20
	gib = int64(1) << 30
)

// FromServer fills an Input from the model for a server that runs with
// maxConnections connections (the effective value, after the startup
// adjustment) on a machine with ram bytes of memory (0 or less: unknown).
//
// Each variable is its last setting's parsed value, or when nothing sets it
// the catalog default for s.Version.V; a variable the server does not have is
// 0. A version that is not supported is read as catalog.Default(), as the
// catalog does. Where the server sizes a value at startup:
//
//   - MySQL 8.4's temptable_max_ram is 3 % of ram clamped to 1..4 GiB, and
//     1 GiB when ram is unknown (MySQL 8.0's default is a fixed 1 GiB).
//   - With MySQL's innodb_dedicated_server=ON and innodb_buffer_pool_size not
//     set, the buffer pool is 50 % of ram from 1 to 4 GiB and 75 % above
//     (InnoDB's innodb_buffer_pool_size_init()), before InnoDB rounds it up
//     to a multiple of innodb_buffer_pool_chunk_size ×
//     innodb_buffer_pool_instances; below 1 GiB or with ram unknown it keeps
//     the default.
//
// TempTable follows internal_tmp_mem_storage_engine, on MySQL only.
func FromServer(s *system.Server, maxConnections int64, ram int64) Input {
	srv := s.Version.V
	if !srv.IsSupported() {
		srv = catalog.Default()
	}
	v := vars{s: s, srv: srv}
	in := Input{
		Flavor:                  srv.Flavor,
		MaxConnections:          maxConnections,
		ReadBufferSize:          v.num("read_buffer_size"),
		ReadRndBufferSize:       v.num("read_rnd_buffer_size"),
		SortBufferSize:          v.num("sort_buffer_size"),
		ThreadStack:             v.num("thread_stack"),
		JoinBufferSize:          v.num("join_buffer_size"),
		BinlogCacheSize:         v.num("binlog_cache_size"),
		TmpTableSize:            v.num("tmp_table_size"),
		MaxHeapTableSize:        v.num("max_heap_table_size"),
		KeyBufferSize:           v.num("key_buffer_size"),
		InnodbBufferPoolSize:    v.num("innodb_buffer_pool_size"),
		InnodbLogBufferSize:     v.num("innodb_log_buffer_size"),
		QueryCacheSize:          v.num("query_cache_size"),
		AriaPagecacheBufferSize: v.num("aria_pagecache_buffer_size"),
	}
	switch srv.Flavor {
	case catalog.MariaDB:
		// tmp_memory_table_size is another name of the same variable: the
		// later of the two settings wins.
		in.TmpTableSize = v.num(v.later("tmp_table_size", "tmp_memory_table_size"))
	case catalog.MySQL:
		in.TempTable = isTempTable(v.str("internal_tmp_mem_storage_engine"))
		in.TemptableMaxRAM = v.num("temptable_max_ram")
		if !s.IsSet("temptable_max_ram") && in.TemptableMaxRAM == 0 {
			in.TemptableMaxRAM = autoTemptableMaxRAM(ram)
		}
		if v.bool("innodb_dedicated_server") && !s.IsSet("innodb_buffer_pool_size") {
			in.InnodbBufferPoolSize = dedicatedBufferPool(ram, in.InnodbBufferPoolSize)
		}
	}
	return in
}

// autoTemptableMaxRAM is MySQL 8.4's default temptable_max_ram: 3 % of the
// machine's memory, at least 1 GiB and at most 4 GiB; 1 GiB when the memory
// is not known.
func autoTemptableMaxRAM(ram int64) int64 {
	if ram <= 0 {
		return gib
	}
	pct := ram/100*3 + ram%100*3/100 // ram × 3 / 100 without overflow
	return min(max(pct, gib), 4*gib)
}

// dedicatedBufferPool is the buffer pool innodb_dedicated_server picks for
// ram bytes of memory; def when ram is unknown or below 1 GiB.
func dedicatedBufferPool(ram, def int64) int64 {
	switch {
	case ram < gib:
		return def
	case ram <= 4*gib:
		return ram / 2
	default:
		return ram/4*3 + ram%4*3/4 // ram × 0.75 without overflow
	}
}

// isTempTable reports whether internal_tmp_mem_storage_engine names
// TempTable. The server reads it as an enum of MEMORY and TempTable: a name
// in any case, with trailing blanks, a unique prefix of one, or its number.
func isTempTable(val string) bool {
	val = strings.ToLower(strings.TrimRight(val, " "))
	return val == "1" || (val != "" && strings.HasPrefix("temptable", val))
}

// vars reads variables of one server: settings first, then defaults.
type vars struct {
	s   *system.Server
	srv catalog.Server
}

// parsed returns the variable's value as the server will hold it: the last
// setting's, else the default's. ok is false when the server has no such
// variable or its default is empty and cannot be read.
func (v vars) parsed(name string) (p catalog.Parsed, ok bool) {
	if st, set := v.s.Settings[name]; set && len(st.All) > 0 {
		return st.Last().Parsed, true
	}
	def, known := v.srv.Lookup(name)
	if !known {
		return catalog.Parsed{}, false
	}
	if def.Kind == catalog.KindString || def.Kind == catalog.KindPath {
		return catalog.Parsed{Str: def.Default, Bool: def.Default != ""}, true
	}
	if def.Default == "" {
		return catalog.Parsed{}, false // autosized, or no default
	}
	p, err := v.srv.ParseValue(def, "", def.Default, true)
	return p, err == nil
}

// num returns a numeric variable's value, 0 when it has none.
func (v vars) num(name string) int64 {
	p, _ := v.parsed(name)
	return p.Num
}

// str returns a variable's text, "" when it has none.
func (v vars) str(name string) string {
	p, _ := v.parsed(name)
	return p.Str
}

// bool returns a variable's truth value, false when it has none.
func (v vars) bool(name string) bool {
	p, _ := v.parsed(name)
	return p.Bool
}

// later returns whichever of two names for one variable the server reads
// last, a when neither or only a is set.
func (v vars) later(a, b string) string {
	sb, okB := v.s.Settings[b]
	if !okB || len(sb.All) == 0 {
		return a
	}
	sa, okA := v.s.Settings[a]
	if !okA || len(sa.All) == 0 {
		return b
	}
	if slices.Index(v.s.Options, sb.Last()) > slices.Index(v.s.Options, sa.Last()) {
		return b
	}
	return a
}
