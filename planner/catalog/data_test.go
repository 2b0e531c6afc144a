package catalog

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// sizing is the part of a Var that the startup prediction relies on.
type sizing struct {
	Kind     Kind
	Default  string
	Min      int64
	Max      uint64
	Block    uint64
	HasRange bool
	Values   []string
}

// TestSizingVariables pins the defaults and ranges of reference §3.
func TestSizingVariables(t *testing.T) {
	const u64 = 18446744073709551615
	uintRange := func(def string, min int64, max uint64, block uint64) sizing {
		return sizing{Kind: KindUint, Default: def, Min: min, Max: max, Block: block, HasRange: true}
	}
	mysql := map[string]sizing{
		"max_connections":            uintRange("151", 1, 100000, 0),
		"max_user_connections":       uintRange("0", 0, 4294967295, 0),
		"wait_timeout":               uintRange("28800", 1, 31536000, 0),
		"interactive_timeout":        uintRange("28800", 1, 31536000, 0),
		"connect_timeout":            uintRange("10", 2, 31536000, 0),
		"net_read_timeout":           uintRange("30", 1, 31536000, 0),
		"net_write_timeout":          uintRange("60", 1, 31536000, 0),
		"open_files_limit":           uintRange("", 0, 4294967295, 0),
		"table_open_cache":           uintRange("4000", 1, 524288, 0),
		"table_open_cache_instances": uintRange("16", 1, 64, 0),
		"table_definition_cache":     uintRange("", 400, 524288, 0),
		"thread_cache_size":          uintRange("", 0, 16384, 0),
		"back_log":                   uintRange("", 0, 65535, 0),
		"sort_buffer_size":           uintRange("262144", 32768, u64, 0),
		"join_buffer_size":           uintRange("262144", 128, u64, 128),
		"read_buffer_size":           uintRange("131072", 8192, 2147479552, 4096),
		"read_rnd_buffer_size":       uintRange("262144", 1, 2147483647, 0),
		"thread_stack":               uintRange("1048576", 131072, u64, 1024),
		"binlog_cache_size":          uintRange("32768", 4096, u64, 4096),
		"max_allowed_packet":         uintRange("67108864", 1024, 1073741824, 1024),
		"tmp_table_size":             uintRange("16777216", 1024, u64, 0),
		"max_heap_table_size":        uintRange("16777216", 16384, u64, 1024),
		"key_buffer_size":            uintRange("8388608", 0, u64, 4096),
		"innodb_buffer_pool_size":    uintRange("134217728", 5242880, u64, 0),
		"innodb_open_files":          {Kind: KindInt},
		"thread_handling":            {Kind: KindEnum, Default: "one-thread-per-connection", Values: []string{"one-thread-per-connection", "no-threads", "loaded-dynamically"}},
	}
	mysql80 := map[string]sizing{"innodb_log_buffer_size": uintRange("16777216", 262144, 4294967295, 0)}
	mysql84 := map[string]sizing{"innodb_log_buffer_size": uintRange("67108864", 262144, 4294967295, 0)}
	mariadb := map[string]sizing{
		"max_connections":            uintRange("151", 10, 100000, 0),
		"max_user_connections":       {Kind: KindInt, Default: "0", Min: -1, Max: 2147483647, HasRange: true},
		"wait_timeout":               uintRange("28800", 1, 31536000, 0),
		"interactive_timeout":        uintRange("28800", 1, 31536000, 0),
		"connect_timeout":            uintRange("10", 2, 31536000, 0),
		"net_read_timeout":           uintRange("30", 1, 31536000, 0),
		"net_write_timeout":          uintRange("60", 1, 31536000, 0),
		"open_files_limit":           uintRange("", 0, 4294967295, 0),
		"table_open_cache":           uintRange("2000", 10, 1048576, 0),
		"table_open_cache_instances": uintRange("8", 1, 64, 0),
		"table_definition_cache":     uintRange("400", 400, 2097152, 0),
		"innodb_open_files":          uintRange("0", 0, 9223372036854775807, 0),
		"thread_cache_size":          uintRange("256", 0, 16384, 0),
		"back_log":                   uintRange("", 0, 65535, 0),
		"extra_max_connections":      uintRange("1", 1, 100000, 0),
		"extra_port":                 uintRange("0", 0, 65535, 0),
		"thread_pool_size":           uintRange("", 1, 100000, 0),
		"thread_pool_max_threads":    uintRange("65536", 1, 65536, 0),
		"sort_buffer_size":           uintRange("2097152", 1024, u64, 0),
		"join_buffer_size":           uintRange("262144", 128, u64, 128),
		"read_buffer_size":           uintRange("131072", 8192, 2147479552, 4096),
		"read_rnd_buffer_size":       uintRange("262144", 1, 2147483647, 0),
		"thread_stack":               uintRange("299008", 131072, u64, 1024),
		"binlog_cache_size":          uintRange("32768", 4096, u64, 4096),
		"max_allowed_packet":         uintRange("16777216", 1024, 1073741824, 1024),
		"tmp_table_size":             uintRange("16777216", 0, u64, 16384),
		"max_heap_table_size":        uintRange("16777216", 16384, u64, 1024),
		"key_buffer_size":            uintRange("134217728", 0, u64, 4096),
		"query_cache_size":           uintRange("1048576", 0, u64, 1024),
		"aria_pagecache_buffer_size": uintRange("134217728", 131072, u64, 0),
		"innodb_buffer_pool_size":    uintRange("134217728", 2097152, 18446744073701163008, 1048576),
		"innodb_log_buffer_size":     uintRange("16777216", 2097152, 2147479552, 4096),
		"thread_handling":            {Kind: KindEnum, Default: "one-thread-per-connection", Values: []string{"one-thread-per-connection", "no-threads", "pool-of-threads"}},
	}
	check := func(server string, want map[string]sizing) {
		s := mustServer(t, server)
		for name, w := range want {
			v, ok := s.Lookup(name)
			if !ok {
				t.Errorf("%s: %s unknown", server, name)
				continue
			}
			got := sizing{Kind: v.Kind, Default: v.Default, Min: v.Min, Max: v.Max, Block: v.Block, HasRange: v.HasRange, Values: v.Values}
			if got.Block == 1 {
				got.Block = 0
			}
			if diff := cmp.Diff(w, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s %s mismatch (-want +got):\n%s", server, name, diff)
			}
		}
	}
	for _, server := range []string{"mysql-8.0", "mysql-8.4"} {
		check(server, mysql)
	}
	check("mysql-8.0", mysql80)
	check("mysql-8.4", mysql84)
	for _, server := range []string{"mariadb-10.6", "mariadb-10.11", "mariadb-11.4"} {
		check(server, mariadb)
	}
}

// TestTablesConsistent checks every option of every table: canonical names,
// defaults the option's own parser accepts without adjusting them, enum
// defaults among the values.
func TestTablesConsistent(t *testing.T) {
	for _, s := range Supported() {
		vars := s.Vars()
		if len(vars) < 700 {
			t.Errorf("%s: only %d options", s, len(vars))
		}
		for i, v := range vars {
			where := fmt.Sprintf("%s %s", s, v.Name)
			if i > 0 && vars[i-1].Name >= v.Name {
				t.Errorf("%s: not sorted after %s", where, vars[i-1].Name)
			}
			if Canonical(v.Name) != v.Name || Canonical(v.OptName) != v.Name {
				t.Errorf("%s: names not canonical (%q)", where, v.OptName)
			}
			// An option resolves to itself, except that a hidden or plugin
			// option can be shadowed by an earlier parser pass: in MariaDB,
			// disable-local-infile is local_infile with disable- before the
			// hidden option is reached, and wsrep-status abbreviates
			// wsrep_status_file before the wsrep_info plugin's options.
			if r := s.Resolve(v.Name); !v.OnlyLeading && (!r.Known || r.Var.Name != v.Name && !v.Hidden && v.Plugin == "") {
				t.Errorf("%s: does not resolve to itself: %+v", where, project(r))
			}
			if v.RequiresArg && v.OptionalArg {
				t.Errorf("%s: both required and optional argument", where)
			}
			if v.Default == "" || v.Kind == KindString || v.Kind == KindPath {
				continue
			}
			if v.Kind == KindBool {
				if v.Default != "ON" && v.Default != "OFF" {
					t.Errorf("%s: boolean default %q", where, v.Default)
				}
				continue
			}
			p, err := s.ParseValue(v, "", v.Default, true)
			if err != nil || p.Adjusted || p.Rounded {
				t.Errorf("%s: default %q parses as %+v, %v", where, v.Default, p, err)
			}
			if v.Kind == KindEnum && p.Str != v.Default {
				t.Errorf("%s: default %q is not one of %q", where, v.Default, v.Values)
			}
		}
	}
}

// TestMySQLVersions pins differences between the MySQL 8.0 and 8.4 tables.
func TestMySQLVersions(t *testing.T) {
	my80, my84 := mustServer(t, "mysql-8.0"), mustServer(t, "mysql-8.4")
	only80 := []string{"default_authentication_plugin", "expire_logs_days", "admin_ssl", "ssl", "ssl_fips_mode",
		"skip_host_cache", "character_set_client_handshake", "relay_log_info_repository", "master_info_repository",
		"binlog_transaction_dependency_tracking", "transaction_write_set_extraction", "abort_slave_event_count",
		"log_bin_use_v1_row_events", "old", "new", "keyring_file_data"}
	only84 := []string{"restrict_fk_on_non_standard_key", "explain_json_format_version", "performance_schema_max_meter_classes"}
	for _, n := range only80 {
		if _, ok := my80.Lookup(n); !ok {
			t.Errorf("mysql-8.0 does not know %s", n)
		}
		if r := my84.Resolve(n); r.Known {
			t.Errorf("mysql-8.4 knows %s, removed in 8.4", n)
		}
	}
	for _, n := range only84 {
		if _, ok := my84.Lookup(n); !ok {
			t.Errorf("mysql-8.4 does not know %s", n)
		}
		if r := my80.Resolve(n); r.Known {
			t.Errorf("mysql-8.0 knows %s, new in 8.4", n)
		}
	}
	for _, n := range []string{"query_cache_size", "query_cache_type", "innodb_file_format", "log_warnings", "tx_isolation", "secure_auth", "foreign_key_checks", "time_zone"} {
		for _, s := range []Server{my80, my84} {
			if r := s.Resolve(n); r.Known {
				t.Errorf("%s knows %s, which is no option of it", s, n)
			}
		}
	}
	// Plugin options are known and say which plugin.
	for n, plugin := range map[string]string{"group_replication_group_name": "group_replication", "rpl_semi_sync_source_enabled": "semisync_source", "mysqlx_port": "", "innodb_buffer_pool_size": ""} {
		v, ok := my84.Lookup(n)
		if !ok || v.Plugin != plugin {
			t.Errorf("mysql-8.4 %s: known %v, plugin %q, want %q", n, ok, v.Plugin, plugin)
		}
	}
	if v, _ := my84.Lookup("mysqlx_port"); v.Builtin != "mysqlx" {
		t.Errorf("mysqlx_port builtin = %q, want mysqlx", v.Builtin)
	}
}

// TestMariaDBPlugins checks the options of the plugins Debian's
// mariadb-server ships.
func TestMariaDBPlugins(t *testing.T) {
	s := mustServer(t, "mariadb-10.11")
	for n, plugin := range map[string]string{
		"server_audit_logging": "server_audit", "server_audit_events": "server_audit", "server_audit": "server_audit",
		"simple_password_check_minimal_length": "simple_password_check", "sql_error_log_filename": "sql_errlog",
		"file_key_management_filename": "file_key_management", "query_response_time_stats": "query_response_time",
	} {
		v, ok := s.Lookup(n)
		if !ok || v.Plugin != plugin {
			t.Errorf("%s: known %v, plugin %q, want %q", n, ok, v.Plugin, plugin)
		}
	}
	for _, n := range []string{"innodb_buffer_pool_size", "aria_pagecache_buffer_size", "max_connections", "performance_schema"} {
		if v, _ := s.Lookup(n); v.Plugin != "" {
			t.Errorf("%s: plugin %q, want none (always loaded)", n, v.Plugin)
		}
	}
	v, _ := s.Lookup("innodb_file_format")
	if !v.Hidden || !strings.Contains(v.Obsolete, "was removed") {
		t.Errorf("innodb_file_format: hidden %v, obsolete %q", v.Hidden, v.Obsolete)
	}
}

func TestParseTableErrors(t *testing.T) {
	tests := []struct {
		name, src, wantErr string
	}{
		{"short line", "x uint req", "want name kind arg attrs"},
		{"kind", "x number req - 1", `unknown kind "number"`},
		{"name", "Max_Connections uint req - 1", "not canonical"},
		{"arg", "x uint maybe - 1", "unknown argument form"},
		{"range", "x uint req min=1 5", "min and max go together"},
		{"order", "x uint req min=5,max=1 5", "max below min"},
		{"number", "x uint req min=a,max=1 5", "invalid syntax"},
		{"enum", "x enum req - a", "enum without values"},
		{"attr", "x uint req colour=red 5", `unknown attribute "colour=red"`},
		{"note", "x string opt note=gone", `unknown note "gone"`},
		{"twice", "x uint req - 1\nx uint req - 2", "listed twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseTable(Default(), tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseTable(%q) error = %v, want %q", tc.src, err, tc.wantErr)
			}
		})
	}
	tab, err := parseTable(Server{MySQL, "8.0"}, "# comment\nx uint req v=8.4 1\nx uint req v=8.0 2\ny bool none -\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.vars) != 2 || tab.vars[0].Default != "2" || tab.vars[1].Default != "" || !tab.vars[0].Maximum {
		t.Errorf("parseTable kept %+v", tab.vars)
	}
}
