// Command masar is the Masar platform: the web server and its administration commands.
//
//	masar [serve] [--addr :8080] [--data ./masar-data] [--base-url URL] [--content DIR]
//	masar admin create --email E --role ROLE   (password on stdin)
//	masar token create --email E               (prints an API token)
//	masar token revoke                         (token on stdin)
//	masar content check [DIR]
//	masar backup FILE [--force]
//	masar restore FILE [--data DIR] [--force]
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/masar-platform/masar/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, log); err != nil {
		fmt.Fprintln(os.Stderr, "masar:", err)
		os.Exit(cli.ExitCode(err))
	}
}
