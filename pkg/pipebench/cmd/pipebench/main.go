// Command pipebench runs newsflow's pipeline benchmark against the real
// Kafka broker and redis-server (deploy/local) and writes report.md and
// report.json. `make bench` runs it; see bench/SIZING.md for how to read it.
//
//	deploy/local/with-services.sh go run ./pkg/pipebench/cmd/pipebench -bin bin -out bench
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/newsflow/newsflow/pkg/pipebench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "pipebench:", err)
		os.Exit(1)
	}
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func run() error {
	var (
		cfg        pipebench.Config
		out        string
		brokers    string
		soak       string
		args       string
		envs       string
		altArgs    string
		altEnv     string
		pkgBench   string
		only       string
		halfRate   float64
		fetchPages int
		soakRate   float64
		fromJSON   string
		cpuProfile string
	)
	flag.StringVar(&brokers, "brokers", env("NEWSFLOW_TEST_BROKERS", "127.0.0.1:39092"), "Kafka brokers (deploy/local)")
	flag.StringVar(&cfg.RedisURL, "redis-url", env("NEWSFLOW_TEST_REDIS", "redis://127.0.0.1:36379/0"), "Redis URL (deploy/local)")
	flag.StringVar(&cfg.BinDir, "bin", "bin", "folder with the cleaner and enricher binaries")
	flag.StringVar(&out, "out", "bench", "folder of report.md and report.json")
	flag.IntVar(&cfg.Runs, "runs", 3, "repetitions (medians are reported)")
	flag.IntVar(&cfg.Pages, "pages", 2000, "pages per saturation measurement")
	flag.IntVar(&cfg.InProcessPages, "inproc-pages", 600, "pages per in-process measurement (600: six batches of 100 per variant and round, so that the paired dedup cost is a median of twelve)")
	flag.IntVar(&fetchPages, "fetch-pages", 1000, "pages the fetcher alone fetches from loopback origins (0 skips it)")
	flag.DurationVar(&cfg.LatencyFor, "latency-for", 45*time.Second, "how long pages are offered at half of saturation")
	flag.StringVar(&soak, "soak", env("BENCH_SOAK", "2m"), "soak at 70% of saturation (0 skips it; BENCH_SOAK)")
	flag.IntVar(&cfg.Partitions, "partitions", 4, "partitions per topic")
	flag.StringVar(&args, "service-args", env("BENCH_SERVICE_ARGS", ""), "extra flags for both services, space-separated")
	flag.Uint64Var(&cfg.Seed, "seed", 0, "seed of the generated pages (0: random; a fixed seed rerun within an hour meets its earlier stories in dedup)")
	flag.StringVar(&envs, "service-env", env("BENCH_SERVICE_ENV", ""), "extra environment of both services, space-separated NAME=value (e.g. GOMEMLIMIT=200MiB)")
	flag.StringVar(&altArgs, "alt-args", env("BENCH_ALT_ARGS", ""), "service flags of an extra saturation measurement per run (with -alt-env)")
	flag.StringVar(&altEnv, "alt-env", env("BENCH_ALT_ENV", ""), "service environment of the extra saturation measurement, NAME=value ...")
	flag.BoolVar(&cfg.Sizing, "sizing", true, "measure Redis memory per story and broker throughput per partition")
	flag.StringVar(&pkgBench, "pkg-bench", "", "file with package benchmark output to include")
	flag.StringVar(&only, "only", "", "run only these parts, comma-separated: inproc, alone, fetcher, saturation, dedicated, half, soak (for development)")
	flag.Float64Var(&halfRate, "half-rate", 0, "offered rate of the latency measurement in pages/s (0: half of the run's saturation)")
	flag.Float64Var(&soakRate, "soak-rate", 0, "offered rate of the soak in pages/s (0: 70% of the median saturation with the feeder on the box)")
	flag.StringVar(&fromJSON, "from-json", "", "only rewrite report.md (and the targets) from this report.json")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the benchmark process itself (the feeder and the in-process stages) to this file")
	flag.Parse()
	cfg.Brokers = strings.Split(brokers, ",")
	cfg.ServiceArgs = strings.Fields(args)
	cfg.ServiceEnv = strings.Fields(envs)
	cfg.AltArgs, cfg.AltEnv = strings.Fields(altArgs), strings.Fields(altEnv)
	d, err := time.ParseDuration(soak)
	if err != nil {
		return fmt.Errorf("-soak %q: %w", soak, err)
	}
	cfg.Soak = d
	cfg.Logf = func(f string, a ...any) { fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+f+"\n", a...) }
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}

	if fromJSON != "" {
		return rewrite(fromJSON, out)
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	b, err := pipebench.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	cfg = b.Config()
	cfg.Logf("service logs in %s", b.LogDir())
	want := func(part string) bool { return only == "" || strings.Contains(","+only+",", ","+part+",") }

	rep := &pipebench.Report{Generated: time.Now(), Machine: pipebench.Describe(ctx, b), Settings: pipebench.Settings{
		Runs: cfg.Runs, Pages: cfg.Pages, InProcessPages: cfg.InProcessPages, LatencyFor: cfg.LatencyFor.String(), Soak: cfg.Soak.String(),
		Partitions: cfg.Partitions, ServiceArgs: cfg.ServiceArgs, ServiceEnv: cfg.ServiceEnv, AltArgs: cfg.AltArgs, AltEnv: cfg.AltEnv, CopyShare: 0.3, Seed: cfg.Seed}}
	for i := 1; i <= cfg.Runs && only != "soak"; i++ {
		r := pipebench.Run{Index: i, LoadBefore: pipebench.LoadAvg()}
		if want("inproc") {
			if r.InProcess, err = b.InProcess(ctx, i); err != nil {
				return fmt.Errorf("run %d in-process: %w", i, err)
			}
		}
		if want("alone") {
			if r.CleanerAlone, r.EnricherAlone, err = b.StageAlone(ctx, i); err != nil {
				return fmt.Errorf("run %d stages alone: %w", i, err)
			}
		}
		if want("fetcher") && fetchPages > 0 {
			fr, err := b.FetcherAlone(ctx, i, fetchPages)
			if err != nil {
				return fmt.Errorf("run %d fetcher alone: %w", i, err)
			}
			r.FetcherAlone = &fr
		}
		if want("saturation") || (want("half") && halfRate == 0) {
			if r.Saturation, err = b.Saturation(ctx, i); err != nil {
				return fmt.Errorf("run %d saturation: %w", i, err)
			}
		}
		if want("saturation") && (len(cfg.AltArgs) > 0 || len(cfg.AltEnv) > 0) {
			alt, err := b.AltSaturation(ctx, i)
			if err != nil {
				return fmt.Errorf("run %d alternative saturation: %w", i, err)
			}
			r.AltSaturation = &alt
		}
		if want("dedicated") {
			d, err := b.Dedicated(ctx, i)
			if err != nil {
				return fmt.Errorf("run %d dedicated cores: %w", i, err)
			}
			r.Dedicated = &d
		}
		if want("saturation") || (want("half") && halfRate == 0) {
			if r.FedSaturation, err = b.FedSaturation(ctx, i); err != nil {
				return fmt.Errorf("run %d fed saturation: %w", i, err)
			}
		}
		if want("half") {
			rate := r.FedSaturation.PagesPerSec / 2
			if halfRate > 0 {
				rate = halfRate
			}
			if r.Half, err = b.Offered(ctx, fmt.Sprintf("r%dh", i), "half", rate, cfg.LatencyFor, 0, cfg.Seed+uint64(i)*10+3); err != nil {
				return fmt.Errorf("run %d half saturation: %w", i, err)
			}
		}
		r.LoadAfter = pipebench.LoadAvg()
		rep.Runs = append(rep.Runs, r)
	}
	rep.Summarise()
	if rate := max(soakRate, 0.7*rep.Summary.FedPages); cfg.Soak > 0 && rate > 0 && want("soak") {
		if soakRate > 0 {
			rate = soakRate
		}
		sk, err := b.Offered(ctx, "soak", "soak", rate, cfg.Soak, 5*time.Second, cfg.Seed+7)
		if err != nil {
			return fmt.Errorf("soak: %w", err)
		}
		rep.Soak = &sk
	}
	if cfg.Sizing {
		rs, err := pipebench.MeasureRedis(ctx, b.Redis(), "nf:bench:"+b.ID()+":sizing:", []int{10000, 20000, 40000})
		if err != nil {
			return fmt.Errorf("redis sizing: %w", err)
		}
		rep.Redis = &rs
		cfg.Logf("redis: %.0f B per story + bands; projected %.0f MiB per million stories", rs.PerStory, rs.PerMillion/(1<<20))
		if rep.Broker, err = b.MeasureBroker(ctx, 5*time.Second); err != nil {
			return fmt.Errorf("broker throughput: %w", err)
		}
	}
	if pkgBench != "" {
		if bs, err := os.ReadFile(pkgBench); err == nil {
			rep.PkgBench = string(bs)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	rep.Machine.LoadEnd = pipebench.LoadAvg()
	rep.Summarise()
	if err := rep.WriteJSON(filepath.Join(out, "report.json")); err != nil {
		return err
	}
	if err := rep.WriteMarkdown(filepath.Join(out, "report.md")); err != nil {
		return err
	}
	cfg.Logf("wrote %s and %s", filepath.Join(out, "report.md"), filepath.Join(out, "report.json"))
	for _, t := range rep.Targets {
		cfg.Logf("target %-40s met=%-5v %s", t.Name, t.Met, t.Got)
	}
	return nil
}

// rewrite renders report.md again from a report.json (after a change of
// the report's layout), without measuring anything.
func rewrite(path, out string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var rep pipebench.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	rep.Summarise()
	if err := rep.WriteJSON(filepath.Join(out, "report.json")); err != nil {
		return err
	}
	return rep.WriteMarkdown(filepath.Join(out, "report.md"))
}
