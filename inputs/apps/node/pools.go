package node

import (
	"fmt"
	"maps"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/dburl"
	"github.com/conncap/conncap/inputs/source"
)

// Library defaults (see the package documentation for their sources).
const (
	mysql2Limit        = 10
	mysql2IdleTimeout  = 60 * time.Second
	knexMin, knexMax   = 2, 10
	sequelizeMax       = 5
	sequelizeIdle      = 10 * time.Second
	typeormDefaultSize = 10
)

// Pools returns the pools one Node.js process opens, with Processes from
// PM2 (instances) or a pm2 command line, else 1. Pools for other
// databases (pg, sqlite) are left out.
func Pools(files []*File, env apps.Env) ([]apps.Pool, error) {
	dot := apps.EnvMap{}
	var deps []string
	var cmds [][]source.Value[string]
	var pm2, sources, schemas []*File
	for _, f := range files {
		switch f.Kind {
		case DotEnv:
			for k, v := range f.Env {
				dot[k] = v
			}
		case PackageJSON:
			deps = append(deps, f.Dependencies...)
		case Command:
			cmds = append(cmds, f.Args)
		case PM2Config:
			pm2 = append(pm2, f)
		case Source:
			sources = append(sources, f)
		case PrismaSchema:
			schemas = append(schemas, f)
		}
	}
	e := overlay{proc: env, file: dot}
	procs, notes := processes(pm2, cmds, e, sources)
	b := &builder{env: e, deps: deps}
	for _, f := range sources {
		ev := &evaluator{env: e, syms: map[string]jval{}}
		s := scanJS(f.toks, ev)
		for _, c := range s.calls {
			b.call(f, c)
		}
		b.knexfile(f, s.exports)
	}
	for _, f := range schemas {
		for _, ds := range f.prisma {
			b.prisma(ds)
		}
	}
	for i := range b.pools {
		b.pools[i].Processes = procs
		b.pools[i].Notes = append(append([]string{}, notes...), b.pools[i].Notes...)
	}
	return b.pools, nil
}

// builder collects pools.
type builder struct {
	env   apps.Env
	deps  []string
	pools []apps.Pool
}

// num reads an integer option: a number, or a string Number() reads.
// When the option is absent or unknown the default stays, with a note
// for an unknown one.
func num(p *apps.Pool, obj jval, key string, def int, defOrigin source.Origin) (source.Value[int], bool) {
	v, ok := obj.get(key)
	if !ok || v.kind == jUndefined {
		return source.Value[int]{V: def, Origin: defOrigin}, false
	}
	n := toNumber(v, v.pos)
	if n.kind != jNumber || math.IsNaN(n.n) || math.IsInf(n.n, 0) {
		why := n.why
		if n.kind == jNumber {
			why = fmt.Sprintf("%q is not a number", v.text())
		}
		p.Notes = append(p.Notes, fmt.Sprintf("%s at %s is not known (%s): the default %d is assumed", key, v.pos, why, def))
		return source.Value[int]{V: def, Origin: source.Origin{Pos: v.pos, Note: fmt.Sprintf("%s not known; assumed the default %d", key, def)}}, false
	}
	return source.Value[int]{V: int(n.n), Origin: n.origin}, true
}

// account fills User, Host and Database from an options object or URL.
func account(p *apps.Pool, opts jval, userKey string) {
	for _, kv := range []struct {
		key string
		dst *source.Value[string]
	}{{userKey, &p.User}, {"host", &p.Host}, {"database", &p.Database}} {
		if v, ok := opts.get(kv.key); ok && v.kind == jString {
			*kv.dst = source.Value[string]{V: v.s, Origin: v.origin}
		}
	}
}

// fromURL reads a URL's account and parameters; ok is false when it is
// not a MySQL URL.
func fromURL(p *apps.Pool, v jval) (map[string]string, bool) {
	if v.kind != jString {
		return nil, true
	}
	if !dburl.IsMySQL(v.s) {
		return nil, false
	}
	u, err := dburl.ParseURL(v.s, v.origin.Pos)
	if err != nil {
		p.Notes = append(p.Notes, fmt.Sprintf("URL at %s: %v", v.origin, err))
		return nil, true
	}
	note := func(what string) source.Origin {
		return source.Origin{Pos: v.origin.Pos, Note: strings.TrimPrefix(v.origin.Note+"; ", "; ") + what + " from the URL"}
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
	return u.Params, true
}

// paramObject turns URL parameters into an options object whose values
// carry the URL's origin.
func paramObject(params map[string]string, v jval) jval {
	o := jval{kind: jObject}
	for _, k := range slices.Sorted(maps.Keys(params)) {
		o = o.set(k, jval{kind: jString, s: params[k], pos: v.pos, origin: source.Origin{Pos: v.origin.Pos, Note: strings.TrimPrefix(v.origin.Note+"; ", "; ") + k + "=" + params[k] + " in the URL"}})
	}
	return o
}

// merge returns a with b's keys on top.
func merge(a, b jval) jval {
	if a.kind != jObject {
		a = jval{kind: jObject}
	}
	a.props = a.props.Merge(b.props)
	return a
}

// call turns a recorded call into pools.
func (b *builder) call(f *File, c jval) {
	ci := c.call
	mod, last := moduleOf(ci.callee)
	name := fmt.Sprintf("%s:%d", path.Base(f.Path), c.pos.Line)
	arg := func(i int) jval {
		if i < len(ci.args) {
			return ci.args[i]
		}
		return jval{kind: jUndefined, pos: c.pos}
	}
	switch {
	case last == "createPool":
		eco := b.driver(mod)
		b.mysqlPool(eco, name, arg(0), c.pos)
	case last == "createPoolCluster":
		b.pools = append(b.pools, apps.Pool{Ecosystem: b.driver(mod), Name: name, Max: source.Value[int]{V: mysql2Limit, Origin: source.Named("pool cluster: each added pool has its own connectionLimit (default 10)")}, Notes: []string{fmt.Sprintf("createPoolCluster at %s: the pools added to the cluster are not read", c.pos)}})
	case last == "createConnection" && arg(0).kind == jObject && hasKey(arg(0), "type"):
		b.typeorm(name, arg(0), c.pos)
	case last == "createConnection" && (mod == "mysql2" || mod == "mysql"):
		p := apps.Pool{Ecosystem: b.driver(mod), Name: name, Max: source.Value[int]{V: 1, Origin: source.At(c.pos)}, MinIdle: source.Value[int]{V: 1, Origin: source.At(c.pos)}}
		p.Notes = append(p.Notes, "createConnection: a single connection, no pool")
		account(&p, arg(0), "user")
		b.pools = append(b.pools, p)
	case last == "knex" || last == "Knex" || mod == "knex" && (last == "knex" || last == "default" || strings.HasSuffix(ci.callee, "require:knex")):
		b.knex(name, arg(0), c.pos)
	case last == "Sequelize" && ci.isNew:
		b.sequelize(name, ci.args, c.pos)
	case last == "DataSource" && ci.isNew, last == "forRoot":
		if a := arg(0); a.kind == jObject {
			b.typeorm(name, a, c.pos)
		}
	}
}

func hasKey(o jval, k string) bool { _, ok := o.get(k); return ok }

// driver names the ecosystem of a createPool call from its module, or
// from package.json when the module is not known.
func (b *builder) driver(mod string) string {
	switch mod {
	case "mysql2":
		return "mysql2"
	case "mysql":
		return "mysqljs"
	case "mariadb":
		return "mariadb"
	}
	if slices.Contains(b.deps, "mysql") && !slices.Contains(b.deps, "mysql2") {
		return "mysqljs"
	}
	return "mysql2"
}

// mysqlPool reads mysql2 / mysqljs createPool options or URI.
func (b *builder) mysqlPool(eco, name string, arg jval, at source.Pos) {
	p := apps.Pool{Ecosystem: eco, Name: name}
	opts := arg
	switch arg.kind {
	case jString:
		params, ok := fromURL(&p, arg)
		if !ok {
			return
		}
		opts = paramObject(params, arg)
	case jObject:
		if u, ok := arg.get("uri"); ok && u.kind == jString {
			params, ok := fromURL(&p, u)
			if !ok {
				return
			}
			opts = merge(paramObject(params, u), arg)
		}
		account(&p, arg, "user")
	case jUnknown:
		p.Notes = append(p.Notes, fmt.Sprintf("createPool options at %s are not known (%s): defaults assumed", arg.pos, arg.why))
	}
	limit, set := num(&p, opts, "connectionLimit", mysql2Limit, source.Named(eco+" default connectionLimit 10"))
	p.Max, p.Declared = limit, set
	if eco == "mysqljs" {
		p.MinIdle = source.Value[int]{V: limit.V, Origin: source.Named("mysqljs keeps released connections open")}
		p.IdleTimeout = apps.Duration{Origin: source.Named("mysqljs pools have no idle timeout")}
	} else {
		maxIdle, _ := num(&p, opts, "maxIdle", limit.V, source.Named(eco+" default maxIdle = connectionLimit"))
		p.MinIdle = maxIdle
		idle, idleSet := num(&p, opts, "idleTimeout", int(mysql2IdleTimeout/time.Millisecond), source.Named(eco+" default idleTimeout 60000 ms"))
		if maxIdle.V < limit.V {
			p.IdleTimeout = apps.Duration{V: time.Duration(idle.V) * time.Millisecond, Known: true, Origin: idle.Origin}
		} else {
			o := source.Named(eco + ": idle connections are reaped only above maxIdle, which equals connectionLimit: none are")
			if idleSet {
				o = source.Origin{Pos: idle.Origin.Pos, Note: "idleTimeout applies only above maxIdle, which equals connectionLimit: no connection is reaped"}
			}
			p.IdleTimeout = apps.Duration{V: 0, Known: true, Origin: o}
		}
	}
	p.MaxLifetime = apps.Duration{Origin: source.Named(eco + " has no maximum connection lifetime")}
	b.pools = append(b.pools, p)
}

// knex reads a knex configuration object.
func (b *builder) knex(name string, cfg jval, at source.Pos) {
	p := apps.Pool{Ecosystem: "knex", Name: name}
	if cfg.kind == jUnknown {
		p.Notes = append(p.Notes, fmt.Sprintf("knex configuration at %s is not known (%s): assumed mysql2 with the default pool", cfg.pos, cfg.why))
	} else {
		client, _ := cfg.get("client")
		if client.kind == jUndefined {
			client, _ = cfg.get("dialect")
		}
		switch {
		case client.kind == jString && client.s != "mysql" && client.s != "mysql2":
			return
		case client.kind == jUnknown:
			p.Notes = append(p.Notes, fmt.Sprintf("knex client at %s is not known: assumed MySQL", client.pos))
		}
		if conn, ok := cfg.get("connection"); ok {
			if conn.kind == jString {
				if _, ok := fromURL(&p, conn); !ok {
					return
				}
			} else {
				account(&p, conn, "user")
			}
		}
	}
	pool, _ := cfg.get("pool")
	max, set := num(&p, pool, "max", knexMax, source.Named("knex default pool.max 10"))
	min, _ := num(&p, pool, "min", knexMin, source.Named("knex default pool.min 2 (tarn.js keeps min connections open)"))
	p.Max, p.Declared, p.MinIdle = max, set, min
	p.IdleTimeout = apps.Duration{Origin: source.Named("tarn.js idleTimeoutMillis default not verified")}
	if v, ok := pool.get("idleTimeoutMillis"); ok {
		if n := toNumber(v, v.pos); n.kind == jNumber && !math.IsNaN(n.n) {
			p.IdleTimeout = apps.Duration{V: time.Duration(n.n) * time.Millisecond, Known: true, Origin: n.origin}
		}
	}
	p.MaxLifetime = apps.Duration{Origin: source.Named("knex has no maximum connection lifetime")}
	b.pools = append(b.pools, p)
}

// knexfile reads a knexfile's exported configuration: one with a client,
// or one per environment (NODE_ENV, else production when present).
func (b *builder) knexfile(f *File, exports jval) {
	if exports.kind != jObject || !strings.HasPrefix(path.Base(f.Path), "knexfile.") {
		return
	}
	name := fmt.Sprintf("%s:%d", path.Base(f.Path), exports.pos.Line)
	if hasKey(exports, "client") {
		b.knex(name, exports, exports.pos)
		return
	}
	envName, origin := "production", source.Named("NODE_ENV unset: production assumed (the knex CLI defaults to development)")
	if v, ok := b.env.Lookup("NODE_ENV"); ok && !v.Unknown && v.Value.V != "" {
		envName, origin = v.Value.V, v.Value.Origin
	}
	cfg, ok := exports.get(envName)
	if !ok {
		return
	}
	before := len(b.pools)
	b.knex(name+" ("+envName+")", cfg, cfg.pos)
	for i := before; i < len(b.pools); i++ {
		b.pools[i].Notes = append(b.pools[i].Notes, fmt.Sprintf("knexfile environment %s (%s)", envName, origin))
	}
}

// sequelize reads new Sequelize(uri, options), (database, username,
// password, options) or (options).
func (b *builder) sequelize(name string, args []jval, at source.Pos) {
	p := apps.Pool{Ecosystem: "sequelize", Name: name}
	var opts jval
	switch {
	case len(args) > 0 && args[len(args)-1].kind == jObject:
		opts = args[len(args)-1]
	}
	if d, ok := opts.get("dialect"); ok && d.kind == jString && d.s != "mysql" && d.s != "mariadb" {
		return
	}
	switch {
	case len(args) >= 1 && args[0].kind == jString && strings.Contains(args[0].s, "://"):
		if _, ok := fromURL(&p, args[0]); !ok {
			return
		}
	case len(args) >= 2 && args[0].kind == jString:
		p.Database = source.Value[string]{V: args[0].s, Origin: args[0].origin}
		if args[1].kind == jString {
			p.User = source.Value[string]{V: args[1].s, Origin: args[1].origin}
		}
		account(&p, opts, "username")
	default:
		account(&p, opts, "username")
	}
	if u, ok := opts.get("url"); ok && u.kind == jString {
		if _, ok := fromURL(&p, u); !ok {
			return
		}
	}
	pool, _ := opts.get("pool")
	max, set := num(&p, pool, "max", sequelizeMax, source.Named("Sequelize default pool.max 5"))
	min, _ := num(&p, pool, "min", 0, source.Named("Sequelize default pool.min 0"))
	idle, _ := num(&p, pool, "idle", int(sequelizeIdle/time.Millisecond), source.Named("Sequelize default pool.idle 10000 ms"))
	p.Max, p.Declared, p.MinIdle = max, set, min
	p.IdleTimeout = apps.Duration{V: time.Duration(idle.V) * time.Millisecond, Known: true, Origin: idle.Origin}
	p.MaxLifetime = apps.Duration{Origin: source.Named("Sequelize's maxUses counts uses, not time")}
	if rep, ok := opts.get("replication"); ok && rep.kind == jObject {
		read, write := p, p
		read.Name, write.Name = name+" (read)", name+" (write)"
		read.Notes = append(slices.Clone(p.Notes), fmt.Sprintf("replication at %s: a read pool (shared by the read replicas) and a write pool, each up to pool.max", rep.pos))
		write.Notes = append(slices.Clone(p.Notes), fmt.Sprintf("replication at %s: a read pool (shared by the read replicas) and a write pool, each up to pool.max", rep.pos))
		if w, ok := rep.get("write"); ok {
			account(&write, w, "username")
		}
		b.pools = append(b.pools, read, write)
		return
	}
	b.pools = append(b.pools, p)
}

// typeorm reads a TypeORM DataSource (or TypeOrmModule.forRoot) options
// object of type mysql or mariadb.
func (b *builder) typeorm(name string, opts jval, at source.Pos) {
	t, _ := opts.get("type")
	switch {
	case t.kind == jString && t.s != "mysql" && t.s != "mariadb":
		return
	case t.kind == jUnknown:
	}
	p := apps.Pool{Ecosystem: "typeorm", Name: name}
	if t.kind == jUnknown {
		p.Notes = append(p.Notes, fmt.Sprintf("type at %s is not known: assumed mysql", t.pos))
	}
	account(&p, opts, "username")
	if u, ok := opts.get("url"); ok && u.kind == jString {
		if _, ok := fromURL(&p, u); !ok {
			return
		}
	}
	size, set := num(&p, opts, "poolSize", typeormDefaultSize, source.Named("TypeORM: no poolSize, the mysql2 default connectionLimit 10"))
	extra, _ := opts.get("extra")
	if lim, ok := num(&p, extra, "connectionLimit", size.V, size.Origin); ok {
		size, set = lim, true
		p.Notes = append(p.Notes, "extra.connectionLimit wins over poolSize (TypeORM merges extra last)")
	}
	p.Max, p.Declared = size, set
	p.MinIdle = source.Value[int]{V: size.V, Origin: source.Named("mysql2 default maxIdle = connectionLimit")}
	p.IdleTimeout = apps.Duration{V: 0, Known: true, Origin: source.Named("mysql2: idle connections are reaped only above maxIdle, which equals connectionLimit: none are")}
	p.MaxLifetime = apps.Duration{Origin: source.Named("mysql2 has no maximum connection lifetime")}
	if r, ok := opts.get("replication"); ok && r.kind == jObject {
		p.Notes = append(p.Notes, fmt.Sprintf("replication at %s: a pool cluster, one pool per master and slave", r.pos))
	}
	b.pools = append(b.pools, p)
}

// prisma reads a datasource: provider mysql, url with connection_limit.
func (b *builder) prisma(ds datasource) {
	if ds.provider.V != "mysql" {
		return
	}
	p := apps.Pool{Ecosystem: "prisma", Name: "datasource " + ds.name}
	def := source.Value[int]{V: assumedCPUs*2 + 1, Origin: source.Named(fmt.Sprintf("Prisma default connection_limit: physical CPUs × 2 + 1, CPUs unknown offline; assumed %d", assumedCPUs))}
	p.Max = def
	url := ds.url
	if ds.envName != "" {
		v, ok := b.env.Lookup(ds.envName)
		switch {
		case !ok:
			p.Notes = append(p.Notes, fmt.Sprintf("url at %s reads %s, which is not set", ds.url.Origin, ds.envName))
		case v.Unknown:
			p.Notes = append(p.Notes, fmt.Sprintf("url at %s reads %s, whose value is not in the inputs", ds.url.Origin, ds.envName))
		default:
			url = v.Value
		}
	}
	if url.V != "" {
		params, ok := fromURL(&p, jval{kind: jString, s: url.V, origin: url.Origin, pos: url.Origin.Pos})
		if ok {
			if s, ok := params["connection_limit"]; ok {
				if n, err := strconv.Atoi(s); err == nil {
					p.Max = source.Value[int]{V: n, Origin: source.Origin{Pos: url.Origin.Pos, Note: strings.TrimPrefix(url.Origin.Note+"; ", "; ") + "connection_limit=" + s + " in the URL"}}
					p.Declared = true
				}
			}
		}
	}
	p.MinIdle = source.Value[int]{V: -1, Origin: source.Named("Prisma opens connections on demand")}
	p.IdleTimeout = apps.Duration{Origin: source.Named("Prisma has no idle timeout setting")}
	p.MaxLifetime = apps.Duration{Origin: source.Named("Prisma has no maximum lifetime setting")}
	p.Notes = append(p.Notes, "Prisma ≤ 6 built-in engine; with Prisma 7 driver adapters the pool comes from the driver")
	b.pools = append(b.pools, p)
}

// processes resolves how many processes run the app: pm2's -i on a command
// line, else the PM2 app's instances, else 1.
func processes(pm2 []*File, cmds [][]source.Value[string], env apps.Env, sources []*File) (source.Value[int], []string) {
	var notes []string
	procs := source.Value[int]{V: 1, Origin: source.Named("one Node.js process (no PM2 instances read)")}
	instances := func(v jval) (source.Value[int], bool) {
		switch {
		case v.kind == jString && v.s == "max" || v.kind == jNumber && v.n == 0 || v.kind == jString && v.s == "0":
			return source.Value[int]{V: assumedCPUs, Origin: source.Origin{Pos: v.pos, Note: fmt.Sprintf("instances %s: the CPU count, unknown offline; assumed %d", v.text(), assumedCPUs)}}, true
		case v.kind == jNumber && v.n < 0 || v.kind == jString && strings.HasPrefix(v.s, "-"):
			n := toNumber(v, v.pos)
			return source.Value[int]{V: max(1, assumedCPUs+int(n.n)), Origin: source.Origin{Pos: v.pos, Note: fmt.Sprintf("instances %s: CPUs %s, CPUs unknown offline; assumed %d", v.text(), v.text(), assumedCPUs)}}, true
		}
		n := toNumber(v, v.pos)
		if n.kind == jNumber && !math.IsNaN(n.n) && n.n >= 1 {
			return source.Value[int]{V: int(n.n), Origin: n.origin}, true
		}
		return source.Value[int]{}, false
	}
	for _, f := range pm2 {
		ev := &evaluator{env: env, syms: map[string]jval{}}
		s := scanJS(f.toks, ev)
		list, _ := s.exports.get("apps")
		if list.kind != jArray || len(list.items) == 0 {
			continue
		}
		app := list.items[0]
		if len(list.items) > 1 {
			names := []string{}
			for _, a := range list.items {
				if n, ok := a.get("name"); ok {
					names = append(names, n.text())
				}
			}
			chosen := false
			for _, a := range list.items {
				if sc, ok := a.get("script"); ok && sc.kind == jString && matchesSource(sc.s, sources) {
					app, chosen = a, true
					break
				}
			}
			if !chosen {
				notes = append(notes, fmt.Sprintf("%s lists %d apps (%s): the first is assumed to run these pools", f.Path, len(list.items), strings.Join(names, ", ")))
			}
		}
		if v, ok := app.get("instances"); ok {
			if n, ok := instances(v); ok {
				procs = n
			} else {
				notes = append(notes, fmt.Sprintf("instances at %s is not known: %s", v.pos, v.why))
			}
		}
	}
	for _, c := range cmds {
		args := c
		found := false
		for i, w := range c {
			if b := path.Base(w.V); b == "pm2" || b == "pm2-runtime" || b == "pm2-docker" {
				args, found = c[i+1:], true
				break
			}
		}
		if !found {
			continue
		}
		for i := 0; i < len(args); i++ {
			name, val, eq := strings.Cut(args[i].V, "=")
			if name != "-i" && name != "--instances" {
				continue
			}
			origin := args[i].Origin
			if !eq && i+1 < len(args) {
				val, origin = args[i+1].V, args[i+1].Origin
			}
			v := jval{kind: jString, s: val, pos: origin.Pos, origin: origin}
			if n, ok := instances(v); ok {
				procs = n
			}
		}
	}
	return procs, notes
}

// matchesSource reports whether a PM2 script (dist/main.js) names one of
// the source files (src/main.ts) by its base name.
func matchesSource(script string, sources []*File) bool {
	base := strings.TrimSuffix(path.Base(script), path.Ext(script))
	for _, f := range sources {
		if strings.TrimSuffix(path.Base(f.Path), path.Ext(f.Path)) == base {
			return true
		}
	}
	return false
}
