package rules

import (
	"fmt"
	"maps"
	"slices"

	"github.com/conncap/conncap/lint"
	"github.com/conncap/conncap/planner/system"
)

func sortedSettings(s *system.Server) []string {
	return slices.Sorted(maps.Keys(s.Settings))
}

// WaitTimeoutLong reports a wait_timeout that keeps idle and leaked
// connections alive too long.
var WaitTimeoutLong = &lint.Rule{
	ID:       "wait-timeout-long",
	Severity: lint.Warning,
	Summary:  "wait_timeout keeps idle and leaked connections for too long",
	Doc: lint.Doc{
		Why: "An idle connection holds a max_connections slot until wait_timeout expires. With the 28800 s (8 h) default, " +
			"connections leaked by a crashed worker or a pool that never closes them pile up all day, until new clients " +
			"get ERROR 1040. Incident guides advise a few minutes (120-300 s) for application servers, with pools " +
			"retiring connections before that.",
		Fix: "Set wait_timeout to the threshold (300 s by default) or less in [mysqld], and make sure every pool's max " +
			"lifetime and idle timeout are a few seconds shorter.",
		Config:  []string{"thresholds.wait_timeout"},
		Example: lint.Example{Files: map[string]string{"etc/mysql/my.cnf": "[mysqld]\nwait_timeout = 28800\n"}},
	},
	Run: waitTimeoutLong,
}

func waitTimeoutLong(p *lint.Pass) {
	s := p.Analysis.Server
	wt, limit := s.Effective.WaitTimeout, p.Config.Thresholds.WaitTimeout
	if wt.V <= limit {
		return
	}
	what := fmt.Sprintf("wait_timeout is %d s", wt.V)
	d := lint.Diagnostic{Pos: wt.Origin.Pos}
	if st, ok := s.Settings["wait_timeout"]; ok {
		d.End = valueEnd(st.Last())
	} else {
		what = fmt.Sprintf("wait_timeout is not set, so it is the default %d s", wt.V)
	}
	d.Message = fmt.Sprintf("%s, above the %d s threshold: a leaked connection holds a slot for %s", what, limit, duration(wt.V))
	d.Fix = &lint.Fix{Message: fmt.Sprintf("set wait_timeout = %d in [mysqld]", limit)}
	p.Report(d)
}

// duration writes seconds as the largest whole unit that fits.
func duration(sec int64) string {
	switch {
	case sec >= 3600 && sec%3600 == 0:
		return fmt.Sprintf("%d h", sec/3600)
	case sec >= 60 && sec%60 == 0:
		return fmt.Sprintf("%d min", sec/60)
	default:
		return fmt.Sprintf("%d s", sec)
	}
}
