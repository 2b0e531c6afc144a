// Package oracletest decides what a test does when its oracle — a real
// program that judges conncap's output, such as my_print_defaults or
// mariadbd — is missing: it skips loudly, or fails when the environment
// requires every oracle to run (as CI does).
package oracletest

import (
	"os"
	"testing"
)

// RequireEnv is the environment variable that, set to 1, turns a missing
// oracle from a skip into a failure.
const RequireEnv = "CONNCAP_REQUIRE_ORACLES"

// Required reports whether every oracle must run.
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// Unavailable ends the test because its oracle cannot run, saying why:
// a loud SKIP, or a failure when Required.
func Unavailable(t testing.TB, why string) {
	t.Helper()
	msg := "SKIP: " + why + "; oracle not run"
	if Required() {
		t.Fatal(msg + " (" + RequireEnv + "=1 requires it)")
	}
	t.Skip(msg)
}
