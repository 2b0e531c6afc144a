//go:build unix

package grants

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	clientTimeout  = 20 * time.Second
	stopTimeout    = 30 * time.Second
)

// oracleSQLMode is MariaDB's default sql_mode without NO_AUTO_CREATE_USER:
// the "old mode" in which Apply lets GRANT create a missing account.
const oracleSQLMode = "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"

func lookTool(t *testing.T, name, fallback string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if st, err := os.Stat(fallback); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
		return fallback
	}
	oracletest.Unavailable(t, name+" not in PATH")
	return ""
}

// oracle is a running mariadbd and its client.
type oracle struct {
	t            *testing.T
	client, sock string
	port         int
	version      int // 101119 for 10.11.19
	baseline     map[Account]bool
}

// TestMariadbdOracle runs the fixtures and the lexing cases through the
// real mariadb client into a real mariadbd (reference/mysqld.md §10: a
// throwaway datadir, --no-defaults) and compares the accounts and limits the
// server ends up with to Apply's; then it connects over TCP as accounts with
// competing host patterns and compares CURRENT_USER() with MatchAccountOrder.
// The server runs with sql_mode without NO_AUTO_CREATE_USER, the mode in
// which Apply's GRANT creates accounts. Statements in executable comments are
// kept or dropped as MariaDB does before Apply sees them.
func TestMariadbdOracle(t *testing.T) {
	mariadbd := lookTool(t, "mariadbd", "/usr/sbin/mariadbd")
	client := lookTool(t, "mariadb", "/usr/bin/mariadb")
	installDB := lookTool(t, "mariadb-install-db", "/usr/bin/mariadb-install-db")
	if os.Geteuid() != 0 {
		oracletest.Unavailable(t, "not running as root (the oracle's root account authenticates by unix socket)")
	}
	o := startOracle(t, mariadbd, client, installDB)

	t.Run("fixtures", func(t *testing.T) {
		o.t = t
		o.reset()
		var files []*File
		for _, name := range []string{"01-users.sql", "02-mariadb.sql", "03-routines.sql", "04-rename-drop.sql", "05-junk.sql"} {
			src, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			o.run(src)
			files = append(files, o.asMariaDB(parseFixture(t, name)))
		}
		o.compare(Apply(files))
	})
	for _, tc := range lexCases {
		t.Run("lexing/"+tc.name, func(t *testing.T) {
			if tc.noOracle != "" {
				t.Skip("not run on the oracle: " + tc.noOracle)
			}
			o.t = t
			o.reset()
			o.run([]byte(tc.in))
			f, err := Parse("t.sql", []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			o.compare(Apply([]*File{o.asMariaDB(f)}))
		})
	}
	for _, tc := range matchOrderCases {
		t.Run(fmt.Sprintf("match/%v", tc.accts), func(t *testing.T) {
			o.t = t
			o.reset()
			var script strings.Builder
			for _, s := range states(tc.accts...) {
				fmt.Fprintf(&script, "CREATE USER %s IDENTIFIED BY 'p';\n", s.Account)
			}
			o.run([]byte(script.String()))
			got := o.currentUser("m", tc.host)
			want, note, ok := MatchAccountOrder(MariaDBOrder, states(tc.accts...), "m", tc.host)
			if !ok || want.Account.String() != got {
				t.Errorf("server authenticated m from %s as %s; MatchAccountOrder(MariaDB) = %s, %v (%s)", tc.host, got, want.Account, ok, note)
			}
		})
	}
}

// startOracle installs a datadir and starts mariadbd on a free port.
func startOracle(t *testing.T, mariadbd, client, installDB string) *oracle {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, installDB, "--no-defaults", "--user=root", "--datadir="+filepath.Join(dir, "data"),
		"--auth-root-authentication-method=socket").CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		oracletest.Unavailable(t, "no TCP port on 127.0.0.1: "+err.Error())
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	sock := filepath.Join(dir, "s.sock")
	var logs bytes.Buffer
	cmd := exec.Command(mariadbd, "--no-defaults", "--user=root", "--datadir="+filepath.Join(dir, "data"),
		"--socket="+sock, "--port="+strconv.Itoa(port), "--bind-address=127.0.0.1", "--skip-name-resolve",
		"--pid-file="+filepath.Join(dir, "m.pid"), "--log-error="+filepath.Join(dir, "err.log"),
		"--innodb-buffer-pool-size=16M", "--skip-log-bin", "--sql-mode="+oracleSQLMode)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mariadbd: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(stopTimeout):
			t.Errorf("mariadbd (pid %d) did not stop within %v of SIGTERM; killing it", cmd.Process.Pid, stopTimeout)
			_ = cmd.Process.Kill()
			<-done
		}
	})
	deadline := time.Now().Add(socketTimeout)
	for {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		select {
		case <-done:
			errLog, _ := os.ReadFile(filepath.Join(dir, "err.log"))
			t.Fatalf("mariadbd exited before opening its socket:\n%s\n%s", logs.String(), errLog)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("mariadbd did not open %s within %v", sock, socketTimeout)
		}
	}
	o := &oracle{t: t, client: client, sock: sock, port: port}
	v := o.query("SELECT VERSION()")
	m := regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)`).FindStringSubmatch(v[0][0])
	if m == nil {
		t.Fatalf("cannot read the server version %q", v[0][0])
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	patch, _ := strconv.Atoi(m[3])
	o.version = major*10000 + minor*100 + patch
	t.Logf("oracle: mariadbd %s on 127.0.0.1:%d, sql_mode %s", v[0][0], port, oracleSQLMode)
	// The installer's anonymous accounts would take part in every match.
	o.run([]byte("DROP USER IF EXISTS ''@'localhost';\n"))
	for _, a := range o.accounts() {
		if a.User == "" {
			o.run([]byte("DROP USER " + a.String() + ";\n"))
		}
	}
	o.baseline = map[Account]bool{}
	for _, a := range o.accounts() {
		o.baseline[a] = true
	}
	return o
}

// run feeds a script to the client as a provisioning job does (batch
// mode), continuing after failing statements.
func (o *oracle) run(script []byte) string {
	o.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, o.client, "--no-defaults", "-S", o.sock, "-u", "root", "--force",
		"--default-character-set=utf8mb4")
	cmd.Stdin = bytes.NewReader(script)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		o.t.Fatalf("mariadb client timed out after %v", clientTimeout)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) { // failing statements are expected: --force goes on
		o.t.Fatalf("mariadb client: %v", err)
	}
	return string(out)
}

// query runs one query and returns its rows, tab-separated fields.
func (o *oracle) query(q string) [][]string {
	o.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, o.client, "--no-defaults", "-S", o.sock, "-u", "root", "-N", "-B",
		"--default-character-set=utf8mb4", "-e", q).Output()
	if err != nil {
		o.t.Fatalf("query %q: %v", q, err)
	}
	var rows [][]string
	for line := range strings.SplitSeq(strings.TrimRight(string(out), "\n"), "\n") {
		if line != "" {
			rows = append(rows, strings.Split(line, "\t"))
		}
	}
	return rows
}

// userRows returns mysql.user's accounts (no roles) with their limits.
func (o *oracle) userRows() map[Account][2]int64 {
	o.t.Helper()
	rows := o.query("SELECT HEX(user), HEX(host), max_user_connections, max_connections FROM mysql.user WHERE is_role = 'N'")
	out := map[Account][2]int64{}
	for _, r := range rows {
		u, err1 := hex.DecodeString(r[0])
		h, err2 := hex.DecodeString(r[1])
		muc, err3 := strconv.ParseInt(r[2], 10, 64)
		mcph, err4 := strconv.ParseInt(r[3], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			o.t.Fatalf("cannot read mysql.user row %q", r)
		}
		out[Account{User: string(u), Host: string(h)}] = [2]int64{muc, mcph}
	}
	return out
}

func (o *oracle) accounts() []Account {
	var out []Account
	for a := range o.userRows() {
		out = append(out, a)
	}
	return out
}

// reset drops every account and role the baseline does not have.
func (o *oracle) reset() {
	o.t.Helper()
	var script strings.Builder
	for _, r := range o.query("SELECT HEX(user), HEX(host), is_role FROM mysql.user") {
		u, _ := hex.DecodeString(r[0])
		h, _ := hex.DecodeString(r[1])
		a := Account{User: string(u), Host: string(h)}
		switch {
		case o.baseline[a]:
		case r[2] == "Y":
			fmt.Fprintf(&script, "DROP ROLE '%s';\n", strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(a.User))
		default:
			fmt.Fprintf(&script, "DROP USER %s;\n", a)
		}
	}
	if script.Len() > 0 {
		o.run([]byte(script.String()))
	}
}

// asMariaDB drops the statements MariaDB does not run (executable comments)
// and maps the empty host to '%', as MariaDB stores it.
func (o *oracle) asMariaDB(f *File) *File {
	g := *f
	g.Statements = nil
	for _, st := range f.Statements {
		if !runsOnMariaDB(st.Conditional, o.version) {
			continue
		}
		for _, refs := range [][]AccountRef{st.Accounts, st.RenameTo} {
			for i := range refs {
				if refs[i].Account.Host == "" && !refs[i].Current {
					refs[i].Account.Host = "%"
				}
			}
		}
		g.Statements = append(g.Statements, st)
	}
	return &g
}

// runsOnMariaDB reports whether MariaDB version v runs a statement in the
// executable comment cond (as observed on 10.11: /*!NNNNN only below 50700).
func runsOnMariaDB(cond string, v int) bool {
	num := strings.TrimLeft(cond, "M!")
	if num == "" {
		return true
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return false
	}
	if !strings.HasPrefix(cond, "M") && len(num) == 5 {
		return n < 50700
	}
	return n <= v
}

// compare checks the server's accounts against Apply's.
func (o *oracle) compare(states []State) {
	o.t.Helper()
	want := map[Account][2]int64{}
	for _, s := range states {
		want[s.Account] = [2]int64{s.MaxUserConnections.V, s.MaxConnectionsPerHour.V}
	}
	got := o.userRows()
	for a := range o.baseline {
		delete(got, a)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.SortMaps(func(a, b Account) bool {
		return a.String() < b.String()
	})); diff != "" {
		o.t.Errorf("accounts and [MAX_USER_CONNECTIONS, MAX_CONNECTIONS_PER_HOUR]: Apply (-) vs mariadbd (+):\n%s", diff)
	}
}

// currentUser connects over TCP as user with password p and returns the
// account the server authenticated it as, quoted like Account.String.
func (o *oracle) currentUser(user, host string) string {
	o.t.Helper()
	if host != "127.0.0.1" {
		o.t.Fatalf("the oracle connects from 127.0.0.1 only, not %s", host)
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, o.client, "--no-defaults", "-h", "127.0.0.1", "-P", strconv.Itoa(o.port),
		"-u", user, "-pp", "-N", "-B", "-e", "SELECT CURRENT_USER()").CombinedOutput()
	if err != nil {
		return fmt.Sprintf("(no connection: %v: %s)", err, bytes.TrimSpace(out))
	}
	cu := strings.TrimSpace(string(out))
	k := strings.LastIndexByte(cu, '@')
	if k < 0 {
		return "(" + cu + ")"
	}
	return Account{User: cu[:k], Host: cu[k+1:]}.String()
}
