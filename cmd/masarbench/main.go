// Command masarbench measures Masar against the raw limit of its own stack on this machine
// and writes bench-results.json. See README.md, section "Performance".
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/masar-platform/masar/bench"
)

func main() {
	var opts bench.Options
	flag.BoolVar(&opts.Quick, "quick", false, "smaller data and shorter runs (under a minute)")
	flag.StringVar(&opts.Out, "out", "bench-results.json", "file to write the results to")
	flag.IntVar(&opts.Connections, "connections", 64, "concurrent connections per load run")
	flag.StringVar(&opts.DatabaseURL, "database-url", "", "run on this PostgreSQL database, postgres://… (unset: an SQLite file); it must be empty unless --fresh")
	flag.BoolVar(&opts.Fresh, "fresh", false, "create a database masarbench_<random> on the --database-url server for the run, and drop it at the end")
	flag.IntVar(&opts.Instances, "instances", 1, "Masar instances on the one database, behind an in-process round-robin balancer (PostgreSQL only)")
	scenarios := flag.String("scenarios", "", "comma-separated scenarios to run, without the growth series (default: all): "+strings.Join(bench.ScenarioNames, ","))
	flag.BoolVar(&opts.SinglePageRun, "single-page-run", false, "measure each page as before 2026-12-05: one load run straight after the seeding, then one baseline run (default: settle, then three pairs, median ratio)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *scenarios != "" {
		opts.Scenarios = strings.Split(*scenarios, ",")
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "masarbench:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "masarbench:", err)
			os.Exit(1)
		}
		defer func() {
			pprof.StopCPUProfile()
			if err := f.Close(); err != nil {
				fmt.Fprintln(os.Stderr, "masarbench: write profile:", err)
			}
		}()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := bench.Run(ctx, opts, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "masarbench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}
