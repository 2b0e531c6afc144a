package rules

import (
	"fmt"
	"math"

	"github.com/conncap/conncap/lint"
)

// ProxyClientsOverLimit reports more clients per pod of a pass-through
// proxy an operator runs (an InnoDBCluster's MySQL Router, a
// PerconaXtraDBCluster's HAProxy) than it accepts.
var ProxyClientsOverLimit = &lint.Rule{
	ID:       "proxy-clients-over-limit",
	Severity: lint.Error,
	Summary:  "more clients connect to a MySQL Router or HAProxy pod than it accepts",
	Doc: lint.Doc{
		Why: "Applications reach an InnoDBCluster through its MySQL Router pods (the Service named after the cluster), " +
			"and a PerconaXtraDBCluster through its HAProxy pods (<cluster>-haproxy). Neither multiplexes: every client " +
			"connection is a server connection of its own. Each pod accepts a fixed number of clients — Router's " +
			"max_total_connections, 512 by default since 8.0.27; HAProxy's global maxconn, 2048 in the configuration " +
			"the Percona operator ships — and refuses the rest, whatever max_connections the servers allow. A tier " +
			"that scales out, or rolls, behind too few proxy pods hits the cap at once.",
		Fix: "Run more proxy pods (spec.router.instances, spec.haproxy.size) so that the clients per pod stay under " +
			"the cap (conncap prints the number), shrink the pools, or raise the cap in the proxy's configuration.",
		Example: lint.Example{Files: map[string]string{
			"k8s/cluster.yaml": "apiVersion: mysql.oracle.com/v2\nkind: InnoDBCluster\nmetadata: {name: shopdb}\nspec:\n  instances: 3\n" +
				"  version: 8.4.0\n  router: {instances: 1}\n  mycnf: |\n    [mysqld]\n    max_connections = 2000\n    wait_timeout = 300\n",
			"k8s/api.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 30\n  template:\n    spec:\n" +
				"      containers:\n        - name: api\n          image: api:1\n          env:\n" +
				"            - {name: DATABASE_URL, value: \"mysql://app@shopdb:6446/shop?connectionLimit=20\"}\n",
		}, Args: []string{"--nofile=1048576"}},
	},
	Run: proxyClientsOver,
}

func proxyClientsOver(p *lint.Pass) {
	for i, px := range p.Analysis.Proxies {
		if !px.PassThrough() {
			continue
		}
		worst := busiestScenario(p, i)
		pl := worst.Proxies[i]
		if pl.FrontendPerInstance <= pl.FrontendCap {
			continue
		}
		need := int(math.Ceil(float64(pl.Frontend) / (float64(pl.FrontendCap) * p.Config.Thresholds.Headroom)))
		pos := px.Instances.Origin.Pos
		if !pos.IsValid() {
			pos = px.Pos // the instance count left at its default
		}
		what, field := "MySQL Router", "spec.router.instances"
		if px.Kind == "haproxy" {
			what, field = "HAProxy", "spec.haproxy.size"
		}
		capFrom := px.FrontendCapOrigin().Note
		if at := px.FrontendCapOrigin().Pos; at.IsValid() {
			capFrom = px.FrontendCapName() + " at " + at.String()
		}
		p.Report(lint.Diagnostic{
			Pos: pos,
			Message: fmt.Sprintf("in the %s scenario %d clients reach each of %d %s pods of %s, which accept %d (%s): the rest are refused at the proxy",
				worst.Scenario, pl.FrontendPerInstance, pl.Instances, what, px.Name, pl.FrontendCap, capFrom),
			Related: related(px.FrontendCapOrigin(), "%s %d", px.FrontendCapName(), pl.FrontendCap),
			Fix:     &lint.Fix{Message: fmt.Sprintf("set %s to %d (clients under %.0f %% of each pod's cap), or shrink the pools", field, need, 100*p.Config.Thresholds.Headroom)},
		})
	}
}
