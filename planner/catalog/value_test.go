package catalog

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func u(n uint64) Parsed { return Parsed{Num: satInt(n), Unsigned: n, Bool: n != 0} }

func adjustedU(n uint64, warning string) Parsed {
	p := u(n)
	p.Adjusted, p.Warning = true, warning
	return p
}

func TestParseValue(t *testing.T) {
	const legal = ". Legal suffix characters are: K, M, G, T, P, E"
	tests := []struct {
		server, name, prefix, value string
		hasValue                    bool
		want                        Parsed
		wantErr                     string
	}{
		// MariaDB numbers (reference §1.6).
		{"mariadb-10.11", "max_connections", "", "500", true, u(500), ""},
		{"mariadb-10.11", "max_connections", "", "+200", true, u(200), ""},
		{"mariadb-10.11", "max_connections", "", "5k", true, u(5120), ""},
		{"mariadb-10.11", "table_open_cache", "", "16M", true, adjustedU(1048576, "option 'table_open_cache': unsigned value 16777216 adjusted to 1048576"), ""},
		{"mariadb-10.11", "max_allowed_packet", "", "16M", true, u(16777216), ""},
		{"mariadb-10.11", "max_allowed_packet", "", "16MB", true, u(16777216), ""},
		{"mariadb-10.11", "max_allowed_packet", "", "16mb", true, u(16777216), ""},
		{"mariadb-10.11", "max_connections", "", "1.5G", true, Parsed{}, "unknown suffix '.' used for variable 'max_connections' (value '1.5G')" + legal},
		{"mariadb-10.11", "max_connections", "", "0x10", true, Parsed{}, "unknown suffix 'x' used for variable 'max_connections' (value '0x10')" + legal},
		{"mariadb-10.11", "max_connections", "", "5 ", true, Parsed{}, "unknown suffix ' ' used for variable 'max_connections' (value '5 ')" + legal},
		{"mariadb-10.11", "max_connections", "", "abc", true, Parsed{}, "unknown suffix 'a' used for variable 'max_connections' (value 'abc')" + legal},
		{"mariadb-10.11", "wait_timeout", "", "1e3", true, adjustedU(31536000, "option 'wait_timeout': unsigned value 1152921504606846976 adjusted to 31536000"), ""},
		{"mariadb-10.11", "wait_timeout", "", "0", true, adjustedU(1, "option 'wait_timeout': unsigned value 0 adjusted to 1"), ""},
		{"mariadb-10.11", "max_connections", "", "200000", true, adjustedU(100000, "option 'max_connections': unsigned value 200000 adjusted to 100000"), ""},
		{"mariadb-10.11", "max_connections", "", "5", true, adjustedU(10, "option 'max_connections': unsigned value 5 adjusted to 10"), ""},
		{"mariadb-10.11", "max_connections", "", "", true, adjustedU(10, "option 'max_connections': unsigned value 0 adjusted to 10"), ""},
		{"mariadb-10.11", "max_connections", "", "16E", true, adjustedU(10, "option 'max_connections': unsigned value 0 adjusted to 10"), ""},
		{"mariadb-10.11", "max_connections", "", "17E", true, adjustedU(100000, "option 'max_connections': unsigned value 1152921504606846976 adjusted to 100000"), ""},
		{"mariadb-10.11", "max_connections", "", "99999999999999999999", true, Parsed{}, "integer value out of range for uint64: '99999999999999999999' for max_connections"},
		{"mariadb-10.11", "thread_cache_size", "", "-5", true, Parsed{}, "incorrect unsigned value: '-5' for thread_cache_size"},
		{"mariadb-10.11", "join_buffer_size", "", "1000", true, Parsed{Num: 896, Unsigned: 896, Bool: true, Rounded: true}, ""},
		{"mariadb-10.11", "read_buffer_size", "", "200000", true, Parsed{Num: 196608, Unsigned: 196608, Bool: true, Rounded: true}, ""},
		{"mariadb-10.11", "max_connections", "", "", false, Parsed{}, "option '--max_connections' requires an argument"},
		{"mariadb-10.11", "max_connections", "skip", "", false, adjustedU(10, "option 'max_connections': unsigned value 0 adjusted to 10"), ""},
		{"mariadb-10.11", "max_connections", "skip", "0", true, adjustedU(10, "option 'max_connections': unsigned value 1 adjusted to 10"), ""},
		{"mariadb-10.11", "max_connections", "disable", "", false, adjustedU(10, "option 'max_connections': unsigned value 0 adjusted to 10"), ""},
		{"mariadb-10.11", "max_connections", "loose", "300", true, u(300), ""},
		{"mariadb-10.11", "gtid_cleanup_batch_size", "", "", false, Parsed{}, "option '--gtid_cleanup_batch_size' requires an argument"},
		{"mariadb-10.11", "log_warnings", "", "", false, u(1), ""},
		// Signed.
		{"mariadb-10.11", "max_user_connections", "", "-1", true, Parsed{Num: -1, Bool: true}, ""},
		{"mariadb-10.11", "max_user_connections", "", "-5", true, Parsed{Num: -1, Bool: true, Adjusted: true, Warning: "option 'max_user_connections': signed value -5 adjusted to -1"}, ""},
		{"mariadb-10.11", "max_user_connections", "", "1e3", true, Parsed{Num: 2147483647, Bool: true, Adjusted: true, Warning: "option 'max_user_connections': signed value 1152921504606846976 adjusted to 2147483647"}, ""},
		{"mariadb-10.11", "max_user_connections", "", "99999999999999999999", true, Parsed{}, "integer value out of range for int64: '99999999999999999999' for max_user_connections"},
		{"mariadb-10.11", "max_user_connections", "", "", true, Parsed{}, ""},
		// Booleans.
		{"mariadb-10.11", "performance_schema", "", "ON", true, Parsed{Bool: true}, ""},
		{"mariadb-10.11", "performance_schema", "", "true", true, Parsed{Bool: true}, ""},
		{"mariadb-10.11", "performance_schema", "", "0", true, Parsed{}, ""},
		{"mariadb-10.11", "performance_schema", "", "", false, Parsed{Bool: true}, ""},
		{"mariadb-10.11", "performance_schema", "", "yes", true, Parsed{Adjusted: true, Warning: "option 'performance_schema': boolean value 'yes' wasn't recognized. Set to OFF."}, ""},
		{"mariadb-10.11", "performance_schema", "skip", "", false, Parsed{}, ""},
		{"mariadb-10.11", "performance_schema", "skip", "0", true, Parsed{Bool: true}, ""},
		{"mariadb-10.11", "performance_schema", "enable", "", false, Parsed{Bool: true}, ""},
		{"mariadb-10.11", "performance_schema", "enable", "0", true, Parsed{}, ""},
		{"mariadb-10.11", "skip_name_resolve", "", "", false, Parsed{Bool: true}, ""},
		// Flags take no value, not even through skip-.
		{"mariadb-10.11", "bootstrap", "", "", false, Parsed{Bool: true}, ""},
		{"mariadb-10.11", "bootstrap", "", "1", true, Parsed{}, "option '--bootstrap' cannot take an argument"},
		{"mariadb-10.11", "bootstrap", "skip", "", false, Parsed{}, "option '--bootstrap' cannot take an argument"},
		// Decimal numbers.
		{"mariadb-10.11", "long_query_time", "", "0.5", true, Parsed{Float: 0.5, Bool: true}, ""},
		{"mariadb-10.11", "long_query_time", "", "1e3", true, Parsed{Float: 1000, Bool: true}, ""},
		{"mariadb-10.11", "long_query_time", "", ".5", true, Parsed{Float: 0.5, Bool: true}, ""},
		{"mariadb-10.11", "long_query_time", "", "", true, Parsed{}, ""},
		{"mariadb-10.11", "long_query_time", "", "abc", true, Parsed{}, "invalid decimal value for option 'long_query_time'"},
		{"mariadb-10.11", "long_query_time", "", "inf", true, Parsed{}, "invalid decimal value for option 'long_query_time'"},
		// Enums: exact, unique prefix, or number.
		{"mariadb-10.11", "thread_handling", "", "pool-of-threads", true, Parsed{Num: 2, Str: "pool-of-threads", Bool: true}, ""},
		{"mariadb-10.11", "thread_handling", "", "POOL", true, Parsed{Num: 2, Str: "pool-of-threads", Bool: true}, ""},
		{"mariadb-10.11", "thread_handling", "", "2", true, Parsed{Num: 2, Str: "pool-of-threads", Bool: true}, ""},
		{"mariadb-10.11", "thread_handling", "", "no-threads ", true, Parsed{Num: 1, Str: "no-threads", Bool: true}, ""},
		{"mariadb-10.11", "thread_handling", "", "", true, Parsed{Str: "one-thread-per-connection"}, ""},
		{"mariadb-10.11", "thread_handling", "", "9", true, Parsed{}, "error while setting value '9' to 'thread_handling'"},
		{"mariadb-10.11", "thread_handling", "", " pool-of-threads", true, Parsed{}, "error while setting value ' pool-of-threads' to 'thread_handling'"},
		{"mariadb-10.11", "thread_handling", "skip", "", false, Parsed{Str: "one-thread-per-connection"}, ""},
		{"mariadb-10.11", "innodb", "", "OFF", true, Parsed{Str: "OFF"}, ""},
		{"mariadb-10.11", "innodb", "", "", false, Parsed{Num: 1, Str: "ON", Bool: true}, ""},
		// Sets.
		{"mariadb-10.11", "sql_mode", "", "ANSI_QUOTES,ONLY_FULL_GROUP_BY", true, Parsed{Num: 36, Str: "ANSI_QUOTES,ONLY_FULL_GROUP_BY", Bool: true}, ""},
		{"mariadb-10.11", "sql_mode", "", "ansi_quote", true, Parsed{Num: 4, Str: "ANSI_QUOTES", Bool: true}, ""},
		{"mariadb-10.11", "sql_mode", "", "ANSI_QUOTE,ANSI", true, Parsed{}, "error while setting value 'ANSI_QUOTE,ANSI' to 'sql_mode'"},
		{"mariadb-10.11", "sql_mode", "", "ANSI,", true, Parsed{}, "error while setting value 'ANSI,' to 'sql_mode'"},
		{"mariadb-10.11", "sql_mode", "", "ANSI, TRADITIONAL", true, Parsed{}, "error while setting value 'ANSI, TRADITIONAL' to 'sql_mode'"},
		{"mariadb-10.11", "sql_mode", "", "7", true, Parsed{Num: 7, Str: "REAL_AS_FLOAT,PIPES_AS_CONCAT,ANSI_QUOTES", Bool: true}, ""},
		{"mariadb-10.11", "sql_mode", "", "", true, Parsed{}, ""},
		{"mariadb-10.11", "sql_mode", "", "ALL", true, Parsed{Num: 1 << 25, Str: "ALLOW_INVALID_DATES", Bool: true}, ""},
		{"mariadb-10.11", "old_mode", "", "ALL", true, Parsed{Num: 127, Str: "NO_DUP_KEY_WARNINGS_WITH_IGNORE,NO_PROGRESS_INFO,ZERO_DATE_TIME_CAST,UTF8_IS_UTF8MB3,IGNORE_INDEX_ONLY_FOR_JOIN,COMPAT_5_1_CHECKSUM,NO_NULL_COLLATION_IDS", Bool: true}, ""},
		// Strings.
		{"mariadb-10.11", "datadir", "", "/srv/mysql", true, Parsed{Str: "/srv/mysql", Bool: true}, ""},
		{"mariadb-10.11", "log_bin", "", "", false, Parsed{Bool: true}, ""},
		{"mariadb-10.11", "log_bin", "skip", "", false, Parsed{Str: "0"}, ""},
		{"mariadb-10.11", "log_bin", "enable", "", false, Parsed{Str: "1", Bool: true}, ""},
		{"mariadb-10.11", "innodb_file_format", "", "Barracuda", true, Parsed{Str: "Barracuda", Bool: true, Warning: "'innodb-file-format' was removed. It does nothing now and exists only for compatibility with old my.cnf files."}, ""},
		// maximum- and autoset-.
		{"mariadb-10.11", "sort_buffer_size", "maximum", "1M", true, u(1048576), ""},
		{"mariadb-10.11", "max_connections", "maximum", "100", true, Parsed{}, "maximum value of 'max_connections' cannot be set"},
		{"mariadb-10.11", "back_log", "autoset", "", false, Parsed{Auto: true, Bool: true}, ""},
		{"mariadb-10.11", "back_log", "autoset", "5", true, Parsed{}, "automatically set option '--back_log' cannot take an argument"},
		{"mariadb-10.11", "max_connections", "autoset", "", false, Parsed{}, "automatic setup request is unsupported by option '--max_connections'"},

		// MySQL differences.
		{"mysql-8.4", "max_connections", "", "500", true, u(500), ""},
		{"mysql-8.4", "max_connections", "", "", true, Parsed{}, "empty value for 'max_connections' specified"},
		{"mysql-8.4", "max_connections", "", "0", true, adjustedU(1, "option 'max_connections': unsigned value 0 adjusted to 1"), ""},
		{"mysql-8.4", "max_connections", "", "200000", true, adjustedU(100000, "option 'max_connections': unsigned value 200000 adjusted to 100000"), ""},
		{"mysql-8.4", "max_connections", "", "1.5G", true, Parsed{}, "unknown suffix '.' used for variable 'max_connections' (value '1.5G')"},
		{"mysql-8.4", "max_connections", "", "16E", true, Parsed{}, "incorrect unsigned integer value: '16E'"},
		{"mysql-8.4", "max_connections", "", "99999999999999999999", true, Parsed{}, "incorrect unsigned integer value: '99999999999999999999'"},
		{"mysql-8.4", "thread_cache_size", "", "-5", true, Parsed{Adjusted: true, Warning: "option 'thread_cache_size': value -5 adjusted to 0"}, ""},
		{"mysql-8.4", "max_connections", "", "-5", true, adjustedU(1, "option 'max_connections': value -5 adjusted to 1"), ""},
		{"mysql-8.4", "wait_timeout", "", "1e3", true, adjustedU(31536000, "option 'wait_timeout': unsigned value 1152921504606846976 adjusted to 31536000"), ""},
		{"mysql-8.4", "max_connections", "skip", "", false, adjustedU(1, "option 'max_connections': unsigned value 0 adjusted to 1"), ""},
		{"mysql-8.4", "max_allowed_packet", "", "1000", true, adjustedU(1024, "option 'max_allowed_packet': unsigned value 1000 adjusted to 1024"), ""},
		{"mysql-8.4", "join_buffer_size", "", "1000", true, Parsed{Num: 896, Unsigned: 896, Bool: true, Rounded: true}, ""},
		{"mysql-8.4", "performance_schema", "", "yes", true, Parsed{Adjusted: true, Warning: "option 'performance_schema': boolean value 'yes' was not recognized. Set to OFF."}, ""},
		{"mysql-8.4", "thread_handling", "", "", true, Parsed{}, "empty value for 'thread_handling' specified"},
		{"mysql-8.4", "thread_handling", "", "no-threads", true, Parsed{Num: 1, Str: "no-threads", Bool: true}, ""},
		{"mysql-8.4", "long_query_time", "", "", true, Parsed{}, "empty value for 'long_query_time' specified"},
		{"mysql-8.4", "performance_schema_accounts_size", "", "-1", true, Parsed{Num: -1, Bool: true}, ""},
		{"mysql-8.4", "performance_schema_accounts_size", "", "-1k", true, Parsed{Num: -1, Bool: true, Adjusted: true, Warning: "option 'performance_schema_accounts_size': signed value -1024 adjusted to -1"}, ""},
		{"mysql-8.4", "performance_schema_accounts_size", "", "16E", true, Parsed{}, "incorrect integer value: '16E'"},
		{"mysql-8.4", "back_log", "autoset", "", false, Parsed{}, "automatic setup request is unsupported by option '--back_log'"},
		{"mysql-8.4", "max_connections", "maximum", "100", true, u(100), ""},
		{"mysql-8.4", "max_connections", "bogus", "100", true, Parsed{}, "unknown option prefix \"bogus\""},
	}
	for _, tc := range tests {
		t.Run(tc.server+"/"+tc.prefix+"/"+tc.name+"="+tc.value, func(t *testing.T) {
			s := mustServer(t, tc.server)
			v, ok := s.Lookup(tc.name)
			if !ok {
				t.Fatalf("%s does not know %s", s, tc.name)
			}
			got, err := s.ParseValue(v, tc.prefix, tc.value, tc.hasValue)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("ParseValue(%q) error = %v, want %q", tc.value, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseValue(%q): %v", tc.value, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseValue(%q) mismatch (-want +got):\n%s", tc.value, diff)
			}
		})
	}
}

func TestParseValueUnknownRange(t *testing.T) {
	// A variable without a known range is not clamped, only rounded.
	v := Var{Name: "x", OptName: "x", Kind: KindUint, RequiresArg: true, Block: 1024}
	got, err := Default().ParseValue(v, "", "18446744073709551615", true)
	if err != nil {
		t.Fatal(err)
	}
	want := Parsed{Num: math.MaxInt64, Unsigned: math.MaxUint64 / 1024 * 1024, Bool: true, Rounded: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
