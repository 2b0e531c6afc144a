package rules

import (
	"fmt"

	"github.com/conncap/conncap/inputs/mycnf"
	"github.com/conncap/conncap/lint"
)

// OptionFileIgnored reports option-file content the server silently skips.
var OptionFileIgnored = &lint.Rule{
	ID:       "option-file-ignored",
	Severity: lint.Warning,
	Summary:  "option-file content the server silently skips",
	Doc: lint.Doc{
		Why: "Some mistakes in option files do not stop the server; it skips the content with at most a warning on " +
			"stderr, and the settings in it never take effect: a world-writable file is ignored whole, an included " +
			"file is read only up to its first error (an option before any [group], a header without ']', an " +
			"!include without a path), an !include of a missing file or under ~/ reads nothing, and directives " +
			"nested more than 10 includes deep are dropped. MariaDB also cuts lines longer than 4094 bytes in two.",
		Fix: "Make the file readable only by its owner (chmod 644), fix the line the server stopped at, or point the " +
			"!include at a file that exists under an absolute path.",
		Example: lint.Example{
			Files: map[string]string{
				"etc/mysql/my.cnf":     "[mysqld]\n!include /etc/mysql/tuning.cnf\n",
				"etc/mysql/tuning.cnf": "max_connections = 400\n[mysqld]\nwait_timeout = 300\n",
			},
		},
	},
	Run: optionFileIgnored,
}

func optionFileIgnored(p *lint.Pass) {
	f := p.Analysis.Facts.Options
	if f == nil {
		return
	}
	mariadb := p.Analysis.Server.Version.V.Flavor == "mariadb"
	for _, e := range f.Events {
		var msg, fix string
		switch e.Kind {
		case mycnf.AbortedFile:
			msg = fmt.Sprintf("the server stops reading %s here (%s): every line after it is ignored", e.Path, e.Msg)
			fix = "fix this line; the server only warns on stderr"
		case mycnf.WorldWritable:
			msg = fmt.Sprintf("%s is world-writable: the server ignores it whole (\"World-writable config file is ignored\")", e.Path)
			fix = "chmod 644 " + e.Path
		case mycnf.MissingInclude:
			msg = fmt.Sprintf("!include %s: no such file, so the server silently reads nothing here", e.Path)
			fix = "point the !include at an existing file or remove it"
		case mycnf.HomeInclude:
			msg = fmt.Sprintf("!include %s reads from the home directory of the server's user, which is not a place for server configuration", e.Path)
			fix = "use an absolute path under /etc/mysql"
		case mycnf.PathTooLong:
			msg = "!include path is longer than the server accepts (508 bytes): it is ignored"
			fix = "shorten the path"
		case mycnf.DepthLimit:
			msg = fmt.Sprintf("!include %s is nested more than %d levels deep: the server skips it", e.Path, mycnf.MaxIncludeDepth)
			fix = "flatten the include chain"
		case mycnf.EntryIsDir:
			msg = fmt.Sprintf("%s is a directory: the server reads no options from it", e.Path)
			fix = "name an option file, or use !includedir"
		case mycnf.LongLine:
			if !mariadb {
				continue
			}
			msg = fmt.Sprintf("line is longer than %d bytes: MariaDB reads it as two lines, the second an option of its own", mycnf.MaxLineBytes)
			fix = "shorten the value"
		default:
			continue
		}
		pos := e.Pos
		if !pos.IsValid() {
			continue
		}
		p.Report(lint.Diagnostic{Pos: pos, Message: msg, Fix: &lint.Fix{Message: fix}})
	}
}
