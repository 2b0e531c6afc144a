package kube

import (
	"fmt"

	"github.com/conncap/conncap/inputs/source"
)

// Cluster is a database server an operator runs from a custom resource
// that carries the server's option-file text (reference
// clients-and-platforms.md §B.6): the Oracle MySQL Operator's
// InnoDBCluster, the Percona Operator's PerconaXtraDBCluster, the MariaDB
// Operator's MariaDB.
type Cluster struct {
	Kind, Name, Namespace string
	Pos                   source.Pos
	Operator              string // "mysql-operator", "percona-xtradb-cluster-operator", "mariadb-operator"
	// MyCnf is the option-file text the operator adds to the server's
	// configuration, with the position of its value; V "" when none.
	MyCnf source.Value[string]
	// Image is the server image, or for InnoDBCluster "mysql:" + its
	// spec.version; V "" when the resource leaves it to the operator.
	Image source.Value[string]
	// Instances is the server pods (each a server with this
	// configuration); Routers an InnoDBCluster's MySQL Router pods.
	Instances, Routers source.Value[int]
	// MemoryLimit and MemoryRequest are the server pods' memory, as
	// written ("" when absent).
	MemoryLimit, MemoryRequest source.Value[string]
	// HAProxy is a PerconaXtraDBCluster's HAProxy tier, when enabled.
	HAProxy *ClusterProxy
}

// ClusterProxy is a proxy tier an operator runs in front of its cluster.
type ClusterProxy struct {
	Pos       source.Pos // the resource's section (spec.haproxy)
	Instances source.Value[int]
	// Configuration is the proxy's own configuration text, as written
	// ("" when the operator's shipped configuration is used).
	Configuration source.Value[string]
}

// cluster reads the custom resources of the operators conncap knows; nil
// for any other kind.
func (d *doc) cluster(o *Object, group string, spec val) *Cluster {
	c := &Cluster{Kind: o.Kind, Name: o.Name, Namespace: o.Namespace, Pos: o.Pos}
	one := func(what string) source.Value[int] {
		return source.Value[int]{V: 1, Origin: source.Named(fmt.Sprintf("%s default: 1", what))}
	}
	switch group {
	case "mysql.oracle.com/v2/InnoDBCluster":
		c.Operator = "mysql-operator"
		c.MyCnf, _ = spec.get("mycnf").str()
		if v, ok := spec.get("version").str(); ok {
			c.Image = source.Value[string]{V: "mysql:" + v.V, Origin: v.Origin}
		}
		c.Instances = one("spec.instances")
		if n, ok := spec.get("instances").count(); ok {
			c.Instances = n
		}
		c.Routers = one("spec.router.instances")
		if n, ok := spec.get("router").get("instances").count(); ok {
			c.Routers = n
		}
		res := spec.get("podSpec").get("containers")
		for _, ct := range res.items() {
			if name, _ := ct.get("name").str(); name.V == "mysql" {
				c.MemoryLimit = ct.get("resources").get("limits").get("memory").quantity()
				c.MemoryRequest = ct.get("resources").get("requests").get("memory").quantity()
			}
		}
	case "pxc.percona.com/v1/PerconaXtraDBCluster":
		c.Operator = "percona-xtradb-cluster-operator"
		pxc := spec.get("pxc")
		c.MyCnf, _ = pxc.get("configuration").str()
		c.Image, _ = pxc.get("image").str()
		c.Instances = one("spec.pxc.size")
		if n, ok := pxc.get("size").count(); ok {
			c.Instances = n
		}
		c.MemoryLimit = pxc.get("resources").get("limits").get("memory").quantity()
		c.MemoryRequest = pxc.get("resources").get("requests").get("memory").quantity()
		if hp := spec.get("haproxy"); hp.object() && hp.get("enabled").boolean() {
			c.HAProxy = &ClusterProxy{Pos: hp.keyPos(), Instances: one("spec.haproxy.size")}
			if n, ok := hp.get("size").count(); ok {
				c.HAProxy.Instances = n
			}
			c.HAProxy.Configuration, _ = hp.get("configuration").str()
		}
	case "k8s.mariadb.com/v1alpha1/MariaDB", "mariadb.mmontes.io/v1alpha1/MariaDB":
		c.Operator = "mariadb-operator"
		c.MyCnf, _ = spec.get("myCnf").str()
		c.Image, _ = spec.get("image").str()
		c.Instances = one("spec.replicas")
		if n, ok := spec.get("replicas").count(); ok {
			c.Instances = n
		}
		c.MemoryLimit = spec.get("resources").get("limits").get("memory").quantity()
		c.MemoryRequest = spec.get("resources").get("requests").get("memory").quantity()
	default:
		return nil
	}
	return c
}
