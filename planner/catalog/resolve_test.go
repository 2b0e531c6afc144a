package catalog

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// res is the part of a Resolution the tests compare: the variable by name.
type res struct {
	Var            string
	Known          bool
	Prefix         string
	Loose          bool
	PrefixMatch    bool
	Ambiguous      []string
	CaseMismatch   bool
	OnlyLeading    bool
	PluginPrefixed bool
	Instance       string
	PluginPass     string
}

func project(r Resolution) res {
	return res{
		Var: r.Var.Name, Known: r.Known, Prefix: r.Prefix, Loose: r.Loose, PrefixMatch: r.PrefixMatch,
		Ambiguous: r.Ambiguous, CaseMismatch: r.CaseMismatch, OnlyLeading: r.OnlyLeading,
		PluginPrefixed: r.PluginPrefixed, Instance: r.Instance, PluginPass: r.PluginPass,
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		server, name string
		want         res
	}{
		// MariaDB: '-' and '_' and case do not matter.
		{"mariadb-10.11", "max_connections", res{Var: "max_connections", Known: true}},
		{"mariadb-10.11", "max-connections", res{Var: "max_connections", Known: true}},
		{"mariadb-10.11", "Max_Connections", res{Var: "max_connections", Known: true}},
		{"mariadb-10.11", "MAX-CONNECTIONS", res{Var: "max_connections", Known: true}},
		{"mariadb-10.11", "wait_Timeout", res{Var: "wait_timeout", Known: true}},
		// Unique prefixes; the early pass binds max, max-c and m to max_connections.
		{"mariadb-10.11", "max-conn", res{Var: "max_connections", Known: true, PrefixMatch: true}},
		{"mariadb-10.11", "max", res{Var: "max_connections", Known: true, PrefixMatch: true}},
		{"mariadb-10.11", "max-c", res{Var: "max_connections", Known: true, PrefixMatch: true}},
		{"mariadb-10.11", "m", res{Var: "max_connections", Known: true, PrefixMatch: true}},
		{"mariadb-10.11", "max-u", res{Var: "max_user_connections", Known: true, PrefixMatch: true}},
		{"mariadb-10.11", "max-user-conn", res{Var: "max_user_connections", Known: true, PrefixMatch: true}},
		{"mariadb-10.11", "table-open", res{Ambiguous: []string{"table_open_cache", "table_open_cache_instances"}}},
		{"mariadb-10.11", "table-open-cache-i", res{Var: "table_open_cache_instances", Known: true, PrefixMatch: true}},
		{"mariadb-10.11", "wait-time", res{Var: "wait_timeout", Known: true, PrefixMatch: true}},
		// An abbreviation is tried before the special prefixes.
		{"mariadb-10.11", "skip-name", res{Var: "skip_name_resolve", Known: true, PrefixMatch: true}},
		// Special prefixes.
		{"mariadb-10.11", "skip-max-connections", res{Var: "max_connections", Known: true, Prefix: "skip"}},
		{"mariadb-10.11", "disable-log-bin", res{Var: "log_bin", Known: true, Prefix: "disable"}},
		{"mariadb-10.11", "enable-log_bin", res{Var: "log_bin", Known: true, Prefix: "enable"}},
		{"mariadb-10.11", "maximum-sort-buffer-size", res{Var: "sort_buffer_size", Known: true, Prefix: "maximum"}},
		{"mariadb-10.11", "autoset-back-log", res{Var: "back_log", Known: true, Prefix: "autoset"}},
		{"mariadb-10.11", "loose-max-connections", res{Var: "max_connections", Known: true, Prefix: "loose", Loose: true}},
		{"mariadb-10.11", "loose-skip-max-connections", res{Var: "max_connections", Known: true, Prefix: "skip", Loose: true}},
		{"mariadb-10.11", "LOOSE-SKIP-max-connections", res{Var: "max_connections", Known: true, Prefix: "skip", Loose: true}},
		{"mariadb-10.11", "skip-loose-max-connections", res{Var: "max_connections", Known: true, Prefix: "loose", Loose: true}},
		{"mariadb-10.11", "skip_skip_grant_tables", res{Var: "skip_grant_tables", Known: true, Prefix: "skip"}},
		{"mariadb-10.11", "skip-grant-tables", res{Var: "skip_grant_tables", Known: true}},
		{"mariadb-10.11", "loose-foo-bar", res{Loose: true}},
		{"mariadb-10.11", "Loose-foo-bar", res{Loose: true}},
		{"mariadb-10.11", "foo-bar", res{}},
		{"mariadb-10.11", "grant-tables", res{}},
		{"mariadb-10.11", "disable-name-resolve", res{}},
		{"mariadb-10.11", "", res{}},
		// Plugins.
		{"mariadb-10.11", "innodb-buffer-pool-size", res{Var: "innodb_buffer_pool_size", Known: true, PluginPass: "innodb"}},
		{"mariadb-10.11", "plugin-innodb-buffer-pool-size", res{Var: "innodb_buffer_pool_size", Known: true, PluginPrefixed: true, PluginPass: "innodb"}},
		{"mariadb-10.11", "innodb-buffer-pool-s", res{Ambiguous: []string{"innodb-buffer-pool-size", "innodb-buffer-pool-size-auto-min", "innodb-buffer-pool-size-max"}, PluginPass: "innodb"}},
		{"mariadb-10.11", "plugin-max-connections", res{}},
		{"mariadb-10.11", "server_audit_logging", res{Var: "server_audit_logging", Known: true, PluginPass: "server_audit"}},
		{"mariadb-10.11", "loose-server-audit-logging", res{Var: "server_audit_logging", Known: true, Prefix: "loose", Loose: true, PluginPass: "server_audit"}},
		// Structured names.
		{"mariadb-10.11", "hot_cache.key_buffer_size", res{Var: "key_buffer_size", Known: true, Instance: "hot_cache"}},
		{"mariadb-10.11", "hot.key-buffer-size", res{Var: "key_buffer_size", Known: true, Instance: "hot"}},
		{"mariadb-10.11", "foo.max_connections", res{Var: "max_connections", Known: true, Instance: "foo"}},
		// Options that only work as leading arguments.
		{"mariadb-10.11", "defaults-file", res{Var: "defaults_file", OnlyLeading: true}},
		{"mariadb-10.11", "no-defaults", res{Var: "no_defaults", OnlyLeading: true}},
		{"mariadb-10.11", "loose-defaults-extra-file", res{Var: "defaults_extra_file", Prefix: "loose", Loose: true, OnlyLeading: true}},
		{"mariadb-10.6", "max-conn", res{Var: "max_connections", Known: true, PrefixMatch: true}},
		{"mariadb-11.4", "table-open", res{Ambiguous: []string{"table_open_cache", "table_open_cache_instances"}}},

		// MySQL: case-sensitive, no abbreviations.
		{"mysql-8.4", "max_connections", res{Var: "max_connections", Known: true}},
		{"mysql-8.4", "max-connections", res{Var: "max_connections", Known: true}},
		{"mysql-8.4", "Max_Connections", res{Var: "max_connections", CaseMismatch: true}},
		{"mysql-8.4", "LOOSE-max_connections", res{Var: "max_connections", Prefix: "loose", CaseMismatch: true}},
		{"mysql-8.4", "max-conn", res{}},
		{"mysql-8.4", "max", res{}},
		{"mysql-8.4", "table-open", res{}},
		{"mysql-8.4", "skip-grant-tables", res{Var: "skip_grant_tables", Known: true}},
		{"mysql-8.4", "skip-skip-grant-tables", res{Var: "skip_grant_tables", Known: true, Prefix: "skip"}},
		{"mysql-8.4", "skip-name-resolve", res{Var: "skip_name_resolve", Known: true}},
		{"mysql-8.4", "skip-networking", res{Var: "skip_networking", Known: true}},
		{"mysql-8.4", "skip-log-bin", res{Var: "log_bin", Known: true, Prefix: "skip"}},
		{"mysql-8.4", "disable-log-bin", res{Var: "log_bin", Known: true, Prefix: "disable"}},
		{"mysql-8.4", "skip-external-locking", res{Var: "external_locking", Known: true, Prefix: "skip"}},
		{"mysql-8.4", "loose-skip-foo", res{Loose: true}},
		{"mysql-8.4", "loose-group-replication-group-name", res{Var: "group_replication_group_name", Known: true, Prefix: "loose", Loose: true, PluginPass: "group_replication"}},
		{"mysql-8.4", "autoset-back-log", res{}},
		{"mysql-8.4", "innodb_buffer_pool_size", res{Var: "innodb_buffer_pool_size", Known: true, PluginPass: "innodb"}},
		{"mysql-8.4", "plugin-innodb-buffer-pool-size", res{Var: "innodb_buffer_pool_size", Known: true, PluginPrefixed: true, PluginPass: "innodb"}},
		{"mysql-8.4", "performance-schema-instrument", res{Var: "performance_schema_instrument", Known: true}},
		{"mysql-8.4", "performance-schema-consumer-events-statements-history-long", res{Var: "performance_schema_consumer_events_statements_history_long", Known: true}},
		{"mysql-8.4", "validate_password.length", res{Var: "validate_password.length", Known: true, PluginPass: "component_validate_password"}},
		{"mysql-8.4", "loose_validate_password.length", res{Var: "validate_password.length", Known: true, Prefix: "loose", Loose: true, PluginPass: "component_validate_password"}},
		{"mysql-8.4", "hot.key_buffer_size", res{Var: "key_buffer_size", Known: true, Instance: "hot"}},
		{"mysql-8.4", "hot.key-buffer-size", res{}},
		{"mysql-8.4", "foo.max_connections", res{}},
		{"mysql-8.4", "login-path", res{Var: "login_path", OnlyLeading: true}},
		{"mysql-8.4", "defaults_file", res{Var: "defaults_file", OnlyLeading: true}},
		// Removed in 8.0 or in 8.4.
		{"mysql-8.4", "query_cache_size", res{}},
		{"mysql-8.4", "default_authentication_plugin", res{}},
		{"mysql-8.4", "expire_logs_days", res{}},
		{"mysql-8.4", "skip-host-cache", res{}},
		{"mysql-8.4", "innodb_log_files_in_group", res{Var: "innodb_log_files_in_group", Known: true, PluginPass: "innodb"}},
		{"mysql-8.0", "default_authentication_plugin", res{Var: "default_authentication_plugin", Known: true}},
		{"mysql-8.0", "expire_logs_days", res{Var: "expire_logs_days", Known: true}},
		{"mysql-8.0", "skip-host-cache", res{Var: "skip_host_cache", Known: true}},
		{"mysql-8.0", "query_cache_type", res{}},
		{"mysql-8.0", "innodb_file_format", res{}},
		{"mysql-8.0", "log_warnings", res{}},
		{"mysql-8.0", "tx_isolation", res{}},
		{"mysql-8.0", "foreign_key_checks", res{}},
		{"mysql-8.0", "restrict_fk_on_non_standard_key", res{}},
		{"mysql-8.4", "restrict_fk_on_non_standard_key", res{Var: "restrict_fk_on_non_standard_key", Known: true}},
		// MariaDB-only names are unknown to MySQL.
		{"mysql-8.4", "extra_port", res{}},
		{"mysql-8.4", "aria_pagecache_buffer_size", res{}},
	}
	for _, tc := range tests {
		t.Run(tc.server+"/"+tc.name, func(t *testing.T) {
			got := project(mustServer(t, tc.server).Resolve(tc.name))
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Resolve(%q) mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

func TestResolveWritten(t *testing.T) {
	r := mustServer(t, "mariadb-10.11").Resolve("Max-Conn")
	if r.Written != "Max-Conn" {
		t.Errorf("Written = %q, want the name as given", r.Written)
	}
	if r.Var.Name != "max_connections" || r.Var.OptName != "max_connections" {
		t.Errorf("Var = %q (%q), want max_connections", r.Var.Name, r.Var.OptName)
	}
}

func TestDiagnose(t *testing.T) {
	tests := []struct {
		server, name, value string
		hasValue            bool
		wantWarning         string
		wantErr             string
	}{
		{"mariadb-10.11", "max-conn", "500", true, "", ""},
		{"mariadb-10.11", "table-open", "100", true, "", "ambiguous option '--table-open=100' (table_open_cache, table_open_cache_instances)"},
		{"mariadb-10.11", "foo-bar", "1", true, "", "unknown variable 'foo-bar=1'"},
		{"mariadb-10.11", "foo-bar", "", false, "", "unknown option '--foo-bar'"},
		{"mariadb-10.11", "loose-foo-bar", "1", true, "unknown variable 'loose-foo-bar=1'", ""},
		{"mariadb-10.11", "loose-foo-bar", "", false, "unknown option '--loose-foo-bar'", ""},
		{"mariadb-10.11", "defaults-file", "/etc/x.cnf", true, "", "unknown variable 'defaults-file=/etc/x.cnf'"},
		{"mysql-8.4", "Max_Connections", "500", true, "", "unknown variable 'Max_Connections=500'"},
		{"mysql-8.4", "max_connections", "500", true, "", ""},
		{"mysql-8.4", "loose-query-cache-size", "0", true, "unknown variable 'loose-query-cache-size=0'", ""},
		{"mysql-8.4", "query_cache_size", "0", true, "", "unknown variable 'query_cache_size=0'"},
	}
	for _, tc := range tests {
		t.Run(tc.server+"/"+tc.name, func(t *testing.T) {
			w, err := mustServer(t, tc.server).Resolve(tc.name).Diagnose(tc.value, tc.hasValue)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if w != tc.wantWarning || gotErr != tc.wantErr {
				t.Errorf("Diagnose() = %q, %q; want %q, %q", w, gotErr, tc.wantWarning, tc.wantErr)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		server, name, want string
	}{
		{"mysql-8.4", "max_conections", "max_connections"},
		{"mysql-8.4", "max-connnections", "max_connections"},
		{"mysql-8.4", "max_connections", ""},
		{"mysql-8.4", "Max_Connections", "max_connections"},
		{"mysql-8.4", "max-conn", "max_connections"},
		{"mysql-8.4", "loose-wait_timout", "wait_timeout"},
		{"mysql-8.4", "innodb_bufer_pool_size", "innodb_buffer_pool_size"},
		{"mysql-8.4", "wait_tiemout", "wait_timeout"},
		{"mysql-8.4", "xyzzy", ""},
		{"mysql-8.4", "prot", "port"},
		{"mysql-8.4", "", ""},
		{"mariadb-10.11", "max_conections", "max_connections"},
		{"mariadb-10.11", "innodb_bufer_pool_size", "innodb_buffer_pool_size"},
		{"mariadb-10.11", "table-open", "table_open_cache"},
		{"mariadb-10.11", "thread_handlng", "thread_handling"},
		{"mariadb-10.11", "completely-unrelated-name", ""},
	}
	for _, tc := range tests {
		t.Run(tc.server+"/"+tc.name, func(t *testing.T) {
			s := mustServer(t, tc.server)
			got := s.Suggest(tc.name)
			if got != tc.want {
				t.Errorf("Suggest(%q) = %q, want %q", tc.name, got, tc.want)
			}
			if got != s.Suggest(tc.name) {
				t.Errorf("Suggest(%q) is not deterministic", tc.name)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		server, name string
		want         string
		ok           bool
	}{
		{"mysql-8.4", "max_connections", "max_connections", true},
		{"mysql-8.4", "Max-Connections", "max_connections", true},
		{"mysql-8.4", "max-conn", "", false},
		{"mariadb-10.11", "max-conn", "", false},
		{"mariadb-10.11", "EXTRA-PORT", "extra_port", true},
		{"mysql-8.4", "extra_port", "", false},
		{"mysql-8.4", "defaults_file", "defaults_file", true},
	}
	for _, tc := range tests {
		v, ok := mustServer(t, tc.server).Lookup(tc.name)
		if ok != tc.ok || v.Name != tc.want {
			t.Errorf("%s.Lookup(%q) = %q, %v; want %q, %v", tc.server, tc.name, v.Name, ok, tc.want, tc.ok)
		}
	}
}
