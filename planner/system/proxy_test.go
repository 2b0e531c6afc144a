package system_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/discover"
	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
	"github.com/conncap/conncap/planner/system"
)

const (
	mysqlSTS = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: mysql}\nspec:\n  replicas: 2\n  template:\n    spec:\n" +
		"      containers: [{name: mysql, image: \"mysql:8.4\"}]\n"
	proxyDeploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: proxysql}\nspec:\n  replicas: 3\n  template:\n    spec:\n" +
		"      containers: [{name: proxysql, image: \"proxysql/proxysql:2.7.1\"}]\n"
)

func app(name, host string, extra string) string {
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + "}\nspec:\n  replicas: 4\n  template:\n    spec:\n      containers:\n" +
		"        - name: " + name + "\n          image: app:1\n          env: [{name: DATABASE_URL, value: \"mysql://app@" + host + ":6033/db?connectionLimit=5\"}]\n" + extra
}

// proxyView is a Proxy in short form.
type proxyView struct {
	Name, Instances string
	Sidecar         bool
	Services        []string
	Backends        []string
	BackendCap      int
	Notes           []string
}

func proxies(t *testing.T, files map[string]string) []proxyView {
	t.Helper()
	f, err := discover.Walk(context.Background(), sysroottest.Root(t, files), []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	services := system.Services(f, system.Options{})
	var out []proxyView
	for _, p := range system.Proxies(f, services) {
		v := proxyView{Name: p.Name, Instances: fmt.Sprintf("%d (%s)", p.Instances.V, p.Instances.Origin), Sidecar: p.Sidecar, BackendCap: p.BackendCap(), Notes: p.Notes}
		for _, s := range p.Services {
			v.Services = append(v.Services, s.Name)
			if s.Via != p {
				t.Errorf("%s is listed behind %s but its Via is %v", s.Name, p.Name, s.Via)
			}
		}
		for _, b := range p.Backends {
			v.Backends = append(v.Backends, fmt.Sprintf("hg%d %s:%d max %d", b.Hostgroup.V, b.Address.V, b.Port.V, b.MaxConnections.V))
		}
		out = append(out, v)
	}
	return out
}

func TestProxies(t *testing.T) {
	const runtimeNote = "k8s/proxysql.cnf takes effect only when ProxySQL starts without proxysql.db (first start, --initial or --reload); check the runtime tables too"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []proxyView
	}{
		{
			name: "a Deployment reads the cnf beside it; the api names its Service, the cron goes direct",
			files: map[string]string{
				"k8s/mysql.yaml": mysqlSTS, "k8s/proxysql.yaml": proxyDeploy,
				"k8s/api.yaml":  app("api", "proxysql.shop.svc.cluster.local", ""),
				"k8s/cron.yaml": app("cron", "mysql-0.mysql", ""),
				"k8s/proxysql.cnf": "mysql_servers = (\n" +
					"  { address = \"mysql-0.mysql\"; hostgroup = 10; max_connections = 100; },\n" +
					"  { address = \"mysql-1.mysql\"; hostgroup = 20; max_connections = 100; },\n" +
					"  { address = \"mysql-0.mysql.shop.svc\"; hostgroup = 30; max_connections = 50; status = \"OFFLINE_HARD\"; },\n" +
					"  { address = \"other-db\"; hostgroup = 10; max_connections = 999; }\n)\n" +
					"mysql_users = ( { username = \"app\"; default_hostgroup = 10; } )\n",
			},
			want: []proxyView{{Name: "proxysql", Instances: "3 (k8s/proxysql.yaml:5:13)", Services: []string{"api"},
				Backends: []string{"hg10 mysql-0.mysql:3306 max 100"}, BackendCap: 100, Notes: []string{runtimeNote}}},
		},
		{
			name: "a Service that selects the ProxySQL pods is a name for it; one in another namespace is not",
			files: map[string]string{
				"k8s/mysql.yaml": mysqlSTS,
				"k8s/proxysql.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: proxysql, namespace: shop}\nspec:\n  replicas: 2\n  template:\n" +
					"    metadata: {labels: {app: proxysql, tier: db}}\n    spec:\n      containers: [{name: proxysql, image: \"proxysql/proxysql:2.7.1\"}]\n---\n" +
					"apiVersion: v1\nkind: Service\nmetadata: {name: db-frontend, namespace: shop}\nspec:\n  selector: {app: proxysql}\n---\n" +
					"apiVersion: v1\nkind: Service\nmetadata: {name: elsewhere, namespace: other}\nspec:\n  selector: {app: proxysql}\n",
				"k8s/api.yaml":     app("api", "db-frontend.shop.svc.cluster.local", ""),
				"k8s/worker.yaml":  app("worker", "elsewhere.other.svc", ""),
				"k8s/proxysql.cnf": "mysql_servers = ( { address = \"mysql-0.mysql\"; hostgroup = 0; max_connections = 50; } )\n",
			},
			want: []proxyView{{Name: "proxysql", Instances: "2 (k8s/proxysql.yaml:5:13)", Services: []string{"api"},
				Backends: []string{"hg0 mysql-0.mysql:3306 max 50"}, BackendCap: 50, Notes: []string{runtimeNote}}},
		},
		{
			name: "a query rule sends the api's reads to hostgroup 20: its row to the same server counts too",
			files: map[string]string{
				"k8s/mysql.yaml": mysqlSTS, "k8s/proxysql.yaml": proxyDeploy, "k8s/api.yaml": app("api", "proxysql", ""),
				"k8s/proxysql.cnf": "mysql_servers = (\n" +
					"  { address = \"mysql-0.mysql\"; hostgroup = 10; max_connections = 100; },\n" +
					"  { address = \"mysql-0.mysql\"; hostgroup = 20; max_connections = 40; },\n" +
					"  { address = \"mysql-0.mysql\"; hostgroup = 30; max_connections = 7; }\n)\n" +
					"mysql_users = ( { username = \"app\"; default_hostgroup = 10; } )\n" +
					"mysql_query_rules = ( { rule_id = 1; match_digest = \"^SELECT\"; destination_hostgroup = 20; apply = 1; } )\n",
			},
			want: []proxyView{{Name: "proxysql", Instances: "3 (k8s/proxysql.yaml:5:13)", Services: []string{"api"},
				Backends: []string{"hg10 mysql-0.mysql:3306 max 100", "hg20 mysql-0.mysql:3306 max 40"}, BackendCap: 140, Notes: []string{runtimeNote}}},
		},
		{
			name: "no users in the file: every hostgroup counts, and the busiest backend is the one checked",
			files: map[string]string{
				"k8s/mysql.yaml": mysqlSTS, "k8s/proxysql.yaml": proxyDeploy, "k8s/api.yaml": app("api", "proxysql", ""),
				"k8s/proxysql.cnf": "mysql_servers = (\n" +
					"  { address = \"mysql-0.mysql\"; hostgroup = 10; max_connections = 100; },\n" +
					"  { address = \"mysql-1.mysql\"; hostgroup = 20; },\n" +
					"  { address = \"mysql-1.mysql\"; hostgroup = 30; max_connections = 5; status = \"OFFLINE_HARD\"; }\n)\n",
			},
			want: []proxyView{{Name: "proxysql", Instances: "3 (k8s/proxysql.yaml:5:13)", Services: []string{"api"},
				Backends: []string{"hg20 mysql-1.mysql:3306 max 1000", "hg30 mysql-1.mysql:3306 max 5"}, BackendCap: 1000,
				Notes: []string{"k8s/proxysql.cnf names 2 backends of this server; the busiest, mysql-1.mysql:3306 (cap 1000 per ProxySQL), is the one checked", runtimeNote}}},
		},
		{
			name: "a sidecar runs one ProxySQL per pod of its own workload",
			files: map[string]string{
				"k8s/mysql.yaml":   mysqlSTS,
				"k8s/api.yaml":     app("api", "127.0.0.1", "        - {name: proxysql, image: \"percona/proxysql2:2.5\"}\n"),
				"k8s/proxysql.cnf": "mysql_servers = ( { address = \"mysql-0.mysql\"; hostgroup = 0; max_connections = 8; } )\n",
			},
			want: []proxyView{{Name: "api", Instances: "4 (k8s/api.yaml:5:13)", Sidecar: true, Services: []string{"api"},
				Backends: []string{"hg0 mysql-0.mysql:3306 max 8"}, BackendCap: 8, Notes: []string{runtimeNote}}},
		},
		{
			name: "a proxy image without its cnf: defaults, no backend cap",
			files: map[string]string{
				"k8s/mysql.yaml": mysqlSTS, "k8s/proxysql.yaml": proxyDeploy, "k8s/api.yaml": app("api", "proxysql", ""),
			},
			want: []proxyView{{Name: "proxysql", Instances: "3 (k8s/proxysql.yaml:5:13)", Services: []string{"api"}, BackendCap: 2147483647,
				Notes: []string{"no proxysql.cnf for proxysql in the inputs: its limits are ProxySQL's defaults and its backend connections are not capped"}}},
		},
		{
			name: "a cnf no manifest runs is one ProxySQL on a host; rows to another server send this one nothing",
			files: map[string]string{
				"k8s/mysql.yaml": mysqlSTS, "k8s/api.yaml": app("api", "proxysql-01.internal", ""),
				"etc/proxysql.cnf": "mysql_servers = ( { address = \"reporting-db\"; hostgroup = 1; } )\n",
			},
			want: []proxyView{{Name: "proxysql", Instances: "1 (no manifest runs this ProxySQL: one instance assumed)", Services: []string{"api"}, BackendCap: 0,
				Notes: []string{"no mysql_servers row of etc/proxysql.cnf reaches this server: its services send it nothing",
					"etc/proxysql.cnf takes effect only when ProxySQL starts without proxysql.db (first start, --initial or --reload); check the runtime tables too"}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, proxies(t, tc.files)); diff != "" {
				t.Errorf("Proxies() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
