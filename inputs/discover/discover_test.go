package discover_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/discover"
	"github.com/conncap/conncap/inputs/mycnf"
	"github.com/conncap/conncap/inputs/sysroot"
	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
)

func tree(t *testing.T, files map[string]string) *sysroot.Root { return sysroottest.Root(t, files) }

type summary struct {
	Units       []string
	Entries     []string
	Files       []string
	Options     []string
	CommandLine []string
	Skipped     []string
}

func summarize(f *discover.Facts) summary {
	var s summary
	for _, u := range f.Units {
		s.Units = append(s.Units, u.Name+"="+u.Path)
	}
	for _, e := range f.Entries {
		s.Entries = append(s.Entries, e.Path)
	}
	for _, file := range f.Options.Files {
		s.Files = append(s.Files, file.Path)
	}
	for _, o := range f.Options.Options {
		s.Options = append(s.Options, "["+o.InGroup+"]"+o.Arg())
	}
	for _, o := range f.CommandLine {
		s.CommandLine = append(s.CommandLine, o.Arg())
	}
	for _, k := range f.Skipped {
		s.Skipped = append(s.Skipped, k.Path)
	}
	return s
}

func TestWalk(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  summary
	}{
		{
			name: "option files are recognised by content; others are skipped",
			files: map[string]string{
				"deploy/mysql/server.conf": "# tuning\n[mysqld]\nmax_connections = 300\n",
				"deploy/values.yaml":       "replicas: 3\n",
				"deploy/tox.ini":           "[tox]\nenvlist = py311\n",
				"README.md":                "[mysqld] is the server group\n",
			},
			want: summary{
				Entries: []string{"/etc/my.cnf", "/etc/mysql/my.cnf", "deploy/mysql/server.conf"},
				Files:   []string{"deploy/mysql/server.conf"},
				Options: []string{"[mysqld]--max_connections=300"},
				Skipped: []string{"README.md", "deploy/tox.ini", "deploy/values.yaml"},
			},
		},
		{
			name: "a file another found file includes is not an entry point of its own",
			files: map[string]string{
				"mysql/my.cnf":         "[mysqld]\nwait_timeout = 60\n!includedir /mysql/conf.d\n",
				"mysql/conf.d/a.cnf":   "[mysqld]\nmax_connections = 100\n",
				"mysql/conf.d/b.cnf":   "[client]\nuser = app\n",
				"mysql/extra/solo.cnf": "[mariadb]\nmax_user_connections = 5\n",
			},
			want: summary{
				Entries: []string{"/etc/my.cnf", "/etc/mysql/my.cnf", "mysql/extra/solo.cnf", "mysql/my.cnf"},
				Files:   []string{"mysql/extra/solo.cnf", "mysql/my.cnf", "mysql/conf.d/a.cnf", "mysql/conf.d/b.cnf"},
				Options: []string{"[mariadb]--max_user_connections=5", "[mysqld]--wait_timeout=60", "[mysqld]--max_connections=100", "[client]--user=app"},
			},
		},
		{
			name: "the default files through Debian's absolute symlinks are read once",
			files: map[string]string{
				"etc/mysql/my.cnf":                       "->/etc/alternatives/my.cnf",
				"etc/alternatives/my.cnf":                "->/etc/mysql/mariadb.cnf",
				"etc/mysql/mariadb.cnf":                  "[client-server]\n!includedir /etc/mysql/mariadb.conf.d/\n",
				"etc/mysql/mariadb.conf.d/50-server.cnf": "[mysqld]\nmax_connections = 300\n",
			},
			want: summary{
				Entries: []string{"/etc/my.cnf", "/etc/mysql/my.cnf"},
				Files:   []string{"etc/mysql/mariadb.cnf", "etc/mysql/mariadb.conf.d/50-server.cnf"},
				Options: []string{"[mysqld]--max_connections=300"},
			},
		},
		{
			name: "ExecStart --defaults-file replaces the default files; $MYSQLD_OPTS is expanded",
			files: map[string]string{
				"etc/my.cnf":         "[mysqld]\nmax_connections = 1\n",
				"etc/mysql/main.cnf": "[mysqld]\nmax_connections = 200\n",
				"lib/systemd/system/mariadb.service": "[Service]\nEnvironment=MYSQLD_OPTS=--max-connections=250\n" +
					"ExecStart=/usr/sbin/mariadbd --defaults-file=/etc/mysql/main.cnf $MYSQLD_OPTS\nLimitNOFILE=32768\n",
			},
			want: summary{
				Units:       []string{"mariadb.service=lib/systemd/system/mariadb.service"},
				Entries:     []string{"/etc/mysql/main.cnf"},
				Files:       []string{"etc/mysql/main.cnf"},
				Options:     []string{"[mysqld]--max_connections=200"},
				CommandLine: []string{"--max-connections=250"},
				Skipped:     []string{"etc/my.cnf"},
			},
		},
		{
			name: "a server unit outside the search path is read with its drop-ins",
			files: map[string]string{
				"deploy/db.service":              "[Service]\nExecStart=/usr/sbin/mysqld\n",
				"deploy/db.service.d/limit.conf": "[Service]\nLimitNOFILE=4096\n",
				"deploy/web.service":             "[Service]\nExecStart=/usr/bin/nginx\n",
			},
			want: summary{
				Units:   []string{"db.service=deploy/db.service"},
				Entries: []string{"/etc/my.cnf", "/etc/mysql/my.cnf"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := tree(t, tc.files)
			f, err := discover.Walk(context.Background(), root, []string{"."})
			if err != nil {
				t.Fatalf("Walk() error: %v", err)
			}
			if diff := cmp.Diff(tc.want, summarize(f)); diff != "" {
				t.Errorf("Walk() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWalkErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"include cycle", map[string]string{
			"etc/my.cnf": "[mysqld]\n!include /etc/a.cnf\n",
			"etc/a.cnf":  "[mysqld]\n!include /etc/my.cnf\n",
		}, "!include cycle: etc/my.cnf -> etc/a.cnf -> etc/my.cnf"},
		{"option file that is binary", map[string]string{"etc/my.cnf": "[mysqld]\n\x00\x01"}, "NUL byte on line 2"},
		{"symlink loop", map[string]string{"etc/my.cnf": "->/etc/my.cnf"}, "too many levels of symbolic links"},
		{"entry file error", map[string]string{"etc/my.cnf": "max_connections=1\n"}, "etc/my.cnf:1:1: option without preceding group"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := discover.Walk(context.Background(), tree(t, tc.files), []string{"."})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Walk() error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestWalkCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := discover.Walk(ctx, tree(t, map[string]string{"etc/my.cnf": "[mysqld]\n"}), []string{"."})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Walk() error = %v, want context.Canceled", err)
	}
}

// TestWalkProxySQL: a proxysql.cnf (by name, or by its settings under
// another name) goes to the ProxySQL reader, never to the option-file
// loader its .cnf suffix would suggest; its @include resolves beside it;
// paths_ignore-style filters skip what they name.
func TestWalkProxySQL(t *testing.T) {
	root := tree(t, map[string]string{
		"etc/mysql/my.cnf":    "[mysqld]\nmax_connections = 300\n",
		"etc/proxysql.cnf":    "mysql_variables = { max_connections = 100 }\n@include \"a.d/servers.cnf\"\n",
		"etc/a.d/servers.cnf": "mysql_servers = ( { address = \"db\"; hostgroup = 1; } )\n", // walked before the file that includes it
		"deploy/proxy.conf":   "# generated\nmysql_users: ( { username = \"app\" } )\n",
		"old/proxysql.cnf":    "this is not libconfig {",
	})
	f, err := discover.WalkWith(context.Background(), root, []string{"."}, discover.Options{Ignore: func(p string) bool { return p == "old" }})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range f.Proxies {
		got = append(got, c.Path)
		for _, s := range c.Servers {
			got = append(got, "  server "+s.Address.V+" at "+s.Pos.String())
		}
		for _, u := range c.Users {
			got = append(got, "  user "+u.Username.V)
		}
	}
	want := []string{"deploy/proxy.conf", "  user app", "etc/proxysql.cnf", "  server db at etc/a.d/servers.cnf:1:19"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("proxies (-want +got):\n%s", diff)
	}
	if s := summarize(f); !cmp.Equal(s.Files, []string{"etc/mysql/my.cnf"}) || !strings.Contains(strings.Join(s.Skipped, ","), "old") {
		t.Errorf("option files %v, skipped %v: want only my.cnf read as an option file and old/ skipped", s.Files, s.Skipped)
	}
}

// TestWalkProxySQLConfigMap: a proxysql.cnf kept in a ConfigMap's literal
// block is read with positions in the manifest (helm template output on
// stdin included); a quoted one is skipped with a note.
func TestWalkProxySQLConfigMap(t *testing.T) {
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: proxysql-config\ndata:\n" +
		"  proxysql.cnf: |\n    mysql_variables =\n    {\n      max_connections = 100\n    }\n" +
		"    mysql_servers = ( { address = \"db\"; hostgroup = 1; max_connections = \"50\"; } )\n" +
		"  other.cnf: \"mysql_users = ( { username = \\\"app\\\" } )\"\n"
	for _, tc := range []struct {
		name  string
		paths []string
		files map[string]string
		stdin string
		want  string
	}{
		{"file", []string{"."}, map[string]string{"k8s/proxysql.yaml": cm}, "", "k8s/proxysql.yaml"},
		{"stdin", []string{"-"}, map[string]string{}, "---\n# Source: proxysql/templates/cm.yaml\n" + cm, "-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := discover.WalkWith(context.Background(), tree(t, tc.files), tc.paths, discover.Options{Stdin: []byte(tc.stdin)})
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Proxies) != 1 {
				t.Fatalf("want one proxysql.cnf, got %d", len(f.Proxies))
			}
			c := f.Proxies[0]
			shift := 0
			if tc.stdin != "" {
				shift = 2 // the separator and the Source comment
			}
			got := []string{c.MaxConnections.Origin.Pos.String(), c.Servers[0].Pos.String(), c.Ignored[0].Pos.String()}
			want := []string{
				fmt.Sprintf("%s:%d:25", tc.want, 9+shift),
				fmt.Sprintf("%s:%d:23", tc.want, 11+shift),
				fmt.Sprintf("%s:%d:74", tc.want, 11+shift),
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("positions (-want +got):\n%s", diff)
			}
			noted := false
			for _, sk := range f.Skipped {
				noted = noted || strings.Contains(sk.Reason, "key other.cnf is not a literal block")
			}
			if !noted {
				t.Errorf("the quoted cnf is not noted: %v", f.Skipped)
			}
		})
	}
}

// TestWalkMountedOptionFiles: a Kubernetes server container reads the
// ConfigMap keys mounted where its image looks (a main file over
// /etc/my.cnf, *.cnf files in the directories it includes), with positions
// in the manifest; keys mounted elsewhere are noted, not read.
func TestWalkMountedOptionFiles(t *testing.T) {
	sts := func(mounts, volumes string) string {
		return "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  template:\n    spec:\n      containers:\n" +
			"        - name: db\n          image: mysql:8.4\n          volumeMounts:\n" + mounts + "      volumes:\n" + volumes
	}
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n" +
		"  main.cnf: |\n    [mysqld]\n    max_connections = 300\n" + // lines 6-7
		"  z-tuning.cnf: |\n    [mysqld]\n    max_connections = 400\n" + // lines 9-10
		"  a-extra.cnf: |\n    [mysqld]\n    wait_timeout = 60\n" + // lines 12-13
		"  README: |\n    docs\n" +
		"  with-include.cnf: |\n    [mysqld]\n    !includedir /etc/mysql/conf.d/\n---\n"
	for _, tc := range []struct {
		name     string
		manifest string
		options  []string
		skipped  []string
	}{
		{
			name: "a directory the image includes: *.cnf by name",
			manifest: cm + sts("            - {name: c, mountPath: /etc/mysql/conf.d}\n",
				"        - name: c\n          configMap: {name: cfg}\n"),
			options: []string{"k8s/db.yaml:13:5 wait_timeout=60", "k8s/db.yaml:18:5 !includedir", "k8s/db.yaml:7:5 max_connections=300", "k8s/db.yaml:10:5 max_connections=400"},
			skipped: []string{"k8s/db.yaml:14:11: ConfigMap cfg key README is mounted at /etc/mysql/conf.d/README, and !includedir reads only *.cnf files",
				"k8s/db.yaml:18:5: an include in a mounted option file names a path in the container, not in the inputs: not followed"},
		},
		{
			name: "a main file over the image's, without an includedir: conf.d is not read",
			manifest: cm + sts("            - {name: c, mountPath: /etc/my.cnf, subPath: main.cnf}\n            - {name: d, mountPath: /etc/mysql/conf.d}\n",
				"        - name: c\n          configMap: {name: cfg}\n        - name: d\n          configMap: {name: cfg, items: [{key: z-tuning.cnf, path: tuning.cnf}]}\n"),
			options: []string{"k8s/db.yaml:7:5 max_connections=300"},
			skipped: []string{"k8s/db.yaml:8:17: mounted at /etc/mysql/conf.d/tuning.cnf, but the option file mounted over the image's does not include /etc/mysql/conf.d"},
		},
		{
			name: "a main file that includes conf.d",
			manifest: cm + sts("            - {name: c, mountPath: /etc/my.cnf, subPath: with-include.cnf}\n            - {name: d, mountPath: /etc/mysql/conf.d}\n",
				"        - name: c\n          configMap: {name: cfg}\n        - name: d\n          configMap: {name: cfg, items: [{key: z-tuning.cnf, path: tuning.cnf}]}\n"),
			options: []string{"k8s/db.yaml:18:5 !includedir", "k8s/db.yaml:10:5 max_connections=400"},
			skipped: []string{"k8s/db.yaml:18:5: an include in a mounted option file names a path in the container, not in the inputs: not followed"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := discover.Walk(context.Background(), tree(t, map[string]string{"k8s/db.yaml": tc.manifest}), []string{"."})
			if err != nil {
				t.Fatal(err)
			}
			var opts, skipped []string
			for _, o := range f.Options.Options {
				opts = append(opts, fmt.Sprintf("%s %s=%s", o.Pos, o.Name, o.Value))
			}
			for _, file := range f.Options.Files {
				for _, ln := range file.Lines {
					if ln.Kind == mycnf.IncludeDirLine {
						opts = append(opts, fmt.Sprintf("%s !includedir", ln.Pos))
					}
				}
			}
			for _, s := range f.Skipped {
				skipped = append(skipped, s.Path+": "+s.Reason)
			}
			slices.Sort(opts)
			want := slices.Sorted(slices.Values(tc.options))
			if diff := cmp.Diff(want, opts); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.skipped, skipped); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWalkOperatorClusters: a database an operator runs is the server; the
// option-file text in its resource is read with positions in the manifest,
// and the Percona operator's auto-tuning comes first, from the pods' memory
// limit (else request), as pkg/pxc/app/config/autotune.go computes it.
func TestWalkOperatorClusters(t *testing.T) {
	for _, tc := range []struct {
		name, manifest string
		image          string
		options        []string
	}{
		{
			name: "PerconaXtraDBCluster",
			manifest: "apiVersion: pxc.percona.com/v1\nkind: PerconaXtraDBCluster\nmetadata: {name: c1}\nspec:\n  pxc:\n    size: 3\n" +
				"    image: percona/percona-xtradb-cluster:8.0.36-28.1\n    resources:\n      requests: {memory: 1G}\n      limits: {memory: 2Gi}\n" +
				"    configuration: |\n      [mysqld]\n      wait_timeout = 600\n",
			image: "percona/percona-xtradb-cluster:8.0.36-28.1",
			options: []string{"k8s/db.yaml:10:24 innodb_buffer_pool_size=1082130432", "k8s/db.yaml:10:24 innodb_buffer_pool_chunk_size=135266304",
				"k8s/db.yaml:10:24 max_connections=170", "k8s/db.yaml:13:7 wait_timeout=600"},
		},
		{
			name: "PerconaXtraDBCluster sized by its request, configuration winning",
			manifest: "apiVersion: pxc.percona.com/v1\nkind: PerconaXtraDBCluster\nmetadata: {name: c1}\nspec:\n  pxc:\n" +
				"    resources: {requests: {memory: 600M}}\n    configuration: |\n      [mysqld]\n      max_connections = 100\n",
			options: []string{"k8s/db.yaml:6:36 innodb_buffer_pool_size=402653184", "k8s/db.yaml:6:36 max_connections=47", "k8s/db.yaml:9:7 max_connections=100"},
		},
		{
			name:     "InnoDBCluster",
			manifest: "apiVersion: mysql.oracle.com/v2\nkind: InnoDBCluster\nmetadata: {name: c2}\nspec:\n  instances: 3\n  version: 8.4.0\n  mycnf: |\n    [mysqld]\n    max_connections = 800\n",
			image:    "mysql:8.4.0",
			options:  []string{"k8s/db.yaml:9:5 max_connections=800"},
		},
		{
			name:     "MariaDB without an image",
			manifest: "apiVersion: k8s.mariadb.com/v1alpha1\nkind: MariaDB\nmetadata: {name: m}\nspec:\n  myCnf: |\n    [mariadb]\n    max_connections = 1000\n",
			image:    "mariadb",
			options:  []string{"k8s/db.yaml:7:5 max_connections=1000"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := discover.Walk(context.Background(), tree(t, map[string]string{"k8s/db.yaml": tc.manifest}), []string{"."})
			if err != nil {
				t.Fatal(err)
			}
			if len(f.ServerContainers) != 1 || f.ServerContainers[0].Cluster == nil || f.ServerContainers[0].Image.V != tc.image {
				t.Fatalf("want one operator server with image %q, got %+v", tc.image, f.ServerContainers)
			}
			var opts []string
			for _, o := range f.Options.Options {
				opts = append(opts, fmt.Sprintf("%s %s=%s", o.Pos, o.Name, o.Value))
			}
			if diff := cmp.Diff(tc.options, opts); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWalkBitnami: a Bitnami image reads its my.cnf under /opt/bitnami and
// takes MYSQL_EXTRA_FLAGS onto its command line (the chart's extraFlags).
func TestWalkBitnami(t *testing.T) {
	manifest := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mysql}\ndata:\n  my.cnf: |\n    [mysqld]\n    max_connections = 300\n---\n" +
		"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: mysql}\nspec:\n  template:\n    spec:\n      containers:\n" +
		"        - name: mysql\n          image: docker.io/bitnami/mysql:8.4.3\n" +
		"          env: [{name: MYSQL_EXTRA_FLAGS, value: \"--max_connections=155 --wait_timeout=120\"}]\n" +
		"          volumeMounts: [{name: config, mountPath: /opt/bitnami/mysql/conf/my.cnf, subPath: my.cnf}]\n" +
		"      volumes: [{name: config, configMap: {name: mysql}}]\n"
	f, err := discover.Walk(context.Background(), tree(t, map[string]string{"k8s/mysql.yaml": manifest}), []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range f.Options.Options {
		got = append(got, fmt.Sprintf("%s %s=%s", o.Pos, o.Name, o.Value))
	}
	for _, o := range f.CommandLine {
		got = append(got, fmt.Sprintf("cmdline %s %s=%s", o.Pos, o.Name, o.Value))
	}
	want := []string{"k8s/mysql.yaml:7:5 max_connections=300",
		"cmdline k8s/mysql.yaml:18:50 max_connections=155", "cmdline k8s/mysql.yaml:18:50 wait_timeout=120"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
}
