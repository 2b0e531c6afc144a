package discover

import (
	"path"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/apps"
)

// App is one application's pool configuration of one ecosystem: the files
// under one application root. Pools is pure: it resolves the files against
// the environment a process of the application sees.
type App struct {
	Root      string // the application's directory, sysroot-relative
	Ecosystem string
	Files     []string
	pools     func(env apps.Env) ([]apps.Pool, error)
}

// Pools returns the pools one process of the application opens in env.
func (a *App) Pools(env apps.Env) ([]apps.Pool, error) { return a.pools(env) }

// appReader is one ecosystem's reader, as discovery drives it.
type appReader interface {
	name() string
	match(path string, src []byte) bool
	add(path string, src []byte) error // parse and keep under the file's app root
	apps() []*App
}

// ecosystem adapts a reader package (Match, Parse, Pools) to appReader.
type ecosystem[F any] struct {
	eco   string
	Match func(string, []byte) bool
	Parse func(string, []byte) (F, error)
	Pools func([]F, apps.Env) ([]apps.Pool, error)
	roots map[string][]F
	paths map[string][]string
}

func (e *ecosystem[F]) name() string                    { return e.eco }
func (e *ecosystem[F]) match(p string, src []byte) bool { return e.Match(p, src) }

func (e *ecosystem[F]) add(p string, src []byte) error {
	f, err := e.Parse(p, src)
	if err != nil {
		return err
	}
	if e.roots == nil {
		e.roots, e.paths = map[string][]F{}, map[string][]string{}
	}
	r := AppRoot(p)
	e.roots[r] = append(e.roots[r], f)
	e.paths[r] = append(e.paths[r], p)
	return nil
}

func (e *ecosystem[F]) apps() []*App {
	var out []*App
	for _, r := range slices.Sorted(func(yield func(string) bool) {
		for k := range e.roots {
			if !yield(k) {
				return
			}
		}
	}) {
		files := e.roots[r]
		out = append(out, &App{Root: r, Ecosystem: e.eco, Files: e.paths[r],
			pools: func(env apps.Env) ([]apps.Pool, error) { return e.Pools(files, env) }})
	}
	return out
}

// AppRoot is the directory an application's configuration file belongs
// to: the file's directory, above the conventional config folders
// (src/main/resources, config, resources, conf, settings).
func AppRoot(p string) string {
	dir := path.Dir(p)
	if i := strings.Index(dir+"/", "/src/main/resources/"); i >= 0 {
		return dir[:i]
	}
	if strings.HasPrefix(dir+"/", "src/main/resources/") {
		return "."
	}
	for {
		switch path.Base(dir) {
		case "config", "resources", "conf", "settings", "pool.d", "php-fpm.d":
			dir = path.Dir(dir)
			continue
		}
		return dir
	}
}
