package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/conncap/conncap/internal/oracletest"
)

func TestCompletionGolden(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		t.Run(sh, func(t *testing.T) {
			out, errOut, code := conncap(t, "completion", sh)
			if code != exitClean {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden(t, filepath.Join("testdata", "golden", "completion", sh), out)
		})
	}
	if _, _, code := conncap(t, "completion", "tcsh"); code != exitBadInput {
		t.Errorf("completion tcsh: exit %d, want %d", code, exitBadInput)
	}
}

// TestBashCompletion sources the script in a real bash and asks it what
// it completes, the way bash's programmable completion calls it.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		oracletest.Unavailable(t, "bash not installed")
	}
	script, _, _ := conncap(t, "completion", "bash")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "conncap.bash"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"examples.txt", "etc"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		words []string // the command line; the last word is being completed
		want  []string
	}{
		{[]string{"conncap", "pl"}, []string{"plan"}},
		{[]string{"conncap", ""}, []string{"completion", "explain", "lint", "plan", "rules", "show", "version", "--help", "--version"}},
		{[]string{"conncap", "lint", "--fail-on", "w"}, []string{"warning"}},
		{[]string{"conncap", "lint", "--format", "s"}, []string{"sarif"}},
		{[]string{"conncap", "plan", "--emit", "p"}, []string{"pools", "proxysql"}},
		{[]string{"conncap", "plan", "--sc"}, []string{"--scale"}},
		{[]string{"conncap", "lint", "--no-color", "ex"}, []string{"examples.txt"}},
		{[]string{"conncap", "completion", "z"}, []string{"zsh"}},
		{[]string{"conncap", "lint", "--headroom", ""}, nil},
	} {
		words := make([]string, len(tc.words))
		for i, w := range tc.words {
			words[i] = "'" + w + "'"
		}
		cmd := exec.Command(bash, "--norc", "--noprofile", "-c",
			`source ./conncap.bash; COMP_WORDS=(`+strings.Join(words, " ")+`); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _conncap; printf '%s\n' "${COMPREPLY[@]}"`)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", tc.words, err, out)
		}
		got := strings.Fields(string(out))
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("completing %q (-want +got):\n%s", tc.words, diff)
		}
	}
}

func TestZshCompletionParses(t *testing.T) {
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		oracletest.Unavailable(t, "zsh not installed (the zsh completion script is only golden-tested)")
	}
	script, _, _ := conncap(t, "completion", "zsh")
	cmd := exec.Command(zsh, "-n", "-c", script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("zsh -n rejects the script: %v\n%s", err, out)
	}
}

func TestVersionCommand(t *testing.T) {
	out, _, code := conncap(t, "version")
	flagOut, _, _ := conncap(t, "--version")
	if code != exitClean || out != "conncap version dev\n" || out != flagOut {
		t.Errorf("version: %q (exit %d), --version: %q; want both \"conncap version dev\"", out, code, flagOut)
	}
}

func TestFishCompletionParses(t *testing.T) {
	fish, err := exec.LookPath("fish")
	if err != nil {
		oracletest.Unavailable(t, "fish not installed (the fish completion script is only golden-tested)")
	}
	script, _, _ := conncap(t, "completion", "fish")
	cmd := exec.Command(fish, "--no-execute", "-c", script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("fish --no-execute rejects the script: %v\n%s", err, out)
	}
}
