package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/conncap/conncap/inputs/config"
	"github.com/conncap/conncap/inputs/discover"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/sysroot"
	"github.com/conncap/conncap/planner"
	mem "github.com/conncap/conncap/planner/memory"
)

// loaded is one run's inputs: the sysroot, the configuration and the analysis.
type loaded struct {
	target string // the configuration's target, "" for paths given on the command line
	// prefix is the root's path from the configuration file's directory
	// (slash-separated, "" when they are one or the root is outside it):
	// paths_ignore patterns match prefix/path, and a target's findings are
	// shown as prefix/path so that several targets' findings do not mix.
	prefix   string
	root     *sysroot.Root
	config   *config.Config
	analysis *planner.Analysis
}

// loadConfig reads --config, else the first .conncap.yaml found from the
// working directory upward; no file is an empty configuration. dir is the
// file's directory, which target paths are relative to.
func loadConfig(c *cli.Context) (cfg *config.Config, dir string, err error) {
	p := c.String("config")
	if p == "" {
		dir, err := os.Getwd()
		if err != nil {
			return nil, "", err
		}
		for {
			cand := filepath.Join(dir, config.FileName)
			if _, err := os.Stat(cand); err == nil {
				p = cand
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				return &config.Config{}, ".", nil
			}
			dir = parent
		}
	}
	src, err := os.ReadFile(p)
	if err != nil {
		return nil, "", fmt.Errorf("--config: %w", err)
	}
	cfg, err = config.Parse(displayPath(p), src)
	return cfg, filepath.Dir(p), err
}

// intFlagOr returns the int flag when set, else the configuration's value.
func intFlagOr(c *cli.Context, name string, fromConfig int) int {
	if c.IsSet(name) {
		return c.Int(name)
	}
	return fromConfig
}

// flagOr returns the flag's value when set on the command line, else the
// configuration's.
func flagOr(c *cli.Context, name, fromConfig string) string {
	if c.IsSet(name) || fromConfig == "" {
		return c.String(name)
	}
	return fromConfig
}

// loadAll reads what the command line asks for: the given paths, or,
// without paths, each target of the configuration file (only --target's
// when it is set). Every error it returns is bad input (exit 2).
func loadAll(c *cli.Context) ([]*loaded, error) {
	if err := checkArgs(c); err != nil {
		return nil, err
	}
	cfg, cfgDir, err := loadConfig(c)
	if err != nil {
		return nil, err
	}
	args := c.Args().Slice()
	want := c.String("target")
	if len(cfg.Targets) == 0 || len(args) > 0 {
		switch {
		case want != "" && len(args) > 0:
			return nil, usagef("--target %q checks the target's own paths: give no paths with it", want)
		case want != "":
			return nil, usagef("--target %q: the configuration file declares no targets", want)
		}
		l, err := load(c, cfg, cfgDir, args, c.String("root"))
		if err != nil {
			return nil, err
		}
		return []*loaded{l}, nil
	}
	var out []*loaded
	var names []string
	for _, t := range cfg.Targets {
		names = append(names, t.Name)
		if want != "" && t.Name != want {
			continue
		}
		var paths []string
		for _, p := range t.Paths {
			paths = append(paths, filepath.Join(cfgDir, filepath.FromSlash(p)))
		}
		root := c.String("root")
		if root == "" && t.Root != "" {
			root = filepath.Join(cfgDir, filepath.FromSlash(t.Root))
		}
		l, err := load(c, cfg.ForTarget(t), cfgDir, paths, root)
		if err != nil {
			return nil, fmt.Errorf("target %s: %w", t.Name, err)
		}
		l.target = t.Name
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, usagef("--target %q: no such target (the configuration declares %s)", want, strings.Join(names, ", "))
	}
	return out, nil
}

// load resolves the root and the paths, reads the facts and analyses them.
func load(c *cli.Context, cfg *config.Config, cfgDir string, args []string, rootDir string) (*loaded, error) {
	if len(args) == 0 {
		args = []string{"."}
	}
	if rootDir == "" {
		rootDir = "."
		if len(args) == 1 {
			if fi, err := os.Stat(args[0]); err == nil && fi.IsDir() {
				rootDir = args[0]
			}
		}
	}
	root, err := sysroot.New(rootDir)
	if err != nil {
		return nil, err
	}
	var paths []string
	var stdin []byte
	for _, a := range args {
		if a == "-" {
			if stdin, err = io.ReadAll(io.LimitReader(c.App.Reader, sysroot.DefaultMaxFileSize*16+1)); err != nil {
				return nil, fmt.Errorf("reading stdin: %w", err)
			}
			if len(stdin) > sysroot.DefaultMaxFileSize*16 {
				return nil, fmt.Errorf("-: stdin is larger than %d bytes", sysroot.DefaultMaxFileSize*16)
			}
			paths = append(paths, "-")
			continue
		}
		rel, err := root.Rel(a)
		if err != nil {
			return nil, usagef("%v: pass --root so that every path is inside it", err)
		}
		paths = append(paths, rel)
	}
	prefix := ""
	if abs, err := filepath.Abs(cfgDir); err == nil {
		if rel, err := filepath.Rel(abs, root.Dir()); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
			prefix = filepath.ToSlash(rel)
		}
	}
	matches, err := config.Ignorer(cfg.PathsIgnore)
	if err != nil {
		return nil, fmt.Errorf("%s: paths_ignore: %w", cfg.Path, err)
	}
	var ignore func(string) bool
	if matches != nil {
		ignore = func(p string) bool { return matches(path.Join(prefix, p)) }
	}
	facts, err := discover.WalkWith(c.Context, root, paths, discover.Options{Stdin: stdin, Ignore: ignore})
	if err != nil {
		return nil, err
	}
	if c.Bool("verbose") {
		fmt.Fprintf(c.App.ErrWriter, "root: %s\n%s", root.Dir(), facts)
	}
	cpus := intFlagOr(c, "cpus", cfg.CPUs)
	scale, err := parseScale(c.StringSlice("scale"))
	if err != nil {
		return nil, err
	}
	headroom := cfg.Thresholds.Headroom
	if c.IsSet("headroom") {
		headroom = c.Float64("headroom")
	}
	if headroom < 0 || headroom > 1 {
		return nil, usagef("--headroom %v: want a fraction between 0 and 1", headroom)
	}
	var memory int64
	var memoryFallback source.Value[int64]
	if m := c.String("memory"); m != "" {
		if memory, err = mem.ParseSize(m); err != nil {
			return nil, usagef("--memory: %v", err)
		}
	}
	if cfg.Memory != "" {
		n, err := mem.ParseSize(cfg.Memory)
		if err != nil {
			return nil, fmt.Errorf("%s: memory: %w", cfg.Path, err)
		}
		memoryFallback = source.Value[int64]{V: n, Origin: source.Named("memory: " + cfg.Memory + " in " + cfg.Path)}
	}
	a, err := planner.Analyze(facts, planner.Options{
		Server:         flagOr(c, "server", cfg.Server),
		NoFile:         flagOr(c, "nofile", cfg.NoFile),
		CPUs:           cpus,
		Nodes:          intFlagOr(c, "nodes", cfg.Nodes),
		Services:       cfg.Services,
		Consumers:      cfg.Consumers,
		Scale:          scale,
		Headroom:       headroom,
		Memory:         memory,
		MemoryFallback: memoryFallback,
	})
	if err != nil {
		return nil, err
	}
	return &loaded{root: root, prefix: prefix, config: cfg, analysis: a}, nil
}

// prefixOrDot is the root's path for headings.
func (l *loaded) prefixOrDot() string {
	if l.prefix == "" {
		return "."
	}
	return l.prefix
}

// shown returns a finding's path as the user sees it: under the target's
// prefix in a run of several targets.
func (l *loaded) shown(p string) string {
	if l.target == "" || l.prefix == "" || p == "" || p == "-" || p == l.config.Path {
		return p // the configuration file's own positions are not under the root
	}
	return path.Join(l.prefix, p)
}

// eachTarget writes the text of every run, each of a configuration's
// targets under a "== target NAME ==" heading.
func eachTarget(w io.Writer, ls []*loaded, write func(*loaded) error) error {
	for i, l := range ls {
		if l.target != "" {
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "== target %s (paths under %s) ==\n", l.target, l.prefixOrDot())
		}
		if err := write(l); err != nil {
			return err
		}
	}
	return nil
}

// writeTargetsJSON writes one run's document as data gives it, or, for a
// configuration's targets, {"targets": [{"target": NAME, key: DOC}, …]}.
// encoding/json sorts map keys, so the output is deterministic.
func writeTargetsJSON[T any](w io.Writer, ls []*loaded, key string, data func(*planner.Analysis) T) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if len(ls) == 1 && ls[0].target == "" {
		return enc.Encode(data(ls[0].analysis))
	}
	var targets []map[string]any
	for _, l := range ls {
		targets = append(targets, map[string]any{"target": l.target, key: data(l.analysis)})
	}
	return enc.Encode(map[string]any{"targets": targets})
}

// rootSources reads snippet lines through the sysroots (one per target),
// the first that has the file winning, caching files.
type rootSources struct {
	ctx   context.Context
	ls    []*loaded
	cache map[string][]string
}

func newSources(ctx context.Context, ls ...*loaded) *rootSources {
	return &rootSources{ctx: ctx, ls: ls, cache: map[string][]string{}}
}

// Line returns line n of the file at path.
func (s *rootSources) Line(path string, n int) (string, bool) {
	lines, ok := s.cache[path]
	if !ok {
		for _, l := range s.ls {
			rel := path
			if l.target != "" && l.prefix != "" {
				var ok bool
				if rel, ok = strings.CutPrefix(path, l.prefix+"/"); !ok {
					continue
				}
			}
			if f, err := l.root.ReadFile(rel); err == nil {
				lines = strings.Split(strings.ReplaceAll(string(f.Src), "\r\n", "\n"), "\n")
				break
			}
		}
		s.cache[path] = lines
	}
	if n < 1 || n > len(lines) {
		return "", false
	}
	return lines[n-1], true
}

// displayPath is how a host path appears in messages: relative when under the cwd.
func displayPath(dir string) string {
	wd, err := os.Getwd()
	if err != nil {
		return dir
	}
	if rel, err := filepath.Rel(wd, dir); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return dir
}

// parseScale reads --scale NAME=N values.
func parseScale(vals []string) (map[string]int, error) {
	m := map[string]int{}
	for _, v := range vals {
		name, n, ok := strings.Cut(v, "=")
		i, err := strconv.Atoi(n)
		if !ok || name == "" || err != nil || i < 0 {
			return nil, usagef("--scale %q: want NAME=N with N a whole number", v)
		}
		m[name] = i
	}
	return m, nil
}
