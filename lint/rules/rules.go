// Package rules holds conncap's rules, one per file. All returns them in a
// fixed order; a test checks every ID is unique kebab-case and every Doc is
// complete, and lints each Doc.Example expecting exactly one finding.
package rules

import (
	"fmt"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/lint"
	"github.com/conncap/conncap/planner/system"
)

// All returns every rule, in catalogue order.
func All() []*lint.Rule {
	return []*lint.Rule{
		MaxConnectionsLowered,
		TableOpenCacheLowered,
		FdOvercommit,
		OpenFilesLimitUnreachable,
		UnknownOption,
		AbbreviatedOption,
		ValueAdjusted,
		WaitTimeoutLong,
		DuplicateOption,
		OptionFileIgnored,
		DemandExceedsMaxConnections,
		DemandNearLimit,
		PoolUnbounded,
		PoolOutlivesWaitTimeout,
		MinIdleHeld,
		PoolSizeUnknown,
		UserConnectionsExceeded,
		SharedAccountExceeded,
		UserConnectionsNearLimit,
		UserLimitAboveMaxConnections,
		AccountUndefined,
		MemoryOverBudget,
		ProxyBackendOverMaxConnections,
		ProxyFrontendOverLimit,
		ProxyUserMissing,
		ProxyIgnoredSetting,
		ProxyClientsOverLimit,
		lint.BadDirective,
		lint.UnusedDirective,
	}
}

// ByID returns the rule with the given ID.
func ByID(id string) (*lint.Rule, bool) {
	for _, r := range All() {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}

// valueEnd returns the rune column just after an option's value token.
func valueEnd(o *system.Option) int {
	if !o.HasValue || o.ValuePos.Col == 0 || o.CommandLine {
		return 0
	}
	return o.ValuePos.Col + len([]rune(o.RawValue))
}

// nameEnd returns the rune column just after an option's name.
func nameEnd(o *system.Option) int {
	if o.Pos.Col == 0 {
		return 0
	}
	return o.Pos.Col + len([]rune(o.Name))
}

// where says in words where a value came from, for messages.
func where(o source.Origin) string {
	if o.Pos.IsValid() && o.Note == "" {
		return o.Pos.String()
	}
	return o.Note
}

// related returns a Related entry for an origin with a file position.
func related(o source.Origin, format string, args ...any) []lint.Related {
	if !o.Pos.IsValid() {
		return nil
	}
	return []lint.Related{{Pos: o.Pos, Message: fmt.Sprintf(format, args...)}}
}
