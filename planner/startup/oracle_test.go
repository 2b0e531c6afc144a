//go:build unix

package startup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/internal/oracletest"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Bounds of every wait in the oracle.
const (
	installTimeout = 120 * time.Second
	socketTimeout  = 30 * time.Second
	queryTimeout   = 10 * time.Second
	stopTimeout    = 30 * time.Second
	killTimeout    = 10 * time.Second
)

// oracleTools are the programs TestMariadbdOracle runs.
type oracleTools struct {
	mariadbd, client, installDB, prlimit, setpriv string
}

// lookTool finds name in PATH, or at one of the fallback paths (go test may
// run without /usr/sbin in PATH).
func lookTool(t *testing.T, name string, fallbacks ...string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, f := range fallbacks {
		if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return f
		}
	}
	oracletest.Unavailable(t, name+" not in PATH")
	return ""
}

// oracleRow is one server start: the RLIMIT_NOFILE and the options given
// (0 / false = server default).
type oracleRow struct {
	name                        string
	soft, hard                  uint64
	mc, toc, inst, ofl, emc, tp uint64
	pool                        bool
	short                       bool // run under -short
}

// args returns the mariadbd options of the row.
func (r oracleRow) args() []string {
	var a []string
	add := func(name string, v uint64) {
		if v != 0 {
			a = append(a, fmt.Sprintf("--%s=%d", name, v))
		}
	}
	add("max-connections", r.mc)
	add("table-open-cache", r.toc)
	add("table-open-cache-instances", r.inst)
	add("open-files-limit", r.ofl)
	add("extra-max-connections", r.emc)
	add("thread-pool-size", r.tp)
	if r.pool {
		a = append(a, "--thread-handling=pool-of-threads")
	}
	return a
}

// input returns the Predict input for the row: MariaDB defaults, with
// thread_pool_size autosized to the CPUs as the server does.
func (r oracleRow) input() Input {
	in := Input{Flavor: MariaDB, MaxConnections: 151, TableOpenCache: 2000, TableOpenCacheInstances: 8,
		ExtraMaxConnections: 1, ThreadPoolSize: uint64(runtime.NumCPU()), PoolOfThreads: r.pool,
		Soft: r.soft, Hard: r.hard}
	set := func(dst *uint64, v uint64) {
		if v != 0 {
			*dst = v
		}
	}
	set(&in.MaxConnections, r.mc)
	set(&in.TableOpenCache, r.toc)
	set(&in.TableOpenCacheInstances, r.inst)
	set(&in.OpenFilesLimit, r.ofl)
	set(&in.ExtraMaxConnections, r.emc)
	set(&in.ThreadPoolSize, r.tp)
	return in
}

// oracleValues are the values compared between Predict and the server.
type oracleValues struct {
	MaxConnections, TableOpenCache, OpenFilesLimit, TableOpenCacheInstances uint64
	InnodbOpenFiles, BackLog, ThreadCacheSize, HostCacheSize                uint64
	TableDefinitionCache                                                    uint64
	ProcessSoft, ProcessHard                                                uint64
}

func predictedValues(r Result) oracleValues {
	return oracleValues{
		MaxConnections: r.MaxConnections, TableOpenCache: r.TableOpenCache, OpenFilesLimit: r.OpenFilesLimit,
		TableOpenCacheInstances: r.TableOpenCacheInstances, InnodbOpenFiles: r.InnodbOpenFiles,
		BackLog: r.BackLog, ThreadCacheSize: r.ThreadCacheSize, HostCacheSize: r.HostCacheSize,
		TableDefinitionCache: r.TableDefinitionCache, ProcessSoft: r.ProcessSoft, ProcessHard: r.ProcessHard,
	}
}

// TestMariadbdOracle starts the real mariadbd under prlimit as the
// unprivileged mysql user (reference §10) and compares what it reports with
// Predict: the sizing values, the process's RLIMIT_NOFILE and the warnings it
// prints (the max_open_files and "Changed limits" lines on stderr, the
// InnoDB one in the error log).
func TestMariadbdOracle(t *testing.T) {
	tools := oracleTools{
		mariadbd:  lookTool(t, "mariadbd", "/usr/sbin/mariadbd"),
		client:    lookTool(t, "mariadb", "/usr/bin/mariadb"),
		installDB: lookTool(t, "mariadb-install-db", "/usr/bin/mariadb-install-db"),
		prlimit:   lookTool(t, "prlimit", "/usr/bin/prlimit"),
		setpriv:   lookTool(t, "setpriv", "/usr/bin/setpriv"),
	}
	if os.Geteuid() != 0 {
		oracletest.Unavailable(t, "not running as root (setpriv --reuid=mysql needs it)")
	}
	mysqlUser, err := user.Lookup("mysql")
	if err != nil {
		oracletest.Unavailable(t, "user mysql does not exist")
	}
	uid, _ := strconv.Atoi(mysqlUser.Uid)
	gid, _ := strconv.Atoi(mysqlUser.Gid)

	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("getrlimit(RLIMIT_NOFILE): %v", err)
	}
	if out, err := exec.Command(tools.mariadbd, "--version").CombinedOutput(); err == nil {
		t.Logf("oracle: %s; %d CPUs; this process's RLIMIT_NOFILE %d:%d",
			strings.TrimSpace(string(out)), runtime.NumCPU(), lim.Cur, lim.Max)
	}

	base := t.TempDir()
	makeTraversable(t, base, uid, gid)
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(base, uid, gid); err != nil {
		t.Fatal(err)
	}
	datadir := filepath.Join(base, "data")
	installDatadir(t, tools, base, datadir)

	rows := []oracleRow{
		{name: "1024:1024 defaults", soft: 1024, hard: 1024, short: true},
		{name: "1024:1024 mc=800", soft: 1024, hard: 1024, mc: 800},
		{name: "1024:1024 mc=2000 underflow", soft: 1024, hard: 1024, mc: 2000, short: true},
		{name: "1024:20000 soft not raised", soft: 1024, hard: 20000},
		{name: "1024:20000 inst=1", soft: 1024, hard: 20000, inst: 1, short: true},
		{name: "4096:4096 mc=1000", soft: 4096, hard: 4096, mc: 1000},
		{name: "20000:20000 defaults", soft: 20000, hard: 20000},
		{name: "20000:20000 ofl=5000 inst=1", soft: 20000, hard: 20000, ofl: 5000, inst: 1},
		{name: "512:512 defaults", soft: 512, hard: 512},
		{name: "256:256 toc=10", soft: 256, hard: 256, toc: 10},
		{name: "20000:20000 mc=5000", soft: 20000, hard: 20000, mc: 5000},
		{name: "1024:1024 pool-of-threads", soft: 1024, hard: 1024, pool: true},
		// Beyond the brief's list.
		{name: "1024:1024 pool-of-threads tps=16 mc=500", soft: 1024, hard: 1024, pool: true, tp: 16, mc: 500},
		{name: "1024:1024 emc=50 mc=500", soft: 1024, hard: 1024, emc: 50, mc: 500},
		{name: "20000:20000 ofl=5000", soft: 20000, hard: 20000, ofl: 5000},
		{name: "20000:20000 ofl=50000", soft: 20000, hard: 20000, ofl: 50000},
		{name: "20000:20000 mc=100000", soft: 20000, hard: 20000, mc: 100000},
		{name: "20000:20000 mc=100", soft: 20000, hard: 20000, mc: 100},
		{name: "1024:4000 request above hard", soft: 1024, hard: 4000},
		{name: "256:256 defaults", soft: 256, hard: 256},
		{name: "64:64 deep underflow", soft: 64, hard: 64},
		{name: "32768:32768 Debian unit", soft: 32768, hard: 32768},
	}
	for i, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			if testing.Short() && !row.short {
				t.Skip("not run under -short")
			}
			if row.hard > lim.Max {
				t.Skipf("SKIP: nofile %d:%d needs a hard limit above this process's %d; row not run",
					row.soft, row.hard, lim.Max)
			}
			dir := filepath.Join(base, fmt.Sprintf("r%02d", i))
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(dir, uid, gid); err != nil {
				t.Fatal(err)
			}
			runOracleRow(t, tools, datadir, dir, row)
		})
	}
}

// makeTraversable checks that user uid/gid can reach dir: every parent must
// be searchable by it. The test's own temporary directories (below
// os.TempDir(), made 0700 by the testing package) are opened up; anything
// else that blocks is reported.
func makeTraversable(t *testing.T, dir string, uid, gid int) {
	t.Helper()
	tmp := filepath.Clean(os.TempDir())
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if !searchableBy(st, uid, gid) {
			if !strings.HasPrefix(d, tmp+string(filepath.Separator)) {
				oracletest.Unavailable(t, fmt.Sprintf("%s is not traversable by user mysql (set TMPDIR to a directory it can reach)", d))
			}
			if err := os.Chmod(d, st.Mode().Perm()|0o011); err != nil {
				t.Fatal(err)
			}
		}
		if d == filepath.Dir(d) {
			return
		}
	}
}

// searchableBy reports whether a directory with this mode and owner can be
// searched (x) by uid/gid.
func searchableBy(st os.FileInfo, uid, gid int) bool {
	perm := st.Mode().Perm()
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		switch {
		case int(sys.Uid) == uid:
			return perm&0o100 != 0
		case int(sys.Gid) == gid:
			return perm&0o010 != 0
		}
	}
	return perm&0o001 != 0
}

// installDatadir creates the shared datadir once, as the mysql user, with
// root authenticated by unix socket (the test process is root).
func installDatadir(t *testing.T, tools oracleTools, base, datadir string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, tools.setpriv, "--reuid=mysql", "--regid=mysql", "--init-groups",
		tools.installDB, "--no-defaults", "--user=mysql", "--datadir="+datadir,
		"--auth-root-authentication-method=socket")
	cmd.Dir = base
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, lastLines(string(out), 30))
	}
	t.Logf("datadir installed in %v", time.Since(start).Round(time.Millisecond))
}

// mariadbdProcess is one running server and how to stop it.
type mariadbdProcess struct {
	cmd     *exec.Cmd
	done    chan struct{}
	waitErr error
	pidFile string
	pid     int // from the pid file, once read
}

// stop sends SIGTERM to the server's PID (from its pid file, else the one
// we started), waits for it to exit, and kills it after stopTimeout.
func (p *mariadbdProcess) stop(t *testing.T) {
	select {
	case <-p.done:
		return
	default:
	}
	pid := p.pid
	if pid == 0 {
		pid = p.cmd.Process.Pid
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	select {
	case <-p.done:
		return
	case <-time.After(stopTimeout):
	}
	t.Errorf("mariadbd (pid %d) did not exit within %v of SIGTERM; sending SIGKILL", pid, stopTimeout)
	_ = syscall.Kill(pid, syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(killTimeout):
		t.Errorf("mariadbd (pid %d) survived SIGKILL for %v", pid, killTimeout)
	}
}

// serverLogPrefix is the "2026-11-21 21:27:24 0 " head of a MariaDB log line.
var serverLogPrefix = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} +\d{1,2}:\d{2}:\d{2} \d+ `)

// sizingLines returns the lines of text about the fd budget, without their
// timestamp and thread id.
func sizingLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "max_open_files") || strings.Contains(l, "Changed limits") ||
			strings.Contains(l, "innodb_open_files") {
			out = append(out, serverLogPrefix.ReplaceAllString(strings.TrimRight(l, "\r"), ""))
		}
	}
	return out
}

const couldNotIncrease = "Could not increase number of max_open_files"

// runOracleRow starts one server, measures it, stops it and compares.
func runOracleRow(t *testing.T, tools oracleTools, datadir, dir string, row oracleRow) {
	sock := filepath.Join(dir, "s.sock")
	pidFile := filepath.Join(dir, "m.pid")
	errLog := filepath.Join(dir, "err.log")
	stdoutPath := filepath.Join(dir, "stdout.log")
	stderrPath := filepath.Join(dir, "stderr.log")
	stdout, err := os.Create(stdoutPath)
	if err != nil {
		t.Fatal(err)
	}
	defer stdout.Close()
	stderr, err := os.Create(stderrPath)
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()

	args := []string{fmt.Sprintf("--nofile=%d:%d", row.soft, row.hard),
		tools.setpriv, "--reuid=mysql", "--regid=mysql", "--init-groups",
		tools.mariadbd, "--no-defaults", // must stay first after the binary
		"--datadir=" + datadir, "--socket=" + sock, "--skip-networking",
		"--pid-file=" + pidFile, "--log-error=" + errLog,
		"--innodb-buffer-pool-size=16M", "--skip-log-bin"}
	args = append(args, row.args()...)
	cmd := exec.Command(tools.prlimit, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mariadbd: %v", err)
	}
	proc := &mariadbdProcess{cmd: cmd, done: make(chan struct{}), pidFile: pidFile}
	go func() {
		proc.waitErr = cmd.Wait()
		close(proc.done)
	}()
	t.Cleanup(func() { proc.stop(t) }) // also on t.Fatal below

	diagnostics := func() string {
		return fmt.Sprintf("stderr:\n%s\nstdout:\n%s\nerror log:\n%s",
			lastLines(readFile(stderrPath), 20), lastLines(readFile(stdoutPath), 20), lastLines(readFile(errLog), 20))
	}

	// The socket appears within socketTimeout, or the row fails.
	deadline := time.Now().Add(socketTimeout)
	for {
		if st, err := os.Stat(sock); err == nil && st.Mode()&os.ModeSocket != 0 {
			break
		}
		select {
		case <-proc.done:
			t.Fatalf("mariadbd exited (%v) before its socket appeared\n%s", proc.waitErr, diagnostics())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no socket %s within %v\n%s", sock, socketTimeout, diagnostics())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for proc.pid == 0 {
		if b, err := os.ReadFile(pidFile); err == nil {
			proc.pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}
		if proc.pid == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("no pid in %s within %v\n%s", pidFile, socketTimeout, diagnostics())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if proc.pid != cmd.Process.Pid {
		t.Errorf("pid file says %d, but prlimit/setpriv should have exec'd mariadbd as %d", proc.pid, cmd.Process.Pid)
	}

	got, tps, version := queryServer(t, tools, sock, diagnostics)
	got.ProcessSoft, got.ProcessHard = processNofile(t, proc.pid)
	proc.stop(t)

	in := row.input()
	if tps != in.ThreadPoolSize {
		t.Errorf("@@thread_pool_size = %d, but the input assumed %d", tps, in.ThreadPoolSize)
	}
	pred := Predict(in)
	stderrText, stdoutText, errLogText := readFile(stderrPath), readFile(stdoutPath), readFile(errLog)
	serverLog := append(sizingLines(stderrText), sizingLines(errLogText)...)
	t.Logf("measured %s on %s: mc=%d toc=%d ofl=%d inst=%d iof=%d back_log=%d thread_cache=%d host_cache=%d tdc=%d proc=%d:%d; log=%q",
		row.name, version, got.MaxConnections, got.TableOpenCache, got.OpenFilesLimit, got.TableOpenCacheInstances,
		got.InnodbOpenFiles, got.BackLog, got.ThreadCacheSize, got.HostCacheSize, got.TableDefinitionCache,
		got.ProcessSoft, got.ProcessHard, serverLog)

	if diff := cmp.Diff(predictedValues(pred), got); diff != "" {
		t.Errorf("Predict(%+v) disagrees with mariadbd (-predicted +measured):\n%s", in, diff)
	}
	// "Could not increase" is on stderr exactly when Predict says so, and
	// never in the error log (it is printed before the log file is open).
	predictedCould := false
	for _, l := range pred.Log {
		predictedCould = predictedCould || strings.Contains(l, couldNotIncrease)
	}
	if gotCould := strings.Contains(stderrText, couldNotIncrease); gotCould != predictedCould {
		t.Errorf("%q on stderr: got %v, Predict says %v\nstderr:\n%s", couldNotIncrease, gotCould, predictedCould, stderrText)
	}
	if strings.Contains(errLogText, couldNotIncrease) || strings.Contains(stdoutText, couldNotIncrease) {
		t.Errorf("%q found outside stderr (reference §2.3 quirk 7)", couldNotIncrease)
	}
	if diff := cmp.Diff(pred.Log, serverLog, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Predict().Log disagrees with mariadbd's stderr + error log (-predicted +printed):\n%s", diff)
	}
}

// queryServer reads the sizing variables over the socket, retrying while
// the server finishes starting.
func queryServer(t *testing.T, tools oracleTools, sock string, diagnostics func() string) (v oracleValues, threadPoolSize uint64, version string) {
	t.Helper()
	const query = "SELECT @@max_connections, @@table_open_cache, @@open_files_limit, @@table_open_cache_instances, " +
		"@@innodb_open_files, @@back_log, @@thread_cache_size, @@host_cache_size, @@table_definition_cache, " +
		"@@thread_pool_size, @@version"
	var lastErr error
	deadline := time.Now().Add(queryTimeout)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
		var out, errOut bytes.Buffer
		cmd := exec.CommandContext(ctx, tools.client, "--no-defaults", "-S", sock, "-uroot", "-N", "-B", "-e", query)
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		cancel()
		if err != nil {
			lastErr = fmt.Errorf("%v: %s", err, strings.TrimSpace(errOut.String()))
			time.Sleep(100 * time.Millisecond)
			continue
		}
		f := strings.Split(strings.TrimSpace(out.String()), "\t")
		if len(f) != 11 {
			t.Fatalf("unexpected client output %q", out.String())
		}
		n := make([]uint64, 10)
		for i := range n {
			if n[i], err = strconv.ParseUint(f[i], 10, 64); err != nil {
				t.Fatalf("column %d of %q: %v", i, out.String(), err)
			}
		}
		v = oracleValues{MaxConnections: n[0], TableOpenCache: n[1], OpenFilesLimit: n[2],
			TableOpenCacheInstances: n[3], InnodbOpenFiles: n[4], BackLog: n[5], ThreadCacheSize: n[6],
			HostCacheSize: n[7], TableDefinitionCache: n[8]}
		return v, n[9], f[10]
	}
	t.Fatalf("query over %s failed for %v: %v\n%s", sock, queryTimeout, lastErr, diagnostics())
	return
}

// processNofile reads the "Max open files" soft and hard limits of pid.
func processNofile(t *testing.T, pid int) (soft, hard uint64) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", pid))
	if err != nil {
		t.Fatalf("read process limits: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		rest, ok := strings.CutPrefix(l, "Max open files")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 2 {
			break
		}
		s, err1 := strconv.ParseUint(f[0], 10, 64)
		h, err2 := strconv.ParseUint(f[1], 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			t.Fatalf("parse %q: %v", l, err)
		}
		return s, h
	}
	t.Fatalf("no \"Max open files\" in /proc/%d/limits:\n%s", pid, b)
	return 0, 0
}

// readFile returns a file's text, or the error as text.
func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return string(b)
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
