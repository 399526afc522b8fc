package pipebench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/newsflow/newsflow/pkg/cleaner"
	"github.com/newsflow/newsflow/pkg/extract"
)

// Cores splits the machine for the dedicated-core measurement: the slowest
// stage (the cleaner) gets Stage, everything else (enricher, broker,
// redis-server, this benchmark) gets Rest, as on a cluster where the
// cleaner's replicas have their cores and Kafka and Redis run elsewhere.
type Cores struct {
	Stage, Rest []int
}

// SplitCores gives the first half of the CPUs this process may use to the
// stage and the others to the rest; ok is false on a single CPU.
func SplitCores() (c Cores, ok bool) {
	cpus, err := affinity()
	if err != nil || len(cpus) < 2 {
		return c, false
	}
	h := len(cpus) / 2
	return Cores{Stage: cpus[:h], Rest: cpus[h:]}, true
}

// affinity is the CPUs this process may run on.
func affinity() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("affinity: %w", err)
	}
	var cpus []int
	for i := 0; i < len(set)*64 && len(cpus) < set.Count(); i++ {
		if set.IsSet(i) {
			cpus = append(cpus, i)
		}
	}
	return cpus, nil
}

// cpuList is cpus in taskset's list form ("0,1").
func cpuList(cpus []int) string {
	s := make([]string, len(cpus))
	for i, c := range cpus {
		s[i] = strconv.Itoa(c)
	}
	return strings.Join(s, ",")
}

func cpuSet(cpus []int) *unix.CPUSet {
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	return &set
}

// pinProcess sets the CPU affinity of every thread of process pid; threads
// it starts later inherit it from their creator. A thread that ended in
// between is no error.
func pinProcess(pid int, cpus []int) error {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return fmt.Errorf("threads of %d: %w", pid, err)
	}
	set := cpuSet(cpus)
	for _, e := range ents {
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if err := unix.SchedSetaffinity(tid, set); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("affinity of thread %d of %d: %w", tid, pid, err)
		}
	}
	return nil
}

// pinned runs fn with this process on cpus and GOMAXPROCS len(cpus), and
// puts both back afterwards.
func pinned(cpus []int, fn func() error) error {
	all, err := affinity()
	if err != nil {
		return err
	}
	if err := pinProcess(os.Getpid(), cpus); err != nil {
		return err
	}
	prev := runtime.GOMAXPROCS(len(cpus))
	defer func() {
		runtime.GOMAXPROCS(prev)
		_ = pinProcess(os.Getpid(), all)
	}()
	return fn()
}

// tasksetPrefix is the command that starts a program on cpus: taskset
// (util-linux) rather than setting the affinity after the start, so that
// the Go runtime of the service sizes GOMAXPROCS from it, as it does in a
// container with a CPU limit.
func tasksetPrefix(cpus []int) ([]string, error) {
	p, err := exec.LookPath("taskset")
	if err != nil {
		return nil, fmt.Errorf("taskset (util-linux) is needed to run a service on dedicated cores: %w", err)
	}
	return []string{p, "-c", cpuList(cpus)}, nil
}

// DedicatedRun is target 1 measured with the slowest stage on cores of its
// own: the in-process clean on those cores, and the pipeline draining a
// backlog with the cleaner process on them while the enricher, the broker,
// redis-server and this benchmark share the others. On a machine this small
// the shared measurement mostly shows that the broker, Redis and the
// enricher take CPU from the cleaner; this one shows what talking to Kafka
// and Redis costs the stage itself.
type DedicatedRun struct {
	Cores Cores `json:"cores"`
	// Clean is the in-process clean (extract, language, identity) on
	// Cores.Stage with GOMAXPROCS their number.
	Clean Rate `json:"in_process_clean"`
	// Pipeline is the saturation measurement on the dedicated cores.
	Pipeline PipelineRun `json:"pipeline"`
}

// Ratio is the pipeline's steady end-to-end rate over the in-process rate.
func (d DedicatedRun) Ratio() float64 {
	if d.Clean.PerSec <= 0 {
		return 0
	}
	return d.Pipeline.SteadyPagesPerSec / d.Clean.PerSec
}

// Dedicated measures target 1 on dedicated cores (DedicatedRun). For the
// pipeline part it pins the broker and redis-server, found by serverPids,
// to the other cores and gives them all cores back afterwards.
func (b *Bench) Dedicated(ctx context.Context, run int) (DedicatedRun, error) {
	cores, ok := SplitCores()
	if !ok {
		return DedicatedRun{}, errors.New("dedicated cores need at least 2 CPUs")
	}
	if _, err := tasksetPrefix(cores.Stage); err != nil {
		return DedicatedRun{}, err
	}
	d := DedicatedRun{Cores: cores}
	// The very pages the pipeline drains below (saturate's name and seed),
	// so that the ratio compares like with like: a few 2 MB pages more or
	// less move a small sample's rate by 10%.
	name, seed := fmt.Sprintf("r%dd", run), b.saturationSeed(run)
	items, err := b.items(name, seed, b.cfg.Pages)
	if err != nil {
		return d, err
	}
	ins := inputs(items)
	err = pinned(cores.Stage, func() error {
		h := cleaner.New(cleaner.WithExtractor(extract.New(extract.WithMaxBytes(5<<20))), cleaner.WithConcurrency(len(cores.Stage))).BatchHandler()
		_ = h(ctx, ins[:min(len(ins), 20)]) // language models, caches
		var err error
		d.Clean, _, err = runBatches(ctx, "clean", ins, 100, 1, h, nil, &roundTrips{})
		return err
	})
	if err != nil {
		return d, fmt.Errorf("in-process clean on cores %s: %w", cpuList(cores.Stage), err)
	}

	all := append(append([]int(nil), cores.Stage...), cores.Rest...)
	servers := b.serverPids()
	for _, pid := range servers {
		if pid > 0 {
			if err := pinProcess(pid, cores.Rest); err != nil {
				return d, err
			}
			defer func() { _ = pinProcess(pid, all) }()
		}
	}
	b.cores = &cores
	defer func() { b.cores = nil }()
	err = pinned(cores.Rest, func() error {
		var err error
		d.Pipeline, err = b.saturate(ctx, run, name, false)
		return err
	})
	d.Pipeline.Mode = "saturation, cleaner on dedicated cores"
	if err != nil {
		return d, err
	}
	b.cfg.Logf("run %d: dedicated cores (cleaner on %s, the rest on %s): in-process clean %.1f pages/s, pipeline %.1f pages/s steady = %.0f%%",
		run, cpuList(cores.Stage), cpuList(cores.Rest), d.Clean.PerSec, d.Pipeline.SteadyPagesPerSec, 100*d.Ratio())
	return d, nil
}
