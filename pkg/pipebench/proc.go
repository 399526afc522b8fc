package pipebench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat:
// 100 on every Linux architecture Go supports.
const clockTicks = 100

// ProcStat is what /proc tells of a process at one moment.
type ProcStat struct {
	// CPU is user + system time in seconds.
	CPU float64
	// RSS and HWM (peak RSS) in bytes; Anon is the anonymous part of RSS
	// (heap, stacks), without the mapped binary and other files.
	RSS, HWM, Anon int64
	// ReadBytes and WriteBytes are bytes passed to read and write system
	// calls (rchar, wchar): for a service, its network traffic.
	ReadBytes, WriteBytes int64
}

// ReadProc reads the CPU time, memory and I/O of pid from /proc.
func ReadProc(pid int) (ProcStat, error) {
	var s ProcStat
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, fmt.Errorf("read stat of %d: %w", pid, err)
	}
	if s.CPU, err = parseStatCPU(stat); err != nil {
		return s, fmt.Errorf("stat of %d: %w", pid, err)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, fmt.Errorf("read status of %d: %w", pid, err)
	}
	s.RSS, s.HWM = parseStatusKB(status, "VmRSS:")*1024, parseStatusKB(status, "VmHWM:")*1024
	s.Anon = parseStatusKB(status, "RssAnon:") * 1024
	if io, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid)); err == nil {
		s.ReadBytes, s.WriteBytes = parseIO(io, "rchar:"), parseIO(io, "wchar:")
	}
	return s, nil
}

// parseStatCPU returns utime + stime of a /proc/<pid>/stat line in seconds.
// The command name (field 2) may hold spaces and parentheses: fields are
// counted after its last ')'.
func parseStatCPU(stat []byte) (float64, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("no command name in %q", stat)
	}
	f := strings.Fields(string(stat[i+1:]))
	// f[0] is field 3 (state); utime and stime are fields 14 and 15
	if len(f) < 13 {
		return 0, fmt.Errorf("%d fields after the command name", len(f))
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("utime %q stime %q", f[11], f[12])
	}
	return float64(ut+st) / clockTicks, nil
}

func parseStatusKB(status []byte, key string) int64 {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

func parseIO(b []byte, key string) int64 {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
			return n
		}
	}
	return 0
}

// LoadAvg returns the 1, 5 and 15 minute load averages.
func LoadAvg() [3]float64 {
	var l [3]float64
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return l
	}
	f := strings.Fields(string(b))
	for i := 0; i < 3 && i < len(f); i++ {
		l[i], _ = strconv.ParseFloat(f[i], 64)
	}
	return l
}

// Service is a running service binary.
type Service struct {
	Name string
	// Ops is the host:port of its ops server.
	Ops  string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

// StartService runs bin with args plus --ops-addr on a free loopback port,
// in this process's environment plus env; its output goes to a log file in
// logDir.
func StartService(name, bin, logDir string, env []string, args ...string) (*Service, error) {
	return startService(nil, name, bin, logDir, env, args...)
}

// startService is StartService with bin started through launcher (e.g.
// taskset -c 0), which must exec it in place so that the process is bin's.
func startService(launcher []string, name, bin, logDir string, env []string, args ...string) (*Service, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	ops := "127.0.0.1:" + strconv.Itoa(port)
	logPath := filepath.Join(logDir, fmt.Sprintf("%s-%d.log", name, time.Now().UnixNano()))
	f, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("log of %s: %w", name, err)
	}
	argv := append(append(append([]string(nil), launcher...), bin), append(args, "--ops-addr", ops)...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &Service{Name: name, Ops: ops, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { s.err = cmd.Wait(); f.Close(); close(s.done) }()
	return s, nil
}

// Pid is the process id.
func (s *Service) Pid() int { return s.cmd.Process.Pid }

// Exited reports whether the process has ended, and how.
func (s *Service) Exited() (bool, error) {
	select {
	case <-s.done:
		return true, s.err
	default:
		return false, nil
	}
}

// Stop sends SIGTERM and waits up to timeout, then kills the process.
func (s *Service) Stop(timeout time.Duration) error {
	if done, _ := s.Exited(); done {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return nil
	case <-time.After(timeout):
		_ = s.cmd.Process.Signal(syscall.SIGKILL)
		<-s.done
		return fmt.Errorf("%s did not stop within %s after SIGTERM", s.Name, timeout)
	}
}

// LogTail returns the last n bytes of the process's output.
func (s *Service) LogTail(n int) string {
	b, _ := os.ReadFile(s.log)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// WaitReady waits until the ops server answers /healthz.
func (s *Service) WaitReady(ctx context.Context) error {
	for {
		if done, err := s.Exited(); done {
			return fmt.Errorf("%s exited at start: %v\n%s", s.Name, err, s.LogTail(4000))
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.Ops+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not healthy: %w", s.Name, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Metrics scrapes the service's /metrics into a Metrics.
func (s *Service) Metrics(ctx context.Context) (Metrics, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.Ops+"/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scrape %s: %w", s.Name, err)
	}
	defer resp.Body.Close()
	return ParseMetrics(resp.Body)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Metrics are the samples of a Prometheus text exposition, by series
// (name plus labels as written, e.g. `x_total{a="b"}`).
type Metrics map[string]float64

// ParseMetrics reads the Prometheus text format (comments skipped).
func ParseMetrics(r io.Reader) (Metrics, error) {
	m := Metrics{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		// the value follows the last space outside the label braces
		end := strings.LastIndexByte(line, '}')
		rest := line
		if end >= 0 {
			rest = line[end+1:]
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		name := line
		if end >= 0 {
			name = line[:end+1]
		} else {
			name = strings.Fields(line)[0]
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			if end < 0 && len(f) > 1 {
				v, err = strconv.ParseFloat(f[1], 64)
			}
			if err != nil {
				continue
			}
		}
		m[name] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	return m, nil
}

// Sum adds the samples of every series of the metric name whose labels
// contain each of the given label pairs (`stage="cleaner"`).
func (m Metrics) Sum(name string, labels ...string) float64 {
	var t float64
	for k, v := range m {
		base, lbl, _ := strings.Cut(k, "{")
		if base != name {
			continue
		}
		ok := true
		for _, l := range labels {
			if !strings.Contains(lbl, l) {
				ok = false
				break
			}
		}
		if ok {
			t += v
		}
	}
	return t
}

func pidSelf() int { return os.Getpid() }

// MachineBusy returns the CPU seconds all processors of the machine spent
// outside idle and iowait since boot (/proc/stat).
func MachineBusy() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	return parseMachineBusy(b)
}

func parseMachineBusy(b []byte) float64 {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 5 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i == 3 || i == 4 || i >= 8 { // idle, iowait; guest time is already in user
			continue
		}
		busy += n
	}
	return float64(busy) / clockTicks
}
