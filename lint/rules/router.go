package rules

import (
	"fmt"
	"math"

	"github.com/conncap/conncap/lint"
)

// RouterConnectionsOverLimit reports more clients per MySQL Router pod of
// an InnoDBCluster than Router accepts.
var RouterConnectionsOverLimit = &lint.Rule{
	ID:       "router-connections-over-limit",
	Severity: lint.Error,
	Summary:  "more clients connect to a MySQL Router pod than it accepts",
	Doc: lint.Doc{
		Why: "Applications reach an InnoDBCluster through its MySQL Router pods (the Service named after the cluster). " +
			"Router does not multiplex: every client connection is a server connection of its own. Since 8.0.27 one " +
			"Router process accepts at most max_total_connections clients across its routes, 512 by default; past it, " +
			"new connections are refused at the Router, whatever max_connections the servers allow. A tier that " +
			"scales out, or rolls, behind too few Routers hits the cap at once.",
		Fix: "Raise spec.router.instances so that the clients per Router stay under its cap (conncap prints the " +
			"number), shrink the pools, or raise max_total_connections in the Router's configuration.",
		Example: lint.Example{Files: map[string]string{
			"k8s/cluster.yaml": "apiVersion: mysql.oracle.com/v2\nkind: InnoDBCluster\nmetadata: {name: shopdb}\nspec:\n  instances: 3\n" +
				"  version: 8.4.0\n  router: {instances: 1}\n  mycnf: |\n    [mysqld]\n    max_connections = 2000\n    wait_timeout = 300\n",
			"k8s/api.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 30\n  template:\n    spec:\n" +
				"      containers:\n        - name: api\n          image: api:1\n          env:\n" +
				"            - {name: DATABASE_URL, value: \"mysql://app@shopdb:6446/shop?connectionLimit=20\"}\n",
		}, Args: []string{"--nofile=1048576"}},
	},
	Run: routerConnectionsOver,
}

func routerConnectionsOver(p *lint.Pass) {
	for i, px := range p.Analysis.Proxies {
		if px.Kind != "mysql-router" {
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
			pos = px.Pos // spec.router.instances left at its default
		}
		p.Report(lint.Diagnostic{
			Pos: pos,
			Message: fmt.Sprintf("in the %s scenario %d clients reach each of %d MySQL Router pods of %s, which accept %d (%s): the rest are refused at the Router",
				worst.Scenario, pl.FrontendPerInstance, pl.Instances, px.Name, pl.FrontendCap, where(px.FrontendCapOrigin())),
			Fix: &lint.Fix{Message: fmt.Sprintf("set spec.router.instances to %d (clients under %.0f %% of each Router's cap), or shrink the pools", need, 100*p.Config.Thresholds.Headroom)},
		})
	}
}
