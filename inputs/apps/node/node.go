// Package node reads a Node.js application's connection pools — mysql2
// and mysql (mysqljs) createPool, knex, Sequelize, TypeORM and Prisma —
// and the PM2 settings that multiply them, and reports the pools one
// process opens, as apps.Pool facts.
//
// JavaScript and TypeScript are scanned, never run: a small tokenizer
// (strings, comments, template literals, regular expressions) finds
// declarations, imports and the calls that make pools, and evaluates their
// object-literal arguments when they hold literals, names bound earlier,
// or process.env.X (with || and ?? defaults, parseInt, Number) against
// the process environment, a .env file below it as dotenv does. Anything
// else is unknown: the library default is assumed and a note says so.
//
// Defaults, from the libraries' source and documentation:
//   - mysql2 createPool: connectionLimit 10, maxIdle = connectionLimit,
//     idleTimeout 60000 ms (reaping only above maxIdle); a URI's query
//     parameters are options (sidorares/node-mysql2 lib/pool_config.js).
//     mysql (mysqljs): connectionLimit 10.
//   - knex: pool {min: 2, max: 10} (knex lib/client.js); only for client
//     mysql / mysql2.
//   - Sequelize: pool.max 5, min 0, idle 10000 ms; with replication a read
//     pool and a write pool, each up to pool.max.
//   - TypeORM (mysql, mariadb): extra.connectionLimit, else poolSize, else
//     mysql2's 10 (src/driver/mysql/MysqlDriver.ts).
//   - Prisma ≤ 6: connection_limit on the datasource URL, default
//     physical CPUs × 2 + 1 (unknown offline: 2 CPUs assumed, so 5).
//   - PM2: apps[].instances (default 1; "max" or 0 is the CPU count,
//     assumed 2; -1 is CPUs − 1); pm2 -i N on a command line wins.
package node

import (
	"path"
	"regexp"
	"strings"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

// Kind says what a File holds.
type Kind int

// The kinds of file.
const (
	Source       Kind = iota + 1 // JavaScript or TypeScript source
	PrismaSchema                 // schema.prisma
	PM2Config                    // ecosystem.config.js (or .json)
	PackageJSON                  // package.json
	DotEnv                       // .env
	Command                      // a command line (FromCommand)
)

// String names the kind.
func (k Kind) String() string {
	return [...]string{"unknown", "source", "schema.prisma", "PM2 config", "package.json", ".env", "command"}[max(0, min(int(k), 6))]
}

// File is one input. Sources are evaluated by Pools against the
// environment; Parse only tokenizes them.
type File struct {
	Path string
	Kind Kind
	// Args is the command line of a Command file.
	Args []source.Value[string]
	// Dependencies are the package names of a package.json's
	// dependencies and devDependencies.
	Dependencies []string
	// Env holds a .env file's variables.
	Env apps.EnvMap

	toks   []token
	prisma []datasource
}

var (
	poolHintRe = regexp.MustCompile(`\b(createPool|createPoolCluster|knex|Knex|Sequelize|DataSource|TypeOrmModule|createConnection)\b`)
	pm2Re      = regexp.MustCompile(`\bapps\s*["']?\s*:\s*\[`)
	pm2KeyRe   = regexp.MustCompile(`\b(instances|exec_mode|script)\b`)
	prismaRe   = regexp.MustCompile(`(?m)^\s*datasource\s+\w+\s*\{`)
	envLineRe  = regexp.MustCompile(`(?m)^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=`)
	depsRe     = regexp.MustCompile(`"(mysql2?|knex|sequelize|typeorm|@prisma/client|prisma|pm2)"\s*:`)
)

// Match reports whether src is JavaScript/TypeScript that makes a pool, a
// PM2 ecosystem file, a Prisma schema with a datasource, a package.json
// that depends on a MySQL driver or ORM, or a .env file.
func Match(p string, src []byte) bool { return kindOf(p, src) != 0 }

func kindOf(p string, src []byte) Kind {
	base := path.Base(p)
	ext := path.Ext(base)
	switch {
	case strings.HasSuffix(base, ".prisma"):
		if prismaRe.Match(src) {
			return PrismaSchema
		}
	case base == "package.json":
		if depsRe.Match(src) {
			return PackageJSON
		}
	case base == ".env" || strings.HasPrefix(base, ".env."):
		if envLineRe.Match(src) {
			return DotEnv
		}
	case strings.HasPrefix(base, "ecosystem.config.") || base == "ecosystem.json" || base == "process.json" || base == "pm2.json":
		return PM2Config
	case ext == ".js" || ext == ".ts" || ext == ".mjs" || ext == ".cjs" || ext == ".mts" || ext == ".cts" || ext == ".jsx" || ext == ".tsx":
		if pm2Re.Match(src) && pm2KeyRe.Match(src) {
			return PM2Config
		}
		if poolHintRe.Match(src) || strings.HasPrefix(base, "knexfile.") {
			return Source
		}
	}
	return 0
}

// Parse reads one file. JavaScript with an unterminated string, template
// or comment, or unbalanced brackets, gives positioned errors (a
// source.ErrorList); so does a schema.prisma or .env line that cannot be
// read.
func Parse(p string, src []byte) (*File, error) {
	f := &File{Path: p, Kind: kindOf(p, src)}
	switch f.Kind {
	case PrismaSchema:
		ds, err := parsePrisma(p, string(src))
		if err != nil {
			return nil, err
		}
		f.prisma = ds
		return f, nil
	case PackageJSON:
		for _, m := range depsRe.FindAllSubmatch(src, -1) {
			f.Dependencies = append(f.Dependencies, string(m[1]))
		}
		return f, nil
	case DotEnv:
		env, err := parseDotEnv(p, string(src))
		if err != nil {
			return nil, err
		}
		f.Env = env
		return f, nil
	case 0:
		f.Kind = Source
	}
	toks, errs := lexJS(p, string(src))
	if strings.HasSuffix(p, ".json") && len(toks) > 0 {
		// a JSON ecosystem file reads as "module.exports = <json>"
		at := toks[0].pos
		toks = append([]token{{kind: tIdent, text: "module", pos: at}, {kind: tPunct, text: ".", pos: at}, {kind: tIdent, text: "exports", pos: at}, {kind: tPunct, text: "=", pos: at}}, toks...)
	}
	ext := path.Ext(p)
	if ext != ".jsx" && ext != ".tsx" {
		errs = append(errs, checkBrackets(toks)...)
		if len(errs) > 0 {
			errs.Sort()
			return nil, errs
		}
	}
	f.toks = toks
	return f, nil
}

// FromCommand returns a File for a process's command line (a Compose
// command:, a container's command and args, a package.json script): pm2's
// -i/--instances there wins over ecosystem.config.js.
func FromCommand(args []source.Value[string]) *File {
	f := &File{Kind: Command, Args: args}
	if len(args) > 0 {
		f.Path = args[0].Origin.Pos.Path
	}
	return f
}
