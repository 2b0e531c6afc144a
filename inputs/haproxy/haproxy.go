// Package haproxy reads what conncap needs of an HAProxy configuration:
// the global maxconn, the most client connections one HAProxy process
// accepts. The file is line-oriented: a section starts with a keyword in
// the first word of a line (global, defaults, frontend, backend, listen,
// and HAProxy's other section keywords); '#' starts a comment outside
// quotes. Everything else is left unread.
package haproxy

import (
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// Config is what conncap read of an HAProxy configuration.
type Config struct {
	Path string
	// MaxConn is the global section's maxconn; V 0 with no origin when the
	// file does not set it.
	MaxConn source.Value[int]
}

// sections are the keywords that open a section.
var sections = map[string]bool{
	"global": true, "defaults": true, "frontend": true, "backend": true, "listen": true,
	"resolvers": true, "peers": true, "userlist": true, "program": true, "http-errors": true,
	"ring": true, "mailers": true, "cache": true, "crt-store": true, "traces": true, "log-forward": true,
}

// ParseAt reads configuration text embedded at an offset in the file at
// path (lines and cols are added to every position: a Kubernetes
// resource's literal block). A maxconn in global that is not a positive
// integer is an error: HAProxy refuses to start on it.
func ParseAt(path string, src []byte, lines, cols int) (*Config, error) {
	c := &Config{Path: path}
	section := ""
	for i, line := range strings.Split(string(src), "\n") {
		if j := strings.IndexByte(line, '#'); j >= 0 && !strings.ContainsAny(line[:j], "\"'") {
			line = line[:j]
		}
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		if sections[words[0]] {
			section = words[0]
			continue
		}
		if section != "global" || words[0] != "maxconn" {
			continue
		}
		pos := source.Pos{Path: path, Line: i + 1 + lines, Col: source.Col(line, strings.Index(line, "maxconn")) + cols}
		if len(words) < 2 {
			return nil, source.Errorf(pos, "maxconn expects an integer argument: HAProxy refuses to start")
		}
		n, err := strconv.Atoi(words[1])
		if err != nil || n <= 0 {
			return nil, source.Errorf(pos, "maxconn %q is not a positive integer: HAProxy refuses to start", words[1])
		}
		valuePos := pos
		valuePos.Col = source.Col(line, strings.Index(line, words[1])) + cols
		c.MaxConn = source.Value[int]{V: n, Origin: source.At(valuePos)}
	}
	return c, nil
}
