package startup

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// inRange maps v into [lo, hi].
func inRange(v, lo, hi uint64) uint64 {
	if hi-lo == ^uint64(0) {
		return v
	}
	return lo + v%(hi-lo+1)
}

// validInput maps raw fuzz values onto an input the server can really have:
// options inside the flavor's ranges, and 1 ≤ soft ≤ hard (the kernel keeps
// soft ≤ hard, and with a soft limit of 0 no dynamically linked program
// starts: `prlimit --nofile=0:0 /bin/true` exits 127, "cannot open shared
// object file").
func validInput(raw Input) Input {
	in := raw
	in.Flavor = Flavor(uint(raw.Flavor) % 2)
	r := rangesFor(in.Flavor)
	in.MaxConnections = inRange(raw.MaxConnections, r.maxConnections.min, r.maxConnections.max)
	in.TableOpenCache = inRange(raw.TableOpenCache, r.tableOpenCache.min, r.tableOpenCache.max)
	in.TableOpenCacheInstances = inRange(raw.TableOpenCacheInstances, r.instances.min, r.instances.max)
	in.OpenFilesLimit = inRange(raw.OpenFilesLimit, r.openFilesLimit.min, r.openFilesLimit.max)
	in.TableDefinitionCache = inRange(raw.TableDefinitionCache, r.tableDefinitionCache.min, r.tableDefinitionCache.max)
	if in.Flavor == MariaDB {
		in.ExtraMaxConnections = inRange(raw.ExtraMaxConnections, r.extraMaxConnections.min, r.extraMaxConnections.max)
		in.ThreadPoolSize = inRange(raw.ThreadPoolSize, r.threadPoolSize.min, r.threadPoolSize.max)
	}
	in.Soft = max(in.Soft, 1)
	if in.Soft > in.Hard {
		in.Soft, in.Hard = in.Hard, in.Soft
		in.Soft = max(in.Soft, 1)
	}
	return in
}

// FuzzPredict checks that Predict never panics, and its invariants on valid
// inputs.
func FuzzPredict(f *testing.F) {
	seeds := []Input{
		mariadbInput(1024, 1024),
		mariadbInput(1024, 1024, mc(2000)),
		mariadbInput(1024, 20000, inst(1)),
		mariadbInput(256, 256, toc(10)),
		mariadbInput(64, 64),
		mariadbInput(20000, 20000, mc(100000)),
		mariadbInput(Infinity, Infinity, pool()),
		mariadbInput(1024, 1024, privileged(), nrOpen(20000)),
		mysqlInput(10000, 10000),
		mysqlInput(512, 512),
		mysqlInput(810, 810),
		mysqlInput(1024, 4096, privileged()),
		mysqlInput(65535, 65535, ofl(100000)),
		{Flavor: Flavor(3)},
	}
	for _, s := range seeds {
		f.Add(uint8(s.Flavor), s.MaxConnections, s.TableOpenCache, s.TableOpenCacheInstances, s.OpenFilesLimit,
			s.ExtraMaxConnections, s.ThreadPoolSize, s.PoolOfThreads, s.TableDefinitionCacheSet, s.TableDefinitionCache,
			s.Soft, s.Hard, s.Privileged, s.NrOpen)
	}
	f.Fuzz(func(t *testing.T, flavor uint8, mcV, tocV, instV, oflV, emcV, tpsV uint64, poolV, tdcSet bool, tdcV,
		soft, hard uint64, priv bool, nr uint64) {
		raw := Input{Flavor: Flavor(flavor), MaxConnections: mcV, TableOpenCache: tocV, TableOpenCacheInstances: instV,
			OpenFilesLimit: oflV, ExtraMaxConnections: emcV, ThreadPoolSize: tpsV, PoolOfThreads: poolV,
			TableDefinitionCacheSet: tdcSet, TableDefinitionCache: tdcV, Soft: soft, Hard: hard, Privileged: priv, NrOpen: nr}
		_ = Predict(raw) // any input: must not panic

		in := validInput(raw)
		r := Predict(in)
		if diff := cmp.Diff(r, Predict(in)); diff != "" {
			t.Fatalf("Predict is not deterministic (-first +second):\n%s", diff)
		}
		if r.OpenFilesLimit == 0 {
			t.Errorf("OpenFilesLimit = 0 for %+v", in)
		}
		if in.Flavor == MariaDB && r.MaxConnections < 10 {
			t.Errorf("MariaDB MaxConnections = %d < 10 for %+v", r.MaxConnections, in)
		}
		if r.MaxConnections > in.MaxConnections {
			t.Errorf("MaxConnections %d above configured %d for %+v", r.MaxConnections, in.MaxConnections, in)
		}
		if r.TableOpenCache > in.TableOpenCache {
			t.Errorf("TableOpenCache %d above configured %d for %+v", r.TableOpenCache, in.TableOpenCache, in)
		}
		if r.TableOpenCacheInstances > in.TableOpenCacheInstances || r.TableOpenCacheInstances == 0 {
			t.Errorf("TableOpenCacheInstances %d outside 1..%d for %+v", r.TableOpenCacheInstances, in.TableOpenCacheInstances, in)
		}
		if in.TableDefinitionCacheSet && r.TableDefinitionCache != in.TableDefinitionCache {
			t.Errorf("TableDefinitionCache %d, set to %d for %+v", r.TableDefinitionCache, in.TableDefinitionCache, in)
		}
		if in.Flavor == MariaDB && r.OpenFilesLimit > r.Request {
			t.Errorf("MariaDB OpenFilesLimit %d above the request %d for %+v", r.OpenFilesLimit, r.Request, in)
		}
		if r.ProcessSoft > r.ProcessHard {
			t.Errorf("process limit %d:%d has soft above hard for %+v", r.ProcessSoft, r.ProcessHard, in)
		}
		if r.Log == nil {
			t.Errorf("Log is nil for %+v", in)
		}
		warned := len(r.Log) > 0 && strings.Contains(r.Log[0], "max_open_files: ") && !strings.Contains(r.Log[0], "max_connections") ||
			len(r.Log) > 0 && strings.Contains(r.Log[0], "Could not increase")
		if short := r.OpenFilesLimit < r.Request; warned != short {
			t.Errorf("max_open_files warning %v, but OpenFilesLimit %d < Request %d is %v for %+v; log %q",
				warned, r.OpenFilesLimit, r.Request, short, in, r.Log)
		}
	})
}
