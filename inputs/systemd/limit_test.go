package systemd

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/sysroot"
	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
)

// The expected values were checked against systemd 252 ("systemd --test",
// see oracle_test.go): each was the last LimitNOFILE= of a unit after
// LimitNOFILE=99, and an error means the unit kept 99.
func TestParseLimit(t *testing.T) {
	tests := []struct {
		in      string
		want    Limit
		wantErr string
	}{
		{in: "32768", want: Limit{32768, 32768}},
		{in: "1024:524288", want: Limit{1024, 524288}},
		{in: "infinity", want: Limit{Infinity, Infinity}},
		{in: "infinity:infinity", want: Limit{Infinity, Infinity}},
		{in: "1024:infinity", want: Limit{1024, Infinity}},
		{in: "0", want: Limit{0, 0}},
		{in: "0:0", want: Limit{0, 0}},
		{in: "-0", want: Limit{0, 0}},
		{in: "0x100", want: Limit{256, 256}},
		{in: "0X10", want: Limit{16, 16}},
		{in: "010", want: Limit{8, 8}}, // a leading 0 is octal
		{in: "0b11", want: Limit{3, 3}},
		{in: "0B11", want: Limit{3, 3}},
		{in: "0o17", want: Limit{15, 15}},
		{in: " 1024", want: Limit{1024, 1024}},
		{in: "\v5", want: Limit{5, 5}},
		{in: "+1024", want: Limit{1024, 1024}},
		{in: "1024: 2048", want: Limit{1024, 2048}},
		{in: "1024:+2048", want: Limit{1024, 2048}},
		{in: "1024:0x800", want: Limit{1024, 2048}},
		{in: `\1024`, want: Limit{1024, 1024}},
		{in: "18446744073709551614", want: Limit{Infinity - 1, Infinity - 1}},
		{in: "", wantErr: `failed to parse resource value ""`},
		{in: ":", wantErr: "failed to parse"},
		{in: "1024:", wantErr: "failed to parse"},
		{in: "1024 :2048", wantErr: "failed to parse"},
		{in: "1:2:3", wantErr: "failed to parse"},
		{in: `"1024"`, wantErr: "failed to parse"},
		{in: `\\1024`, wantErr: "failed to parse"},
		{in: `1\:2`, wantErr: "failed to parse"},
		{in: "1k", wantErr: "failed to parse"}, // no size suffixes for NOFILE
		{in: "1e3", wantErr: "failed to parse"},
		{in: "1_000", wantErr: "failed to parse"},
		{in: "٣", wantErr: "failed to parse"},
		{in: "08", wantErr: "failed to parse"},
		{in: "0x", wantErr: "failed to parse"},
		{in: "-1", wantErr: "failed to parse"},
		{in: "18446744073709551615", wantErr: "failed to parse"},
		{in: "99999999999999999999", wantErr: "failed to parse"},
		{in: "INFINITY", wantErr: "failed to parse"},
		{in: " infinity", wantErr: "failed to parse"}, // a unit's value is trimmed before this
		{in: "infinity:1024", wantErr: "soft resource limit chosen higher than hard limit"},
		{in: "2048:1024", wantErr: "soft resource limit chosen higher than hard limit"},
	}
	for _, tc := range tests {
		got, err := ParseLimit(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseLimit(%q) = %v, %v; want error containing %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseLimit(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestLimitString(t *testing.T) {
	for _, tc := range []struct {
		l    Limit
		want string
	}{
		{Limit{1024, 1024}, "1024"},
		{Limit{1024, 524288}, "1024:524288"},
		{Limit{Infinity, Infinity}, "infinity"},
		{Limit{1024, Infinity}, "1024:infinity"},
	} {
		if got := tc.l.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.l, got, tc.want)
		}
		if back, err := ParseLimit(tc.want); err != nil || back != tc.l {
			t.Errorf("ParseLimit(%q) = %v, %v; want %v", tc.want, back, err, tc.l)
		}
	}
}

// tree builds a sysroot (see sysroottest.Dir for the notation).
func tree(t testing.TB, files map[string]string) *sysroot.Root { return sysroottest.Root(t, files) }

func TestDefaultLimitNOFILE(t *testing.T) {
	at := func(p string, line, col int) source.Origin {
		return source.At(source.Pos{Path: p, Line: line, Col: col})
	}
	def := source.Value[Limit]{V: Limit{1024, 524288}, Origin: source.Named("systemd default DefaultLimitNOFILE=1024:524288")}
	tests := []struct {
		name  string
		files map[string]string
		want  source.Value[Limit]
	}{{
		name:  "nothing set",
		files: map[string]string{"etc/systemd/system.conf": "[Manager]\n#DefaultLimitNOFILE=1024:524288\n"},
		want:  def,
	}, {
		name:  "no system.conf at all",
		files: map[string]string{"etc/hostname": "db1\n"},
		want:  def,
	}, {
		name:  "main file",
		files: map[string]string{"etc/systemd/system.conf": "[Manager]\nDefaultLimitNOFILE=65536\n"},
		want:  source.Value[Limit]{V: Limit{65536, 65536}, Origin: at("etc/systemd/system.conf", 2, 20)},
	}, {
		name: "drop-ins after the main file, by name, masking by name",
		files: map[string]string{
			"etc/systemd/system.conf":                   "[Manager]\nDefaultLimitNOFILE=65536\n",
			"usr/lib/systemd/system.conf.d/10-a.conf":   "[Manager]\nDefaultLimitNOFILE=100\n",
			"run/systemd/system.conf.d/20-b.conf":       "[Manager]\nDefaultLimitNOFILE=2000:4000\n",
			"usr/lib/systemd/system.conf.d/20-b.conf":   "[Manager]\nDefaultLimitNOFILE=3000\n", // masked by /run's
			"etc/systemd/system.conf.d/30-c.conf":       "[Manager]\nDefaultLimitNOFILE=bogus\n",
			"etc/systemd/system.conf.d/.40-hidden.conf": "[Manager]\nDefaultLimitNOFILE=1\n",
			"etc/systemd/system.conf.d/50-d.conf.bak":   "[Manager]\nDefaultLimitNOFILE=2\n",
		},
		want: source.Value[Limit]{V: Limit{2000, 4000}, Origin: at("run/systemd/system.conf.d/20-b.conf", 2, 20)},
	}, {
		name: "a drop-in linked to /dev/null masks",
		files: map[string]string{
			"etc/systemd/system.conf.d/limits.conf":     "-> /dev/null",
			"usr/lib/systemd/system.conf.d/limits.conf": "[Manager]\nDefaultLimitNOFILE=3000\n",
		},
		want: def,
	}, {
		name: "other sections do not count",
		files: map[string]string{
			"etc/systemd/system.conf": "[Service]\nDefaultLimitNOFILE=5\n[Manager]\nDefaultLimitNOFILE=6\n[Other]\nDefaultLimitNOFILE=7\n",
		},
		want: source.Value[Limit]{V: Limit{6, 6}, Origin: at("etc/systemd/system.conf", 4, 20)},
	}, {
		name: "main file from /usr/lib when /etc has none",
		files: map[string]string{
			"usr/lib/systemd/system.conf": "[Manager]\nDefaultLimitNOFILE=4096:8192\n",
		},
		want: source.Value[Limit]{V: Limit{4096, 8192}, Origin: at("usr/lib/systemd/system.conf", 2, 20)},
	}, {
		name: "an /etc/systemd/system.conf linked to /dev/null hides the /usr/lib one",
		files: map[string]string{
			"etc/systemd/system.conf":     "-> /dev/null",
			"usr/lib/systemd/system.conf": "[Manager]\nDefaultLimitNOFILE=4096:8192\n",
		},
		want: def,
	}, {
		name: "a fatal syntax error ends the reading",
		files: map[string]string{
			"etc/systemd/system.conf":             "[Manager]\nDefaultLimitNOFILE=500\n[Manager\nDefaultLimitNOFILE=600\n",
			"etc/systemd/system.conf.d/late.conf": "[Manager]\nDefaultLimitNOFILE=700\n",
		},
		want: source.Value[Limit]{V: Limit{500, 500}, Origin: at("etc/systemd/system.conf", 2, 20)},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := tree(t, tc.files)
			got, err := DefaultLimitNOFILE(context.Background(), root)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("DefaultLimitNOFILE() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
