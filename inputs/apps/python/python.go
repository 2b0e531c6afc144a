// Package python reads a Python application's connection settings —
// SQLAlchemy engines, Flask-SQLAlchemy and Django settings — and the
// gunicorn and Celery settings that multiply them, and reports the pools
// one process opens, as apps.Pool facts.
//
// Sources are scanned, never run: a small tokenizer finds module-level
// assignments and create_engine / create_async_engine / SQLAlchemy(...)
// calls, and evaluates their arguments when they are literals, names bound
// earlier in the file, or reads of the environment (os.environ.get("X",
// "5"), os.getenv, os.environ["X"], int(...), django-environ's env(),
// python-decouple's config(), dj_database_url.config()) against the
// process environment. Anything else is unknown: the library default is
// assumed and a note says so.
//
// Numbers, from the libraries' documentation and source:
//   - SQLAlchemy: QueuePool pool_size 5 + max_overflow 10 = 15 per Engine
//     per process; pool_size 0 or max_overflow -1 is unbounded; NullPool
//     opens a connection per checkout; pool_recycle -1 never recycles
//     (docs.sqlalchemy.org/en/20/core/pooling.html).
//   - Flask-SQLAlchemy 3: SQLALCHEMY_ENGINE_OPTIONS (over the extension's
//     engine_options), MySQL pool_recycle 7200 by default
//     (src/flask_sqlalchemy/extension.py); 2.x's SQLALCHEMY_POOL_SIZE keys
//     (and its MySQL pool_size 10) are read with a note.
//   - Django: no pool for MySQL (Django 5.1's OPTIONS["pool"] is
//     PostgreSQL-only); one connection per thread per alias; CONN_MAX_AGE 0
//     closes it after each request, None keeps it (docs/ref/databases.txt).
//   - gunicorn: workers default WEB_CONCURRENCY or 1, threads 1 (more than
//     one makes the sync worker gthread), worker_connections 1000 for
//     gevent/eventlet; settings come from gunicorn.conf.py, then
//     GUNICORN_CMD_ARGS, then the command line (gunicorn/config.py).
//   - Celery: worker_concurrency / -c, default the CPU count (unknown
//     offline: assumed 2); prefork children each hold their own
//     connections.
//
// Pools answers for the web process (gunicorn): Processes is workers for
// an SQLAlchemy engine (one pool per process, shared by its threads) and
// workers × threads (or × worker_connections for gevent/eventlet) for
// Django (one connection per thread). CeleryPools answers for a Celery
// worker process.
package python

import (
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/conncap/conncap/inputs/source"
)

// Kind says what a File holds.
type Kind int

// The kinds of file.
const (
	Module         Kind = iota + 1 // Python source: settings.py, an app module, celeryconfig.py
	GunicornConfig                 // gunicorn.conf.py
	Command                        // a Procfile or a command line (FromCommand)
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Module:
		return "module"
	case GunicornConfig:
		return "gunicorn config"
	case Command:
		return "command"
	}
	return "unknown"
}

// File is one input. Module and GunicornConfig files are evaluated by
// Pools against the environment; Parse only tokenizes them.
type File struct {
	Path string
	Kind Kind
	// Commands are the command lines of a Command file (one per Procfile
	// line), word by word.
	Commands [][]source.Value[string]

	toks []token
}

var (
	dbHintRe   = regexp.MustCompile(`\b(create_engine|create_async_engine|SQLAlchemy)\s*\(|\bDATABASES\b|\bSQLALCHEMY_[A-Z_]+|\bworker_concurrency\b|\bCELERY_WORKER_CONCURRENCY\b|\bCELERYD_CONCURRENCY\b`)
	gunicornRe = regexp.MustCompile(`(?m)^(workers|threads|worker_class|worker_connections|bind|wsgi_app)\s*=`)
	procLineRe = regexp.MustCompile(`(?m)^[A-Za-z0-9_-]+:\s*\S`)
	procCmdRe  = regexp.MustCompile(`\b(gunicorn|celery)\b`)
)

// Match reports whether src is Python code that configures a pool
// (create_engine, DATABASES, SQLALCHEMY_*, Celery concurrency), a
// gunicorn configuration file, or a Procfile that runs gunicorn or celery.
func Match(p string, src []byte) bool { return kindOf(p, src) != 0 }

func kindOf(p string, src []byte) Kind {
	base := path.Base(p)
	switch {
	case base == "Procfile" || strings.HasPrefix(base, "Procfile."):
		if procLineRe.Match(src) && procCmdRe.Match(src) {
			return Command
		}
	case strings.HasSuffix(base, ".py"):
		if strings.HasPrefix(base, "gunicorn") || strings.HasSuffix(base, "gunicorn.conf.py") {
			return GunicornConfig
		}
		if dbHintRe.Match(src) {
			return Module
		}
		if gunicornRe.Match(src) && strings.Contains(base, "gunicorn") {
			return GunicornConfig
		}
	}
	return 0
}

// Parse reads one file. Python the interpreter would reject for an
// unterminated string or unbalanced brackets gives positioned errors (a
// source.ErrorList).
func Parse(p string, src []byte) (*File, error) {
	f := &File{Path: p, Kind: kindOf(p, src)}
	switch f.Kind {
	case Command:
		f.Commands = procfile(p, string(src))
		return f, nil
	case 0:
		f.Kind = Module
	}
	toks, errs := lexPython(p, string(src))
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	f.toks = toks
	return f, nil
}

// procfile reads "type: command" lines; each command split at blanks.
func procfile(p, src string) [][]source.Value[string] {
	var out [][]source.Value[string]
	for i, line := range strings.Split(src, "\n") {
		name, cmd, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		off := len(name) + 1
		var words []source.Value[string]
		for _, w := range fieldsWithOffsets(cmd) {
			words = append(words, source.Value[string]{V: w.text, Origin: source.At(source.Pos{Path: p, Line: i + 1, Col: utf8.RuneCountInString(line[:off+w.off]) + 1})})
		}
		if len(words) > 0 {
			out = append(out, words)
		}
	}
	return out
}

type field struct {
	text string
	off  int
}

// fieldsWithOffsets splits at blanks, keeping each word's byte offset;
// single and double quotes group words.
func fieldsWithOffsets(s string) []field {
	var out []field
	var b strings.Builder
	start := -1
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0 && c == q:
			q = 0
		case q != 0:
			b.WriteByte(c)
		case c == '\'' || c == '"':
			q = c
			if start < 0 {
				start = i
			}
		case c == ' ' || c == '\t' || c == '\r':
			if start >= 0 {
				out = append(out, field{b.String(), start})
				b.Reset()
				start = -1
			}
		default:
			if start < 0 {
				start = i
			}
			b.WriteByte(c)
		}
	}
	if start >= 0 {
		out = append(out, field{b.String(), start})
	}
	return out
}

// FromCommand returns a File for a process's command line (a Compose
// command:, a container's command and args): gunicorn's -w/--workers,
// --threads, -k/--worker-class and --worker-connections, and celery's
// -c/--concurrency and -P/--pool, win over the configuration files.
func FromCommand(args []source.Value[string]) *File {
	f := &File{Kind: Command, Commands: [][]source.Value[string]{args}}
	if len(args) > 0 {
		f.Path = args[0].Origin.Pos.Path
	}
	return f
}
