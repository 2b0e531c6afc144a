// Package rails reads a Ruby on Rails application's connection settings:
// config/database.yml (ERB, then YAML), config/puma.rb and
// config/sidekiq.yml, plus puma and sidekiq command lines, and reports the
// Active Record pools one process opens, as apps.Pool facts.
//
// Two process types share database.yml: Pools answers for the web process
// (Puma: Processes is its worker count, at least 1) and SidekiqPools for a
// Sidekiq process (Processes 1; its threads share the process's pools).
// Each database configuration of the environment (primary, replica,
// cache, queue, cable, …) is one pool per process.
//
// Resolution follows Active Record (database_configurations.rb and
// hash_config.rb at v8.0.0 and v8.1.0): the environment is RAILS_ENV,
// else RACK_ENV, else production (Rails defaults to development, a
// deployment does not); an environment whose values are all hashes holds
// named configurations, otherwise it is "primary"; a url: key, or else
// <NAME>_DATABASE_URL (and DATABASE_URL for primary), is merged over the
// hash with the URL's values and query parameters winning (?pool=15);
// max_connections (Rails 8.1) falls back to pool, then 5; idle_timeout
// defaults to 300 s and 0 disables it. YAML merge keys follow Psych (a
// "<<" merges where it stands).
//
// ERB is not run as Ruby. Output tags are evaluated when they use the
// common forms — ENV.fetch("X") { 5 }, ENV.fetch("X", 5), ENV["X"] || 5,
// ENV['X'], Integer(...), .to_i, .presence — against the process
// environment; any other tag makes its value unknown, the library default
// is assumed, and a note says so. Code tags (<% if %>) are not run.
// config/puma.rb is read the same way: local assignments, workers,
// threads, if/unless with conditions in that subset; hooks and method
// bodies are skipped. Puma's own defaults apply when the file does not
// set a value (WEB_CONCURRENCY or 0 workers; PUMA_MAX_THREADS or
// MAX_THREADS or 5 threads), and command-line flags win over the file.
// The processor count (workers :auto, Concurrent.physical_processor_count)
// is unknown offline and assumed to be 2, with a note.
package rails

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/appexpr"
	"github.com/conncap/conncap/inputs/source"
)

// Kind says what a File holds.
type Kind int

// The kinds of file.
const (
	DatabaseYML Kind = iota + 1 // config/database.yml
	PumaConfig                  // config/puma.rb
	SidekiqYML                  // config/sidekiq.yml
	Command                     // a puma, rails server or sidekiq command line (FromCommand)
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case DatabaseYML:
		return "database.yml"
	case PumaConfig:
		return "puma.rb"
	case SidekiqYML:
		return "sidekiq.yml"
	case Command:
		return "command"
	}
	return "unknown"
}

// File is one input of a Rails application. Its values depend on the
// environment (ERB, ENV.fetch), so Pools evaluates them; Parse only checks
// that the file can be read.
type File struct {
	Path string
	Kind Kind
	// Args is the command line of a Command file.
	Args []source.Value[string]

	src []byte
}

var (
	adapterRe = regexp.MustCompile(`(?m)^[ \t]+adapter:[ \t]*\S`)
	envTopRe  = regexp.MustCompile(`(?m)^(production|development|test|default|staging):`)
	pumaDSLRe = regexp.MustCompile(`(?m)^[ \t]*(threads[ \t(]+\S.*,|workers[ \t(]+\S|preload_app!|on_worker_boot|plugin[ \t]+:tmp_restart|worker_timeout[ \t(])`)
	sidekiqRe = regexp.MustCompile(`(?m)^[ \t]*:?(concurrency|queues|capsules):`)
)

// Match reports whether src looks like database.yml (environments with
// adapter: keys), a Puma configuration (its DSL) or sidekiq.yml.
func Match(p string, src []byte) bool { return kindOf(p, src) != 0 }

func kindOf(p string, src []byte) Kind {
	base := path.Base(p)
	switch {
	case base == "database.yml" || strings.HasSuffix(base, ".yml") && adapterRe.Match(src) && envTopRe.Match(src):
		return DatabaseYML
	case base == "puma.rb" || strings.HasSuffix(base, ".rb") && pumaDSLRe.Match(src):
		return PumaConfig
	case base == "sidekiq.yml" || (strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml")) && sidekiqRe.Match(src) && !adapterRe.Match(src):
		return SidekiqYML
	}
	return 0
}

// Parse reads one file. Malformed YAML (after ERB with no environment) or
// an unterminated ERB tag is a *source.Error.
func Parse(p string, src []byte) (*File, error) {
	f := &File{Path: p, Kind: kindOf(p, src), src: src}
	switch f.Kind {
	case 0:
		return nil, source.Errorf(source.Pos{Path: p, Line: 1}, "not a database.yml, puma.rb or sidekiq.yml")
	case DatabaseYML, SidekiqYML:
		ev := &evaluator{vars: map[string]value{}}
		r, err := renderERB(p, string(src), ev)
		if err != nil {
			return nil, err
		}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(r.text), &doc); err != nil {
			return nil, yamlError(r, err)
		}
		c := &converter{r: r, budget: maxYAMLEntries}
		if _, err := c.convert(&doc, 0); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// FromCommand returns a File for a process's command line (a Compose
// command:, a container's command and args, a Procfile line), from which
// Pools reads puma's -w/--workers, -t/--threads and -e, and SidekiqPools
// sidekiq's -c/--concurrency and -e. Flags on the command line win over
// the configuration files.
func FromCommand(args []source.Value[string]) *File {
	f := &File{Kind: Command, Args: args}
	if len(args) > 0 {
		f.Path = args[0].Origin.Pos.Path
	}
	return f
}

// IsSidekiq reports whether a command line runs Sidekiq
// ("bundle exec sidekiq …").
func IsSidekiq(args []source.Value[string]) bool { return parseCommand(args).program == "sidekiq" }

// Pools returns the pools one web (Puma) process of the application opens:
// one per MySQL configuration of the environment in database.yml, with
// Processes from Puma's workers (at least 1). Configurations for other
// adapters (sqlite3, postgresql) are left out. Without a database.yml
// there is nothing to report.
func Pools(files []*File, env apps.Env) ([]apps.Pool, error) {
	return pools(files, env, false)
}

// SidekiqPools returns the pools one Sidekiq process opens: the same
// database configurations, with Processes 1 (one Sidekiq process per
// container; its threads share the pools) and a note when a pool is
// smaller than Sidekiq's concurrency. It returns nil when the files
// include neither sidekiq.yml nor a sidekiq command.
func SidekiqPools(files []*File, env apps.Env) ([]apps.Pool, error) {
	return pools(files, env, true)
}

func pools(files []*File, env apps.Env, sidekiq bool) ([]apps.Pool, error) {
	var db, puma, skq *File
	var cmd commandFlags
	var notes []string
	for _, f := range files {
		switch f.Kind {
		case DatabaseYML:
			if db != nil {
				notes = append(notes, fmt.Sprintf("%s ignored: %s is the database.yml read", f.Path, db.Path))
				continue
			}
			db = f
		case PumaConfig:
			if puma == nil {
				puma = f
			}
		case SidekiqYML:
			if skq == nil {
				skq = f
			}
		case Command:
			cf := parseCommand(f.Args)
			if cf.program == "sidekiq" == sidekiq && cf.program != "" {
				cmd = cf
			}
		}
	}
	if db == nil || sidekiq && skq == nil && cmd.program != "sidekiq" {
		return nil, nil
	}
	envName := railsEnv(env, cmd.env)
	notes = append(notes, fmt.Sprintf("environment %s (%s)", envName.V, envName.Origin))
	ev := &evaluator{env: env, vars: map[string]value{}}
	configs, dbNotes, err := loadDatabaseYML(db, ev, envName.V)
	if err != nil {
		return nil, err
	}
	notes = append(notes, dbNotes...)

	var processes source.Value[int]
	var threads source.Value[int]
	var threadsWhat string
	if sidekiq {
		sc := sidekiqConf{concurrency: source.Value[int]{V: sidekiqDefaultConcurrency, Origin: source.Named("Sidekiq default concurrency 5")}}
		if v, ok := appexpr.Lookup(ev.env, "RAILS_MAX_THREADS"); ok && !v.Unknown {
			if i, ok := rubyInteger(v.Value.V); ok {
				sc.concurrency = source.Value[int]{V: int(i), Origin: v.Value.Origin}
			}
		}
		if skq != nil {
			read, err := readSidekiq(skq, &evaluator{env: env, vars: map[string]value{}}, envName.V)
			if err != nil {
				return nil, err
			}
			if read.set {
				sc.concurrency = read.concurrency
			}
			notes = append(notes, read.notes...)
		}
		if cmd.concurrency != nil {
			sc.concurrency = *cmd.concurrency
		}
		processes = source.Value[int]{V: 1, Origin: source.Named("one Sidekiq process; its threads share the pools")}
		threads, threadsWhat = sc.concurrency, "Sidekiq concurrency"
		notes = append(notes, fmt.Sprintf("Sidekiq concurrency %d (%s)", sc.concurrency.V, sc.concurrency.Origin))
	} else {
		pc := pumaDefaults(ev)
		if puma != nil {
			readPuma(puma, &evaluator{env: env, vars: map[string]value{}}, &pc)
		}
		for _, set := range []struct {
			from *source.Value[int]
			to   *source.Value[int]
		}{{cmd.workers, &pc.workers}, {cmd.minThreads, &pc.minThreads}, {cmd.maxThreads, &pc.maxThreads}} {
			if set.from != nil {
				*set.to = *set.from
			}
		}
		notes = append(notes, pc.notes...)
		notes = append(notes, cmd.notes...)
		processes = pc.processes()
		threads, threadsWhat = pc.maxThreads, "Puma max threads"
	}

	var out []apps.Pool
	for _, cfg := range configs {
		p, ok := cfg.pool()
		if !ok {
			continue
		}
		p.Processes = processes
		p.Notes = append(append([]string{}, notes...), p.Notes...)
		if p.Max.V < threads.V {
			p.Notes = append(p.Notes, fmt.Sprintf("pool %d (%s) < %s %d (%s): threads wait for a connection and time out after checkout_timeout (5 s)", p.Max.V, p.Max.Origin, threadsWhat, threads.V, threads.Origin))
		}
		out = append(out, p)
	}
	return out, nil
}
