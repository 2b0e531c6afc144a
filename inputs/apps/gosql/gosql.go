// Package gosql reads the connection pools of Go programs that use
// database/sql with a MySQL driver, directly or through sqlx, GORM, ent,
// otelsql or Datadog's sqltrace. It parses Go source with go/parser (no type
// checking) and finds the calls that open a pool (sql.Open("mysql", dsn),
// sqlx.Connect, gorm.Open(mysql.Open(dsn)), …) and the calls that size it
// (SetMaxOpenConns, SetMaxIdleConns, SetConnMaxLifetime, SetConnMaxIdleTime),
// evaluating their arguments when they are constant expressions.
//
// database/sql opens connections without limit unless SetMaxOpenConns is
// called with a positive number; that is the fact this package exists for.
package gosql

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"path"
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// Import paths whose packages open database/sql pools, with the package
// name an unaliased import binds.
var openers = map[string]string{
	"database/sql":                                           "sql",
	"github.com/jmoiron/sqlx":                                "sqlx",
	"github.com/XSAM/otelsql":                                "otelsql",
	"go.nhat.io/otelsql":                                     "otelsql",
	"github.com/uptrace/opentelemetry-go-extra/otelsql":      "otelsql",
	"gopkg.in/DataDog/dd-trace-go.v1/contrib/database/sql":   "sql",
	"github.com/DataDog/dd-trace-go/contrib/database/sql/v2": "sql",
	"entgo.io/ent/dialect/sql":                               "sql",
	"gorm.io/gorm":                                           "gorm",
	"github.com/jinzhu/gorm":                                 "gorm",
	"github.com/go-sql-driver/mysql":                         "mysql",
	"gorm.io/driver/mysql":                                   "mysql",
	"time":                                                   "time",
	"os":                                                     "os",
}

// Match reports whether a file is Go source this package reads: a .go file,
// not a _test.go file, that imports database/sql, a MySQL driver
// (github.com/go-sql-driver/mysql, gorm.io/driver/mysql) or a package that
// opens database/sql pools (sqlx, GORM, ent, otelsql, sqltrace), or that
// calls one of the pool-sizing methods (a file configuring a pool opened
// elsewhere, s.db.SetMaxOpenConns(n), may import none of those).
func Match(p string, src []byte) bool {
	base := path.Base(p)
	if !strings.HasSuffix(base, ".go") || strings.HasSuffix(base, "_test.go") {
		return false
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, p, src, parser.ImportsOnly|parser.SkipObjectResolution)
	if err != nil || f == nil {
		return false
	}
	for _, imp := range f.Imports {
		ip, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		if _, ok := openers[ip]; ok && ip != "time" && ip != "os" {
			return true
		}
	}
	for m := range sizingMethods {
		if bytes.Contains(src, []byte("."+m+"(")) {
			return true
		}
	}
	return false
}

// File is what one Go source file says about database pools.
type File struct {
	Path    string // slash-separated, relative to the sysroot
	Package string // the package clause's name
	// Opens are the calls that open a pool, in source order.
	Opens []Open
	// Calls are the pool-sizing calls, in source order.
	Calls []Call
	// Assigns are plain assignments between names (s.db = db, sqlDB, err :=
	// gdb.DB(), x := sqlx.NewDb(db, "mysql")): how a pool travels.
	Assigns []Assign

	consts   map[string]ast.Expr // package-level and local constants by name
	imports  map[string]string   // local name → import path
	text     *source.File
	fset     *token.FileSet
	seenOpen map[token.Pos]bool // opens already recorded through an assignment
}

// Open is a call that opens a database/sql pool.
type Open struct {
	Pos  source.Pos // the call
	Func string     // as written: "sql.Open", "sqlx.Connect", "gorm.Open"
	// Driver is the driver name ("mysql") when it is a constant; "" when it
	// is not. GORM's mysql.Open/mysql.New dialector and a mysql.NewConnector
	// connector count as "mysql".
	Driver    string
	DriverPos source.Pos // the driver-name argument (the dialector call for GORM)
	// DSN is the data source name when it is a constant, else "".
	DSN    string
	DSNPos source.Pos // the DSN argument
	// Names are what the result is assigned to ("db", "s.db"); the first
	// result only.
	Names []string
	// Scope is the enclosing function ("main", "(*Store).Open"; "" at package level).
	Scope string

	driverArg, dsnArg ast.Expr // evaluated again in Pools, with the whole package in view
}

// Call is a call of one of database/sql's pool-sizing methods.
type Call struct {
	Pos    source.Pos // the method name
	Method string     // SetMaxOpenConns, SetMaxIdleConns, SetConnMaxLifetime, SetConnMaxIdleTime
	Recv   string     // the receiver as written: "db", "s.db", "gdb.DB()"
	Arg    string     // the argument as written
	ArgPos source.Pos // the argument's first character
	// Env lists the variables the argument reads with os.Getenv or os.LookupEnv.
	Env   []string
	Scope string // the enclosing function, as Open.Scope

	arg ast.Expr
}

// Assign is one assignment of a name from another name.
type Assign struct {
	Pos      source.Pos // the left-hand side
	LHS, RHS string     // as written; RHS without a trailing .DB() or sqlx.NewDb wrapper
	Scope    string     // the enclosing function, as Open.Scope
}

// sizingMethods are database/sql's (*DB) pool settings.
var sizingMethods = map[string]bool{
	"SetMaxOpenConns": true, "SetMaxIdleConns": true, "SetConnMaxLifetime": true, "SetConnMaxIdleTime": true,
}

// Parse reads one Go source file. A syntax error is a source.ErrorList
// positioned at the error; what could be read is returned with it.
func Parse(p string, src []byte) (*File, error) {
	f := &File{Path: p, consts: map[string]ast.Expr{}, imports: map[string]string{}, text: source.NewFile(p, src), fset: token.NewFileSet()}
	af, err := parser.ParseFile(f.fset, p, src, parser.SkipObjectResolution)
	var errs source.ErrorList
	if err != nil {
		if list, ok := err.(scanner.ErrorList); ok {
			for _, e := range list {
				errs.Add(f.posOf(e.Pos), e.Msg)
			}
		} else {
			errs.Add(source.Pos{Path: p, Line: 1, Col: 1}, err.Error())
		}
	}
	if af == nil {
		return f, errs.Err()
	}
	if af.Name != nil {
		f.Package = af.Name.Name
	}
	for _, imp := range af.Imports {
		ip, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		name, known := openers[ip]
		if !known {
			name = path.Base(ip)
		}
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name != "_" && name != "." {
			f.imports[name] = ip
		}
	}
	v := &visitor{f: f}
	for _, d := range af.Decls {
		v.scope = ""
		if fd, ok := d.(*ast.FuncDecl); ok {
			v.scope = funcName(fd)
		}
		ast.Inspect(d, v.visit)
	}
	errs.Sort()
	return f, errs.Err()
}

// funcName names a function declaration: "main", "(*Store).Open".
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	return "(" + exprString(fd.Recv.List[0].Type) + ")." + fd.Name.Name
}

// posOf converts a token position to a source position, counting runes.
func (f *File) posOf(tp token.Position) source.Pos {
	if tp.Line < 1 {
		return source.Pos{Path: f.Path, Line: 1, Col: 1}
	}
	col := tp.Column
	if line := f.text.Line(tp.Line); col > 0 && line != "" {
		col = source.Col(line, col-1)
	}
	if col < 1 {
		col = 1
	}
	return source.Pos{Path: f.Path, Line: tp.Line, Col: col}
}

func (f *File) pos(p token.Pos) source.Pos { return f.posOf(f.fset.Position(p)) }

// source returns the text of a node as written.
func (f *File) source(n ast.Node) string {
	start, end := f.fset.Position(n.Pos()).Offset, f.fset.Position(n.End()).Offset
	if start < 0 || end > len(f.text.Src) || start > end {
		return exprString(n)
	}
	return string(bytes.TrimSpace(f.text.Src[start:end]))
}

type visitor struct {
	f     *File
	scope string
}

func (v *visitor) visit(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.GenDecl:
		if n.Tok == token.CONST {
			for _, spec := range n.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						v.f.consts[name.Name] = vs.Values[i]
					}
				}
			}
		}
		if n.Tok == token.VAR {
			for _, spec := range n.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok {
					continue
				}
				lhs := make([]ast.Expr, len(vs.Names))
				for i, name := range vs.Names {
					lhs[i] = name
				}
				v.assign(lhs, vs.Values)
			}
		}
	case *ast.AssignStmt:
		v.assign(n.Lhs, n.Rhs)
	case *ast.KeyValueExpr:
		// Struct literal fields: &Store{db: db} makes "db" a name of the pool.
		if k, ok := n.Key.(*ast.Ident); ok {
			v.assign([]ast.Expr{k}, []ast.Expr{n.Value})
		}
	case *ast.CallExpr:
		v.call(n)
	}
	return true
}

// assign records pools opened on the right and names copied between sides.
func (v *visitor) assign(lhs, rhs []ast.Expr) {
	if len(rhs) == 0 {
		return
	}
	if len(rhs) == 1 && len(lhs) >= 1 {
		// a, b := f(): the first result is the pool.
		v.bind(lhs[0], rhs[0])
		return
	}
	for i := range min(len(lhs), len(rhs)) {
		v.bind(lhs[i], rhs[i])
	}
}

func (v *visitor) bind(l, r ast.Expr) {
	name := exprString(l)
	if name == "_" || name == "" {
		return
	}
	r = ast.Unparen(r)
	if call, ok := r.(*ast.CallExpr); ok {
		if o, ok := v.open(call); ok {
			o.Names = append(o.Names, name)
			v.f.Opens = append(v.f.Opens, o)
			v.opened(call)
			return
		}
		// db := must(sql.Open(...)): a wrapper around an open.
		for _, a := range call.Args {
			if inner, ok := ast.Unparen(a).(*ast.CallExpr); ok {
				if o, ok := v.open(inner); ok {
					o.Names = append(o.Names, name)
					v.f.Opens = append(v.f.Opens, o)
					v.opened(inner)
					return
				}
			}
		}
		// sqlDB, err := gdb.DB() (GORM, ent); x := sqlx.NewDb(db, "mysql").
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
			switch {
			case sel.Sel.Name == "DB" && len(call.Args) == 0:
				v.f.Assigns = append(v.f.Assigns, Assign{Pos: v.f.pos(l.Pos()), LHS: name, RHS: recvName(v.f, sel.X), Scope: v.scope})
			case v.pkgFunc(sel) == "github.com/jmoiron/sqlx.NewDb" && len(call.Args) >= 1:
				v.f.Assigns = append(v.f.Assigns, Assign{Pos: v.f.pos(l.Pos()), LHS: name, RHS: recvName(v.f, call.Args[0]), Scope: v.scope})
			}
		}
		return
	}
	switch r.(type) {
	case *ast.Ident, *ast.SelectorExpr, *ast.StarExpr, *ast.UnaryExpr:
		rhs := recvName(v.f, r)
		if rhs != "" && rhs != "nil" {
			v.f.Assigns = append(v.f.Assigns, Assign{Pos: v.f.pos(l.Pos()), LHS: name, RHS: rhs, Scope: v.scope})
		}
	}
}

// opened remembers a call already recorded through an assignment.
func (v *visitor) opened(call *ast.CallExpr) {
	if v.f.seenOpen == nil {
		v.f.seenOpen = map[token.Pos]bool{}
	}
	v.f.seenOpen[call.Pos()] = true
}

// call records sizing calls, and opens whose result is not assigned
// (return sql.Open(...), s.db = must(sql.Open(...)) are handled as unnamed).
func (v *visitor) call(call *ast.CallExpr) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return
	}
	if sizingMethods[sel.Sel.Name] && len(call.Args) == 1 {
		c := Call{
			Pos:    v.f.pos(sel.Sel.Pos()),
			Method: sel.Sel.Name,
			Recv:   v.f.source(sel.X),
			Arg:    v.f.source(call.Args[0]),
			ArgPos: v.f.pos(call.Args[0].Pos()),
			Scope:  v.scope,
			arg:    call.Args[0],
		}
		c.Env = v.envReads(call.Args[0])
		v.f.Calls = append(v.f.Calls, c)
		return
	}
	if v.f.seenOpen[call.Pos()] {
		return
	}
	// An open whose result is not assigned here is recorded when the
	// enclosing statement is done; assignments are visited before their
	// right-hand calls, so anything unseen now is unassigned.
	if o, ok := v.open(call); ok {
		v.f.Opens = append(v.f.Opens, o)
		v.opened(call)
	}
}

// envReads lists os.Getenv/os.LookupEnv names read inside x.
func (v *visitor) envReads(x ast.Expr) []string {
	var names []string
	ast.Inspect(x, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if f := v.pkgFunc(sel); f == "os.Getenv" || f == "os.LookupEnv" {
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					names = append(names, s)
				}
			}
		}
		return true
	})
	return names
}

// pkgFunc returns "importpath.Name" for a selector on an imported package.
func (v *visitor) pkgFunc(sel *ast.SelectorExpr) string {
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return ""
	}
	ip, ok := v.f.imports[id.Name]
	if !ok {
		return ""
	}
	return ip + "." + sel.Sel.Name
}

// open recognises a call that opens a pool.
func (v *visitor) open(call *ast.CallExpr) (Open, bool) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return Open{}, false
	}
	fn := v.pkgFunc(sel)
	if fn == "" {
		return Open{}, false
	}
	o := Open{Pos: v.f.pos(call.Pos()), Func: v.f.source(call.Fun), Scope: v.scope}
	args := call.Args
	i := strings.LastIndexByte(fn, '.')
	ip, name := fn[:i], fn[i+1:]
	switch {
	case ip == "github.com/jmoiron/sqlx" && name == "ConnectContext" || ip == "github.com/jmoiron/sqlx" && name == "MustConnectContext":
		if len(args) < 3 {
			return Open{}, false
		}
		v.driverDSN(&o, args[1], args[2])
	case name == "Open" || ip == "github.com/jmoiron/sqlx" && (name == "Connect" || name == "MustOpen" || name == "MustConnect"):
		switch ip {
		case "database/sql", "github.com/jmoiron/sqlx", "github.com/XSAM/otelsql", "go.nhat.io/otelsql",
			"github.com/uptrace/opentelemetry-go-extra/otelsql", "gopkg.in/DataDog/dd-trace-go.v1/contrib/database/sql",
			"github.com/DataDog/dd-trace-go/contrib/database/sql/v2", "entgo.io/ent/dialect/sql", "github.com/jinzhu/gorm":
			if len(args) < 2 {
				return Open{}, false
			}
			v.driverDSN(&o, args[0], args[1])
		case "gorm.io/gorm":
			if len(args) < 1 {
				return Open{}, false
			}
			if !v.gormDialector(&o, args[0]) {
				return Open{}, false
			}
		default:
			return Open{}, false
		}
	case ip == "database/sql" && name == "OpenDB" || ip == "github.com/XSAM/otelsql" && name == "OpenDB" || ip == "gopkg.in/DataDog/dd-trace-go.v1/contrib/database/sql" && name == "OpenDB":
		if len(args) < 1 {
			return Open{}, false
		}
		o.DriverPos = v.f.pos(args[0].Pos())
		if c, ok := ast.Unparen(args[0]).(*ast.CallExpr); ok {
			if s, ok := c.Fun.(*ast.SelectorExpr); ok && v.pkgFunc(s) == "github.com/go-sql-driver/mysql.NewConnector" {
				o.Driver = "mysql"
			}
		}
		if o.Driver == "" && v.importsDriver() {
			o.Driver = "mysql"
		}
	default:
		return Open{}, false
	}
	return o, true
}

// importsDriver reports whether the file imports a MySQL driver.
func (v *visitor) importsDriver() bool {
	for _, ip := range v.f.imports {
		if ip == "github.com/go-sql-driver/mysql" || ip == "gorm.io/driver/mysql" {
			return true
		}
	}
	return false
}

// driverDSN records a driver-name and a DSN argument.
func (v *visitor) driverDSN(o *Open, driver, dsn ast.Expr) {
	o.driverArg, o.dsnArg = driver, dsn
	o.DriverPos = v.f.pos(driver.Pos())
	if s, ok := v.f.constString(driver, nil); ok {
		o.Driver = s
	}
	o.DSNPos = v.f.pos(dsn.Pos())
	if s, ok := v.f.constString(dsn, nil); ok {
		o.DSN = s
	}
}

// gormDialector reads gorm.Open's dialector: mysql.Open(dsn) or
// mysql.New(mysql.Config{DSN: dsn}). Other dialectors are not MySQL.
func (v *visitor) gormDialector(o *Open, d ast.Expr) bool {
	call, ok := ast.Unparen(d).(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	switch v.pkgFunc(sel) {
	case "gorm.io/driver/mysql.Open":
		o.Driver, o.DriverPos = "mysql", v.f.pos(call.Pos())
		if len(call.Args) == 1 {
			o.dsnArg = call.Args[0]
			o.DSNPos = v.f.pos(call.Args[0].Pos())
			o.DSN, _ = v.f.constString(call.Args[0], nil)
		}
		return true
	case "gorm.io/driver/mysql.New":
		o.Driver, o.DriverPos = "mysql", v.f.pos(call.Pos())
		if len(call.Args) == 1 {
			if cl, ok := ast.Unparen(call.Args[0]).(*ast.CompositeLit); ok {
				for _, el := range cl.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok && exprString(kv.Key) == "DSN" {
						o.dsnArg = kv.Value
						o.DSNPos = v.f.pos(kv.Value.Pos())
						o.DSN, _ = v.f.constString(kv.Value, nil)
					}
				}
			}
		}
		return true
	}
	return false
}

// recvName names a receiver for matching: the expression as written,
// without a trailing .DB() (GORM v1, ent) and without & or *.
func recvName(f *File, x ast.Expr) string {
	x = ast.Unparen(x)
	switch e := x.(type) {
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return recvName(f, e.X)
		}
	case *ast.StarExpr:
		return recvName(f, e.X)
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "DB" && len(e.Args) == 0 {
			return recvName(f, sel.X)
		}
	}
	return exprString(x)
}

// exprString prints simple expressions (identifiers, selectors, calls,
// stars) compactly; other nodes print as their kind.
func exprString(n ast.Node) string {
	switch e := n.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.ParenExpr:
		return "(" + exprString(e.X) + ")"
	case *ast.CallExpr:
		return exprString(e.Fun) + "()"
	case *ast.IndexExpr:
		return exprString(e.X) + "[]"
	case *ast.UnaryExpr:
		return e.Op.String() + exprString(e.X)
	case *ast.BasicLit:
		return e.Value
	}
	return ""
}
