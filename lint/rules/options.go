package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/conncap/conncap/lint"
	"github.com/conncap/conncap/planner/catalog"
	"github.com/conncap/conncap/planner/system"
)

// groupOf names where an option was set, for messages.
func groupOf(o *system.Option) string {
	if o.CommandLine {
		return "the command line"
	}
	return "[" + o.InGroup + "]"
}

// UnknownOption reports an option the server does not know, which makes it
// refuse to start.
var UnknownOption = &lint.Rule{
	ID:       "unknown-option",
	Severity: lint.Error,
	Summary:  "unknown or ambiguous option in a server group: the server refuses to start",
	Doc: lint.Doc{
		Why: "mysqld and mariadbd abort at startup on an option they do not know (\"unknown variable\"), on an abbreviation " +
			"that matches several options (MariaDB), and on MySQL on a name in the wrong case. A typo in a conf.d " +
			"fragment is an outage at the next restart, often weeks after the change. Options prefixed with loose- only warn.",
		Fix: "Correct the name (conncap suggests the closest one), move the option to a group only the intended program " +
			"reads, or prefix it with loose- when it belongs to a plugin that may be absent.",
		Example: lint.Example{
			Files: map[string]string{"etc/mysql/my.cnf": "[mysqld]\nmax_conections = 500\n"},
		},
	},
	Run: unknownOption,
}

func unknownOption(p *lint.Pass) {
	s := p.Analysis.Server
	srv := s.Version.V
	for _, o := range s.Options {
		r := o.Res
		var msg, fix string
		switch {
		case len(r.Ambiguous) > 0:
			msg = fmt.Sprintf("ambiguous option %q in %s (%s): %s refuses to start", o.Name, groupOf(o), strings.Join(r.Ambiguous, ", "), daemon(s))
			fix = "write the full option name"
		case r.Known || r.Loose:
			continue
		case r.CaseMismatch:
			msg = fmt.Sprintf("unknown option %q in %s: %s option names are case-sensitive, so %s refuses to start", o.Name, groupOf(o), srv, daemon(s))
			fix = fmt.Sprintf("write %q", strings.ToLower(o.Name))
		default:
			msg = fmt.Sprintf("unknown option %q in %s: %s refuses to start", o.Name, groupOf(o), daemon(s))
			if sug := srv.Suggest(o.Name); sug != "" {
				msg += fmt.Sprintf("; did you mean %q", sug)
				fix = fmt.Sprintf("rename it to %s", sug)
			} else {
				fix = "remove it, or prefix it with loose- if it belongs to an optional plugin"
			}
		}
		p.Report(lint.Diagnostic{Pos: o.Pos, End: nameEnd(o), Message: msg, Fix: &lint.Fix{Message: fix}})
	}
}

// AbbreviatedOption reports a MariaDB option written as an abbreviation.
var AbbreviatedOption = &lint.Rule{
	ID:       "abbreviated-option",
	Severity: lint.Warning,
	Summary:  "option written as an abbreviation of its name",
	Doc: lint.Doc{
		Why: "MariaDB accepts any unique prefix of an option name (max_conn for max_connections). The file then breaks " +
			"when a new version adds an option with the same prefix, and MySQL refuses abbreviations altogether.",
		Fix: "Write the option's full name.",
		Example: lint.Example{
			Files: map[string]string{"etc/mysql/my.cnf": "[mariadb]\nmax_user_conn = 40\n"},
			Args:  []string{"--server=mariadb-10.11"},
		},
	},
	Run: abbreviatedOption,
}

func abbreviatedOption(p *lint.Pass) {
	for _, o := range p.Analysis.Server.Options {
		if !o.Res.Known || !o.Res.PrefixMatch {
			continue
		}
		p.Report(lint.Diagnostic{
			Pos:     o.Pos,
			End:     nameEnd(o),
			Message: fmt.Sprintf("%q is an abbreviation of %q: it works only while no other option shares the prefix", o.Name, o.Res.Var.Name),
			Fix:     &lint.Fix{Message: fmt.Sprintf("write %s", o.Res.Var.Name)},
		})
	}
}

// ValueAdjusted reports a value the server silently changes: clamped to its
// range, rounded, or an unrecognised boolean.
var ValueAdjusted = &lint.Rule{
	ID:       "value-adjusted",
	Severity: lint.Warning,
	Summary:  "value out of range or unrecognised: the server adjusts it",
	Doc: lint.Doc{
		Why: "mysqld does not refuse an out-of-range number: it clamps it to the variable's range (max_connections = 200000 " +
			"runs as 100000, wait_timeout = 0 as 1), logs a warning nobody reads, and starts. A boolean written as yes " +
			"is read as OFF. The file then says one thing and the server does another.",
		Fix: "Write a value inside the variable's range, the one the server will really use.",
		Example: lint.Example{
			Files: map[string]string{"etc/mysql/my.cnf": "[mysqld]\nmax_connections = 200000\n"},
			Args:  []string{"--nofile=1048576"},
		},
	},
	Run: valueAdjusted,
}

func valueAdjusted(p *lint.Pass) {
	for _, o := range p.Analysis.Server.Options {
		if !o.Parsed.Adjusted {
			continue
		}
		pos, end := o.ValuePos, valueEnd(o)
		if !o.HasValue {
			pos, end = o.Pos, nameEnd(o)
		}
		p.Report(lint.Diagnostic{
			Pos:     pos,
			End:     end,
			Message: fmt.Sprintf("%s = %q is adjusted by the server: %s", o.Name, o.Value, o.Parsed.Warning),
			Fix:     &lint.Fix{Message: fmt.Sprintf("write the value the server uses: %s = %s", o.Res.Var.Name, parsedText(o))},
		})
	}
}

// DuplicateOption reports an option set again in a later file, where the
// later silently wins.
var DuplicateOption = &lint.Rule{
	ID:       "duplicate-option",
	Severity: lint.Info,
	Summary:  "option set in several files: the last one read silently wins",
	Doc: lint.Doc{
		Why: "mysqld applies every option file in order and the last setting wins, whatever the group. Editing the first " +
			"occurrence (say my.cnf) then changes nothing because a conf.d fragment read later overrides it.",
		Fix: "Keep one setting per option, in the file read last, and remove the others.",
		Example: lint.Example{
			Files: map[string]string{
				"etc/mysql/my.cnf":          "[mysqld]\nwait_timeout = 200\n!includedir /etc/mysql/conf.d\n",
				"etc/mysql/conf.d/tune.cnf": "[mysqld]\nwait_timeout = 250\n",
			},
		},
	},
	Run: duplicateOption,
}

func duplicateOption(p *lint.Pass) {
	s := p.Analysis.Server
	for _, name := range sortedSettings(s) {
		st := s.Settings[name]
		last := st.Last()
		for _, o := range st.All[:len(st.All)-1] {
			if o.File == last.File && o.CommandLine == last.CommandLine {
				continue // the same file twice is a plain edit mistake, not a hidden override
			}
			by := last.ValuePos.String()
			p.Report(lint.Diagnostic{
				Pos:     o.Pos,
				End:     nameEnd(o),
				Message: fmt.Sprintf("%s = %s here is overridden by %s = %s at %s, read later", o.Name, o.RawValue, last.Name, last.RawValue, by),
				Related: []lint.Related{{Pos: last.ValuePos, Message: "the setting that wins"}},
				Fix:     &lint.Fix{Message: fmt.Sprintf("remove this line, or change the value at %s", by)},
			})
		}
	}
}

// parsedText writes the value the server stores for an option.
func parsedText(o *system.Option) string {
	p := o.Parsed
	switch o.Res.Var.Kind {
	case catalog.KindUint:
		return strconv.FormatUint(p.Unsigned, 10)
	case catalog.KindInt:
		return strconv.FormatInt(p.Num, 10)
	case catalog.KindFloat:
		return strconv.FormatFloat(p.Float, 'g', -1, 64)
	case catalog.KindBool, catalog.KindFlag:
		if p.Bool {
			return "ON"
		}
		return "OFF"
	default:
		return p.Str
	}
}
