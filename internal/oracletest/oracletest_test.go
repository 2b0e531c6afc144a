package oracletest_test

import (
	"testing"

	"github.com/conncap/conncap/internal/oracletest"
)

func TestUnavailable(t *testing.T) {
	t.Setenv(oracletest.RequireEnv, "")
	t.Run("skips", func(t *testing.T) {
		oracletest.Unavailable(t, "no such program")
		t.Error("Unavailable returned")
	})
	t.Setenv(oracletest.RequireEnv, "1")
	if !oracletest.Required() {
		t.Errorf("Required() = false with %s=1", oracletest.RequireEnv)
	}
}
