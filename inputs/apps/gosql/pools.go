package gosql

import (
	"fmt"
	"math"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/dburl"
	"github.com/conncap/conncap/inputs/source"
)

// database/sql's defaults (go/src/database/sql/sql.go: defaultMaxIdleConns = 2;
// MaxOpenConns 0 = unlimited; ConnMaxLifetime and ConnMaxIdleTime 0 = none).
const defaultMaxIdle = 2

// isMySQLDriver reports whether a registered driver name is a MySQL one:
// go-sql-driver's "mysql" and wrappers registered under a name that says
// so ("nrmysql", "cloudsqlmysql", …).
func isMySQLDriver(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "mysql") || strings.Contains(n, "maria")
}

// Pools returns one pool per call that opens a MySQL pool in the given
// files (one program's .go files; constants are looked up across the files
// of the same directory and package). env is the process environment; it
// is only used to say what an os.Getenv in a sizing argument reads.
//
// Sizing calls are tied to an open by the name they are called on: the
// name the open is assigned to and the names it is copied to (s.db = db,
// sqlDB, _ := gdb.DB(), sqlx.NewDb(db, …)); a full-name match beats a match
// on the last selector (s.db ~ r.db), then the same function, then the same
// file. When the program opens exactly one pool every sizing call is its.
// When one method is called several times on a pool the last in source
// order wins and the others are noted.
//
// With no SetMaxOpenConns the pool is Unbounded, its origin the open call
// ("database/sql default: unlimited open connections"). A non-constant
// argument leaves the value unknown: V is 0, Declared is true, and the
// origin's note names the expression and the variables it reads. Opens
// whose driver name is not a constant are kept, with a note; opens of other
// drivers (postgres, sqlite3) are skipped.
func Pools(files []*File, env apps.Env) ([]apps.Pool, error) {
	if env == nil {
		env = apps.EnvMap{}
	}
	pkgs := map[string][]*File{}
	var live []*File
	for _, f := range files {
		if f != nil {
			live = append(live, f)
			pkgs[pkgKey(f)] = append(pkgs[pkgKey(f)], f)
		}
	}
	var opens []*openRef
	for _, f := range live {
		for _, o := range f.Opens {
			pkg := pkgs[pkgKey(f)]
			if o.Driver == "" && o.driverArg != nil {
				o.Driver, _ = f.constString(o.driverArg, pkg)
			}
			if o.DSN == "" && o.dsnArg != nil {
				o.DSN, _ = f.constString(o.dsnArg, pkg)
			}
			if o.Driver != "" && !isMySQLDriver(o.Driver) {
				continue
			}
			r := &openRef{o: o, f: f, names: map[string]bool{}, last: map[string]bool{}}
			for _, n := range o.Names {
				r.add(n)
			}
			opens = append(opens, r)
		}
	}
	// Names travel through assignments; a few rounds reach a fixed point in
	// real programs, and the bound keeps odd inputs cheap.
	for range 8 {
		grew := false
		for _, f := range live {
			for _, a := range f.Assigns {
				for _, r := range opens {
					if !r.names[a.LHS] && r.matches(a.RHS) == 2 {
						r.add(a.LHS)
						grew = true
					}
				}
			}
		}
		if !grew {
			break
		}
	}
	attached := make([][]callRef, len(opens))
	var orphans []callRef
	for _, f := range live {
		for _, c := range f.Calls {
			ref := callRef{c: c, f: f}
			best, bestScore := -1, 0
			for i, r := range opens {
				m := r.matches(strings.TrimSuffix(c.Recv, ".DB()"))
				if m == 0 {
					continue
				}
				score := m * 10
				if r.f == f {
					score += 2
					if r.o.Scope == c.Scope {
						score += 3
					}
				}
				if score > bestScore {
					best, bestScore = i, score
				}
			}
			if best < 0 && len(opens) == 1 {
				best = 0
			}
			if best < 0 {
				orphans = append(orphans, ref)
				continue
			}
			attached[best] = append(attached[best], ref)
		}
	}
	pools := make([]apps.Pool, 0, len(opens))
	for i, r := range opens {
		p := r.pool(attached[i], pkgs[pkgKey(r.f)], env)
		for _, c := range orphans {
			p.Notes = append(p.Notes, fmt.Sprintf("%s(%s) at %s could not be tied to a pool (receiver %q)", c.c.Method, c.c.Arg, c.c.Pos, c.c.Recv))
		}
		pools = append(pools, p)
	}
	return pools, nil
}

func pkgKey(f *File) string { return path.Dir(f.Path) + "\x00" + f.Package }

type callRef struct {
	c Call
	f *File
}

// openRef is an open call with every name its pool is known by.
type openRef struct {
	o     Open
	f     *File
	names map[string]bool // full names: "db", "s.db"
	last  map[string]bool // last selectors: "db"
}

func (r *openRef) add(n string) {
	r.names[n] = true
	r.last[lastSegment(n)] = true
}

// matches returns 2 when n is one of the pool's names, 1 when only its last
// selector is, 0 otherwise.
func (r *openRef) matches(n string) int {
	switch {
	case n == "":
		return 0
	case r.names[n]:
		return 2
	case r.last[lastSegment(n)]:
		return 1
	}
	return 0
}

func lastSegment(n string) string {
	n = strings.TrimSuffix(n, "()")
	if i := strings.LastIndexByte(n, '.'); i >= 0 {
		return n[i+1:]
	}
	return n
}

// pool resolves one open and the sizing calls tied to it.
func (r *openRef) pool(calls []callRef, pkg []*File, env apps.Env) apps.Pool {
	o := r.o
	name := "db"
	if len(o.Names) > 0 {
		name = o.Names[0]
	}
	p := apps.Pool{
		Ecosystem: "gosql",
		Name:      name,
		Processes: source.Value[int]{V: 1, Origin: source.Named("one Go process per container")},
	}
	if o.Driver == "" {
		p.Notes = append(p.Notes, fmt.Sprintf("%s at %s: the driver name is not a constant; assumed MySQL", o.Func, o.Pos))
	}
	if o.DSN != "" {
		if u, err := dburl.ParseURL(o.DSN, o.DSNPos); err == nil {
			at := source.At(o.DSNPos)
			if u.User != "" {
				p.User = source.Value[string]{V: u.User, Origin: at}
			}
			if u.Host != "" {
				p.Host = source.Value[string]{V: u.Host, Origin: at}
			}
			if u.Database != "" {
				p.Database = source.Value[string]{V: u.Database, Origin: at}
			}
		} else {
			p.Notes = append(p.Notes, "DSN: "+err.Error())
		}
	}

	slices.SortStableFunc(calls, func(a, b callRef) int { return a.c.Pos.Compare(b.c.Pos) })
	last := map[string]callRef{}
	for _, c := range calls {
		if prev, ok := last[c.c.Method]; ok {
			p.Notes = append(p.Notes, fmt.Sprintf("%s is called more than once; %s(%s) at %s is overridden by the call at %s",
				c.c.Method, prev.c.Method, prev.c.Arg, prev.c.Pos, c.c.Pos))
		}
		last[c.c.Method] = c
	}
	value := func(c callRef) (int64, bool) { return c.f.constInt(c.c.arg, pkg) }
	unknown := func(c callRef) string {
		note := fmt.Sprintf("%s(%s): not a constant; value unknown", c.c.Method, c.c.Arg)
		for _, n := range c.c.Env {
			switch v, ok := env.Lookup(n); {
			case !ok:
				note += fmt.Sprintf("; reads %s, not set in the inputs", n)
			case v.Unknown:
				note += fmt.Sprintf("; reads %s (%s), whose value is not in the inputs", n, v.Value.Origin)
			default:
				note += fmt.Sprintf("; reads %s=%q (%s)", n, v.Value.V, v.Value.Origin)
			}
		}
		return note
	}

	// SetMaxOpenConns: n <= 0 means no limit.
	maxOpen, maxOpenKnown := int64(0), true
	if c, ok := last["SetMaxOpenConns"]; !ok {
		p.Unbounded = true
		p.Max = source.Value[int]{Origin: source.Origin{Pos: o.Pos, Note: "database/sql default: unlimited open connections (no SetMaxOpenConns)"}}
	} else if n, ok := value(c); !ok {
		maxOpenKnown = false
		p.Declared = true
		p.Max = source.Value[int]{Origin: source.Origin{Pos: c.c.ArgPos, Note: unknown(c)}}
	} else if n <= 0 {
		p.Declared, p.Unbounded = true, true
		p.Max = source.Value[int]{Origin: source.Origin{Pos: c.c.ArgPos, Note: fmt.Sprintf("SetMaxOpenConns(%d): n <= 0 means no limit", n)}}
	} else {
		maxOpen = n
		p.Declared = true
		p.Max = source.Value[int]{V: clampInt(n), Origin: source.At(c.c.ArgPos)}
	}

	// SetMaxIdleConns: n <= 0 keeps none; never more than MaxOpenConns.
	idle := source.Value[int]{V: defaultMaxIdle, Origin: source.Origin{Pos: o.Pos, Note: "database/sql default MaxIdleConns 2 (idle connections kept open)"}}
	idleKnown := true
	if c, ok := last["SetMaxIdleConns"]; ok {
		if n, ok := value(c); !ok {
			idleKnown = false
			idle = source.Value[int]{Origin: source.Origin{Pos: c.c.ArgPos, Note: unknown(c)}}
		} else if n <= 0 {
			idle = source.Value[int]{Origin: source.Origin{Pos: c.c.ArgPos, Note: fmt.Sprintf("SetMaxIdleConns(%d): no idle connections are kept", n)}}
		} else {
			idle = source.Value[int]{V: clampInt(n), Origin: source.At(c.c.ArgPos)}
		}
	}
	if idleKnown && maxOpenKnown && maxOpen > 0 && int64(idle.V) > maxOpen {
		idle = source.Value[int]{V: int(maxOpen), Origin: source.Origin{Pos: idle.Origin.Pos,
			Note: fmt.Sprintf("MaxIdleConns %d is capped at MaxOpenConns %d", idle.V, maxOpen)}}
	}
	p.MinIdle = idle

	p.MaxLifetime = r.duration(last, "SetConnMaxLifetime", "database/sql default: connections are reused forever (no SetConnMaxLifetime)", value, unknown)
	p.IdleTimeout = r.duration(last, "SetConnMaxIdleTime", "database/sql default: idle connections are not closed for idleness (no SetConnMaxIdleTime)", value, unknown)
	return p
}

// duration resolves SetConnMaxLifetime or SetConnMaxIdleTime: d <= 0 means none.
func (r *openRef) duration(last map[string]callRef, method, def string, value func(callRef) (int64, bool), unknown func(callRef) string) apps.Duration {
	c, ok := last[method]
	if !ok {
		return apps.Duration{Origin: source.Origin{Pos: r.o.Pos, Note: def}, Known: true}
	}
	n, ok := value(c)
	switch {
	case !ok:
		return apps.Duration{Origin: source.Origin{Pos: c.c.ArgPos, Note: unknown(c)}}
	case n <= 0:
		return apps.Duration{Origin: source.Origin{Pos: c.c.ArgPos, Note: fmt.Sprintf("%s(%d): d <= 0 means none", method, n)}, Known: true}
	}
	d := time.Duration(n)
	note := ""
	if d < time.Millisecond {
		note = fmt.Sprintf("%s(%s) is %v: the argument counts nanoseconds", method, c.c.Arg, d)
	}
	return apps.Duration{V: d, Origin: source.Origin{Pos: c.c.ArgPos, Note: note}, Known: true}
}

// clampInt converts a positive count to int, saturating at MaxInt32.
func clampInt(n int64) int { return int(min(n, math.MaxInt32)) }
