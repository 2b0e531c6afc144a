package catalog

import (
	"strings"
	"testing"
)

func FuzzResolve(f *testing.F) {
	for _, seed := range []string{
		"max_connections", "max-conn", "max", "m", "table-open", "Max_Connections", "loose-skip-foo",
		"skip-loose-max-connections", "plugin-innodb-buffer-pool-size", "hot.key_buffer_size",
		"validate_password.length", "defaults-file", "", "-", "_", ".", "a.", ".a", "loose-", "loose_skip_",
		"skip-skip-skip", "--max_connections", "plugin-", "\xff\xfe", "max\x00conn", "ＭＡＸ",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		for _, s := range Supported() {
			r := s.Resolve(name)
			if r.Known && (r.Var.Name == "" || len(r.Ambiguous) > 0 || r.CaseMismatch || r.OnlyLeading) {
				t.Fatalf("%s.Resolve(%q) = %+v: inconsistent", s, name, project(r))
			}
			if r.Known {
				if _, ok := s.Lookup(r.Var.Name); !ok {
					t.Fatalf("%s.Resolve(%q) found %s, which Lookup does not", s, name, r.Var.Name)
				}
			}
			if r.CaseMismatch && s.Flavor != MySQL {
				t.Fatalf("%s.Resolve(%q): case mismatch on a case-insensitive server", s, name)
			}
			w, err := r.Diagnose("v", true)
			if r.Known && (w != "" || err != nil) {
				t.Fatalf("%s: known %q diagnosed %q, %v", s, name, w, err)
			}
			if !r.Known && w == "" && err == nil {
				t.Fatalf("%s: unknown %q diagnosed as fine", s, name)
			}
			if sug := s.Suggest(name); sug != "" {
				if _, ok := s.Lookup(sug); !ok {
					t.Fatalf("%s.Suggest(%q) = %q, not an option", s, name, sug)
				}
			}
		}
	})
}

func FuzzParseValue(f *testing.F) {
	for _, seed := range []struct {
		name, value string
		hasValue    bool
	}{
		{"max_connections", "16M", true}, {"max_connections", "1.5G", true}, {"wait_timeout", "1e3", true},
		{"max_connections", "", true}, {"max_connections", "", false}, {"skip-max-connections", "", false},
		{"join_buffer_size", "1000", true}, {"max_user_connections", "-9223372036854775808", true},
		{"max_user_connections", "-1k", true}, {"thread_handling", "pool", true}, {"sql_mode", "ANSI,", true},
		{"sql_mode", "99999999999999999999", true}, {"long_query_time", "1e999", true}, {"performance_schema", "yes", true},
		{"bootstrap", "1", true}, {"autoset-back-log", "", false}, {"maximum-sort-buffer-size", "1M", true},
		{"innodb_file_format", "x", true}, {"old_mode", "ALL", true}, {"max_connections", " -5", true},
		{"max_connections", "18446744073709551615", true}, {"max_connections", "+", true}, {"max_connections", "-", true},
	} {
		f.Add(seed.name, seed.value, seed.hasValue)
	}
	f.Fuzz(func(t *testing.T, name, value string, hasValue bool) {
		for _, s := range Supported() {
			r := s.Resolve(name)
			if !r.Known {
				continue
			}
			v := r.Var
			p, err := s.ParseValue(v, r.Prefix, value, hasValue)
			if err != nil {
				if msg := err.Error(); msg == "" || strings.HasSuffix(msg, ".") && !strings.Contains(msg, "Legal suffix") {
					t.Fatalf("%s %s=%q: error %q", s, name, value, msg)
				}
				continue
			}
			if v.Kind == KindUint && v.HasRange && v.Max != 0 && r.Prefix != "maximum" {
				if p.Unsigned > v.Max || (v.Min > 0 && p.Unsigned < uint64(v.Min)) {
					t.Fatalf("%s %s=%q: %d outside [%d, %d]", s, name, value, p.Unsigned, v.Min, v.Max)
				}
			}
			if v.Kind == KindInt && v.HasRange && v.Max != 0 && (p.Num < v.Min || p.Num > 0 && uint64(p.Num) > v.Max) {
				t.Fatalf("%s %s=%q: %d outside [%d, %d]", s, name, value, p.Num, v.Min, v.Max)
			}
			if v.Block > 1 && !p.Adjusted && v.Kind == KindUint && p.Unsigned%v.Block != 0 {
				t.Fatalf("%s %s=%q: %d not a multiple of %d", s, name, value, p.Unsigned, v.Block)
			}
			if (v.Kind == KindEnum) && (p.Num < 0 || int(p.Num) >= len(v.Values) || v.Values[p.Num] != p.Str) {
				t.Fatalf("%s %s=%q: enum %d %q", s, name, value, p.Num, p.Str)
			}
		}
	})
}
