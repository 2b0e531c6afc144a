package memory_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/planner/catalog"
	"github.com/conncap/conncap/planner/memory"
	"github.com/conncap/conncap/planner/system"
)

const (
	kib = int64(1) << 10
	mib = int64(1) << 20
	gib = int64(1) << 30
)

var (
	mariadb1011 = catalog.Server{Flavor: catalog.MariaDB, Version: "10.11"}
	mysql80     = catalog.Server{Flavor: catalog.MySQL, Version: "8.0"}
	mysql84     = catalog.Server{Flavor: catalog.MySQL, Version: "8.4"}
)

// bare is a server as the model builds it when nothing sets an option.
func bare(srv catalog.Server) *system.Server {
	return &system.Server{Version: source.Value[catalog.Server]{V: srv}, Settings: map[string]*system.Setting{}}
}

// inGiB formats bytes in GiB with as many decimals as want has, the way
// reference/mysqld.md §7 prints its worked numbers.
func inGiB(bytes int64, want string) string {
	decimals := 0
	if _, frac, ok := strings.Cut(want, "."); ok {
		decimals = len(frac)
	}
	return fmt.Sprintf("%.*f", decimals, float64(bytes)/float64(gib))
}

// TestReference reproduces the worked numbers of reference/mysqld.md §7
// from the catalog's defaults.
func TestReference(t *testing.T) {
	tests := []struct {
		name string
		srv  catalog.Server
		ram  int64
		// reference/mysqld.md §7, as printed there
		perThread      int64
		total151       string // GiB
		serverBuffers  int64
		peak151        string // GiB
		peak1000       string // GiB
		wantInput      memory.Input
		want151, want1 memory.Estimate
	}{
		{
			name:          "MariaDB 10.11",
			srv:           mariadb1011,
			perThread:     19861504,
			total151:      "2.79",
			serverBuffers: (128 + 128 + 16 + 1 + 128) * mib,
			peak151:       "3.18",
			peak1000:      "18.9",
			wantInput: memory.Input{
				Flavor: catalog.MariaDB, MaxConnections: 151,
				ReadBufferSize: 128 * kib, ReadRndBufferSize: 256 * kib, SortBufferSize: 2 * mib,
				ThreadStack: 299008, JoinBufferSize: 256 * kib, BinlogCacheSize: 32 * kib,
				TmpTableSize: 16 * mib, MaxHeapTableSize: 16 * mib,
				KeyBufferSize: 128 * mib, InnodbBufferPoolSize: 128 * mib, InnodbLogBufferSize: 16 * mib,
				QueryCacheSize: 1 * mib, AriaPagecacheBufferSize: 128 * mib,
			},
			want151: memory.Estimate{PerThread: 19861504, PerThreadTotal: 2999087104, ServerBuffers: 420478976, Peak: 3419566080},
			want1:   memory.Estimate{PerThread: 19861504, PerThreadTotal: 19861504000, ServerBuffers: 420478976, Peak: 20281982976},
		},
		{
			name:          "MySQL 8.0 (TempTable, temptable_max_ram 1 GiB)",
			srv:           mysql80,
			perThread:     18776064,
			total151:      "1.28",
			serverBuffers: (8 + 128 + 16) * mib,
			peak151:       "1.43",
			peak1000:      "3.01",
			wantInput: memory.Input{
				Flavor: catalog.MySQL, MaxConnections: 151,
				ReadBufferSize: 128 * kib, ReadRndBufferSize: 256 * kib, SortBufferSize: 256 * kib,
				ThreadStack: 1 * mib, JoinBufferSize: 256 * kib, BinlogCacheSize: 32 * kib,
				TmpTableSize: 16 * mib, MaxHeapTableSize: 16 * mib,
				KeyBufferSize: 8 * mib, InnodbBufferPoolSize: 128 * mib, InnodbLogBufferSize: 16 * mib,
				TempTable: true, TemptableMaxRAM: 1 * gib,
			},
			want151: memory.Estimate{PerThread: 18776064, PerThreadTotal: 1375567872, ServerBuffers: 159383552, Peak: 1534951424},
			want1:   memory.Estimate{PerThread: 18776064, PerThreadTotal: 3072589824, ServerBuffers: 159383552, Peak: 3231973376},
		},
		{
			name:          "MySQL 8.4 (16 GiB RAM: temptable_max_ram 1 GiB)",
			srv:           mysql84,
			ram:           16 * gib,
			perThread:     18776064,
			total151:      "1.28",
			serverBuffers: (8 + 128 + 64) * mib,
			peak151:       "1.48",
			peak1000:      "3.06",
			wantInput: memory.Input{
				Flavor: catalog.MySQL, MaxConnections: 151,
				ReadBufferSize: 128 * kib, ReadRndBufferSize: 256 * kib, SortBufferSize: 256 * kib,
				ThreadStack: 1 * mib, JoinBufferSize: 256 * kib, BinlogCacheSize: 32 * kib,
				TmpTableSize: 16 * mib, MaxHeapTableSize: 16 * mib,
				KeyBufferSize: 8 * mib, InnodbBufferPoolSize: 128 * mib, InnodbLogBufferSize: 64 * mib,
				TempTable: true, TemptableMaxRAM: 1 * gib,
			},
			want151: memory.Estimate{PerThread: 18776064, PerThreadTotal: 1375567872, ServerBuffers: 209715200, Peak: 1585283072},
			want1:   memory.Estimate{PerThread: 18776064, PerThreadTotal: 3072589824, ServerBuffers: 209715200, Peak: 3282305024},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := memory.FromServer(bare(tc.srv), 151, tc.ram)
			if diff := cmp.Diff(tc.wantInput, in); diff != "" {
				t.Fatalf("FromServer() mismatch (-want +got):\n%s", diff)
			}
			got := memory.Worst(in)
			if diff := cmp.Diff(tc.want151, got); diff != "" {
				t.Errorf("Worst() at 151 mismatch (-want +got):\n%s", diff)
			}
			in.MaxConnections = 1000
			got1000 := memory.Worst(in)
			if diff := cmp.Diff(tc.want1, got1000); diff != "" {
				t.Errorf("Worst() at 1000 mismatch (-want +got):\n%s", diff)
			}

			// The reference's own figures.
			if got.PerThread != tc.perThread {
				t.Errorf("per_thread = %d, reference says %d", got.PerThread, tc.perThread)
			}
			if got.ServerBuffers != tc.serverBuffers {
				t.Errorf("server_buffers = %d MiB, reference says %d MiB", got.ServerBuffers/mib, tc.serverBuffers/mib)
			}
			for _, c := range []struct {
				what  string
				bytes int64
				want  string
			}{
				{"total_per_thread at 151", got.PerThreadTotal, tc.total151},
				{"peak at 151", got.Peak, tc.peak151},
				{"peak at 1000", got1000.Peak, tc.peak1000},
			} {
				if s := inGiB(c.bytes, c.want); s != c.want {
					t.Errorf("%s = %s GiB (%d B), reference says %s GiB", c.what, s, c.bytes, c.want)
				}
			}
		})
	}
}

func TestWorst(t *testing.T) {
	perThread := memory.Input{ // 1 MiB + 16 MiB of temporary tables per connection
		ReadBufferSize: 1 * mib, TmpTableSize: 16 * mib, MaxHeapTableSize: 32 * mib,
		KeyBufferSize: 8 * mib, InnodbBufferPoolSize: 100 * mib,
	}
	with := func(f func(*memory.Input)) memory.Input {
		in := perThread
		f(&in)
		return in
	}
	tests := []struct {
		name string
		in   memory.Input
		want memory.Estimate
	}{
		{
			name: "MariaDB: every connection its own temporary tables",
			in:   with(func(in *memory.Input) { in.Flavor, in.MaxConnections = catalog.MariaDB, 100 }),
			want: memory.Estimate{PerThread: 17 * mib, PerThreadTotal: 1700 * mib, ServerBuffers: 108 * mib, Peak: 1808 * mib},
		},
		{
			name: "min(tmp_table_size, max_heap_table_size) counts",
			in: with(func(in *memory.Input) {
				in.Flavor, in.MaxConnections, in.TmpTableSize, in.MaxHeapTableSize = catalog.MariaDB, 10, 64*mib, 2*mib
			}),
			want: memory.Estimate{PerThread: 3 * mib, PerThreadTotal: 30 * mib, ServerBuffers: 108 * mib, Peak: 138 * mib},
		},
		{
			name: "MariaDB has no TempTable engine: the flag is ignored",
			in: with(func(in *memory.Input) {
				in.Flavor, in.MaxConnections, in.TempTable, in.TemptableMaxRAM = catalog.MariaDB, 100, true, 1*gib
			}),
			want: memory.Estimate{PerThread: 17 * mib, PerThreadTotal: 1700 * mib, ServerBuffers: 108 * mib, Peak: 1808 * mib},
		},
		{
			name: "MySQL without TempTable (MEMORY engine)",
			in:   with(func(in *memory.Input) { in.Flavor, in.MaxConnections, in.TemptableMaxRAM = catalog.MySQL, 100, 1*gib }),
			want: memory.Estimate{PerThread: 17 * mib, PerThreadTotal: 1700 * mib, ServerBuffers: 108 * mib, Peak: 1808 * mib},
		},
		{
			name: "TempTable: temporary tables of all connections capped by temptable_max_ram",
			in: with(func(in *memory.Input) {
				in.Flavor, in.MaxConnections, in.TempTable, in.TemptableMaxRAM = catalog.MySQL, 100, true, 1*gib
			}),
			want: memory.Estimate{PerThread: 17 * mib, PerThreadTotal: 100*mib + 1*gib, ServerBuffers: 108 * mib, Peak: 208*mib + 1*gib},
		},
		{
			name: "TempTable below the cap: max_tmp × max_connections",
			in: with(func(in *memory.Input) {
				in.Flavor, in.MaxConnections, in.TempTable, in.TemptableMaxRAM = catalog.MySQL, 10, true, 1*gib
			}),
			want: memory.Estimate{PerThread: 17 * mib, PerThreadTotal: 170 * mib, ServerBuffers: 108 * mib, Peak: 278 * mib},
		},
		{
			name: "no connections: the global buffers only",
			in:   with(func(in *memory.Input) { in.Flavor = catalog.MySQL }),
			want: memory.Estimate{PerThread: 17 * mib, ServerBuffers: 108 * mib, Peak: 108 * mib},
		},
		{
			name: "negative values count as 0",
			in: memory.Input{Flavor: catalog.MySQL, MaxConnections: -5, ReadBufferSize: -1, SortBufferSize: 2 * mib,
				TmpTableSize: -1, MaxHeapTableSize: 16 * mib, KeyBufferSize: -8, QueryCacheSize: 1 * mib},
			want: memory.Estimate{PerThread: 2 * mib, ServerBuffers: 1 * mib, Peak: 1 * mib},
		},
		{
			name: "sums saturate instead of wrapping",
			in: memory.Input{Flavor: catalog.MariaDB, MaxConnections: 100000, SortBufferSize: math.MaxInt64,
				ReadBufferSize: 1, TmpTableSize: math.MaxInt64, MaxHeapTableSize: math.MaxInt64,
				KeyBufferSize: math.MaxInt64, InnodbBufferPoolSize: math.MaxInt64},
			want: memory.Estimate{PerThread: math.MaxInt64, PerThreadTotal: math.MaxInt64, ServerBuffers: math.MaxInt64, Peak: math.MaxInt64},
		},
		{
			name: "TempTable with saturating values",
			in: memory.Input{Flavor: catalog.MySQL, MaxConnections: 100000, ReadBufferSize: 1 * mib,
				TmpTableSize: math.MaxInt64, MaxHeapTableSize: math.MaxInt64, TempTable: true, TemptableMaxRAM: 1 * gib},
			want: memory.Estimate{PerThread: math.MaxInt64, PerThreadTotal: 100000*mib + 1*gib, Peak: 100000*mib + 1*gib},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, memory.Worst(tc.in)); diff != "" {
				t.Errorf("Worst() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMaxConnectionsFor(t *testing.T) {
	inputs := map[string]memory.Input{
		"mariadb-10.11": memory.FromServer(bare(mariadb1011), 0, 0),
		"mysql-8.0":     memory.FromServer(bare(mysql80), 0, 0),
		"mysql-8.4":     memory.FromServer(bare(mysql84), 0, 16*gib),
	}
	peak := func(in memory.Input, mc int64) int64 {
		in.MaxConnections = mc
		return memory.Worst(in).Peak
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			// Exact at the boundary: 63, 64 and 65 straddle the TempTable
			// cap (16 MiB × 64 = 1 GiB); 151 and 1000 are the reference's.
			for _, mc := range []int64{1, 2, 10, 63, 64, 65, 151, 1000, 4321, 99999, 100000} {
				b := peak(in, mc)
				if got := memory.MaxConnectionsFor(in, b); got != mc {
					t.Errorf("MaxConnectionsFor(Peak(%d) = %d) = %d, want %d", mc, b, got, mc)
				}
				if got := memory.MaxConnectionsFor(in, b-1); got != mc-1 {
					t.Errorf("MaxConnectionsFor(Peak(%d)-1 = %d) = %d, want %d", mc, b-1, got, mc-1)
				}
			}
			if got := memory.MaxConnectionsFor(in, peak(in, 0)); got != 0 {
				t.Errorf("MaxConnectionsFor(server buffers only) = %d, want 0", got)
			}
			if got := memory.MaxConnectionsFor(in, -1); got != 0 {
				t.Errorf("MaxConnectionsFor(-1) = %d, want 0", got)
			}
			if got := memory.MaxConnectionsFor(in, math.MaxInt64); got != 100000 {
				t.Errorf("MaxConnectionsFor(MaxInt64) = %d, want the servers' maximum 100000", got)
			}
			// Monotonic, and the answer is the largest that fits.
			prev := int64(0)
			for budget := int64(0); budget <= 64*gib; budget += 97 * mib {
				got := memory.MaxConnectionsFor(in, budget)
				if got < prev {
					t.Fatalf("MaxConnectionsFor(%d) = %d, below %d for a smaller budget", budget, got, prev)
				}
				prev = got
				if got > 0 && peak(in, got) > budget {
					t.Fatalf("MaxConnectionsFor(%d) = %d, whose peak %d is over the budget", budget, got, peak(in, got))
				}
				if got < 100000 && peak(in, got+1) <= budget {
					t.Fatalf("MaxConnectionsFor(%d) = %d, but %d fits too", budget, got, got+1)
				}
			}
		})
	}
	t.Run("nothing per connection", func(t *testing.T) {
		in := memory.Input{Flavor: catalog.MariaDB, KeyBufferSize: 1 * mib}
		if got := memory.MaxConnectionsFor(in, 1*mib); got != 100000 {
			t.Errorf("MaxConnectionsFor() = %d, want 100000", got)
		}
	})
	t.Run("MaxConnections of the input is ignored", func(t *testing.T) {
		in := inputs["mariadb-10.11"]
		want := memory.MaxConnectionsFor(in, 4*gib)
		in.MaxConnections = 5000
		if got := memory.MaxConnectionsFor(in, 4*gib); got != want {
			t.Errorf("MaxConnectionsFor() = %d with MaxConnections set, %d without", got, want)
		}
	})
}
