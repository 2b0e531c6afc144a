// Package planner turns what conncap read into an Analysis: the server model
// with its predicted startup values, and the notes on what was assumed. It is
// pure: no I/O, the same facts give the same analysis.
package planner

import (
	"github.com/conncap/conncap/inputs/discover"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/planner/system"
)

// Options are the user's declarations (flags and configuration).
type Options = system.Options

// Analysis is everything rules and commands read.
type Analysis struct {
	Facts    *discover.Facts
	Server   *system.Server
	Comments []Comment // conncap: directives found in the inputs
	Notes    []string  // assumptions, said in the output
}

// Comment is a conncap: directive and where it was written.
type Comment struct {
	Pos  source.Pos
	Text string
}

// Analyze builds the analysis of the facts.
func Analyze(f *discover.Facts, opt Options) (*Analysis, error) {
	srv, err := system.Build(f, opt)
	if err != nil {
		return nil, err
	}
	a := &Analysis{Facts: f, Server: srv, Notes: srv.Notes}
	if f.Options != nil {
		for _, c := range f.Options.Comments {
			a.Comments = append(a.Comments, Comment{Pos: c.Pos, Text: c.Text})
		}
	}
	for _, u := range f.Units {
		for _, file := range u.Files {
			for _, c := range file.Comments {
				a.Comments = append(a.Comments, Comment{Pos: c.Pos, Text: c.Text})
			}
		}
	}
	return a, nil
}
