// Command conncap checks MySQL/MariaDB connection capacity offline: it reads
// option files, systemd units and (later) manifests, predicts what the server
// does at startup, and reports what will break, with file:line and the fix.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
