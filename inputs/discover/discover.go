// Package discover walks the paths conncap is given, recognises each file by
// its content (not only its name), and hands it to its reader. The result is
// Facts: what the server reads (its option files, in its own order, and its
// systemd unit) plus the files that were skipped and why.
package discover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/compose"
	"github.com/conncap/conncap/inputs/grants"
	"github.com/conncap/conncap/inputs/haproxy"
	"github.com/conncap/conncap/inputs/kube"
	"github.com/conncap/conncap/inputs/libconfig"
	"github.com/conncap/conncap/inputs/mycnf"
	"github.com/conncap/conncap/inputs/proxysql"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/sysroot"
	"github.com/conncap/conncap/inputs/systemd"
)

// ErrUnrecognized marks a file no reader claims; it is skipped, not fatal.
var ErrUnrecognized = errors.New("not a file conncap reads")

// Facts is everything read from the inputs.
type Facts struct {
	// ServerContainers are MySQL/MariaDB servers run as containers (a
	// compose service or a Kubernetes container with a server image).
	ServerContainers []ServerContainer
	Kube             *kube.Set          // Kubernetes objects, linked across files
	Grants           []*grants.File     // SQL account statements, in file-name order
	Proxies          []*proxysql.Config // proxysql.cnf files, in walk order
	KubeFiles        []*kube.File       // the manifests as read, for their comments
	Compose          []*ComposeProject  // one per directory of compose files
	Apps             []*App             // application pool configuration, per root and ecosystem
	Units            []*systemd.Unit    // MySQL/MariaDB server units, preferred first
	DefaultNoFile    source.Value[systemd.Limit]
	Entries          []mycnf.Entry  // option files the server reads on its own, in order
	Options          *mycnf.Set     // what those files say, includes followed
	CommandLine      []mycnf.Option // options on the unit's ExecStart (after every file)
	Skipped          []Skipped      // files seen but not read
}

// Skipped is a file the walk saw and did not read.
type Skipped struct {
	Path   string
	Reason string
}

// skipDirs are never descended into.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true, ".hg": true, ".svn": true}

// Walk reads the given sysroot-relative paths (files or directories).
func Walk(ctx context.Context, root *sysroot.Root, paths []string) (*Facts, error) {
	return WalkStdin(ctx, root, paths, nil)
}

// WalkStdin is Walk where the path "-" stands for stdin's content, read as
// YAML manifests (the output of `helm template` or `kustomize build`).
func WalkStdin(ctx context.Context, root *sysroot.Root, paths []string, stdin []byte) (*Facts, error) {
	return WalkWith(ctx, root, paths, Options{Stdin: stdin})
}

// Options tune a walk.
type Options struct {
	// Stdin is what the path "-" reads.
	Stdin []byte
	// Ignore, when set, names sysroot-relative paths the walk passes over
	// (a directory with everything under it). Files the server itself
	// reads (!include, its unit) are read regardless: the server does not
	// know what conncap was told to ignore.
	Ignore func(name string) bool
}

// WalkWith is Walk with options.
func WalkWith(ctx context.Context, root *sysroot.Root, paths []string, opt Options) (*Facts, error) {
	stdin := opt.Stdin
	w := &walker{root: root, facts: &Facts{}, compose: map[string][]*compose.File{}, readers: appReaders(), ignore: opt.Ignore, included: map[string]bool{}, stdin: stdin}
	for _, p := range paths {
		if p == "-" {
			if err := sysroot.CheckText(stdin); err != nil {
				return nil, fmt.Errorf("-: %w", err)
			}
			ok, err := w.classifyYAML("-", stdin)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("-: no Kubernetes objects or compose services on stdin")
			}
			continue
		}
		if err := w.walk(ctx, p); err != nil {
			return nil, err
		}
	}
	if err := w.finish(ctx); err != nil {
		return w.facts, err
	}
	return w.facts, nil
}

type walker struct {
	root       *sysroot.Root
	facts      *Facts
	kube       []*kube.File
	compose    map[string][]*compose.File // by directory
	readers    []appReader
	optFiles   []string // candidate option files, walk order
	unitFiles  []string // loose unit files outside the systemd search path
	seen       map[string]bool
	proxyFiles []proxyFile
	included   map[string]bool // files a proxysql.cnf @includes: part of it, not configurations of their own
	ignore     func(string) bool
	stdin      []byte // what "-" read
}

func (w *walker) walk(ctx context.Context, p string) error {
	if w.seen == nil {
		w.seen = map[string]bool{}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if w.ignore != nil && w.ignore(p) {
		w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: p, Reason: "paths_ignore"})
		return nil
	}
	fi, err := w.root.Stat(p)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return w.classify(p)
	}
	ents, err := w.root.ReadDir(p)
	if err != nil {
		return err
	}
	for _, e := range ents {
		child := path.Join(p, e.Name())
		if w.ignore != nil && w.ignore(child) {
			w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: child, Reason: "paths_ignore"})
			continue
		}
		if e.IsDir() {
			if skipDirs[e.Name()] {
				continue
			}
			if err := w.walk(ctx, child); err != nil {
				return err
			}
			continue
		}
		if e.Type()&fs.ModeSymlink != 0 {
			// Followed through the sysroot; a link to a directory is not walked
			// again (the target is walked where it lives).
			if fi, err := w.root.Stat(child); err != nil || fi.IsDir() {
				continue
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.classify(child); err != nil {
			return err
		}
	}
	return nil
}

// classify routes one file by its name and content.
func (w *walker) classify(p string) error {
	if w.seen[p] {
		return nil
	}
	w.seen[p] = true
	name := path.Base(p)
	dir := path.Base(path.Dir(p))
	switch {
	case inUnitPath(p):
		return nil // units in the search path are found by systemd.FindServerUnits
	case strings.HasSuffix(name, ".service"), strings.HasSuffix(dir, ".service.d") && strings.HasSuffix(name, ".conf"):
		if strings.HasSuffix(name, ".service") {
			w.unitFiles = append(w.unitFiles, p)
		}
		return nil
	}
	f, err := w.root.ReadFile(p)
	if err != nil {
		if strings.HasSuffix(name, ".cnf") {
			return err // a file conncap must read and cannot
		}
		w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: p, Reason: reason(err)})
		return nil
	}
	if proxysql.Match(p, f.Src) {
		w.proxyFiles = append(w.proxyFiles, proxyFile{p, f.Src})
		return nil // read in finish, once every file that may include it is known
	}
	if looksLikeOptionFile(name, f.Src) {
		if rel, err := w.root.Resolve(p); err == nil && !slices.Contains(w.optFiles, rel) {
			w.optFiles = append(w.optFiles, rel) // a link and its target are one file
		}
		return nil
	}
	if isYAML(name) {
		if ok, err := w.classifyYAML(p, f.Src); ok || err != nil {
			return err
		}
	}
	if grants.Match(p, f.Src) {
		gf, err := grants.Parse(p, f.Src)
		if err != nil {
			return err
		}
		w.facts.Grants = append(w.facts.Grants, gf)
		return nil
	}
	for _, r := range w.readers {
		if r.match(p, f.Src) {
			return r.add(p, f.Src)
		}
	}
	if isYAML(name) && bytes.Contains(f.Src, []byte("{{")) {
		w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: p, Reason: "unrendered template (pipe `helm template` output in with -)"})
		return nil
	}
	w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: p, Reason: ErrUnrecognized.Error()})
	return nil
}

func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// unitDirs are the system manager's unit search path (systemd.unit(7)).
var unitDirs = []string{"etc/systemd/system", "run/systemd/system", "usr/lib/systemd/system", "lib/systemd/system", "usr/local/lib/systemd/system", "etc/systemd/system.control", "run/systemd/system.control", "run/systemd/transient"}

func inUnitPath(p string) bool {
	for _, d := range unitDirs {
		if strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return p == "etc/systemd/system.conf" || strings.HasPrefix(p, "etc/systemd/") || strings.HasPrefix(p, "run/systemd/") || strings.HasPrefix(p, "usr/lib/systemd/") || strings.HasPrefix(p, "lib/systemd/")
}

// serverGroupHeader matches a group header of a group some server reads.
var serverGroupHeader = regexp.MustCompile(`(?i)^\[(mysqld|server|mariadb|mariadbd|client-server|galera)(-[0-9]+\.[0-9]+)?\s*\]\s*([#;].*)?$`)

// looksLikeOptionFile recognises a mysqld option file: a *.cnf or my.cnf
// name, or content whose first meaningful line is an !include directive or
// the header of a group a server reads.
func looksLikeOptionFile(name string, src []byte) bool {
	if strings.HasSuffix(name, ".cnf") {
		return true
	}
	for line := range bytes.SplitSeq(src, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) == 0 || t[0] == '#' || t[0] == ';' {
			continue
		}
		return bytes.HasPrefix(t, []byte("!include")) || serverGroupHeader.Match(t)
	}
	return false
}

// classifyYAML reads a compose file or Kubernetes manifests; ok is false
// for other YAML.
func (w *walker) classifyYAML(p string, src []byte) (ok bool, err error) {
	if compose.Match(p, src) {
		cf, err := compose.Parse(p, src)
		if err != nil {
			return false, err
		}
		w.compose[path.Dir(p)] = append(w.compose[path.Dir(p)], cf)
		return true, nil
	}
	kf, err := kube.Parse(p, src)
	switch {
	case err == nil:
		w.kube = append(w.kube, kf)
		return true, nil
	case errors.Is(err, kube.ErrNotKubernetes):
		return false, nil
	}
	return false, err
}

func isYAML(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// ServerContainer is a database server run from a container image.
type ServerContainer struct {
	Name       string
	Pos        source.Pos
	Image      source.Value[string]
	Args       []source.Value[string] // command and args, in order
	NofileSoft source.Value[int]      // 0 when the manifest does not set it
	NofileHard source.Value[int]
	// MemoryLimit is the container's memory limit in bytes (0 when the
	// manifest sets none, or sets one conncap cannot read).
	MemoryLimit source.Value[int64]
	// Mounted are the ConfigMap keys the container sees as files.
	Mounted []kube.MountedFile
	// Cluster is the operator's resource when an operator runs the server;
	// HAProxy the configuration its HAProxy tier is given, when any.
	Cluster *kube.Cluster
	HAProxy *haproxy.Config
	// Env is the container's environment (Bitnami images read
	// MYSQL_EXTRA_FLAGS / MARIADB_EXTRA_FLAGS from it).
	Env apps.EnvMap
}

// isBitnami reports a Bitnami server image, which runs the server with
// --defaults-file under /opt/bitnami and appends $MYSQL_EXTRA_FLAGS
// ($MARIADB_EXTRA_FLAGS) to its command line (reference §B.6).
func isBitnami(image string) bool { return strings.Contains(image, "bitnami/") }

// IsServerImage reports whether a container image is a MySQL or MariaDB
// server.
func IsServerImage(image string) bool {
	name := image
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name, _, _ = strings.Cut(name, ":")
	name, _, _ = strings.Cut(name, "@")
	switch name {
	case "mysql", "mysql-server", "mariadb", "percona-server", "percona", "mysql-community-server":
		return true
	}
	return false
}

// IsProxySQLImage reports whether a container image runs ProxySQL
// (proxysql/proxysql, percona/proxysql2, severalnines/proxysql, …).
func IsProxySQLImage(image string) bool {
	name := image
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name, _, _ = strings.Cut(name, ":")
	name, _, _ = strings.Cut(name, "@")
	return name == "proxysql" || name == "proxysql2"
}

// includeFrom resolves a proxysql.cnf @include: an absolute path inside
// the sysroot, a relative one from the including file's directory (libconfig
// resolves it from the process's working directory, which the inputs do
// not say; ProxySQL runs from its datadir, beside the file in practice).
func (w *walker) includeFrom(from string) func(name string) (string, []byte, error) {
	return func(name string) (string, []byte, error) {
		p := name
		if !path.IsAbs(p) {
			p = path.Join(path.Dir(from), p)
		}
		p = strings.TrimPrefix(path.Clean(p), "/")
		f, err := w.root.ReadFile(p)
		if err != nil {
			return "", nil, err
		}
		w.seen[p] = true
		w.included[p] = true
		return p, f.Src, nil
	}
}

// serverContainers collects the database servers run as containers.
func (w *walker) serverContainers() error {
	if w.facts.Kube != nil {
		for _, cl := range w.facts.Kube.Clusters {
			sc := ServerContainer{Name: cl.Name, Pos: cl.Pos, Image: cl.Image, Cluster: cl}
			if hp := cl.HAProxy; hp != nil && hp.Configuration.V != "" {
				at, ok := w.blockOffset(hp.Configuration.Origin.Pos)
				if !ok {
					w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: hp.Configuration.Origin.Pos.String(),
						Reason: "spec.haproxy.configuration is not a literal block (|): not read"})
				} else if cfg, err := haproxy.ParseAt(hp.Configuration.Origin.Pos.Path, []byte(hp.Configuration.V), at.Lines, at.Cols); err != nil {
					return err
				} else {
					sc.HAProxy = cfg
				}
			}
			if sc.Image.V == "" && cl.Operator == "mariadb-operator" {
				sc.Image = source.Value[string]{V: "mariadb", Origin: source.Named("the MariaDB operator's default image")}
			}
			if n, err := kube.MemoryBytes(cl.MemoryLimit.V); err == nil && cl.MemoryLimit.V != "" {
				sc.MemoryLimit = source.Value[int64]{V: n, Origin: cl.MemoryLimit.Origin}
			}
			w.facts.ServerContainers = append(w.facts.ServerContainers, sc)
		}
		for _, wl := range w.facts.Kube.Workloads {
			for _, c := range wl.Containers {
				if IsServerImage(c.Image.V) {
					sc := ServerContainer{Name: wl.Name, Pos: c.Pos, Image: c.Image, Args: append(slices.Clone(c.Command), c.Args...),
						Mounted: w.facts.Kube.MountedFiles(wl, c), Env: c.EnvMap()}
					if n, err := kube.MemoryBytes(c.MemoryLimit.V); err == nil && c.MemoryLimit.V != "" {
						sc.MemoryLimit = source.Value[int64]{V: n, Origin: c.MemoryLimit.Origin}
					}
					w.facts.ServerContainers = append(w.facts.ServerContainers, sc)
				}
			}
		}
	}
	for _, cp := range w.facts.Compose {
		for _, svc := range cp.Project.Services {
			if IsServerImage(svc.Image.V) {
				sc := ServerContainer{Name: svc.Name, Pos: svc.Pos,
					Image: svc.Image, Args: append(slices.Clone(svc.Entrypoint), svc.Command...),
					NofileSoft: svc.NofileSoft, NofileHard: svc.NofileHard}
				if n, err := compose.MemoryBytes(svc.MemoryLimit.V); err == nil && svc.MemoryLimit.V != "" {
					sc.MemoryLimit = source.Value[int64]{V: n, Origin: svc.MemoryLimit.Origin}
				}
				w.facts.ServerContainers = append(w.facts.ServerContainers, sc)
			}
		}
	}
	return nil
}

// ComposeProject is the compose files of one directory, merged in name
// order (compose.yaml before its overrides), interpolated with the
// directory's .env, and the env_file maps of each service.
type ComposeProject struct {
	Dir      string
	Project  *compose.Project
	EnvFiles map[string][]apps.EnvMap // service name → its env_file maps, in order
}

// finishCompose merges each directory's compose files.
func (w *walker) finishCompose(ctx context.Context) error {
	for _, dir := range slices.Sorted(maps.Keys(w.compose)) {
		if err := ctx.Err(); err != nil {
			return err
		}
		files := w.compose[dir]
		slices.SortFunc(files, func(a, b *compose.File) int { return composeOrder(a.Path) - composeOrder(b.Path) })
		dotenv := apps.EnvMap{}
		if f, err := w.root.ReadFile(path.Join(dir, ".env")); err == nil {
			if dotenv, err = compose.ParseDotEnv(f.Path, f.Src); err != nil {
				return err
			}
		}
		var interp []*compose.File
		for _, f := range files {
			i, err := f.Interpolate(dotenv)
			if err != nil {
				return err
			}
			interp = append(interp, i)
		}
		cp := &ComposeProject{Dir: dir, Project: compose.Merge(interp), EnvFiles: map[string][]apps.EnvMap{}}
		for _, svc := range cp.Project.Services {
			for _, ef := range svc.EnvFiles {
				f, err := w.root.ReadFile(path.Join(dir, ef.V))
				if err != nil {
					return fmt.Errorf("%s: env_file: %w", ef.Origin, err)
				}
				m, err := compose.ParseDotEnv(f.Path, f.Src)
				if err != nil {
					return err
				}
				cp.EnvFiles[svc.Name] = append(cp.EnvFiles[svc.Name], m)
			}
		}
		w.facts.Compose = append(w.facts.Compose, cp)
	}
	return nil
}

// composeOrder puts the base file before its overrides.
func composeOrder(p string) int {
	switch b := path.Base(p); {
	case strings.Contains(b, "override"):
		return 2
	case b == "compose.yaml" || b == "compose.yml" || b == "docker-compose.yml" || b == "docker-compose.yaml":
		return 0
	default:
		return 1
	}
}

// finish loads the units, decides which option files the server reads on
// its own, and reads them.
// proxyFile is a proxysql.cnf candidate found by the walk.
type proxyFile struct {
	path string
	src  []byte
}

// finishProxies reads the proxysql.cnf files. A file another one
// @includes is part of that one, not a configuration of its own, wherever
// the walk met it; its errors count only through the file that includes it.
func (w *walker) finishProxies() error {
	cfgs := make([]*proxysql.Config, len(w.proxyFiles))
	errs := make([]error, len(w.proxyFiles))
	for i, pf := range w.proxyFiles {
		cfgs[i], errs[i] = proxysql.Parse(pf.path, pf.src, w.includeFrom(pf.path))
	}
	for i, pf := range w.proxyFiles {
		switch {
		case w.included[pf.path]:
		case errs[i] != nil:
			return errs[i]
		default:
			w.facts.Proxies = append(w.facts.Proxies, cfgs[i])
		}
	}
	return nil
}

// configMapProxies reads the proxysql.cnf files kept in ConfigMaps (a
// "proxysql.cnf" key, or a value with ProxySQL's settings), with positions
// in the manifest. Only a literal block (|) keeps the file's lines as they
// are; another scalar is skipped with a note.
func (w *walker) configMapProxies() error {
	if w.facts.Kube == nil {
		return nil
	}
	for _, cm := range w.facts.Kube.ConfigMaps {
		for _, key := range slices.Sorted(maps.Keys(cm.Data)) {
			v := cm.Data[key]
			if !proxysql.Match(key, []byte(v.V)) {
				continue
			}
			at, ok := w.blockOffset(v.Origin.Pos)
			if !ok {
				w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: v.Origin.Pos.String(),
					Reason: fmt.Sprintf("ConfigMap %s key %s is not a literal block (|): its proxysql.cnf is not read", cm.Name, key)})
				continue
			}
			cfg, err := proxysql.ParseAt(v.Origin.Pos.Path, []byte(v.V), at, nil)
			if err != nil {
				return err
			}
			w.facts.Proxies = append(w.facts.Proxies, cfg)
		}
	}
	return nil
}

// blockOffset places the content of the literal block scalar whose
// indicator is at pos: it starts on the next line, every line indented by
// its first non-blank line's indentation.
func (w *walker) blockOffset(pos source.Pos) (libconfig.Offset, bool) {
	src := w.stdin
	if pos.Path != "-" {
		f, err := w.root.ReadFile(pos.Path)
		if err != nil {
			return libconfig.Offset{}, false
		}
		src = f.Src
	}
	lines := strings.Split(string(src), "\n")
	if pos.Line < 1 || pos.Line > len(lines) {
		return libconfig.Offset{}, false
	}
	rs := []rune(lines[pos.Line-1])
	if pos.Col < 1 || pos.Col > len(rs) || rs[pos.Col-1] != '|' {
		return libconfig.Offset{}, false
	}
	for _, l := range lines[pos.Line:] {
		if t := strings.TrimLeft(l, " "); strings.TrimSpace(t) != "" {
			return libconfig.Offset{Lines: pos.Line, Cols: len(l) - len(t)}, true
		}
	}
	return libconfig.Offset{Lines: pos.Line}, true
}

func (w *walker) finish(ctx context.Context) error {
	if err := w.finishProxies(); err != nil {
		return err
	}
	if len(w.kube) > 0 {
		w.facts.Kube, w.facts.KubeFiles = kube.Resolve(w.kube), w.kube
	}
	if err := w.configMapProxies(); err != nil {
		return err
	}
	if err := w.finishCompose(ctx); err != nil {
		return err
	}
	for _, r := range w.readers {
		w.facts.Apps = append(w.facts.Apps, r.apps()...)
	}
	if err := w.serverContainers(); err != nil {
		return err
	}
	// The server applies scripts in file-name order (docker-entrypoint-initdb.d).
	slices.SortStableFunc(w.facts.Grants, func(a, b *grants.File) int { return strings.Compare(path.Base(a.Path), path.Base(b.Path)) })
	units, err := systemd.FindServerUnits(ctx, w.root)
	if err != nil {
		return err
	}
	for _, p := range w.unitFiles {
		u, err := systemd.LoadFile(ctx, w.root, p)
		if err != nil {
			return err
		}
		if isServerUnit(u) && !slices.ContainsFunc(units, func(x *systemd.Unit) bool { return x.Path == u.Path }) {
			units = append(units, u)
		}
	}
	w.facts.Units = units
	def, err := systemd.DefaultLimitNOFILE(ctx, w.root)
	if err != nil {
		return err
	}
	w.facts.DefaultNoFile = def

	entries, cmdline, err := serverEntries(ctx, w.root, units)
	if err != nil {
		return err
	}
	if len(units) == 0 && len(w.facts.ServerContainers) > 0 {
		cmdline = containerOptions(w.facts.ServerContainers[0])
	}
	w.facts.CommandLine = cmdline
	loader := mycnf.NewLoader(w.root)
	set, err := loader.Load(ctx, entries)
	if err != nil {
		return err
	}
	read := map[string]bool{}
	for _, f := range set.Files {
		read[f.Path] = true
	}
	var rest []string
	for _, p := range w.optFiles {
		if !read[p] {
			rest = append(rest, p)
		}
	}
	if len(set.Files) > 0 {
		// A tree with the server's own entry files is a machine's /etc:
		// what they do not include, the server does not read.
		for _, p := range rest {
			w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: p, Reason: "option file the server does not read (nothing it reads includes it)"})
		}
		w.facts.Entries, w.facts.Options = entries, set
		return w.mountedOptionFiles()
	}
	// A repository without them: option files that no other found file
	// includes are entry points of their own (conf.d fragments mounted
	// into a container, a my.cnf kept outside /etc), in path order.
	includedBy := map[string]bool{}
	for _, p := range rest {
		s, err := loader.Load(ctx, []mycnf.Entry{{Path: p, Required: true, Origin: source.Named("found in " + p)}})
		if err != nil {
			return err
		}
		for _, f := range s.Files[1:] {
			includedBy[f.Path] = true
		}
	}
	for _, p := range rest {
		if !includedBy[p] {
			entries = append(entries, mycnf.Entry{Path: p, Required: true, Origin: source.Named("option file found in the inputs")})
		}
	}
	w.facts.Entries = entries
	set, err = loader.Load(ctx, entries)
	if err != nil {
		return err
	}
	w.facts.Options = set
	return w.mountedOptionFiles()
}

// serverConfDirs are the directories the official images' main option
// file includes (!includedir): mysql's /etc/my.cnf reads /etc/mysql/conf.d,
// mariadb's /etc/mysql/my.cnf reads conf.d and mariadb.conf.d, Percona's
// /etc/my.cnf reads /etc/my.cnf.d.
var serverConfDirs = []string{"/etc/mysql/conf.d", "/etc/mysql/mysql.conf.d", "/etc/mysql/mariadb.conf.d", "/etc/my.cnf.d"}

// mountedOptionFiles adds the option files a Kubernetes server container
// sees through ConfigMap volumes, after the files in the inputs and in the
// order the image reads them: a main file mounted over /etc/my.cnf or
// /etc/mysql/my.cnf, then the *.cnf files mounted into a directory the main
// file includes, by name. A mounted main file replaces the image's: then
// only the directories it names itself are read. The image's own files are
// not in the inputs (said in a note). Positions are in the manifest.
func (w *walker) mountedOptionFiles() error {
	if len(w.facts.Units) > 0 || len(w.facts.ServerContainers) == 0 {
		return nil
	}
	sc := w.facts.ServerContainers[0]
	if sc.Cluster != nil {
		return w.operatorOptions(sc.Cluster)
	}
	type mounted struct {
		kube.MountedFile
		file *mycnf.File
	}
	var mains, dirs []mounted
	includes := map[string]bool{}
	mainFiles := mycnf.DefaultFiles
	if isBitnami(sc.Image.V) {
		mainFiles = []string{"/opt/bitnami/mysql/conf/my.cnf", "/opt/bitnami/mariadb/conf/my.cnf"}
	}
	for _, m := range sc.Mounted {
		isMain := slices.Contains(mainFiles, m.Path)
		inDir := slices.Contains(serverConfDirs, path.Dir(m.Path)) && strings.HasSuffix(m.Path, ".cnf")
		if !isMain && !inDir {
			why := "which the server does not read by default"
			if slices.Contains(serverConfDirs, path.Dir(m.Path)) {
				why = "and !includedir reads only *.cnf files"
			}
			w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: m.Value.Origin.Pos.String(),
				Reason: fmt.Sprintf("ConfigMap %s key %s is mounted at %s, %s", m.ConfigMap, m.Key, m.Path, why)})
			continue
		}
		at, ok := w.blockOffset(m.Value.Origin.Pos)
		if !ok {
			w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: m.Value.Origin.Pos.String(),
				Reason: fmt.Sprintf("ConfigMap %s key %s (mounted at %s) is not a literal block (|): not read", m.ConfigMap, m.Key, m.Path)})
			continue
		}
		f, err := mycnf.ParseAt(m.Value.Origin.Pos.Path, []byte(m.Value.V), at.Lines, at.Cols)
		if err != nil {
			return fmt.Errorf("%s (ConfigMap %s, mounted at %s): %w", m.Key, m.ConfigMap, m.Path, err)
		}
		if isMain {
			mains = append(mains, mounted{m, f})
			for _, ln := range f.Lines {
				if ln.Kind == mycnf.IncludeDirLine {
					includes[path.Clean(ln.Arg)] = true
				}
			}
		} else {
			dirs = append(dirs, mounted{m, f})
		}
	}
	slices.SortStableFunc(mains, func(a, b mounted) int {
		return slices.Index(mainFiles, a.Path) - slices.Index(mainFiles, b.Path)
	})
	read := mains
	for _, d := range dirs {
		if len(mains) == 0 || includes[path.Dir(d.Path)] {
			read = append(read, d)
		} else {
			w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: d.Value.Origin.Pos.String(),
				Reason: fmt.Sprintf("mounted at %s, but the option file mounted over the image's does not include %s", d.Path, path.Dir(d.Path))})
		}
	}
	set := w.facts.Options
	for _, m := range read {
		set.Files = append(set.Files, m.file)
		set.Events = append(set.Events, mycnf.Event{Pos: m.Value.Origin.Pos, Kind: mycnf.MountedFile, Path: m.Path, Msg: m.ConfigMap + "/" + m.Key})
		addOptionLines(set, m.file, func(ln mycnf.Line) {
			w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: ln.Pos.String(),
				Reason: "an include in a mounted option file names a path in the container, not in the inputs: not followed"})
		})
	}
	return nil
}

// operatorOptions adds what an operator writes into its server's option
// files: the Percona operator's auto-tuning (from the pods' memory, read
// first, so the resource's own configuration wins), then the option-file
// text of the resource. The operator's other defaults are not in the
// inputs.
func (w *walker) operatorOptions(cl *kube.Cluster) error {
	set := w.facts.Options
	if cl.Operator == "percona-xtradb-cluster-operator" {
		mem := cl.MemoryRequest
		if cl.MemoryLimit.V != "" {
			mem = cl.MemoryLimit
		}
		if n, err := kube.MemoryBytes(mem.V); err == nil && mem.V != "" {
			for _, o := range pxcAutoTune(n) {
				pos := mem.Origin.Pos
				set.Options = append(set.Options, mycnf.Option{Line: mycnf.Line{Kind: mycnf.OptionLine, Pos: pos, InGroup: "mysqld",
					Name: o[0], Value: o[1], RawValue: o[1], HasValue: true, ValuePos: pos}, File: pos.Path})
			}
			set.Events = append(set.Events, mycnf.Event{Pos: mem.Origin.Pos, Kind: mycnf.OperatorTuning, Path: cl.Name,
				Msg: "the Percona operator sets innodb_buffer_pool_size and max_connections from the pods' memory"})
		}
	}
	if cl.MyCnf.V == "" {
		return nil
	}
	at, ok := w.blockOffset(cl.MyCnf.Origin.Pos)
	if !ok {
		w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: cl.MyCnf.Origin.Pos.String(),
			Reason: fmt.Sprintf("%s %s: its option-file text is not a literal block (|): not read", cl.Kind, cl.Name)})
		return nil
	}
	f, err := mycnf.ParseAt(cl.MyCnf.Origin.Pos.Path, []byte(cl.MyCnf.V), at.Lines, at.Cols)
	if err != nil {
		return fmt.Errorf("%s %s: %w", cl.Kind, cl.Name, err)
	}
	set.Files = append(set.Files, f)
	addOptionLines(set, f, func(ln mycnf.Line) {
		w.facts.Skipped = append(w.facts.Skipped, Skipped{Path: ln.Pos.String(),
			Reason: "an include in an operator's option-file text names a path in the pod, not in the inputs: not followed"})
	})
	return nil
}

// pxcAutoTune is the Percona XtraDB Cluster operator's auto-tuning for a
// pod memory of mem bytes (pkg/pxc/app/config/autotune.go): a buffer pool
// of 75 % (50 % when less than about 1 GB would be left), rounded up to the
// 128 MiB chunk (above 1 GB, eight chunks rounded up to 1 MiB), and one
// connection per 12582880 bytes.
func pxcAutoTune(mem int64) [][2]string {
	const chunkMin, chunkDefault = int64(1048576), int64(134217728)
	pool := mem / 100 * 75
	if mem-pool < 1000000000 {
		pool = mem / 100 * 50
	}
	pool += chunkDefault - pool%chunkDefault
	out := [][2]string{{"innodb_buffer_pool_size", fmt.Sprint(pool)}}
	if pool > 1000000000 {
		chunk := pool / 8
		chunk += chunkMin - chunk%chunkMin
		out = [][2]string{{"innodb_buffer_pool_size", fmt.Sprint(chunk * 8)}, {"innodb_buffer_pool_chunk_size", fmt.Sprint(chunk)}}
	}
	if mem < 12582880 {
		return nil // the operator refuses: "Not enough memory set in requests"
	}
	return append(out, [2]string{"max_connections", fmt.Sprint(mem / 12582880)})
}

// addOptionLines appends a file's options and conncap: comments to the
// set, calling include for each include directive (not followed).
func addOptionLines(set *mycnf.Set, f *mycnf.File, include func(mycnf.Line)) {
	for _, ln := range f.Lines {
		switch ln.Kind {
		case mycnf.OptionLine:
			set.Options = append(set.Options, mycnf.Option{Line: ln, File: f.Path})
		case mycnf.CommentLine:
			set.Comments = append(set.Comments, mycnf.Comment{Pos: ln.Pos, Text: ln.Comment})
		case mycnf.IncludeLine, mycnf.IncludeDirLine:
			include(ln)
		}
	}
}

// isServerUnit reports whether a unit starts mysqld or mariadbd.
func isServerUnit(u *systemd.Unit) bool {
	a, ok := u.Last("Service", "ExecStart")
	if !ok {
		return false
	}
	argv, err := systemd.SplitCommand(a.Value)
	if err != nil || len(argv) == 0 {
		return false
	}
	switch path.Base(argv[0]) {
	case "mysqld", "mariadbd", "mysqld_safe", "mariadbd-safe":
		return true
	}
	return false
}

// serverEntries reads the first server unit's ExecStart, with $VAR taken
// from its Environment= and EnvironmentFile= (MYSQLD_OPTS in Debian's unit):
// its leading --no-defaults / --defaults-file / --defaults-extra-file decide
// the option files (reference/mysqld.md §1.2), and its other --options come
// after every file.
func serverEntries(ctx context.Context, root *sysroot.Root, units []*systemd.Unit) ([]mycnf.Entry, []mycnf.Option, error) {
	var entries []mycnf.Entry
	for _, p := range mycnf.DefaultFiles {
		entries = append(entries, mycnf.Entry{Path: p, Origin: source.Named("default option file")})
	}
	if len(units) == 0 {
		return entries, nil, nil
	}
	u := units[0]
	cmds, err := u.Exec("ExecStart")
	if err != nil {
		return nil, nil, err
	}
	if len(cmds) == 0 {
		return entries, nil, nil
	}
	cmd := cmds[len(cmds)-1]
	env, err := u.Environment(ctx, root)
	if err != nil {
		return nil, nil, err
	}
	argv := cmd.ExpandEnv(env.Map())
	var opts []mycnf.Option
	leading := true
	for _, arg := range argv[min(1, len(argv)):] {
		if !strings.HasPrefix(arg, "--") {
			leading = false
			continue
		}
		name, val, hasVal := strings.Cut(arg[2:], "=")
		if leading {
			switch name {
			case "no-defaults":
				entries = nil
				continue
			case "defaults-file":
				entries = []mycnf.Entry{{Path: val, Required: true, Origin: source.At(cmd.Pos)}}
				continue
			case "defaults-extra-file":
				entries = append(entries, mycnf.Entry{Path: val, Required: true, Origin: source.At(cmd.Pos)})
				continue
			case "defaults-group-suffix", "print-defaults":
				continue
			}
		}
		leading = false
		opts = append(opts, mycnf.Option{Line: mycnf.Line{Kind: mycnf.OptionLine, Pos: cmd.Pos, Name: name,
			Value: val, RawValue: val, HasValue: hasVal, ValuePos: cmd.Pos}, File: cmd.Pos.Path})
	}
	return entries, opts, nil
}

// containerOptions reads the --options a server container passes to
// mysqld (the official images run mysqld with the arguments when the first
// starts with '-').
func containerOptions(c ServerContainer) []mycnf.Option {
	var opts []mycnf.Option
	args := c.Args
	if isBitnami(c.Image.V) {
		var extra []source.Value[string]
		for _, name := range []string{"MYSQL_EXTRA_FLAGS", "MARIADB_EXTRA_FLAGS"} {
			if v, ok := c.Env[name]; ok && !v.Unknown {
				for _, f := range strings.Fields(v.Value.V) {
					extra = append(extra, source.Value[string]{V: f, Origin: v.Value.Origin})
				}
			}
		}
		args = append(extra, args...)
	}
	for _, a := range args {
		if !strings.HasPrefix(a.V, "--") {
			continue
		}
		name, val, hasVal := strings.Cut(a.V[2:], "=")
		pos := a.Origin.Pos
		opts = append(opts, mycnf.Option{Line: mycnf.Line{Kind: mycnf.OptionLine, Pos: pos, Name: name,
			Value: val, RawValue: val, HasValue: hasVal, ValuePos: pos}, File: pos.Path})
	}
	return opts
}

// String describes the facts briefly, for --verbose.
func (f *Facts) String() string {
	var b strings.Builder
	for _, u := range f.Units {
		fmt.Fprintf(&b, "unit %s: %s\n", u.Name, u.Path)
	}
	if f.Options != nil {
		for _, file := range f.Options.Files {
			fmt.Fprintf(&b, "option file: %s\n", file.Path)
		}
	}
	for _, kf := range f.KubeFiles {
		noun := "objects"
		if len(kf.Objects) == 1 {
			noun = "object"
		}
		fmt.Fprintf(&b, "manifests: %s (%d %s)\n", kf.Path, len(kf.Objects), noun)
	}
	for _, cp := range f.Compose {
		fmt.Fprintf(&b, "compose project: %s\n", cp.Dir)
	}
	for _, a := range f.Apps {
		fmt.Fprintf(&b, "%s application: %s (%s)\n", a.Ecosystem, a.Root, strings.Join(a.Files, ", "))
	}
	for _, g := range f.Grants {
		fmt.Fprintf(&b, "accounts: %s\n", g.Path)
	}
	for _, c := range f.Proxies {
		fmt.Fprintf(&b, "proxysql: %s\n", c.Path)
	}
	for _, s := range f.Skipped {
		fmt.Fprintf(&b, "skipped %s: %s\n", s.Path, s.Reason)
	}
	return b.String()
}
