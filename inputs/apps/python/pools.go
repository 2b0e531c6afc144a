package python

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/dburl"
	"github.com/conncap/conncap/inputs/source"
)

// Library defaults.
const (
	saPoolSize       = 5
	saMaxOverflow    = 10
	flaskMySQLRecyle = 7200 * time.Second
	gunicornConns    = 1000
)

// server is the process model of one process type: how many processes,
// and how many threads (or greenlets) each runs.
type server struct {
	workers     source.Value[int]
	threads     source.Value[int]
	connections source.Value[int]
	class       source.Value[string]
	configured  bool
	notes       []string
}

// flagValue is one command-line option's value.
type flagValue struct {
	name string
	val  source.Value[string]
}

// findProgram returns the arguments after the program prog ("gunicorn",
// "celery") in a command line, also as "python -m prog".
func findProgram(words []source.Value[string], prog string) ([]source.Value[string], bool) {
	for i, w := range words {
		if path.Base(w.V) == prog || w.V == prog {
			return words[i+1:], true
		}
	}
	return nil, false
}

// flags reads options of the forms "-w 4", "-w4", "--workers 4" and
// "--workers=4" for the names in valued.
func flags(args []source.Value[string], valued map[string]string) []flagValue {
	var out []flagValue
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasEq := strings.Cut(a.V, "=")
		canon, ok := valued[name]
		switch {
		case ok && hasEq:
			out = append(out, flagValue{canon, source.Value[string]{V: val, Origin: a.Origin}})
		case ok && i+1 < len(args):
			out = append(out, flagValue{canon, args[i+1]})
			i++
		case !ok && len(a.V) > 2 && a.V[0] == '-' && a.V[1] != '-':
			if canon, ok := valued[a.V[:2]]; ok {
				out = append(out, flagValue{canon, source.Value[string]{V: a.V[2:], Origin: a.Origin}})
			}
		}
	}
	return out
}

var gunicornFlags = map[string]string{
	"-w": "workers", "--workers": "workers", "--threads": "threads",
	"-k": "worker_class", "--worker-class": "worker_class", "--worker-connections": "worker_connections",
}

// gunicornServer resolves gunicorn's settings: defaults (WEB_CONCURRENCY
// or 1 worker, 1 thread, sync), then gunicorn.conf.py, then
// GUNICORN_CMD_ARGS, then the command line.
func gunicornServer(confs []*module, env apps.Env, cmds [][]source.Value[string]) server {
	s := server{
		workers:     source.Value[int]{V: 1, Origin: source.Named("gunicorn default workers 1")},
		threads:     source.Value[int]{V: 1, Origin: source.Named("gunicorn default threads 1")},
		connections: source.Value[int]{V: gunicornConns, Origin: source.Named("gunicorn default worker_connections 1000")},
		class:       source.Value[string]{V: "sync", Origin: source.Named("gunicorn default worker_class sync")},
	}
	if env != nil {
		if v, ok := env.Lookup("WEB_CONCURRENCY"); ok && !v.Unknown {
			if n, err := strconv.Atoi(strings.TrimSpace(v.Value.V)); err == nil {
				s.workers = source.Value[int]{V: n, Origin: v.Value.Origin}
				s.configured = true
			}
		}
	}
	setInt := func(dst *source.Value[int], v pval, what string) {
		switch {
		case v.kind == pInt:
			*dst = source.Value[int]{V: int(v.i), Origin: v.origin}
		case v.kind == pStr:
			if n, err := strconv.Atoi(strings.TrimSpace(v.s)); err == nil {
				*dst = source.Value[int]{V: n, Origin: v.origin}
				return
			}
			s.notes = append(s.notes, fmt.Sprintf("%s %q (%s) is not an integer", what, v.s, v.origin))
		case v.kind == pUnknown:
			s.notes = append(s.notes, fmt.Sprintf("%s at %s is not known: %s; the default is kept", what, v.pos, v.why))
		}
	}
	for _, m := range confs {
		s.configured = true
		if v, ok := m.syms["workers"]; ok {
			setInt(&s.workers, v, "workers")
		}
		if v, ok := m.syms["threads"]; ok {
			setInt(&s.threads, v, "threads")
		}
		if v, ok := m.syms["worker_connections"]; ok {
			setInt(&s.connections, v, "worker_connections")
		}
		if v, ok := m.syms["worker_class"]; ok && v.kind == pStr {
			s.class = source.Value[string]{V: v.s, Origin: v.origin}
		}
		s.notes = append(s.notes, m.notes...)
	}
	apply := func(fs []flagValue) {
		for _, f := range fs {
			s.configured = true
			switch f.name {
			case "worker_class":
				s.class = f.val
				continue
			}
			n, err := strconv.Atoi(f.val.V)
			if err != nil {
				s.notes = append(s.notes, fmt.Sprintf("%s %q (%s) is not an integer", f.name, f.val.V, f.val.Origin))
				continue
			}
			v := source.Value[int]{V: n, Origin: f.val.Origin}
			switch f.name {
			case "workers":
				s.workers = v
			case "threads":
				s.threads = v
			case "worker_connections":
				s.connections = v
			}
		}
	}
	if env != nil {
		if v, ok := env.Lookup("GUNICORN_CMD_ARGS"); ok && !v.Unknown {
			var words []source.Value[string]
			for _, w := range fieldsWithOffsets(v.Value.V) {
				words = append(words, source.Value[string]{V: w.text, Origin: v.Value.Origin})
			}
			apply(flags(words, gunicornFlags))
		}
	}
	for _, c := range cmds {
		if args, ok := findProgram(c, "gunicorn"); ok {
			s.configured = true
			apply(flags(args, gunicornFlags))
		}
	}
	return s
}

// perThread is how many connections one gunicorn process opens when each
// thread (or greenlet) holds its own: threads for sync/gthread, the
// worker_connections for gevent and eventlet.
func (s server) perThread() (source.Value[int], string) {
	class := s.class.V
	if i := strings.LastIndexByte(class, '.'); i >= 0 {
		class = class[i+1:]
	}
	switch strings.ToLower(strings.TrimSuffix(class, "Worker")) {
	case "gevent", "eventlet", "ggevent", "geventwebsocket", "tornado":
		return s.connections, fmt.Sprintf("worker_class %s: up to worker_connections %d greenlets per worker, each may hold a connection", s.class.V, s.connections.V)
	case "uvicorn", "uvicornh11":
		return s.threads, fmt.Sprintf("worker_class %s: an asyncio worker; connections per worker depend on the app's concurrency", s.class.V)
	}
	if s.threads.V > 1 && class == "sync" {
		return s.threads, fmt.Sprintf("threads %d with the sync worker class: gunicorn runs gthread", s.threads.V)
	}
	return s.threads, ""
}

// multiply returns a × b as a value whose origin names both.
func multiply(a, b source.Value[int]) source.Value[int] {
	if b.V == 1 && !b.Origin.Pos.IsValid() {
		return a
	}
	o := b.Origin
	if !o.Pos.IsValid() {
		o.Pos = a.Origin.Pos
	}
	o.Note = fmt.Sprintf("%d (%s) × %d (%s)", a.V, a.Origin, b.V, b.Origin)
	return source.Value[int]{V: a.V * b.V, Origin: o}
}

// app is everything read from one application's files.
type app struct {
	modules []*module
	confs   []*module
	cmds    [][]source.Value[string]
}

func load(files []*File, env apps.Env) app {
	var a app
	for _, f := range files {
		switch f.Kind {
		case Command:
			a.cmds = append(a.cmds, f.Commands...)
		case Module, GunicornConfig:
			ev := &evaluator{env: env, syms: map[string]pval{}}
			m := runModule(f.Path, f.toks, ev)
			if f.Kind == GunicornConfig {
				a.confs = append(a.confs, m)
			} else {
				a.modules = append(a.modules, m)
			}
		}
	}
	return a
}

// Pools returns the pools one web (gunicorn) process opens: each
// SQLAlchemy engine to MySQL (or to a URL that cannot be known), the
// Flask-SQLAlchemy engine, and each MySQL alias of Django's DATABASES.
// Engines whose URL names another database are left out.
func Pools(files []*File, env apps.Env) ([]apps.Pool, error) {
	a := load(files, env)
	s := gunicornServer(a.confs, env, a.cmds)
	perThread, why := s.perThread()
	threadProcs := multiply(s.workers, perThread)
	notes := append([]string{}, s.notes...)
	if why != "" {
		notes = append(notes, why)
	}
	if !s.configured {
		notes = append(notes, "no gunicorn configuration read: gunicorn's defaults (1 worker, 1 thread) assumed")
	}
	return a.pools(s.workers, threadProcs, notes), nil
}

// IsCeleryWorker reports whether a command line runs a Celery worker
// ("celery -A proj worker …", also as "python -m celery").
func IsCeleryWorker(args []source.Value[string]) bool {
	rest, ok := findProgram(args, "celery")
	return ok && hasWord(rest, "worker")
}

// CeleryPools returns the pools one Celery worker process (with its
// children) opens: each prefork child has its own engines and Django
// connections, so Processes is the concurrency; with the threads, gevent
// or eventlet pool an engine is shared (Processes 1) while Django holds a
// connection per thread. It returns nil when no celery command or Celery
// concurrency setting is among the files.
func CeleryPools(files []*File, env apps.Env) ([]apps.Pool, error) {
	a := load(files, env)
	conc := source.Value[int]{V: assumedCPUs, Origin: source.Named(fmt.Sprintf("Celery default concurrency: the CPU count, unknown offline; assumed %d", assumedCPUs))}
	poolType := source.Value[string]{V: "prefork", Origin: source.Named("Celery default pool prefork")}
	found := false
	var notes []string
	for _, m := range a.modules {
		for _, k := range []string{"CELERYD_CONCURRENCY", "CELERY_WORKER_CONCURRENCY", "worker_concurrency"} {
			v, ok := m.config[k]
			if !ok {
				v, ok = m.syms[k]
			}
			if !ok {
				continue
			}
			found = true
			switch v.kind {
			case pInt:
				conc = source.Value[int]{V: int(v.i), Origin: v.origin}
			case pUnknown:
				notes = append(notes, fmt.Sprintf("%s at %s is not known: %s", k, v.pos, v.why))
			}
		}
		for _, k := range []string{"worker_pool", "CELERY_WORKER_POOL"} {
			if v, ok := m.config[k]; ok && v.kind == pStr {
				poolType = source.Value[string]{V: v.s, Origin: v.origin}
			} else if v, ok := m.syms[k]; ok && v.kind == pStr {
				poolType = source.Value[string]{V: v.s, Origin: v.origin}
			}
		}
	}
	celeryFlags := map[string]string{"-c": "concurrency", "--concurrency": "concurrency", "-P": "pool", "--pool": "pool", "--autoscale": "autoscale"}
	for _, c := range a.cmds {
		args, ok := findProgram(c, "celery")
		if !ok || !hasWord(args, "worker") {
			continue
		}
		found = true
		for _, f := range flags(args, celeryFlags) {
			switch f.name {
			case "pool":
				poolType = f.val
			case "concurrency", "autoscale":
				max, _, _ := strings.Cut(f.val.V, ",")
				if n, err := strconv.Atoi(max); err == nil {
					conc = source.Value[int]{V: n, Origin: f.val.Origin}
				}
			}
		}
	}
	if !found {
		return nil, nil
	}
	notes = append(notes, fmt.Sprintf("Celery worker: pool %s (%s), concurrency %d (%s)", poolType.V, poolType.Origin, conc.V, conc.Origin))
	one := source.Value[int]{V: 1, Origin: source.Named("Celery " + poolType.V + " pool: one process shares the engine")}
	switch poolType.V {
	case "prefork", "processes":
		return a.pools(conc, conc, notes), nil
	case "solo":
		return a.pools(one, one, notes), nil
	}
	return a.pools(one, conc, notes), nil
}

func hasWord(words []source.Value[string], w string) bool {
	for _, x := range words {
		if x.V == w {
			return true
		}
	}
	return false
}

// pools builds the pools with the given process counts: perProcess for a
// pool shared by a process's threads, perThread where each thread holds
// its own connection.
func (a app) pools(perProcess, perThread source.Value[int], notes []string) []apps.Pool {
	var out []apps.Pool
	add := func(p apps.Pool, threaded bool) {
		p.Processes = perProcess
		if threaded {
			p.Processes = perThread
		}
		p.Notes = append(append([]string{}, notes...), p.Notes...)
		out = append(out, p)
	}
	for _, m := range a.modules {
		for _, c := range m.engines {
			if c.fn == "SQLAlchemy" {
				continue
			}
			if p, threaded, ok := engine(c); ok {
				add(p, threaded)
			}
		}
	}
	if p, threaded, ok := a.flask(); ok {
		add(p, threaded)
	}
	for _, p := range a.django() {
		add(p, true)
	}
	return out
}

// option is one engine keyword argument.
type option struct {
	v   pval
	set bool
}

// engine turns a create_engine call into a pool.
func engine(c engineCall) (apps.Pool, bool, bool) {
	opts := map[string]option{}
	var url pval
	hasURL := false
	pos := 0
	for _, a := range c.args {
		switch {
		case a.name == "":
			if pos == 0 {
				url, hasURL = a.val, true
			}
			pos++
		case a.name == "url":
			url, hasURL = a.val, true
		case a.name == "**":
			if a.val.kind == pDict {
				for k, v := range a.val.entries.All() {
					opts[k] = option{v, true}
				}
			}
		default:
			opts[a.name] = option{a.val, true}
		}
	}
	name := c.name
	if name == "" {
		name = fmt.Sprintf("%s@%d", c.fn, c.pos.Line)
	}
	return saPool(name, c.pos, url, hasURL, opts, false)
}

// saPool builds an SQLAlchemy pool from a URL and engine options.
func saPool(name string, at source.Pos, url pval, hasURL bool, opts map[string]option, flask bool) (apps.Pool, bool, bool) {
	p := apps.Pool{Ecosystem: "sqlalchemy", Name: name}
	switch {
	case !hasURL:
		p.Notes = append(p.Notes, fmt.Sprintf("engine at %s has no URL argument", at))
	case url.kind == pUnknown:
		p.Notes = append(p.Notes, fmt.Sprintf("engine URL at %s is not known (%s): assumed MySQL", url.pos, url.why))
	case url.kind == pStr:
		if !dburl.IsMySQL(url.s) {
			return p, false, false
		}
		if u, err := dburl.ParseURL(url.s, url.origin.Pos); err == nil {
			note := func(what string) source.Origin {
				return source.Origin{Pos: url.origin.Pos, Note: strings.TrimPrefix(url.origin.Note+"; ", "; ") + what + " from the URL"}
			}
			if u.User != "" {
				p.User = source.Value[string]{V: u.User, Origin: note("user")}
			}
			if u.Host != "" {
				p.Host = source.Value[string]{V: u.Host, Origin: note("host")}
			}
			if u.Database != "" {
				p.Database = source.Value[string]{V: u.Database, Origin: note("database")}
			}
		}
	default:
		return p, false, false
	}
	intOpt := func(k string, def int) (source.Value[int], bool) {
		o, ok := opts[k]
		if !ok {
			return source.Value[int]{V: def, Origin: source.Named(fmt.Sprintf("SQLAlchemy default %s %d", k, def))}, false
		}
		v := convert("int", o.v, o.v.pos)
		if v.kind != pInt {
			why := v.why
			if v.kind != pUnknown {
				why = kindName(v)
			}
			p.Notes = append(p.Notes, fmt.Sprintf("%s at %s is not known (%s): the default %d is assumed", k, o.v.pos, why, def))
			return source.Value[int]{V: def, Origin: source.Origin{Pos: o.v.pos, Note: fmt.Sprintf("%s not known; assumed the default %d", k, def)}}, false
		}
		return source.Value[int]{V: int(v.i), Origin: v.origin}, true
	}
	size, sizeSet := intOpt("pool_size", saPoolSize)
	over, overSet := intOpt("max_overflow", saMaxOverflow)
	p.Declared = sizeSet || overSet
	p.Max = source.Value[int]{V: size.V + over.V}
	switch {
	case sizeSet && overSet:
		p.Max.Origin = source.Origin{Pos: size.Origin.Pos, Note: fmt.Sprintf("pool_size %d + max_overflow %d (%s)", size.V, over.V, over.Origin)}
	case sizeSet:
		p.Max.Origin = source.Origin{Pos: size.Origin.Pos, Note: fmt.Sprintf("pool_size %d + default max_overflow %d", size.V, over.V)}
		if size.Origin.Note != "" {
			p.Max.Origin.Note += "; " + size.Origin.Note
		}
	case overSet:
		p.Max.Origin = source.Origin{Pos: over.Origin.Pos, Note: fmt.Sprintf("default pool_size %d + max_overflow %d", size.V, over.V)}
	default:
		p.Max.Origin = source.Named("SQLAlchemy default pool_size 5 + max_overflow 10")
	}
	if size.V == 0 && sizeSet || over.V < 0 {
		p.Unbounded = true
		p.Notes = append(p.Notes, "pool_size 0 or max_overflow -1: the QueuePool has no upper bound")
	}
	p.MinIdle = source.Value[int]{V: size.V, Origin: size.Origin}
	p.IdleTimeout = apps.Duration{Origin: source.Named("SQLAlchemy pools have no idle timeout")}
	p.MaxLifetime = apps.Duration{V: 0, Known: true, Origin: source.Named("SQLAlchemy default pool_recycle -1: connections are never recycled")}
	if flask {
		p.MaxLifetime = apps.Duration{V: flaskMySQLRecyle, Known: true, Origin: source.Named("Flask-SQLAlchemy default pool_recycle 7200 for MySQL")}
	}
	if o, ok := opts["pool_recycle"]; ok {
		if v := convert("int", o.v, o.v.pos); v.kind == pInt {
			d := time.Duration(v.i) * time.Second
			if v.i < 0 {
				d = 0
			}
			p.MaxLifetime = apps.Duration{V: d, Known: true, Origin: v.origin}
		}
	}
	if o, ok := opts["pool_pre_ping"]; ok && o.v.Truthy() && o.v.kind != pUnknown {
		p.Notes = append(p.Notes, "pool_pre_ping: connections are checked before use")
	}
	threaded := false
	if o, ok := opts["poolclass"]; ok {
		cls := o.v.s
		if i := strings.LastIndexByte(cls, '.'); i >= 0 {
			cls = cls[i+1:]
		}
		switch cls {
		case "NullPool":
			p.Max = source.Value[int]{V: 1, Origin: source.Origin{Pos: o.v.pos, Note: "NullPool: one connection per checkout, closed when returned"}}
			p.MinIdle = source.Value[int]{V: 0, Origin: source.At(o.v.pos)}
			p.Unbounded, threaded = false, true
			p.Notes = append(p.Notes, "NullPool: no pool; each thread that checks out opens its own connection")
		case "SingletonThreadPool":
			p.Max = source.Value[int]{V: 1, Origin: source.Origin{Pos: o.v.pos, Note: "SingletonThreadPool: one connection per thread"}}
			p.Unbounded, threaded = false, true
		case "StaticPool":
			p.Max = source.Value[int]{V: 1, Origin: source.Origin{Pos: o.v.pos, Note: "StaticPool: one connection for all"}}
			p.Unbounded = false
		case "QueuePool", "AsyncAdaptedQueuePool", "":
		default:
			p.Notes = append(p.Notes, fmt.Sprintf("poolclass %s at %s is not modelled: QueuePool numbers assumed", o.v.s, o.v.pos))
		}
	}
	return p, threaded, true
}

// flask builds the Flask-SQLAlchemy engine from SQLALCHEMY_DATABASE_URI,
// SQLALCHEMY_ENGINE_OPTIONS (over SQLAlchemy(engine_options=...)) and the
// 2.x keys SQLALCHEMY_POOL_SIZE, SQLALCHEMY_MAX_OVERFLOW,
// SQLALCHEMY_POOL_RECYCLE.
func (a app) flask() (apps.Pool, bool, bool) {
	get := func(k string) (pval, bool) {
		var v pval
		found := false
		for _, m := range a.modules {
			if x, ok := m.config[k]; ok {
				v, found = x, true
			} else if x, ok := m.syms[k]; ok {
				v, found = x, true
			}
		}
		return v, found
	}
	uri, ok := get("SQLALCHEMY_DATABASE_URI")
	if !ok {
		return apps.Pool{}, false, false
	}
	opts := map[string]option{}
	for _, m := range a.modules {
		for _, c := range m.engines {
			if c.fn != "SQLAlchemy" {
				continue
			}
			for _, ar := range c.args {
				if ar.name == "engine_options" && ar.val.kind == pDict {
					for k, v := range ar.val.entries.All() {
						opts[k] = option{v, true}
					}
				}
			}
		}
	}
	var notes []string
	legacy := map[string]string{"SQLALCHEMY_POOL_SIZE": "pool_size", "SQLALCHEMY_MAX_OVERFLOW": "max_overflow", "SQLALCHEMY_POOL_RECYCLE": "pool_recycle"}
	for _, k := range []string{"SQLALCHEMY_POOL_SIZE", "SQLALCHEMY_MAX_OVERFLOW", "SQLALCHEMY_POOL_RECYCLE"} {
		if v, ok := get(k); ok {
			opts[legacy[k]] = option{v, true}
			notes = append(notes, fmt.Sprintf("%s (%s) is read by Flask-SQLAlchemy 2.x only; 3.0 removed it", k, v.origin))
		}
	}
	if eo, ok := get("SQLALCHEMY_ENGINE_OPTIONS"); ok {
		switch eo.kind {
		case pDict:
			for k, v := range eo.entries.All() {
				opts[k] = option{v, true}
			}
		case pUnknown:
			notes = append(notes, fmt.Sprintf("SQLALCHEMY_ENGINE_OPTIONS at %s is not known: %s", eo.pos, eo.why))
		}
	}
	p, threaded, ok := saPool("SQLALCHEMY_DATABASE_URI", uri.pos, uri, true, opts, true)
	p.Notes = append(notes, p.Notes...)
	if _, ok := get("SQLALCHEMY_BINDS"); ok {
		p.Notes = append(p.Notes, "SQLALCHEMY_BINDS: the extra engines are not read")
	}
	return p, threaded, ok
}

// django builds one pool per MySQL alias of the last DATABASES setting.
func (a app) django() []apps.Pool {
	var dbs pval
	var dbPos source.Pos
	found := false
	for _, m := range a.modules {
		if v, ok := m.syms["DATABASES"]; ok {
			dbs, dbPos, found = v, m.symPos["DATABASES"], true
		}
	}
	if !found {
		return nil
	}
	if dbs.kind != pDict {
		return []apps.Pool{{Ecosystem: "django", Name: "DATABASES", Max: source.Value[int]{V: 1, Origin: source.At(dbPos)}, Notes: []string{fmt.Sprintf("DATABASES at %s is not known: %s", dbPos, dbs.why)}}}
	}
	var out []apps.Pool
	for alias, cfg := range dbs.entries.All() {
		p := apps.Pool{
			Ecosystem: "django", Name: alias,
			Max: source.Value[int]{V: 1, Origin: source.Named("Django: one connection per thread per alias (no pool for MySQL)")},
		}
		if cfg.kind != pDict {
			p.Notes = append(p.Notes, fmt.Sprintf("DATABASES[%q] is not known: %s; assumed MySQL", alias, cfg.why))
			out = append(out, p)
			continue
		}
		engine, _ := cfg.get("ENGINE")
		switch {
		case engine.kind == pUnknown:
			p.Notes = append(p.Notes, fmt.Sprintf("ENGINE of %q is not known (%s): assumed MySQL", alias, engine.why))
		case engine.kind != pStr || !strings.Contains(engine.s, "mysql"):
			continue
		}
		if o, ok := cfg.get("OPTIONS"); ok {
			if _, ok := o.get("pool"); ok {
				p.Notes = append(p.Notes, "OPTIONS[\"pool\"] is PostgreSQL-only (Django 5.1): the MySQL backend has no pool")
			}
		}
		age, ageSet := cfg.get("CONN_MAX_AGE")
		switch {
		case !ageSet:
			p.MinIdle = source.Value[int]{V: 0, Origin: source.Named("Django default CONN_MAX_AGE 0: the connection is closed at the end of each request")}
			p.MaxLifetime = apps.Duration{Origin: source.Named("Django default CONN_MAX_AGE 0: a connection lasts one request")}
		case age.kind == pNone:
			p.MinIdle = source.Value[int]{V: 1, Origin: source.Origin{Pos: age.pos, Note: "CONN_MAX_AGE None: each thread keeps its connection"}}
			p.MaxLifetime = apps.Duration{V: 0, Known: true, Origin: age.origin}
		case age.kind == pInt && age.i == 0:
			p.MinIdle = source.Value[int]{V: 0, Origin: age.origin}
			p.MaxLifetime = apps.Duration{Origin: source.Origin{Pos: age.origin.Pos, Note: "CONN_MAX_AGE 0: a connection lasts one request"}}
		default:
			n := convert("int", age, age.pos)
			if n.kind != pInt {
				p.Notes = append(p.Notes, fmt.Sprintf("CONN_MAX_AGE at %s is not known: %s", age.pos, n.why))
				p.MinIdle = source.Value[int]{V: 1, Origin: source.At(age.pos)}
				break
			}
			p.MinIdle = source.Value[int]{V: 1, Origin: n.origin}
			p.MaxLifetime = apps.Duration{V: time.Duration(n.i) * time.Second, Known: true, Origin: n.origin}
			p.Notes = append(p.Notes, fmt.Sprintf("CONN_MAX_AGE %d: each thread keeps its connection between requests for up to %d s", n.i, n.i))
		}
		p.IdleTimeout = apps.Duration{Origin: source.Named("Django has no idle timeout")}
		for _, kv := range []struct {
			key string
			dst *source.Value[string]
		}{{"USER", &p.User}, {"HOST", &p.Host}, {"NAME", &p.Database}} {
			if v, ok := cfg.get(kv.key); ok && v.kind == pStr {
				*kv.dst = source.Value[string]{V: v.s, Origin: v.origin}
			}
		}
		out = append(out, p)
	}
	return out
}
