package system_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/discover"
	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
	"github.com/conncap/conncap/planner/system"
)

func build(t *testing.T, files map[string]string, opt system.Options) (*system.Server, error) {
	t.Helper()
	f, err := discover.Walk(context.Background(), sysroottest.Root(t, files), []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	return system.Build(f, opt)
}

type got struct {
	Server, ServerFrom string
	NoFile, NoFileFrom string
	MaxConnections     int64
	MaxConnFrom        string
}

func TestBuild(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		opt   system.Options
		want  got
	}{
		{
			name:  "nothing declared: mysql-8.4 and systemd's default are assumed",
			files: map[string]string{"etc/my.cnf": "[mysqld]\nmax_connections = 300\n"},
			want: got{Server: "mysql-8.4", ServerFrom: "assumed (not detected from the inputs)",
				NoFile: "1024:524288", NoFileFrom: "no unit declares it; systemd default DefaultLimitNOFILE=1024:524288 assumed (set --nofile for a container)",
				MaxConnections: 300, MaxConnFrom: "etc/my.cnf:2:19"},
		},
		{
			name: "flags win over the files",
			files: map[string]string{
				"etc/my.cnf":                         "[mariadb-10.11]\nmax_connections = 1\n[mysqld]\nmax_connections = 300\n",
				"lib/systemd/system/mariadb.service": "[Service]\nExecStart=/usr/sbin/mariadbd\nLimitNOFILE=32768\n",
			},
			opt: system.Options{Server: "mysql-8.0", NoFile: "1024"},
			want: got{Server: "mysql-8.0", ServerFrom: "flag --server", NoFile: "1024", NoFileFrom: "flag --nofile",
				MaxConnections: 214, MaxConnFrom: "etc/my.cnf:4:19 (lowered at startup from 300 for lack of file descriptors: nofile 1024 (flag --nofile))"},
		},
		{
			name: "a versioned group and the unit decide; the last option wins, across groups",
			files: map[string]string{
				"etc/mysql/my.cnf":                                 "[mariadb-10.6]\nmax_connections = 300\n[mysqld]\nmax-connections = 400\n[mysqld-8.0]\nmax_connections = 1\n",
				"lib/systemd/system/mariadb.service":               "[Service]\nExecStart=/usr/sbin/mariadbd\nLimitNOFILE=32768\n",
				"etc/systemd/system/mariadb.service.d/limits.conf": "[Service]\nLimitNOFILE=65535\n",
			},
			want: got{Server: "mariadb-10.6", ServerFrom: "detected from group [mariadb-10.6] at etc/mysql/my.cnf:1:1",
				NoFile: "65535", NoFileFrom: "etc/systemd/system/mariadb.service.d/limits.conf:2:13",
				MaxConnections: 400, MaxConnFrom: "etc/mysql/my.cnf:4:19"},
		},
		{
			name: "a unit without LimitNOFILE gets the manager's DefaultLimitNOFILE",
			files: map[string]string{
				"etc/my.cnf":                       "[mysqld]\nmax_connections = 5000\n",
				"etc/systemd/system.conf":          "[Manager]\nDefaultLimitNOFILE=4096:8192\n",
				"lib/systemd/system/mysql.service": "[Service]\nExecStart=/usr/sbin/mysqld\n",
			},
			want: got{Server: "mysql-8.4", ServerFrom: "assumed (not detected from the inputs)",
				NoFile: "4096:8192", NoFileFrom: "etc/systemd/system.conf:2:20 (mysql.service sets no LimitNOFILE: the manager's DefaultLimitNOFILE)",
				MaxConnections: 3286, MaxConnFrom: "etc/my.cnf:2:19 (lowered at startup from 5000 for lack of file descriptors: nofile 4096:8192 (etc/systemd/system.conf:2:20 (mysql.service sets no LimitNOFILE: the manager's DefaultLimitNOFILE)))"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := build(t, tc.files, tc.opt)
			if err != nil {
				t.Fatalf("Build() error: %v", err)
			}
			g := got{
				Server: s.Version.V.String(), ServerFrom: s.Version.Origin.String(),
				NoFile: system.FormatLimit(s.NoFile.V), NoFileFrom: s.NoFile.Origin.String(),
				MaxConnections: s.Effective.MaxConnections.V, MaxConnFrom: s.Effective.MaxConnections.Origin.String(),
			}
			if diff := cmp.Diff(tc.want, g); diff != "" {
				t.Errorf("Build() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuildRefusedValues(t *testing.T) {
	_, err := build(t, map[string]string{"etc/my.cnf": "[mysqld]\nmax_connections = 1.5G\nwait_timeout\n"}, system.Options{})
	if err == nil {
		t.Fatal("Build() accepted values the server refuses")
	}
	for _, want := range []string{"etc/my.cnf:2:19: ", "etc/my.cnf:3:1: "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Build() error %q does not name %s", err, want)
		}
	}
}
