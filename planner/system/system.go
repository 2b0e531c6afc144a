// Package system is conncap's model of the system being checked: it joins
// the facts the readers produced into one Server (its flavor, the options it
// really reads, its file-descriptor limit, and what it will run with after
// startup). It decides which option groups count; readers report them all.
package system

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/config"
	"github.com/conncap/conncap/inputs/discover"
	"github.com/conncap/conncap/inputs/mycnf"
	"github.com/conncap/conncap/inputs/source"
	"github.com/conncap/conncap/inputs/systemd"
	"github.com/conncap/conncap/planner/catalog"
	"github.com/conncap/conncap/planner/startup"
)

// Options are what the user declares on the command line and in .conncap.yaml.
type Options struct {
	Server    string // --server; "" detects
	NoFile    string // --nofile SOFT[:HARD]; "" takes the unit's
	CPUs      int    // --cpus; 0 assumes DefaultCPUs
	Nodes     int    // --nodes: a DaemonSet runs one pod per node; 0 assumes 1
	Services  []config.Service
	Consumers []config.Consumer
	// Scale sets a service's (or workload's) instance count: a what-if.
	Scale map[string]int
	// Headroom is the fraction of max_connections plans aim under (0.75
	// when 0); Memory the server's memory budget in bytes (0: unknown),
	// from --memory; MemoryFallback the one the configuration file gives,
	// used when neither the flag, the unit's MemoryMax nor the server
	// container's limit says.
	Headroom       float64
	Memory         int64
	MemoryFallback source.Value[int64]
}

// containerNoFile is the nofile limit assumed for a server container that
// declares none: containers inherit the runtime daemon's limit, 1048576 on
// most hosts (reference/clients-and-platforms.md §B.7; newer Docker and
// containerd fall back to 1024:524288, under which mysqld can still raise
// its soft limit to what it needs up to 524288).
const containerNoFile = 1048576

// DefaultCPUs is the CPU count assumed when none is declared.
const DefaultCPUs = 2

// Server is one MySQL or MariaDB server as its inputs describe it.
type Server struct {
	Version source.Value[catalog.Server]
	// Entry is where an option that is not set would go: the first server
	// group header of the first option file, else that file.
	Entry source.Pos
	// OptionFiles is what the server reads from its option files.
	OptionFiles *mycnf.Set
	Options     []*Option // options of the groups this server reads, then its command line, in the order it sees them
	Ignored     []*Option // options in groups this server does not read
	Unit        *systemd.Unit
	NoFile      source.Value[systemd.Limit]
	CPUs        source.Value[int]
	// Settings maps a variable's canonical name to its last setting.
	Settings map[string]*Setting
	// Configured holds the values the server is asked for (after parsing and
	// clamping, before the startup adjustment); Effective what it will run with.
	Configured Values
	Effective  Values
	// StartupInput is what the startup model was given; Startup what it predicts.
	StartupInput startup.Input
	Startup      startup.Result
	Notes        []string // assumptions made, said in the output
}

// Option is one option line the server reads, with the server's reading of it.
type Option struct {
	mycnf.Option
	CommandLine bool // from the unit's ExecStart
	Res         catalog.Resolution
	Parsed      catalog.Parsed
	Err         error // a value the server refuses at startup
}

// Setting is a variable set one or more times; the last one wins.
type Setting struct {
	Var catalog.Var
	All []*Option
}

// Last returns the winning occurrence.
func (s *Setting) Last() *Option { return s.All[len(s.All)-1] }

// Values are the connection-capacity numbers of a server, each with its origin.
type Values struct {
	MaxConnections          source.Value[int64]
	MaxUserConnections      source.Value[int64]
	TableOpenCache          source.Value[int64]
	TableOpenCacheInstances source.Value[int64]
	OpenFilesLimit          source.Value[int64]
	WaitTimeout             source.Value[int64]
	InteractiveTimeout      source.Value[int64]
}

// Build joins the facts into the server model. Input the server itself
// would refuse (a value with an unknown suffix, a missing argument) is
// returned as a source.ErrorList.
func Build(f *discover.Facts, opt Options) (*Server, error) {
	s := &Server{Settings: map[string]*Setting{}}
	if len(f.Units) > 0 {
		s.Unit = f.Units[0]
		if err := s.Unit.Err; err != nil {
			return nil, fmt.Errorf("%w (systemd refuses to load %s, so the server does not start)", err, s.Unit.Name)
		}
	}
	ver, err := detectVersion(f, opt, s.Unit)
	if err != nil {
		return nil, err
	}
	s.Version = ver
	srv := ver.V
	if ver.Origin.Pos == (source.Pos{}) && strings.HasPrefix(ver.Origin.Note, "assumed") {
		s.Notes = append(s.Notes, fmt.Sprintf("server %s %s; set --server to be sure", srv, ver.Origin.Note))
	}

	var errs source.ErrorList
	s.OptionFiles = f.Options
	if f.Options != nil {
		for _, o := range f.Options.Options {
			so := &Option{Option: o}
			if !srv.ReadsGroup(o.InGroup) {
				s.Ignored = append(s.Ignored, so)
				continue
			}
			s.Options = append(s.Options, so)
		}
	}
	for _, o := range f.CommandLine {
		s.Options = append(s.Options, &Option{Option: o, CommandLine: true})
	}
	for _, o := range s.Options {
		o.Res = srv.Resolve(o.Name)
		if !o.Res.Known || len(o.Res.Ambiguous) > 0 {
			continue
		}
		o.Parsed, o.Err = srv.ParseValue(o.Res.Var, o.Res.Prefix, o.Value, o.HasValue)
		if o.Err != nil {
			pos := o.ValuePos
			if !o.HasValue {
				pos = o.Pos
			}
			errs.Add(pos, fmt.Sprintf("%v: the server refuses to start", o.Err))
			continue
		}
		if o.Res.Prefix == "maximum" || o.Res.Prefix == "autoset" {
			continue
		}
		name := o.Res.Var.Name
		st := s.Settings[name]
		if st == nil {
			st = &Setting{Var: o.Res.Var}
			s.Settings[name] = st
		}
		st.All = append(st.All, o)
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	s.Entry = entryPos(f, srv)

	s.NoFile, err = nofile(f, opt, s.Unit)
	if err != nil {
		return nil, err
	}
	if opt.CPUs > 0 {
		s.CPUs = source.Value[int]{V: opt.CPUs, Origin: source.Named("flag --cpus")}
	} else {
		s.CPUs = source.Value[int]{V: DefaultCPUs, Origin: source.Named(fmt.Sprintf("assumed %d CPUs", DefaultCPUs))}
		if srv.Flavor == catalog.MariaDB {
			s.Notes = append(s.Notes, fmt.Sprintf("CPU count not declared: assumed %d (MariaDB adds thread_pool_size, which follows it, to its file request; set --cpus)", DefaultCPUs))
		}
	}
	if !s.NoFile.Origin.Pos.IsValid() && s.NoFile.Origin.Note != "flag --nofile" {
		s.Notes = append(s.Notes, fmt.Sprintf("file-descriptor limit from %s", s.NoFile.Origin.Note))
	}
	s.predict()
	return s, nil
}

// detectVersion takes --server, else the unit's binary and the option
// groups, else mysql-8.4.
func detectVersion(f *discover.Facts, opt Options, u *systemd.Unit) (source.Value[catalog.Server], error) {
	if opt.Server != "" {
		v, err := catalog.ParseServer(opt.Server)
		if err != nil {
			return source.Value[catalog.Server]{}, fmt.Errorf("--server: %w", err)
		}
		return source.Value[catalog.Server]{V: v, Origin: source.Named("flag --server")}, nil
	}
	// A versioned group names both flavor and version, even when empty
	// (Debian's 50-server.cnf has an empty [mariadb-10.11]).
	if f.Options != nil {
		for _, file := range f.Options.Files {
			for _, ln := range file.Lines {
				if ln.Kind != mycnf.GroupLine {
					continue
				}
				if v, ok := versionFromGroup(ln.Group); ok {
					return source.Value[catalog.Server]{V: v, Origin: source.Named(fmt.Sprintf("detected from group [%s] at %s", ln.Group, ln.Pos))}, nil
				}
			}
		}
	}
	// MySQL's packaged units run /usr/share/mysql-8.4/mysql-systemd-start.
	if u != nil {
		for _, key := range []string{"ExecStartPre", "ExecStart", "ExecStartPost"} {
			for _, a := range u.All("Service", key) {
				if m := sharePath.FindStringSubmatch(a.Value); m != nil {
					if v, err := catalog.ParseServer(m[1] + "-" + m[2]); err == nil {
						return source.Value[catalog.Server]{V: v, Origin: source.Named(fmt.Sprintf("detected from %s at %s", m[0], a.ValuePos))}, nil
					}
				}
			}
		}
	}
	if len(f.ServerContainers) > 0 && u == nil {
		c := f.ServerContainers[0]
		if v, ok := versionFromImage(c.Image.V); ok {
			return source.Value[catalog.Server]{V: v, Origin: source.Named(fmt.Sprintf("detected from image %s at %s", c.Image.V, c.Image.Origin.Pos))}, nil
		}
	}
	mariadb := false
	var why string
	if u != nil {
		if a, ok := u.Last("Service", "ExecStart"); ok {
			if argv, err := systemd.SplitCommand(a.Value); err == nil && len(argv) > 0 {
				if b := path.Base(argv[0]); strings.HasPrefix(b, "mariadbd") {
					mariadb, why = true, fmt.Sprintf("detected from ExecStart %s at %s", b, a.ValuePos)
				}
			}
		}
		if !mariadb && strings.HasPrefix(u.Name, "mariadb") {
			mariadb, why = true, "detected from unit name "+u.Name
		}
	}
	if !mariadb && f.Options != nil {
		for _, o := range f.Options.Options {
			if g := strings.ToLower(o.InGroup); g == "mariadb" || g == "mariadbd" {
				mariadb, why = true, fmt.Sprintf("detected from group [%s] at %s", o.InGroup, o.GroupPos)
				break
			}
		}
	}
	if mariadb {
		v, _ := catalog.ParseServer("mariadb-10.11")
		return source.Value[catalog.Server]{V: v, Origin: source.Named(why + "; version assumed 10.11")}, nil
	}
	return source.Value[catalog.Server]{V: catalog.Default(), Origin: source.Named("assumed (not detected from the inputs)")}, nil
}

var (
	versionedGroup = regexp.MustCompile(`^(mysqld|mariadb|mariadbd)-(\d+\.\d+)$`)
	sharePath      = regexp.MustCompile(`/usr/share/(mysql|mariadb)-(\d+\.\d+)/`)
	imageTag       = regexp.MustCompile(`^(\d+\.\d+)(?:[.-]|$)`)
)

// versionFromImage reads mysql:8.4.3, mariadb:10.11, percona-server:8.0.36
// and the like; a tag without a supported major.minor reports false.
func versionFromImage(image string) (catalog.Server, bool) {
	name, tag, ok := strings.Cut(image[strings.LastIndexByte(image, '/')+1:], ":")
	if !ok {
		return catalog.Server{}, false
	}
	flavor := "mysql"
	if strings.HasPrefix(name, "mariadb") {
		flavor = "mariadb"
	}
	m := imageTag.FindStringSubmatch(tag)
	if m == nil {
		return catalog.Server{}, false
	}
	v, err := catalog.ParseServer(flavor + "-" + m[1])
	return v, err == nil
}

// versionFromGroup reads [mysqld-8.0], [mariadb-10.11], [mariadbd-11.4]: a
// mysqld- group with a major version of 10 or more is MariaDB's.
func versionFromGroup(group string) (catalog.Server, bool) {
	m := versionedGroup.FindStringSubmatch(strings.ToLower(group))
	if m == nil {
		return catalog.Server{}, false
	}
	flavor := "mariadb"
	if major, _, _ := strings.Cut(m[2], "."); m[1] == "mysqld" && len(major) == 1 {
		flavor = "mysql"
	}
	v, err := catalog.ParseServer(flavor + "-" + m[2])
	return v, err == nil
}

// entryPos is where a new [mysqld] option would go.
func entryPos(f *discover.Facts, srv catalog.Server) source.Pos {
	if f.Options == nil || len(f.Options.Files) == 0 {
		switch {
		case len(f.Units) > 0:
			return source.Pos{Path: f.Units[0].Path, Line: 1}
		case len(f.ServerContainers) > 0:
			return f.ServerContainers[0].Pos
		}
		return source.Pos{}
	}
	for _, file := range f.Options.Files {
		for _, ln := range file.Lines {
			if ln.Kind == mycnf.GroupLine && slices.Contains([]string{"mysqld", "server", "mariadb", "mariadbd"}, strings.ToLower(ln.Group)) && srv.ReadsGroup(ln.Group) {
				return ln.Pos
			}
		}
	}
	return source.Pos{Path: f.Options.Files[0].Path, Line: 1}
}

// nofile decides the process's RLIMIT_NOFILE: --nofile, else the unit's
// LimitNOFILE, else the manager's DefaultLimitNOFILE.
func nofile(f *discover.Facts, opt Options, u *systemd.Unit) (source.Value[systemd.Limit], error) {
	if opt.NoFile != "" {
		l, err := systemd.ParseLimit(opt.NoFile)
		if err != nil {
			return source.Value[systemd.Limit]{}, fmt.Errorf("--nofile: %w", err)
		}
		return source.Value[systemd.Limit]{V: l, Origin: source.Named("flag --nofile")}, nil
	}
	if u != nil {
		if l, ok := u.LimitNOFILE(); ok {
			return l, nil
		}
		d := f.DefaultNoFile
		if d.Origin.Note == "" {
			d.Origin.Note = u.Name + " sets no LimitNOFILE: the manager's DefaultLimitNOFILE"
		} else {
			d.Origin.Note = u.Name + " sets no LimitNOFILE; " + d.Origin.Note
		}
		return d, nil
	}
	if len(f.ServerContainers) > 0 {
		c := f.ServerContainers[0]
		if c.NofileHard.V > 0 {
			return source.Value[systemd.Limit]{V: systemd.Limit{Soft: uint64(c.NofileSoft.V), Hard: uint64(c.NofileHard.V)}, Origin: c.NofileHard.Origin}, nil
		}
		return source.Value[systemd.Limit]{V: systemd.Limit{Soft: containerNoFile, Hard: containerNoFile},
			Origin: source.Named(fmt.Sprintf("%s sets no nofile ulimit: the container runtime's default, assumed %d (set --nofile)", c.Name, containerNoFile))}, nil
	}
	d := f.DefaultNoFile
	d.Origin.Note = "no unit declares it; " + d.Origin.Note + " assumed (set --nofile for a container)"
	return d, nil
}
