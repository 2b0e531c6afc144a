package catalog

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseServer(t *testing.T) {
	tests := []struct {
		in      string
		want    Server
		wantErr bool
	}{
		{in: "mysql-8.4", want: Server{MySQL, "8.4"}},
		{in: "mysql-8.0", want: Server{MySQL, "8.0"}},
		{in: "mariadb-10.6", want: Server{MariaDB, "10.6"}},
		{in: "mariadb-10.11", want: Server{MariaDB, "10.11"}},
		{in: "mariadb-11.4", want: Server{MariaDB, "11.4"}},
		{in: "mysql-8.4.3", want: Server{MySQL, "8.4"}},
		{in: "mariadb-10.11.6", want: Server{MariaDB, "10.11"}},
		{in: "MySQL-8.0.36", want: Server{MySQL, "8.0"}},
		{in: "MariaDB-11.4", want: Server{MariaDB, "11.4"}},
		{in: " mysql-8.4 ", want: Server{MySQL, "8.4"}},
		{in: "mysql-5.7", wantErr: true},
		{in: "mariadb-10.5", wantErr: true},
		{in: "mariadb-8.4", wantErr: true},
		{in: "mysql-8", wantErr: true},
		{in: "mysql-8.4.3.1", wantErr: true},
		{in: "mysql-8.4-rc", wantErr: true},
		{in: "mysql-8.x", wantErr: true},
		{in: "mysql8.4", wantErr: true},
		{in: "percona-8.0", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseServer(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseServer(%q) = %v, want an error", tc.in, got)
				}
				for _, s := range Supported() {
					if !strings.Contains(err.Error(), s.String()) {
						t.Errorf("error %q does not list %s", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseServer(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseServer(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestSupported(t *testing.T) {
	var got []string
	for _, s := range Supported() {
		got = append(got, s.String())
		back, err := ParseServer(s.String())
		if err != nil || back != s {
			t.Errorf("ParseServer(%q) = %v, %v; want it back", s, back, err)
		}
	}
	want := []string{"mysql-8.4", "mysql-8.0", "mariadb-10.6", "mariadb-10.11", "mariadb-11.4"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Supported() mismatch (-want +got):\n%s", diff)
	}
	if d := Default(); d.String() != "mysql-8.4" {
		t.Errorf("Default() = %v, want mysql-8.4", d)
	}
	s := Supported()
	s[0].Version = "changed"
	if Supported()[0].Version != "8.4" {
		t.Error("Supported() returned shared storage")
	}
}

func TestGroups(t *testing.T) {
	tests := []struct {
		server string
		want   []string
	}{
		{"mysql-8.4", []string{"mysqld", "server", "mysqld-8.4"}},
		{"mysql-8.0", []string{"mysqld", "server", "mysqld-8.0"}},
		{"mariadb-10.6", []string{"mysqld", "server", "mysqld-10.6", "mariadb", "mariadb-10.6", "mariadbd", "mariadbd-10.6", "client-server", "galera"}},
		{"mariadb-10.11", []string{"mysqld", "server", "mysqld-10.11", "mariadb", "mariadb-10.11", "mariadbd", "mariadbd-10.11", "client-server", "galera"}},
		{"mariadb-11.4", []string{"mysqld", "server", "mysqld-11.4", "mariadb", "mariadb-11.4", "mariadbd", "mariadbd-11.4", "client-server", "galera"}},
	}
	for _, tc := range tests {
		t.Run(tc.server, func(t *testing.T) {
			s := mustServer(t, tc.server)
			if diff := cmp.Diff(tc.want, s.Groups()); diff != "" {
				t.Errorf("Groups() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadsGroup(t *testing.T) {
	tests := []struct {
		server, group string
		want          bool
	}{
		{"mysql-8.4", "mysqld", true},
		{"mysql-8.4", "MYSQLD", true},
		{"mysql-8.4", "Server", true},
		{"mysql-8.4", "mysqld-8.4", true},
		{"mysql-8.4", "mysqld-8.0", false},
		{"mysql-8.4", "mariadb", false},
		{"mysql-8.4", "client", false},
		{"mysql-8.4", "mysqld_safe", false},
		{"mysql-8.0", "mysqld-8.0", true},
		{"mariadb-10.11", "mariadb", true},
		{"mariadb-10.11", "MySqld-10.11", true},
		{"mariadb-10.11", "mariadb-10.11", true},
		{"mariadb-10.11", "mariadbd-10.11", true},
		{"mariadb-10.11", "client-server", true},
		{"mariadb-10.11", "galera", true},
		{"mariadb-10.11", "mariadb-11.8", false},
		{"mariadb-10.11", "embedded", false},
		{"mariadb-10.11", "mariadbd-safe", false},
		{"mariadb-10.11", " mysqld", false},
		{"mariadb-10.11", "mysqld.a", false},
		{"mariadb-11.4", "mariadb-11.4", true},
		{"mariadb-11.4", "mariadb-10.11", false},
	}
	for _, tc := range tests {
		s := mustServer(t, tc.server)
		if got := s.ReadsGroup(tc.group); got != tc.want {
			t.Errorf("%s.ReadsGroup(%q) = %v, want %v", s, tc.group, got, tc.want)
		}
	}
}

func mustServer(t testing.TB, s string) Server {
	t.Helper()
	srv, err := ParseServer(s)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}
