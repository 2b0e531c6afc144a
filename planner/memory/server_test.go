package memory_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/mycnf"
	"github.com/conncap/conncap/planner/catalog"
	"github.com/conncap/conncap/planner/memory"
	"github.com/conncap/conncap/planner/system"
)

// configured returns a server whose option files set each name=value pair,
// in order, parsed as the model parses them.
func configured(t *testing.T, srv catalog.Server, pairs ...string) *system.Server {
	t.Helper()
	s := bare(srv)
	for i := 0; i+1 < len(pairs); i += 2 {
		name, value := pairs[i], pairs[i+1]
		res := srv.Resolve(name)
		if !res.Known {
			t.Fatalf("%s does not know %q", srv, name)
		}
		p, err := srv.ParseValue(res.Var, res.Prefix, value, true)
		if err != nil {
			t.Fatalf("%s=%s: %v", name, value, err)
		}
		o := &system.Option{Option: mycnf.Option{Line: mycnf.Line{Name: name, Value: value, HasValue: true}}, Res: res, Parsed: p}
		s.Options = append(s.Options, o)
		st := s.Settings[res.Var.Name]
		if st == nil {
			st = &system.Setting{Var: res.Var}
			s.Settings[res.Var.Name] = st
		}
		st.All = append(st.All, o)
	}
	return s
}

func TestFromServer(t *testing.T) {
	type got struct {
		TmpTableSize, InnodbBufferPoolSize int64
		TempTable                          bool
		TemptableMaxRAM                    int64
		SortBufferSize, QueryCacheSize     int64
	}
	tests := []struct {
		name string
		s    *system.Server
		ram  int64
		want got
	}{
		{
			name: "settings win over defaults, with suffixes parsed as the server does",
			s:    configured(t, mariadb1011, "sort_buffer_size", "4M", "query-cache-size", "0", "innodb_buffer_pool_size", "8G"),
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 8 * gib, SortBufferSize: 4 * mib},
		},
		{
			name: "the last setting wins",
			s:    configured(t, mariadb1011, "sort_buffer_size", "4M", "sort_buffer_size", "1M"),
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 128 * mib, SortBufferSize: 1 * mib, QueryCacheSize: 1 * mib},
		},
		{
			name: "MariaDB: tmp_memory_table_size set after tmp_table_size wins",
			s:    configured(t, mariadb1011, "tmp_table_size", "64M", "tmp_memory_table_size", "32M"),
			want: got{TmpTableSize: 32 * mib, InnodbBufferPoolSize: 128 * mib, SortBufferSize: 2 * mib, QueryCacheSize: 1 * mib},
		},
		{
			name: "MariaDB: tmp_table_size set after tmp_memory_table_size wins",
			s:    configured(t, mariadb1011, "tmp_memory_table_size", "32M", "tmp_table_size", "64M"),
			want: got{TmpTableSize: 64 * mib, InnodbBufferPoolSize: 128 * mib, SortBufferSize: 2 * mib, QueryCacheSize: 1 * mib},
		},
		{
			name: "MariaDB: tmp_memory_table_size alone",
			s:    configured(t, mariadb1011, "tmp_memory_table_size", "48M"),
			want: got{TmpTableSize: 48 * mib, InnodbBufferPoolSize: 128 * mib, SortBufferSize: 2 * mib, QueryCacheSize: 1 * mib},
		},
		{
			name: "MariaDB: no TempTable engine, whatever the RAM",
			s:    bare(mariadb1011),
			ram:  64 * gib,
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 128 * mib, SortBufferSize: 2 * mib, QueryCacheSize: 1 * mib},
		},
		{
			name: "MySQL 8.0: temptable_max_ram is 1 GiB whatever the RAM",
			s:    bare(mysql80),
			ram:  256 * gib,
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 128 * mib, TempTable: true, TemptableMaxRAM: 1 * gib, SortBufferSize: 256 * kib},
		},
		{
			name: "MySQL 8.4, RAM unknown: temptable_max_ram 1 GiB",
			s:    bare(mysql84),
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 128 * mib, TempTable: true, TemptableMaxRAM: 1 * gib, SortBufferSize: 256 * kib},
		},
		{
			name: "MySQL 8.4, 64 GiB: temptable_max_ram 3 % of RAM",
			s:    bare(mysql84),
			ram:  64 * gib,
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 128 * mib, TempTable: true, TemptableMaxRAM: 64 * gib * 3 / 100, SortBufferSize: 256 * kib},
		},
		{
			name: "MySQL 8.4, 1 TiB: temptable_max_ram at most 4 GiB",
			s:    bare(mysql84),
			ram:  1024 * gib,
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 128 * mib, TempTable: true, TemptableMaxRAM: 4 * gib, SortBufferSize: 256 * kib},
		},
		{
			name: "MySQL 8.4: temptable_max_ram as set",
			s:    configured(t, mysql84, "temptable_max_ram", "256M"),
			ram:  1024 * gib,
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 128 * mib, TempTable: true, TemptableMaxRAM: 256 * mib, SortBufferSize: 256 * kib},
		},
		{
			name: "MySQL: internal_tmp_mem_storage_engine=MEMORY",
			s:    configured(t, mysql80, "internal_tmp_mem_storage_engine", "MEMORY"),
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 128 * mib, TemptableMaxRAM: 1 * gib, SortBufferSize: 256 * kib},
		},
		{
			name: "MySQL: internal_tmp_mem_storage_engine as an enum: any case, a prefix",
			s:    configured(t, mysql80, "internal_tmp_mem_storage_engine", "MEMORY", "internal_tmp_mem_storage_engine", "temp"),
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 128 * mib, TempTable: true, TemptableMaxRAM: 1 * gib, SortBufferSize: 256 * kib},
		},
		{
			name: "MySQL: innodb_dedicated_server, 8 GiB: 75 % buffer pool",
			s:    configured(t, mysql84, "innodb_dedicated_server", "ON"),
			ram:  8 * gib,
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 6 * gib, TempTable: true, TemptableMaxRAM: 1 * gib, SortBufferSize: 256 * kib},
		},
		{
			name: "MySQL: innodb_dedicated_server, 4 GiB: 50 % buffer pool",
			s:    configured(t, mysql80, "innodb_dedicated_server", "ON"),
			ram:  4 * gib,
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 2 * gib, TempTable: true, TemptableMaxRAM: 1 * gib, SortBufferSize: 256 * kib},
		},
		{
			name: "MySQL: innodb_dedicated_server below 1 GiB keeps the default",
			s:    configured(t, mysql80, "innodb_dedicated_server", "ON"),
			ram:  512 * mib,
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 128 * mib, TempTable: true, TemptableMaxRAM: 1 * gib, SortBufferSize: 256 * kib},
		},
		{
			name: "MySQL: innodb_dedicated_server with RAM unknown keeps the default",
			s:    configured(t, mysql80, "innodb_dedicated_server", "ON"),
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 128 * mib, TempTable: true, TemptableMaxRAM: 1 * gib, SortBufferSize: 256 * kib},
		},
		{
			name: "MySQL: innodb_dedicated_server yields to innodb_buffer_pool_size",
			s:    configured(t, mysql80, "innodb_dedicated_server", "ON", "innodb_buffer_pool_size", "1G"),
			ram:  8 * gib,
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 1 * gib, TempTable: true, TemptableMaxRAM: 1 * gib, SortBufferSize: 256 * kib},
		},
		{
			name: "an unsupported version reads as the default server",
			s:    bare(catalog.Server{}),
			ram:  16 * gib,
			want: got{TmpTableSize: 16 * mib, InnodbBufferPoolSize: 128 * mib, TempTable: true, TemptableMaxRAM: 1 * gib, SortBufferSize: 256 * kib},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := memory.FromServer(tc.s, 151, tc.ram)
			g := got{TmpTableSize: in.TmpTableSize, InnodbBufferPoolSize: in.InnodbBufferPoolSize, TempTable: in.TempTable,
				TemptableMaxRAM: in.TemptableMaxRAM, SortBufferSize: in.SortBufferSize, QueryCacheSize: in.QueryCacheSize}
			if diff := cmp.Diff(tc.want, g); diff != "" {
				t.Errorf("FromServer() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
