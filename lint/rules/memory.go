package rules

import (
	"fmt"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/lint"
)

// MemoryOverBudget reports a server whose worst-case memory, by
// MySQLTuner's formula, passes the memory it may use.
var MemoryOverBudget = &lint.Rule{
	ID:       "memory-over-budget",
	Severity: lint.Warning,
	Summary:  "the server's worst-case memory passes its memory budget",
	Doc: lint.Doc{
		Why: "Besides its global buffers (the InnoDB buffer pool above all), every connection may allocate its own " +
			"sort, join, read and temporary-table buffers. MySQLTuner's \"maximum possible memory usage\" adds " +
			"them up for max_connections connections. It is a worst case, but it is the one a connection storm " +
			"during a failover or a slow-query pile-up approaches; past a container's memory limit or a unit's " +
			"MemoryMax, the kernel kills the server (OOMKilled) and every client reconnects at once.",
		Fix: "Lower max_connections to what fits (conncap prints the number), shrink the per-thread buffers " +
			"(sort_buffer_size, join_buffer_size, read_rnd_buffer_size, tmp_table_size) or innodb_buffer_pool_size, " +
			"or give the server more memory. The budget comes from --memory, the unit's MemoryMax, the server " +
			"container's memory limit, or memory: in .conncap.yaml.",
		Config: []string{"memory"},
		Example: lint.Example{Files: map[string]string{
			"etc/mysql/my.cnf":                 "[mysqld]\nmax_connections = 1000\nwait_timeout = 300\ninnodb_buffer_pool_size = 1G\nsort_buffer_size = 4M\n",
			"lib/systemd/system/mysql.service": "[Service]\nExecStart=/usr/sbin/mysqld\nLimitNOFILE=65535\nMemoryMax=2G\n",
		}, Args: []string{"--server=mysql-8.4"}},
	},
	Run: memoryOverBudget,
}

func memoryOverBudget(p *lint.Pass) {
	m := p.Analysis.Memory
	if m.Budget.V <= 0 || m.Estimate.Peak <= m.Budget.V {
		return
	}
	mc := p.Analysis.Server.Effective.MaxConnections
	fix := fmt.Sprintf("lower max_connections to %d (what fits), shrink the per-thread buffers or the buffer pool, or raise the budget", m.Fits)
	if m.Fits <= 0 {
		fix = "the global buffers alone pass the budget: shrink innodb_buffer_pool_size (and the other global buffers), or raise the budget"
	}
	d := lint.Diagnostic{
		Pos: mc.Origin.Pos,
		Message: fmt.Sprintf("worst-case memory is %s (global buffers %s + %d connections × %s per thread, MySQLTuner's formula), more than the %s the server may use (%s)",
			gib(m.Estimate.Peak), gib(m.Estimate.ServerBuffers), mc.V, mib(m.Estimate.PerThread), gib(m.Budget.V), noteAt(m.Budget.Origin)),
		Related: related(m.Budget.Origin, "the memory budget, %s", gib(m.Budget.V)),
		Fix:     &lint.Fix{Message: fix},
	}
	if st, ok := p.Analysis.Server.Settings["max_connections"]; ok {
		d.End = valueEnd(st.Last())
	}
	if !d.Pos.IsValid() {
		d.Pos = p.Analysis.Server.Entry
	}
	p.Report(d)
}

// noteAt says an origin as "MemoryMax at unit:4:11" when it has both.
func noteAt(o source.Origin) string {
	if o.Pos.IsValid() && o.Note != "" {
		return o.Note + " at " + o.Pos.String()
	}
	return where(o)
}

func gib(n int64) string { return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30)) }
func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
