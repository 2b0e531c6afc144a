package systemd

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/source"
)

func mustRead(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// loaded is what the Load tests compare: a Unit without its parsed files.
type loaded struct {
	Name     string
	Aliases  []string
	Instance string
	Path     string
	DropIns  []string
	Masked   bool
	Err      string
	NOFILE   string // the effective LimitNOFILE= and where it was set, "" when unset
}

func summarize(u *Unit) loaded {
	s := loaded{Name: u.Name, Aliases: u.Aliases, Instance: u.Instance, Path: u.Path, DropIns: u.DropIns, Masked: u.Masked}
	if u.Err != nil {
		s.Err = u.Err.Error()
	}
	if v, ok := u.LimitNOFILE(); ok {
		s.NOFILE = v.V.String() + " @ " + v.Origin.String()
	}
	return s
}

// debianTree is a Debian 12 MariaDB install with local changes on top.
func debianTree(t testing.TB, extra map[string]string) map[string]string {
	files := map[string]string{
		"lib/systemd/system/mariadb.service":   mustRead(t, "testdata/debian12-mariadb.service"),
		"lib/systemd/system/mariadb@.service":  mustRead(t, "testdata/debian12-mariadb@.service"),
		"lib/systemd/system/mysql.service":     "-> mariadb.service",
		"lib/systemd/system/mysqld.service":    "-> mariadb.service",
		"lib/systemd/system/nginx.service":     "[Service]\nExecStart=/usr/sbin/nginx\nLimitNOFILE=4096\n",
		"lib/systemd/system/multi-user.target": "[Unit]\nDescription=Multi-User System\n",
		// systemctl enable mariadb writes this absolute alias link:
		"etc/systemd/system/mysql.service":                                           "-> /lib/systemd/system/mariadb.service",
		"lib/systemd/system/mariadb@bootstrap.service.d/use_galera_new_cluster.conf": mustRead(t, "testdata/debian12-mariadb@bootstrap-use_galera_new_cluster.conf"),
	}
	for k, v := range extra {
		files[k] = v
	}
	return files
}

const debianNOFILE = "32768 @ lib/systemd/system/mariadb.service:147:13"

func TestLoad(t *testing.T) {
	mariadb := loaded{
		Name:    "mariadb.service",
		Aliases: []string{"mysql.service", "mysqld.service"},
		Path:    "lib/systemd/system/mariadb.service",
		NOFILE:  debianNOFILE,
	}
	with := func(f func(*loaded)) loaded {
		l := mariadb
		f(&l)
		return l
	}
	tests := []struct {
		name  string
		extra map[string]string
		load  string
		want  loaded
	}{{
		name: "packaged unit",
		load: "mariadb.service",
		want: mariadb,
	}, {
		name: "alias through the absolute link in /etc",
		load: "mysql.service",
		want: mariadb,
	}, {
		name: "alias through the relative link in /lib",
		load: "mysqld.service",
		want: mariadb,
	}, {
		name: "drop-ins apply by file name across directories, same name masks lower priority",
		extra: map[string]string{
			"etc/systemd/system/mariadb.service.d/limits.conf":    "[Service]\nLimitNOFILE=65535\n",
			"run/systemd/system/mariadb.service.d/limits.conf":    "[Service]\nLimitNOFILE=1\n", // masked by /etc's
			"run/systemd/system/mariadb.service.d/90-late.conf":   "[Service]\nLimitNOFILE=2:3\n",
			"usr/lib/systemd/system/mysql.service.d/00-vend.conf": "[Service]\nLimitNOFILE=4\n", // alias drop-in, first by name
			"etc/systemd/system/mariadb.service.d/README":         "not a .conf file\n",
			"etc/systemd/system/mariadb.service.d/.hidden.conf":   "[Service]\nLimitNOFILE=5\n",
		},
		load: "mysql.service",
		want: with(func(l *loaded) {
			l.DropIns = []string{
				"usr/lib/systemd/system/mysql.service.d/00-vend.conf",
				"run/systemd/system/mariadb.service.d/90-late.conf",
				"etc/systemd/system/mariadb.service.d/limits.conf",
			}
			l.NOFILE = "65535 @ etc/systemd/system/mariadb.service.d/limits.conf:2:13"
		}),
	}, {
		name: "empty and /dev/null drop-ins mask same-named ones and set nothing",
		extra: map[string]string{
			"etc/systemd/system/mariadb.service.d/limits.conf": "-> /dev/null",
			"run/systemd/system/mariadb.service.d/limits.conf": "[Service]\nLimitNOFILE=1\n",
			"etc/systemd/system/mariadb.service.d/other.conf":  "",
			"lib/systemd/system/mariadb.service.d/other.conf":  "[Service]\nLimitNOFILE=2\n",
		},
		load: "mariadb.service",
		want: with(func(l *loaded) {
			l.DropIns = []string{
				"etc/systemd/system/mariadb.service.d/limits.conf",
				"etc/systemd/system/mariadb.service.d/other.conf",
			}
		}),
	}, {
		name: "an empty LimitNOFILE= is ignored, not a reset",
		extra: map[string]string{
			"etc/systemd/system/mariadb.service.d/a.conf": "[Service]\nLimitNOFILE=\n",
		},
		load: "mariadb.service",
		want: with(func(l *loaded) { l.DropIns = []string{"etc/systemd/system/mariadb.service.d/a.conf"} }),
	}, {
		name: "an invalid LimitNOFILE= is ignored",
		extra: map[string]string{
			"etc/systemd/system/mariadb.service.d/a.conf": "[Service]\nLimitNOFILE=64k\nLimitNOFILE=2048:1024\n",
		},
		load: "mariadb.service",
		want: with(func(l *loaded) { l.DropIns = []string{"etc/systemd/system/mariadb.service.d/a.conf"} }),
	}, {
		name: "LimitNOFILE outside [Service] does not count",
		extra: map[string]string{
			"etc/systemd/system/mariadb.service.d/a.conf": "[Unit]\nLimitNOFILE=1\n[Install]\nLimitNOFILE=2\n",
		},
		load: "mariadb.service",
		want: with(func(l *loaded) { l.DropIns = []string{"etc/systemd/system/mariadb.service.d/a.conf"} }),
	}, {
		name: "type-wide and prefix drop-ins",
		extra: map[string]string{
			"etc/systemd/system/service.d/10-all.conf":     "[Service]\nLimitNOFILE=10\n",
			"run/systemd/system/mariadb-.service.d/x.conf": "[Service]\nLimitNOFILE=11\n", // no dash in "mariadb": unused
		},
		load: "mariadb.service",
		want: with(func(l *loaded) {
			l.DropIns = []string{"etc/systemd/system/service.d/10-all.conf"}
			l.NOFILE = "10 @ etc/systemd/system/service.d/10-all.conf:2:13"
		}),
	}, {
		name: "a unit-specific drop-in masks a type-wide one of the same name",
		extra: map[string]string{
			"etc/systemd/system/service.d/limits.conf":         "[Service]\nLimitNOFILE=10\n",
			"lib/systemd/system/mariadb.service.d/limits.conf": "[Service]\nLimitNOFILE=12\n",
		},
		load: "mariadb.service",
		want: with(func(l *loaded) {
			l.DropIns = []string{"lib/systemd/system/mariadb.service.d/limits.conf"}
			l.NOFILE = "12 @ lib/systemd/system/mariadb.service.d/limits.conf:2:13"
		}),
	}, {
		name: "a copy in /etc overrides the packaged file, aliases follow",
		extra: map[string]string{
			"etc/systemd/system/mariadb.service": "[Service]\nExecStart=/usr/sbin/mariadbd\nLimitNOFILE=100000\n",
		},
		load: "mysql.service",
		want: with(func(l *loaded) {
			l.Path = "etc/systemd/system/mariadb.service"
			l.NOFILE = "100000 @ etc/systemd/system/mariadb.service:3:13"
		}),
	}, {
		name:  "masked with a link to /dev/null",
		extra: map[string]string{"etc/systemd/system/mariadb.service": "-> /dev/null"},
		load:  "mysql.service",
		// the name asked for stays a name of the unit; the other aliases
		// are not collected for a masked file
		want: loaded{Name: "mariadb.service", Aliases: []string{"mysql.service"}, Path: "etc/systemd/system/mariadb.service", Masked: true},
	}, {
		name: "masked with an empty file, drop-ins listed but not applied",
		extra: map[string]string{
			"etc/systemd/system/mariadb.service":          "",
			"etc/systemd/system/mariadb.service.d/a.conf": "[Service]\nLimitNOFILE=1\n",
		},
		load: "mariadb.service",
		want: loaded{Name: "mariadb.service", Path: "etc/systemd/system/mariadb.service", Masked: true,
			DropIns: []string{"etc/systemd/system/mariadb.service.d/a.conf"}},
	}, {
		name: "template instance",
		extra: map[string]string{
			"etc/systemd/system/mariadb@.service.d/limits.conf":     "[Service]\nLimitNOFILE=20000\n",
			"etc/systemd/system/mariadb@node1.service.d/node1.conf": "[Service]\nLimitNOFILE=30000\n",
			"etc/systemd/system/mariadb@node2.service.d/node2.conf": "[Service]\nLimitNOFILE=1\n",
		},
		load: "mariadb@node1.service",
		want: loaded{
			Name:     "mariadb@node1.service",
			Instance: "node1",
			Path:     "lib/systemd/system/mariadb@.service",
			DropIns: []string{
				"etc/systemd/system/mariadb@.service.d/limits.conf",
				"etc/systemd/system/mariadb@node1.service.d/node1.conf",
			},
			NOFILE: "30000 @ etc/systemd/system/mariadb@node1.service.d/node1.conf:2:13",
		},
	}, {
		name: "template instance with the packaged bootstrap drop-in",
		load: "mariadb@bootstrap.service",
		want: loaded{
			Name:     "mariadb@bootstrap.service",
			Instance: "bootstrap",
			Path:     "lib/systemd/system/mariadb@.service",
			DropIns:  []string{"lib/systemd/system/mariadb@bootstrap.service.d/use_galera_new_cluster.conf"},
			NOFILE:   "32768 @ lib/systemd/system/mariadb@.service:276:13",
		},
	}, {
		name: "linked unit file outside the search path keeps its own name",
		extra: map[string]string{
			"etc/systemd/system/db.service": "-> /opt/db/units/database.service",
			"opt/db/units/database.service": "[Service]\nExecStart=/opt/db/bin/mysqld\nLimitNOFILE=50000\n",
		},
		load: "db.service",
		want: loaded{Name: "db.service", Path: "etc/systemd/system/db.service", NOFILE: "50000 @ etc/systemd/system/db.service:3:13"},
	}, {
		name: "a self-alias is ignored",
		extra: map[string]string{
			"etc/systemd/system/mariadb.service": "-> /lib/systemd/system/mariadb.service",
		},
		load: "mariadb.service",
		want: mariadb,
	}, {
		name: "a fatal syntax error fails the unit and skips its drop-ins",
		extra: map[string]string{
			"etc/systemd/system/mariadb.service":          "[Service]\nLimitNOFILE=100\n[Service\n",
			"etc/systemd/system/mariadb.service.d/a.conf": "[Service]\nLimitNOFILE=1\n",
		},
		load: "mariadb.service",
		want: with(func(l *loaded) {
			l.Path = "etc/systemd/system/mariadb.service"
			l.Err = `etc/systemd/system/mariadb.service:3:1: invalid section header "[Service"`
			l.NOFILE = "100 @ etc/systemd/system/mariadb.service:2:13"
		}),
	}, {
		name: "a fatal syntax error in a drop-in skips only its rest",
		extra: map[string]string{
			"etc/systemd/system/mariadb.service.d/a.conf": "[Service]\nLimitNOFILE=150\n[Service\nLimitNOFILE=200\n",
			"etc/systemd/system/mariadb.service.d/b.conf": "[Service]\nUser=other\n",
		},
		load: "mariadb.service",
		want: with(func(l *loaded) {
			l.DropIns = []string{"etc/systemd/system/mariadb.service.d/a.conf", "etc/systemd/system/mariadb.service.d/b.conf"}
			l.NOFILE = "150 @ etc/systemd/system/mariadb.service.d/a.conf:2:13"
		}),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := tree(t, debianTree(t, tc.extra))
			u, err := Load(context.Background(), root, tc.load)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, summarize(u), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Load(%q) mismatch (-want +got):\n%s", tc.load, diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	root := tree(t, debianTree(t, map[string]string{
		"etc/systemd/system/gone.service":   "-> /opt/nowhere/gone.service",
		"etc/systemd/system/broken.service": "-> missing.service", // a dangling alias
	}))
	for _, name := range []string{"postgresql.service", "gone.service", "broken.service", "foo@bar.service"} {
		if _, err := Load(context.Background(), root, name); !errors.Is(err, ErrNotFound) {
			t.Errorf("Load(%q) error = %v, want ErrNotFound", name, err)
		}
	}
	for _, name := range []string{"mariadb", "", "@x.service", "a b.service", "mariadb.servic"} {
		if _, err := Load(context.Background(), root, name); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Load(%q) error = %v, want an invalid-name error", name, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, root, "mariadb.service"); !errors.Is(err, context.Canceled) {
		t.Errorf("Load(canceled) error = %v, want context.Canceled", err)
	}
}

func TestUnitSettings(t *testing.T) {
	root := tree(t, debianTree(t, map[string]string{
		"etc/systemd/system/mariadb.service.d/override.conf": "[Service]\n" +
			"ExecStart=\n" +
			"ExecStart=/usr/sbin/mariadbd $MYSQLD_OPTS --max-connections=%i500\n" +
			"Environment=\"MYSQLD_OPTS=--open-files-limit=60000 --skip-name-resolve\" TZ=UTC\n" +
			"User=\n",
	}))
	u, err := Load(context.Background(), root, "mariadb.service")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(u.All("Service", "ExecStart")); got != 3 {
		t.Errorf("All(ExecStart) has %d assignments, want 3", got)
	}
	list := u.List("Service", "ExecStart")
	if len(list) != 1 || list[0].ValuePos != (source.Pos{Path: "etc/systemd/system/mariadb.service.d/override.conf", Line: 3, Col: 11}) {
		t.Errorf("List(ExecStart) = %+v, want the one after the reset", list)
	}
	if a, ok := u.Last("Service", "User"); ok {
		t.Errorf("Last(User) = %+v, true; want reset by the empty assignment", a)
	}
	if a, ok := u.Last("Service", "Type"); !ok || a.Value != "notify" {
		t.Errorf("Last(Type) = %+v, %v; want notify", a, ok)
	}
	if _, ok := u.Last("Service", "Nice"); ok {
		t.Error("Last(Nice) found a value in a unit that only has it in comments")
	}
	cmds, err := u.Exec("ExecStart")
	if err != nil {
		t.Fatal(err)
	}
	want := []Command{{
		Path: "/usr/sbin/mariadbd",
		Argv: []string{"/usr/sbin/mariadbd", "$MYSQLD_OPTS", "--max-connections=500"}, // %i is empty
		Pos:  list[0].ValuePos,
	}}
	if diff := cmp.Diff(want, cmds); diff != "" {
		t.Errorf("Exec(ExecStart) mismatch (-want +got):\n%s", diff)
	}
	env, err := u.Environment(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	argv := cmds[0].ExpandEnv(env.Map())
	wantArgv := []string{"/usr/sbin/mariadbd", "--open-files-limit=60000", "--skip-name-resolve", "--max-connections=500"}
	if diff := cmp.Diff(wantArgv, argv); diff != "" {
		t.Errorf("ExpandEnv mismatch (-want +got):\n%s", diff)
	}
}

func TestTemplateSettings(t *testing.T) {
	root := tree(t, debianTree(t, nil))
	u, err := Load(context.Background(), root, `mariadb@db\x2dnode-1.service`)
	if err != nil {
		t.Fatal(err)
	}
	env, err := u.Environment(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := env.Get("MYSQLD_MULTI_INSTANCE"); v != "--defaults-group-suffix=.db-node/1" {
		t.Errorf("MYSQLD_MULTI_INSTANCE = %q, want %%I unescaped", v)
	}
	cmds, err := u.Exec("ExecStart")
	if err != nil {
		t.Fatal(err)
	}
	got := cmds[0].ExpandEnv(env.Map())
	want := []string{"/usr/sbin/mariadbd", "--defaults-group-suffix=.db-node/1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ExecStart after expansion mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadFile(t *testing.T) {
	root := tree(t, map[string]string{
		"deploy/systemd/mysql.service":                "[Service]\nExecStart=/usr/sbin/mysqld\nLimitNOFILE = 10000\n",
		"deploy/systemd/mysql.service.d/limits.conf":  "[Service]\nLimitNOFILE=65535\n",
		"deploy/systemd/mysql.service.d/.swp.conf":    "[Service]\nLimitNOFILE=1\n",
		"deploy/systemd/service.d/zz-all.conf":        "[Service]\nUser=mysql\n",
		"deploy/systemd/mysql.service.d/sub.conf/x":   "a directory named like a drop-in\n",
		"deploy/other/mysql.service.d/ignored.conf":   "[Service]\nLimitNOFILE=2\n",
		"etc/systemd/system/mysql.service.d/sys.conf": "[Service]\nLimitNOFILE=3\n",
	})
	u, err := LoadFile(context.Background(), root, "/deploy/systemd/mysql.service")
	if err != nil {
		t.Fatal(err)
	}
	want := loaded{
		Name: "mysql.service",
		Path: "deploy/systemd/mysql.service",
		DropIns: []string{
			"deploy/systemd/mysql.service.d/limits.conf",
			"deploy/systemd/mysql.service.d/sub.conf",
			"deploy/systemd/service.d/zz-all.conf",
		},
		NOFILE: "65535 @ deploy/systemd/mysql.service.d/limits.conf:2:13",
	}
	if diff := cmp.Diff(want, summarize(u), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("LoadFile() mismatch (-want +got):\n%s", diff)
	}
	if _, err := LoadFile(context.Background(), root, "deploy/systemd/missing.service"); !errors.Is(err, ErrNotFound) {
		t.Errorf("LoadFile(missing) error = %v, want ErrNotFound", err)
	}
	if _, err := LoadFile(context.Background(), root, "deploy/systemd/mysql.service.j2"); err == nil {
		t.Error("LoadFile(mysql.service.j2) succeeded, want an invalid-name error")
	}
}

func TestFindServerUnits(t *testing.T) {
	root := tree(t, debianTree(t, map[string]string{
		// an enabled instance of the template
		"etc/systemd/system/multi-user.target.wants/mariadb@node1.service": "-> /lib/systemd/system/mariadb@.service",
		"etc/systemd/system/multi-user.target.wants/nginx.service":         "-> /lib/systemd/system/nginx.service",
		// a custom unit found by its ExecStart
		"etc/systemd/system/db-primary.service":           "[Service]\nExecStart=/usr/bin/numactl --interleave=all /opt/mysql/bin/mysqld --defaults-file=/etc/db.cnf\n",
		"etc/systemd/system/db-wrapper.service":           "[Service]\nExecStart=/bin/sh -c 'exec /usr/bin/mysqld_safe --user=mysql'\n",
		"etc/systemd/system/exporter.service":             "[Service]\nExecStart=/usr/bin/mysqld_exporter --web.listen-address=:9104\n",
		"etc/systemd/system/percona.service":              "[Service]\nExecStart=/usr/sbin/mysqld\n",
		"etc/systemd/system/percona.service.d/reset.conf": "[Service]\nExecStart=\nExecStart=/usr/bin/true\n",
		"etc/systemd/system/mysql@.service":               "-> /lib/systemd/system/mariadb@.service",
	}))
	units, err := FindServerUnits(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range units {
		got = append(got, u.Name+" "+u.Path)
	}
	want := []string{
		"db-primary.service etc/systemd/system/db-primary.service",
		"db-wrapper.service etc/systemd/system/db-wrapper.service",
		"mariadb.service lib/systemd/system/mariadb.service",
		"mariadb@node1.service lib/systemd/system/mariadb@.service",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FindServerUnits() mismatch (-want +got):\n%s", diff)
	}
	for _, u := range units {
		if u.Name == "mariadb@node1.service" && !cmp.Equal(u.Aliases, []string{"mysql@node1.service"}) {
			t.Errorf("mariadb@node1.service aliases = %v, want [mysql@node1.service]", u.Aliases)
		}
	}

	// Without an enabled instance the template itself is reported.
	root = tree(t, debianTree(t, nil))
	units, err = FindServerUnits(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, u := range units {
		got = append(got, u.Name)
	}
	if diff := cmp.Diff([]string{"mariadb.service", "mariadb@.service"}, got); diff != "" {
		t.Errorf("FindServerUnits() without instances mismatch (-want +got):\n%s", diff)
	}
}
