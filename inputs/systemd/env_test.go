package systemd

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/inputs/source"
)

func TestEnvironment(t *testing.T) {
	const unit = "etc/systemd/system/db.service"
	root := tree(t, map[string]string{
		unit: "[Service]\n" +
			"ExecStart=/usr/sbin/mysqld $MYSQLD_OPTS\n" +
			"Environment=DROPPED=1\n" +
			"Environment=\n" +
			"Environment=\"MYSQLD_OPTS=--from-unit\" TZ=UTC A=1 A=2\n" +
			"Environment=1BAD=x NOEQ GOOD=\\x41 NAME=%n\n" +
			"Environment=OK=1 \"BROKEN=\n" +
			"EnvironmentFile=-/etc/default/missing\n" +
			"EnvironmentFile=/etc/default/mysql\n" +
			"EnvironmentFile=/etc/default/required-but-missing\n" +
			"EnvironmentFile=relative/path\n" +
			"EnvironmentFile=-/etc/mysql/env.d/*.env\n",
		"etc/default/mysql": "# comment\n" +
			"; comment\n" +
			"export X=1\n" +
			"MYSQLD_OPTS=\"--max-connections=800 --x=\\\"q\\\" \\$HOME \\n\"\n" +
			"SINGLE='a b $c'\n" +
			"UNQUOTED=  value with trailing spaces   \n" +
			"ESC=a\\ b\\\ncontinued\n" +
			"EMPTY=\n" +
			"NOEQUALS\n" +
			"  SPACED  =  v\n" +
			"MIXED=\"a\"b'c'\n" +
			"LAST=no newline",
		"etc/mysql/env.d/b.env":    "FROM_GLOB=b\n",
		"etc/mysql/env.d/a.env":    "FROM_GLOB=a\nONLY_A=1\n",
		"etc/mysql/env.d/c.txt":    "FROM_GLOB=txt\n",
		"etc/mysql/env.d/.hid.env": "FROM_GLOB=hidden\n",
	})
	u, err := LoadFile(context.Background(), root, unit)
	if err != nil {
		t.Fatal(err)
	}
	env, err := u.Environment(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	up := func(line, col int) source.Pos { return source.Pos{Path: unit, Line: line, Col: col} }
	fp := func(line int) source.Pos { return source.Pos{Path: "etc/default/mysql", Line: line} }
	want := &Env{
		Vars: []EnvVar{
			{Name: "MYSQLD_OPTS", Value: `--max-connections=800 --x="q" $HOME \n`, Pos: fp(4)},
			{Name: "TZ", Value: "UTC", Pos: up(5, 13)},
			{Name: "A", Value: "2", Pos: up(5, 13)},
			{Name: "GOOD", Value: "A", Pos: up(6, 13)},
			{Name: "NAME", Value: "db.service", Pos: up(6, 13)},
			{Name: "OK", Value: "1", Pos: up(7, 13)},
			{Name: "SINGLE", Value: "a b $c", Pos: fp(5)},
			{Name: "UNQUOTED", Value: "value with trailing spaces", Pos: fp(6)},
			{Name: "ESC", Value: "a bcontinued", Pos: fp(7)},
			{Name: "EMPTY", Value: "", Pos: fp(9)},
			{Name: "SPACED", Value: "v", Pos: fp(11)},
			{Name: "MIXED", Value: "ab'c'", Pos: fp(12)}, // quotes only open where a value starts
			{Name: "LAST", Value: "no newline", Pos: fp(13)},
			{Name: "FROM_GLOB", Value: "b", Pos: source.Pos{Path: "etc/mysql/env.d/b.env", Line: 1}},
			{Name: "ONLY_A", Value: "1", Pos: source.Pos{Path: "etc/mysql/env.d/a.env", Line: 2}},
		},
		Warnings: []Warning{
			{Pos: up(6, 13), Msg: `invalid environment assignment, ignoring: "1BAD=x"`},
			{Pos: up(6, 13), Msg: `invalid environment assignment, ignoring: "NOEQ"`},
			{Pos: up(7, 13), Msg: `invalid syntax, ignoring: "OK=1 \"BROKEN="`},
			{Pos: fp(3), Msg: `invalid environment assignment, ignoring: "export X=1"`},
			{Pos: up(10, 17), Msg: `failed to load environment file "/etc/default/required-but-missing": file does not exist`},
			{Pos: up(11, 17), Msg: `path "relative/path" is not absolute, ignoring`},
		},
	}
	if diff := cmp.Diff(want, env, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Environment() mismatch (-want +got):\n%s", diff)
	}
	if v, ok := env.Get("TZ"); !ok || v != "UTC" {
		t.Errorf("Get(TZ) = %q, %v", v, ok)
	}
	if _, ok := env.Get("DROPPED"); ok {
		t.Error("Get(DROPPED) found a variable reset by Environment=")
	}
}

func TestParseEnvFileEdges(t *testing.T) {
	tests := []struct {
		in   string
		want []EnvVar
	}{
		{"", nil},
		{"A", nil},
		{"A=", []EnvVar{{Name: "A"}}},
		{"A=1\r\nB=2\r\n", []EnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}}},
		{"# c \\\nA=1\n", []EnvVar{{Name: "A", Value: "1"}}}, // systemd >= 254
		{"A=\"unterminated", []EnvVar{{Name: "A", Value: "unterminated"}}},
		{"A='x\ny'", []EnvVar{{Name: "A", Value: "x\ny"}}},
		{"A=\"x\\\ny\"", []EnvVar{{Name: "A", Value: "xy"}}},
		{"A=1\x00B=2", []EnvVar{{Name: "A", Value: "1"}}},
	}
	for _, tc := range tests {
		got := parseEnvFile("e", []byte(tc.in))
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(EnvVar{}, "Pos")); diff != "" {
			t.Errorf("parseEnvFile(%q) mismatch (-want +got):\n%s", tc.in, diff)
		}
	}
}
