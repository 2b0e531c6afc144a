package discover

import (
	"path"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

// App is one application's pool configuration of one ecosystem: the files
// under one application root. Pools is pure: it resolves the files against
// the environment a process of the application sees.
type App struct {
	Root      string // the application's directory, sysroot-relative
	Ecosystem string
	Files     []string
	pools     func(env apps.Env, cmd []source.Value[string]) ([]apps.Pool, error)
}

// Pools returns the pools one process of the application opens in env.
func (a *App) Pools(env apps.Env) ([]apps.Pool, error) { return a.pools(env, nil) }

// PoolsFor returns the pools one process of the application opens when a
// container runs it with the command line cmd (its command and args, in
// order; nil when the manifest does not say): the flags there win over the
// configuration files (puma -w/-t, gunicorn -w/--threads, pm2 -i), and a
// worker command (sidekiq, celery worker) opens the worker's pools.
func (a *App) PoolsFor(env apps.Env, cmd []source.Value[string]) ([]apps.Pool, error) {
	return a.pools(env, cmd)
}

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
	// FromCommand, when set, reads a process's command line as one more
	// file; Worker answers instead of Pools for a process whose command
	// line IsWorker says runs a worker (Sidekiq, Celery).
	FromCommand func([]source.Value[string]) F
	IsWorker    func([]source.Value[string]) bool
	Worker      func([]F, apps.Env) ([]apps.Pool, error)
	roots       map[string][]F
	paths       map[string][]string
}

// poolsFor is the ecosystem's answer for one process: its files plus its
// command line; a worker's pools when the command runs a worker.
func (e *ecosystem[F]) poolsFor(files []F, env apps.Env, cmd []source.Value[string]) ([]apps.Pool, error) {
	if len(cmd) > 0 && e.FromCommand != nil {
		files = append(slices.Clip(files), e.FromCommand(cmd))
	}
	if e.Worker != nil && len(cmd) > 0 && e.IsWorker(cmd) {
		return e.Worker(files, env)
	}
	return e.Pools(files, env)
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
			pools: func(env apps.Env, cmd []source.Value[string]) ([]apps.Pool, error) {
				return e.poolsFor(files, env, cmd)
			}})
	}
	return out
}

// AppRoot is the directory an application's configuration file belongs
// to: the file's directory, above the conventional config folders
// (src/main/resources, config, resources, conf, settings, src).
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
		case "config", "resources", "conf", "settings", "pool.d", "php-fpm.d", "src":
			dir = path.Dir(dir)
			continue
		}
		return dir
	}
}
