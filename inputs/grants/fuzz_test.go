package grants

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/internal/fuzzseed"
)

func FuzzParse(f *testing.F) {
	fuzzseed.AddFiles(f, filepath.Join("testdata", "*.sql")) // every fixture is a seed
	for _, s := range []string{
		"", ";", "'", "\"", "`", "/*", "/*!", "/*M!", "/*!80000", "*/", "--", "-- ", "#", "\\", "\\g", "@", "@@", "'a'@",
		"DELIMITER", "DELIMITER \n", "DELIMITER $$\nCREATE USER a$$", "delimiter é\nCREATE USER é@hé", "DELIMITER \xa9\nCREATE USER é",
		"CREATE USER", "CREATE USER a@", "CREATE USER a@'", "GRANT TO", "GRANT ON TO", "RENAME USER a TO", "DROP USER IF",
		"ALTER USER a WITH MAX_USER_CONNECTIONS -", "CREATE USER a IDENTIFIED WITH p OR q OR", "CREATE USER a IDENTIFIED BY 'x' AND IDENTIFIED",
		"\ufeff/*!40101 CREATE USER a */;", "CREATE USER a\r\n;\r", "\xff\xfe CREATE USER \xc3 @'\x80';",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		file, err := Parse("fuzz.sql", src) // must not panic or hang
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Parse() took %v for %d bytes", d, len(src))
		}
		if file == nil {
			t.Fatal("Parse() returned a nil File")
		}
		// The rune length of every line, to bound columns.
		var lineRunes []int
		for line := range bytes.SplitSeq(src, []byte("\n")) {
			lineRunes = append(lineRunes, utf8.RuneCount(line))
		}
		check := func(what string, p source.Pos) {
			t.Helper()
			if p.Path != "fuzz.sql" || p.Line < 1 || p.Line > len(lineRunes) || p.Col < 1 || p.Col > lineRunes[p.Line-1] {
				t.Errorf("%s at %v: out of bounds (%d lines)", what, p, len(lineRunes))
			}
		}
		if err != nil {
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse() error is not a *source.Error: %#v", err)
			}
			check("error", se.Pos)
		}
		for _, st := range file.Statements {
			check("statement", st.Pos)
			if len(st.Accounts) == 0 || (st.Kind == KindRenameUser && len(st.RenameTo) != len(st.Accounts)) {
				t.Errorf("statement at %v: %d accounts, %d new names", st.Pos, len(st.Accounts), len(st.RenameTo))
			}
			for _, a := range append(append([]AccountRef(nil), st.Accounts...), st.RenameTo...) {
				check("account", a.Pos)
			}
			for _, v := range []*source.Value[int64]{st.MaxUserConnections, st.MaxConnectionsPerHour, st.MaxQueriesPerHour, st.MaxUpdatesPerHour} {
				if v != nil {
					check("value", v.Origin.Pos)
				}
			}
		}
		for _, s := range file.Skipped {
			check("skipped statement", s.Pos)
			if s.Reason == "" || utf8.RuneCountInString(s.Text) > 80 {
				t.Errorf("skipped statement at %v: text %q, reason %q", s.Pos, s.Text, s.Reason)
			}
		}
		for _, c := range file.Comments {
			check("comment", c.Pos)
		}
		states := Apply([]*File{file}) // must not panic either
		for _, s := range states {
			MatchAccount(states, s.Account.User, "10.1.2.3")
			MatchAccount(states, s.Account.User, "")
		}
	})
}
