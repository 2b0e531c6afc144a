package gosql

import (
	"go/ast"
	"go/constant"
	"go/token"
	"time"
)

// maxEvalDepth bounds constant evaluation (nesting and chains of names).
const maxEvalDepth = 64

// timeUnits are the time package's Duration constants.
var timeUnits = map[string]int64{
	"Nanosecond":  int64(time.Nanosecond),
	"Microsecond": int64(time.Microsecond),
	"Millisecond": int64(time.Millisecond),
	"Second":      int64(time.Second),
	"Minute":      int64(time.Minute),
	"Hour":        int64(time.Hour),
}

// conversions are the type conversions that keep an integer constant.
var conversions = map[string]bool{
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
	"float32": true, "float64": true, "time.Duration": true, "string": true,
}

// evaluator evaluates constant expressions of one file, seeing the
// constants of the other files of its package.
type evaluator struct {
	f    *File
	pkg  []*File
	busy map[string]bool // constants being evaluated (cycles)
}

// constString evaluates x to a string constant, with the constants of pkg
// (the other files of the same package; nil for this file's only) in view.
func (f *File) constString(x ast.Expr, pkg []*File) (string, bool) {
	e := &evaluator{f: f, pkg: pkg}
	v, ok := e.eval(x, 0)
	if !ok || v.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(v), true
}

// constInt evaluates x to an integer that fits an int64, with the
// constants of pkg (the files of the same package) in view.
func (f *File) constInt(x ast.Expr, pkg []*File) (int64, bool) {
	e := &evaluator{f: f, pkg: pkg}
	v, ok := e.eval(x, 0)
	if !ok {
		return 0, false
	}
	switch v.Kind() {
	case constant.Int:
	case constant.Float:
		v = constant.ToInt(v)
		if v.Kind() != constant.Int {
			return 0, false
		}
	default:
		return 0, false
	}
	n, exact := constant.Int64Val(v)
	return n, exact
}

func (e *evaluator) eval(x ast.Expr, depth int) (constant.Value, bool) {
	if depth > maxEvalDepth || x == nil {
		return nil, false
	}
	switch x := x.(type) {
	case *ast.BasicLit:
		v := constant.MakeFromLiteral(x.Value, x.Kind, 0)
		return v, v.Kind() != constant.Unknown
	case *ast.ParenExpr:
		return e.eval(x.X, depth+1)
	case *ast.Ident:
		return e.ident(x.Name, depth)
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && e.f.imports[id.Name] == "time" {
			if n, ok := timeUnits[x.Sel.Name]; ok {
				return constant.MakeInt64(n), true
			}
		}
		return nil, false
	case *ast.UnaryExpr:
		v, ok := e.eval(x.X, depth+1)
		if !ok {
			return nil, false
		}
		switch x.Op {
		case token.ADD, token.SUB, token.XOR:
			if v.Kind() != constant.Int && v.Kind() != constant.Float || x.Op == token.XOR && v.Kind() != constant.Int {
				return nil, false
			}
			return constant.UnaryOp(x.Op, v, 0), true
		}
		return nil, false
	case *ast.BinaryExpr:
		return e.binary(x, depth)
	case *ast.CallExpr:
		// A conversion: time.Duration(5), int64(n), float64(d).
		if len(x.Args) != 1 || !conversions[exprString(x.Fun)] {
			return nil, false
		}
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); !ok || e.f.imports[id.Name] != "time" {
				return nil, false
			}
		}
		return e.eval(x.Args[0], depth+1)
	}
	return nil, false
}

// ident looks a constant up in this file, then in the rest of the package.
func (e *evaluator) ident(name string, depth int) (constant.Value, bool) {
	if name == "iota" || name == "_" {
		return nil, false
	}
	key := e.f.Path + "\x00" + name
	if e.busy[key] {
		return nil, false
	}
	for _, f := range append([]*File{e.f}, e.pkg...) {
		if f == nil {
			continue
		}
		expr, ok := f.consts[name]
		if !ok {
			continue
		}
		if e.busy == nil {
			e.busy = map[string]bool{}
		}
		e.busy[key] = true
		sub := &evaluator{f: f, pkg: e.pkg, busy: e.busy}
		v, ok := sub.eval(expr, depth+1)
		delete(e.busy, key)
		return v, ok
	}
	return nil, false
}

func (e *evaluator) binary(x *ast.BinaryExpr, depth int) (constant.Value, bool) {
	a, ok := e.eval(x.X, depth+1)
	if !ok {
		return nil, false
	}
	b, ok := e.eval(x.Y, depth+1)
	if !ok {
		return nil, false
	}
	numeric := func(v constant.Value) bool { return v.Kind() == constant.Int || v.Kind() == constant.Float }
	switch x.Op {
	case token.ADD:
		if a.Kind() == constant.String && b.Kind() == constant.String {
			if len(constant.StringVal(a))+len(constant.StringVal(b)) > 1<<16 {
				return nil, false
			}
			return constant.BinaryOp(a, token.ADD, b), true
		}
		fallthrough
	case token.SUB, token.MUL:
		if !numeric(a) || !numeric(b) {
			return nil, false
		}
		if x.Op == token.MUL && constant.BitLen(constant.ToInt(a))+constant.BitLen(constant.ToInt(b)) > 256 {
			return nil, false
		}
		return constant.BinaryOp(a, x.Op, b), true
	case token.QUO, token.REM:
		if !numeric(a) || !numeric(b) || constant.Sign(b) == 0 {
			return nil, false
		}
		if a.Kind() == constant.Int && b.Kind() == constant.Int {
			op := token.QUO_ASSIGN // integer division, as Go does for integer constants
			if x.Op == token.REM {
				op = token.REM
			}
			return constant.BinaryOp(a, op, b), true
		}
		if x.Op == token.REM {
			return nil, false
		}
		return constant.BinaryOp(a, token.QUO, b), true
	case token.AND, token.OR, token.XOR, token.AND_NOT:
		if a.Kind() != constant.Int || b.Kind() != constant.Int {
			return nil, false
		}
		return constant.BinaryOp(a, x.Op, b), true
	case token.SHL, token.SHR:
		if a.Kind() != constant.Int || b.Kind() != constant.Int {
			return nil, false
		}
		s, ok := constant.Uint64Val(b)
		if !ok || s > 128 {
			return nil, false
		}
		return constant.Shift(a, x.Op, uint(s)), true
	}
	return nil, false
}
