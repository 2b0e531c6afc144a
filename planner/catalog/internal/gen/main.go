// Command gen regenerates planner/catalog/data/mariadb-10.11.txt from an
// installed mariadbd binary. It never starts a server: every probe runs
// "mariadbd --no-defaults ... --verbose --help", which parses the options,
// prints the help text and exits.
//
// Usage, from the module root:
//
//	go run ./planner/catalog/internal/gen -o planner/catalog/data/mariadb-10.11.txt
//
// What it learns, and how:
//
//   - option names, argument forms (=#, =name, [=...], none), enum and set
//     values: from the options section of --verbose --help;
//   - defaults: from the "Variables (--variable-name=value)" table;
//   - hidden options (no help text, e.g. MySQL-compatibility and removed
//     InnoDB options): every identifier-like string in the binary that is
//     not a visible option is tried as --NAME=1 with prefix matching off;
//     the ones mariadbd does not call unknown are options;
//   - plugin options: each library in the plugin directory is loaded with
//     --plugin-load-add and the options it adds are marked with its name;
//   - for numeric options: signedness (is -1 refused?), integer or decimal
//     (is 0.5 refused?), minimum and maximum (the "adjusted to" warnings for
//     0 and for the type's extreme), and the rounding block (the value
//     printed for 2^k-1);
//   - whether maximum-X and autoset-X are accepted, whether the plugin-X
//     spelling exists, whether the option is parsed in the early pass (its
//     messages come out as "Buffered ..."), and the spelling the server uses
//     in its messages. Hidden options are parsed after the plugins' options
//     (--innodb is not ambiguous although hidden innodb-* options exist, and
//     --relay-log-info=x binds to relay_log_info_file although the hidden
//     relay-log-info-repository exists), so they are marked late.
//
// Probes run in a scratch directory under an address-space limit (prlimit),
// so an option that makes mariadbd allocate memory cannot hurt the machine.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	bin := flag.String("mariadbd", "/usr/sbin/mariadbd", "path of the mariadbd binary")
	pluginDir := flag.String("plugins", "/usr/lib/mysql/plugin", "plugin directory whose libraries are probed")
	out := flag.String("o", "", "output file (default stdout)")
	jobs := flag.Int("j", runtime.NumCPU()*2, "probes run at once")
	flag.Parse()
	g, err := newGen(*bin, *jobs)
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(g.dir)
	text, err := g.run(*pluginDir)
	if err != nil {
		log.Fatal(err)
	}
	if *out == "" {
		os.Stdout.WriteString(text)
		return
	}
	if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
		log.Fatal(err)
	}
}

// option is what the generator learns about one option.
type option struct {
	name     string // canonical: lowercase, underscores
	spelling string // as mariadbd names it in messages
	arg      string // req, opt, none
	form     string // "#", "name" or "" (from the help line)
	desc     string
	kind     string
	def      string
	inTable  bool
	values   []string
	allowAll bool
	plugin   string // library (without .so) that provides it, "" if built in
	extra    []string
	min, max string
	block    string
	early    bool
	pprefix  bool // plugin-NAME spelling accepted
	hasMax   bool // maximum-NAME accepted
	autoset  bool
	note     string
	hidden   bool
}

type gen struct {
	bin    string
	dir    string
	sem    chan struct{}
	limit  []string // prlimit prefix, empty when prlimit is missing
	nprobe int
	mu     sync.Mutex
}

func newGen(bin string, jobs int) (*gen, error) {
	dir, err := os.MkdirTemp("", "catalog-gen-")
	if err != nil {
		return nil, err
	}
	g := &gen{bin: bin, dir: dir, sem: make(chan struct{}, max(jobs, 1))}
	if p, err := exec.LookPath("prlimit"); err == nil {
		g.limit = []string{p, "--as=8589934592", "--"}
	}
	return g, nil
}

// probe runs mariadbd with --no-defaults, extra, args and then --verbose
// --help (or with the help options first when last is set, so that args end
// the command line) and returns stdout and stderr.
func (g *gen) probe(extra []string, args []string, last bool) (string, string) {
	g.sem <- struct{}{}
	defer func() { <-g.sem }()
	argv := append([]string{}, g.limit...)
	argv = append(argv, g.bin, "--no-defaults")
	argv = append(argv, extra...)
	if last {
		argv = append(argv, "--verbose", "--help")
		argv = append(argv, args...)
	} else {
		argv = append(argv, args...)
		argv = append(argv, "--verbose", "--help")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = g.dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + g.dir, "LANG=C"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run() // the exit status is read from the messages
	g.mu.Lock()
	g.nprobe++
	g.mu.Unlock()
	return stdout.String(), stderr.String()
}

// messages returns the server's warnings and errors in stderr, without the
// timestamp head, the program name and the open-files noise.
func messages(stderr string) []string {
	var out []string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, "max_open_files") || strings.TrimSpace(line) == "" {
			continue
		}
		if i := strings.Index(line, "] "); i >= 0 && strings.HasPrefix(line, "20") {
			line = line[i+2:]
		}
		out = append(out, line)
	}
	return out
}

var (
	optLine  = regexp.MustCompile(`^  (?:-(\S), )?--([A-Za-z0-9_.-]+)(\[=(#|name)\]|=(#|name))?(?:\s|$)`)
	wordish  = regexp.MustCompile(`^[a-z][a-z0-9_-]{1,70}$`)
	adjusted = regexp.MustCompile(`option '([^']+)': (?:unsigned |signed )?value (-?[0-9.e+]+) adjusted to (-?[0-9.e+]+)`)
)

// helpText is a parsed --verbose --help output.
type helpText struct {
	opts  []*option
	table map[string]string // dashed name -> printed value
}

func parseHelp(stdout string) (*helpText, error) {
	h := &helpText{table: map[string]string{}}
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	state := 0 // 0 preamble, 1 options, 2 table header, 3 table
	var cur *option
	for sc.Scan() {
		line := sc.Text()
		switch state {
		case 0:
			if strings.HasPrefix(line, "--defaults-group-suffix") {
				state = 1
			}
		case 1:
			if strings.HasPrefix(line, "Variables (--variable-name=value)") {
				state = 2
				continue
			}
			if m := optLine.FindStringSubmatch(line); m != nil {
				cur = &option{name: canon(m[2]), spelling: m[2]}
				switch {
				case m[3] == "":
					cur.arg = "none"
				case strings.HasPrefix(m[3], "["):
					cur.arg, cur.form = "opt", m[4]
				default:
					cur.arg, cur.form = "req", m[5]
				}
				cur.desc = strings.TrimSpace(line[len(m[0]):])
				h.opts = append(h.opts, cur)
				continue
			}
			if cur != nil && strings.HasPrefix(line, "  ") {
				cur.desc += " " + strings.TrimSpace(line)
			}
		case 2:
			if strings.HasPrefix(line, "-----") {
				state = 3
			}
		case 3:
			if strings.TrimSpace(line) == "" {
				state = 4
				continue
			}
			name, _, _ := strings.Cut(line, " ")
			val := ""
			if len(name) < 61 && len(line) > 61 {
				val = line[61:]
			} else if len(name) >= 61 {
				val = strings.TrimLeft(line[len(name):], " ")
			}
			if val == "(No default value)" {
				val = ""
			}
			h.table[name] = val
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(h.opts) == 0 || len(h.table) == 0 {
		return nil, errors.New("help output has no options or no variables table")
	}
	return h, nil
}

func canon(s string) string  { return strings.ToLower(strings.ReplaceAll(s, "-", "_")) }
func dashed(s string) string { return strings.ReplaceAll(s, "_", "-") }

// typelibValues extracts the list after marker ("One of: ", "Any combination
// of: ") in a help description.
func typelibValues(desc, marker string) []string {
	i := strings.Index(desc, marker)
	if i < 0 {
		return nil
	}
	rest := desc[i+len(marker):]
	if j := strings.Index(rest, "Use 'ALL'"); j >= 0 {
		rest = rest[:j]
	}
	// Drop parenthesised remarks: "FORCE (don't start if ...)".
	var b strings.Builder
	depth := 0
	for _, r := range rest {
		switch {
		case r == '(':
			depth++
		case r == ')':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	var vals []string
	for _, tok := range strings.Split(b.String(), ",") {
		f := strings.Fields(tok)
		if len(f) == 0 {
			continue
		}
		v := strings.TrimSuffix(f[0], ".")
		if v == "" {
			continue
		}
		vals = append(vals, v)
		if len(f) > 1 { // the list ended inside this token
			break
		}
	}
	return vals
}

func (g *gen) run(pluginDir string) (string, error) {
	version, err := exec.Command(g.bin, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", g.bin, err)
	}
	stdout, _ := g.probe(nil, nil, false)
	base, err := parseHelp(stdout)
	if err != nil {
		return "", err
	}
	opts := map[string]*option{}
	for _, o := range base.opts {
		if _, dup := opts[o.name]; dup {
			continue
		}
		o.def, o.inTable = base.table[dashed(o.spelling)]
		if !o.inTable {
			o.def, o.inTable = base.table[dashed(o.name)]
		}
		opts[o.name] = o
	}
	log.Printf("%d visible options", len(opts))

	// Plugins shipped in the plugin directory.
	libs, _ := filepath.Glob(filepath.Join(pluginDir, "*.so"))
	slices.Sort(libs)
	for _, lib := range libs {
		so := strings.TrimSuffix(filepath.Base(lib), ".so")
		extra := []string{"--plugin-maturity=experimental", "--plugin-load-add=" + so + ".so"}
		stdout, _ := g.probe(extra, nil, false)
		h, err := parseHelp(stdout)
		if err != nil {
			log.Printf("plugin %s: %v", so, err)
			continue
		}
		n := 0
		for _, o := range h.opts {
			if _, ok := opts[o.name]; ok || o.name == "plugin_maturity" {
				continue
			}
			o.def, o.inTable = h.table[dashed(o.spelling)]
			o.plugin, o.extra = so, extra
			opts[o.name] = o
			n++
		}
		log.Printf("plugin %s: %d options", so, n)
	}

	// Hidden options: identifier-like strings of the binary.
	hidden, err := g.hidden(opts)
	if err != nil {
		return "", err
	}
	for _, o := range hidden {
		opts[o.name] = o
	}
	log.Printf("%d hidden options", len(hidden))

	names := slices.Sorted(func(yield func(string) bool) {
		for k := range opts {
			if !yield(k) {
				return
			}
		}
	})
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(o *option) {
			defer wg.Done()
			g.classify(o)
		}(opts[n])
	}
	wg.Wait()
	log.Printf("%d probes", g.nprobe)
	return render(strings.TrimSpace(string(version)), names, opts), nil
}

func (g *gen) hidden(known map[string]*option) ([]*option, error) {
	data, err := os.ReadFile(g.bin)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var cands []string
	start := -1
	for i := 0; i <= len(data); i++ {
		printable := i < len(data) && data[i] >= 0x20 && data[i] < 0x7f
		if printable {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			s := string(data[start:i])
			start = -1
			if !wordish.MatchString(s) {
				continue
			}
			c := canon(s)
			if known[c] != nil || seen[c] {
				continue
			}
			seen[c] = true
			cands = append(cands, dashed(c))
		}
	}
	slices.Sort(cands)
	log.Printf("probing %d strings of the binary for hidden options", len(cands))
	var mu sync.Mutex
	var out []*option
	var wg sync.WaitGroup
	for _, c := range cands {
		wg.Add(1)
		go func(c string) {
			defer wg.Done()
			_, stderr := g.probe([]string{"--skip-getopt-prefix-matching"}, []string{"--" + c + "=1"}, false)
			if strings.Contains(stderr, "unknown variable '"+c+"=1'") {
				return
			}
			o := &option{name: canon(c), spelling: c, arg: "opt", kind: "string", hidden: true}
			for _, m := range messages(stderr) {
				switch {
				case strings.Contains(m, "was removed. It does nothing now"):
					o.note = "removed"
				case strings.Contains(m, "compatible option. Not used or needed"):
					o.note = "compat"
				case strings.Contains(m, "compatible option. To be implemented"):
					o.note = "later"
				}
			}
			mu.Lock()
			out = append(out, o)
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	slices.SortFunc(out, func(a, b *option) int { return strings.Compare(a.name, b.name) })
	return out, nil
}

// noProbe reports the options whose probing with made-up values could do
// more than parse (or that print something other than the help).
func noProbe(name string) bool {
	switch name {
	case "help", "verbose", "version", "bootstrap", "user", "chroot", "gdb", "debug_gdb", "memlock", "core_file",
		"plugin_load", "plugin_load_add", "plugin_dir", "datadir", "init_file", "log_error", "pid_file", "socket",
		"tmpdir", "large_pages", "log_basename", "install", "install_manual", "remove", "service", "standalone",
		"console", "wsrep_recover", "debug", "debug_exit_info", "exit_info":
		return true
	}
	return false
}

var (
	reqArg   = regexp.MustCompile(`option '--([^']+)' requires an argument`)
	boolMsg  = regexp.MustCompile(`option '([^']+)': boolean value`)
	setErr   = regexp.MustCompile(`Error while setting value '[^']*' to '([^']+)'`)
	incorrec = regexp.MustCompile(`Incorrect (?:unsigned )?value: '[^']*' for (\S+)`)
)

func (g *gen) classify(o *option) {
	dash := dashed(o.name)
	note := func(msgs []string) {
		for _, m := range msgs {
			if strings.HasPrefix(m, "Buffered ") {
				o.early = true
			}
			for _, re := range []*regexp.Regexp{reqArg, boolMsg, setErr, incorrec} {
				if sm := re.FindStringSubmatch(m); sm != nil && canon(sm[1]) == o.name {
					o.spelling = sm[1]
				}
			}
			if sm := adjusted.FindStringSubmatch(m); sm != nil && canon(sm[1]) == o.name {
				o.spelling = sm[1]
			}
		}
	}
	// Kind from the help line.
	if !o.hidden {
		switch {
		case o.form == "#":
			o.kind = "uint"
		case o.form == "name":
			o.kind = "string"
			if v := typelibValues(o.desc, "One of: "); len(v) > 0 {
				o.kind, o.values = "enum", v
			} else if v := typelibValues(o.desc, "Any combination of: "); len(v) > 0 {
				o.kind, o.values = "set", v
				o.allowAll = strings.Contains(o.desc, "Use 'ALL'")
			}
		case o.inTable:
			o.kind = "bool"
		default:
			o.kind = "bool"
			if !noProbe(o.name) {
				_, stderr := g.probe(o.extra, []string{"--" + dash + "=1"}, false)
				if strings.Contains(stderr, "cannot take an argument") {
					o.kind = "flag"
				}
				note(messages(stderr))
			} else if o.name == "help" || o.name == "version" || o.name == "bootstrap" {
				o.kind = "flag"
			}
		}
		if o.kind == "bool" {
			switch strings.ToUpper(o.def) {
			case "TRUE":
				o.def = "ON"
			case "FALSE":
				o.def = "OFF"
			}
		}
	}
	if noProbe(o.name) {
		return
	}
	probe := func(args ...string) []string {
		_, stderr := g.probe(o.extra, args, false)
		m := messages(stderr)
		note(m)
		return m
	}
	// The server's own spelling, and the early pass.
	if o.arg == "req" {
		_, stderr := g.probe(o.extra, []string{"--" + dash}, true)
		note(messages(stderr))
	}
	if o.kind == "bool" {
		probe("--" + dash + "=yes")
	}
	if o.kind == "enum" || o.kind == "set" {
		probe("--" + dash + "=zz_not_a_value")
	}
	if o.kind == "uint" {
		g.numeric(o, probe)
	}
	// plugin-NAME.
	{
		_, stderr := g.probe(append([]string{"--skip-getopt-prefix-matching"}, o.extra...), []string{"--plugin-" + dash}, true)
		o.pprefix = !strings.Contains(stderr, "unknown option '--plugin-"+dash+"'") &&
			!strings.Contains(stderr, "unknown variable")
	}
	// maximum-NAME.
	if o.arg != "none" || o.kind == "bool" {
		m := probe("--maximum-" + dash + "=0")
		o.hasMax = true
		for _, s := range m {
			if strings.Contains(s, "cannot be set") || strings.Contains(s, "unknown variable") {
				o.hasMax = false
			}
		}
	}
	// autoset-NAME.
	{
		m := probe("--autoset-" + dash)
		o.autoset = true
		for _, s := range m {
			if strings.Contains(s, "automatic setup request is unsupported") || strings.Contains(s, "unknown option") ||
				strings.Contains(s, "unknown variable") {
				o.autoset = false
			}
		}
	}
}

// numeric learns signedness, decimal-ness, range and block of an =# option.
func (g *gen) numeric(o *option, probe func(...string) []string) {
	dash := dashed(o.name)
	has := func(msgs []string, sub string) bool {
		for _, m := range msgs {
			if strings.Contains(m, sub) {
				return true
			}
		}
		return false
	}
	adj := func(msgs []string) (string, bool) {
		for _, m := range msgs {
			if sm := adjusted.FindStringSubmatch(m); sm != nil && canon(sm[1]) == o.name {
				return sm[3], true
			}
		}
		return "", false
	}
	if !has(probe("--"+dash+"=0.5"), "Unknown suffix '.'") {
		o.kind = "float"
		return
	}
	neg := probe("--" + dash + "=-1")
	if has(neg, "Incorrect unsigned value") {
		o.kind = "uint"
		o.min = "0"
		if v, ok := adj(probe("--" + dash + "=0")); ok {
			o.min = v
		}
		o.max = strconv.FormatUint(math.MaxUint64, 10)
		if v, ok := adj(probe("--" + dash + "=18446744073709551615")); ok {
			o.max = v
		}
	} else {
		o.kind = "int"
		o.min = strconv.FormatInt(math.MinInt64, 10)
		if v, ok := adj(probe("--" + dash + "=-9223372036854775808")); ok {
			o.min = v
		}
		o.max = strconv.FormatInt(math.MaxInt64, 10)
		if v, ok := adj(probe("--" + dash + "=9223372036854775807")); ok {
			o.max = v
		}
	}
	// Block: print the value of v = 2^k-1 (the largest such value <= 2^24-1,
	// or the smallest >= min, inside the range): it comes back rounded down
	// to g1, a multiple of the block. Then print g1-1: it comes back as
	// g1-block.
	lo, err1 := strconv.ParseInt(o.min, 10, 64)
	hi, err2 := strconv.ParseUint(o.max, 10, 64)
	if err1 != nil || err2 != nil || !o.inTable {
		return
	}
	var v uint64
	for k := 24; k <= 40; k++ {
		c := uint64(1)<<k - 1
		if int64(c) >= lo {
			v = c
			break
		}
	}
	if v == 0 || v > hi {
		return
	}
	printed := func(val uint64) (uint64, bool) {
		stdout, stderr := g.probe(o.extra, []string{"--" + dash + "=" + strconv.FormatUint(val, 10)}, false)
		if _, ok := adj(messages(stderr)); ok {
			return 0, false
		}
		h, err := parseHelp(stdout)
		if err != nil {
			return 0, false
		}
		got, err := strconv.ParseUint(h.table[dashed(o.spelling)], 10, 64)
		if err != nil {
			got, err = strconv.ParseUint(h.table[dash], 10, 64)
		}
		return got, err == nil && got <= val
	}
	g1, ok := printed(v)
	if !ok || g1 == 0 {
		return
	}
	if int64(g1-1) < lo {
		// g1-1 would be clamped to the minimum: settle for the first probe,
		// which names a power-of-two block exactly.
		if b := v - g1 + 1; g1 < v && b&(b-1) == 0 && g1%b == 0 {
			o.block = strconv.FormatUint(b, 10)
		}
		return
	}
	g2, ok := printed(g1 - 1)
	if !ok || g2 >= g1 {
		return
	}
	if b := g1 - g2; b > 1 && g1%b == 0 && v-g1 < b {
		o.block = strconv.FormatUint(b, 10)
	}
}

// pathLike reports whether a string option names a file or directory.
func pathLike(name string) bool {
	for _, s := range []string{"_dir", "_file", "_path", "_directory", "tmpdir", "datadir", "basedir", "socket"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	switch name {
	case "log_bin", "log_bin_index", "relay_log", "relay_log_index", "log_error", "secure_file_priv",
		"ssl_ca", "ssl_cert", "ssl_key", "ssl_crl", "ssl_capath", "ssl_crlpath", "log_tc", "log_isam",
		"general_log_file", "slow_query_log_file", "pid_file", "init_file", "character_sets_dir", "lc_messages_dir":
		return true
	}
	return false
}

// builtinPlugin names the compiled-in plugin an option belongs to: the
// longest plugin-enable option that is the name or a prefix of it.
func builtinPlugin(name string, enables []string) string {
	best := ""
	for _, p := range enables {
		if (name == p || strings.HasPrefix(name, p+"_")) && len(p) > len(best) {
			best = p
		}
	}
	return best
}

// sizedDefault replaces a default that --verbose --help prints after sizing
// it for this machine (CPU count, RLIMIT_NOFILE, max_connections): "" for
// autosized values, the compiled-in default otherwise (reference §3).
func sizedDefault(name string) (string, bool) {
	switch name {
	case "open_files_limit", "back_log", "host_cache_size", "thread_pool_size":
		return "", true
	case "table_open_cache_instances":
		return "8", true
	case "thread_cache_size":
		return "256", true
	}
	return "", false
}

// pluginTypelib is the order of the values of a plugin's enable option
// (sql_plugin.cc global_plugin_typelib_names); the help text lists them in
// another order.
func pluginTypelib() []string { return []string{"OFF", "ON", "FORCE", "FORCE_PLUS_PERMANENT"} }

// hostDefault replaces this machine's host name in a default (log file and
// pid file names are derived from it) with the word HOSTNAME.
func hostDefault(def, host string) string {
	if host == "" || def == "" {
		return def
	}
	if def == host {
		return "HOSTNAME"
	}
	base := def[strings.LastIndexByte(def, '/')+1:]
	for _, sep := range []string{".", "-"} {
		if strings.HasPrefix(base, host+sep) {
			return def[:len(def)-len(base)] + "HOSTNAME" + base[len(host):]
		}
	}
	return def
}

func render(version string, names []string, opts map[string]*option) string {
	host, _ := os.Hostname()
	host, _, _ = strings.Cut(host, ".")
	// Plugin-enable options of compiled-in plugins: enums ON/OFF/FORCE...
	var enables []string
	for _, n := range names {
		o := opts[n]
		if o.plugin == "" && o.pprefix && o.kind == "enum" && slices.Contains(o.values, "FORCE_PLUS_PERMANENT") {
			enables = append(enables, n)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Options of %s.\n", version)
	b.WriteString(`# Generated by planner/catalog/internal/gen from the binary itself (never a
# running server): go run ./planner/catalog/internal/gen -o planner/catalog/data/mariadb-10.11.txt
# Plugins probed: the libraries of /usr/lib/mysql/plugin (Debian's mariadb-server).
#
# Format, one option a line, fields separated by one space:
#   name kind arg attrs default
# name    canonical: lowercase, '_' for '-'
# kind    bool int uint float enum set string path flag
# arg     req (needs =value), opt (value optional), none
# attrs   '-' or comma-separated: min=, max=, block=, values=a|b, plugin=LIB,
#         builtin=PLUGIN, opt=SPELLING, note=removed|compat|later, and the flags
#         early (parsed in the early pass), late (no help text: parsed in a
#         pass after the plugins'), pluginprefix (plugin-NAME accepted),
#         maximum (maximum-NAME accepted), autoset, all (set accepts ALL)
# default the rest of the line, as --verbose --help prints it ("" if none)
`)
	for _, n := range names {
		o := opts[n]
		kind := o.kind
		if kind == "string" && pathLike(n) {
			kind = "path"
		}
		var attrs []string
		if o.min != "" && (kind == "int" || kind == "uint") {
			attrs = append(attrs, "min="+o.min, "max="+o.max)
		}
		if o.block != "" && o.block != "1" {
			attrs = append(attrs, "block="+o.block)
		}
		if tl := pluginTypelib(); len(o.values) == len(tl) && !slices.ContainsFunc(tl, func(v string) bool { return !slices.Contains(o.values, v) }) {
			o.values = tl
		}
		if len(o.values) > 0 {
			attrs = append(attrs, "values="+strings.Join(o.values, "|"))
		}
		if o.plugin != "" {
			attrs = append(attrs, "plugin="+o.plugin)
		} else if o.pprefix {
			if p := builtinPlugin(n, enables); p != "" {
				attrs = append(attrs, "builtin="+p)
			}
		}
		if o.spelling != n {
			attrs = append(attrs, "opt="+o.spelling)
		}
		if o.note != "" {
			attrs = append(attrs, "note="+o.note)
		}
		for _, f := range []struct {
			on   bool
			name string
		}{{o.early, "early"}, {o.hidden, "late"}, {o.pprefix, "pluginprefix"}, {o.hasMax, "maximum"}, {o.autoset, "autoset"}, {o.allowAll, "all"}} {
			if f.on {
				attrs = append(attrs, f.name)
			}
		}
		a := "-"
		if len(attrs) > 0 {
			a = strings.Join(attrs, ",")
		}
		def := hostDefault(strings.TrimRight(o.def, " "), host)
		if d, ok := sizedDefault(n); ok {
			def = d
		}
		if kind == "flag" {
			def = ""
		}
		fmt.Fprintf(&b, "%s %s %s %s %s\n", n, kind, o.arg, a, def)
	}
	// The options that only count as leading arguments.
	b.WriteString("# Accepted only as the first arguments; anywhere else mariadbd says unknown variable.\n")
	for _, n := range []string{"defaults_extra_file", "defaults_file", "defaults_group_suffix", "no_defaults", "print_defaults"} {
		arg := "req"
		if n == "no_defaults" || n == "print_defaults" {
			arg = "none"
		}
		kind := "path"
		switch n {
		case "defaults_group_suffix":
			kind = "string"
		case "no_defaults", "print_defaults":
			kind = "flag"
		}
		fmt.Fprintf(&b, "%s %s %s leading \n", n, kind, arg)
	}
	return strings.ReplaceAll(b.String(), " \n", "\n")
}
