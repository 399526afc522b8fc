// Package e2e runs newsflow's binaries as operating-system processes against
// the real Kafka broker and redis-server, for end-to-end and chaos tests and
// the pipeline benchmark: it builds them, starts and signals them, feeds
// news.raw and reads what comes out.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/testenv"
)

// BinDirVar names a folder with prebuilt binaries (make sets it to bin/).
const BinDirVar = "NEWSFLOW_BIN_DIR"

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// Binaries returns the folder holding fetcher, cleaner, enricher and newsctl:
// NEWSFLOW_BIN_DIR when set, else a one-time `go build` of services/ into a
// temporary folder.
func Binaries(t testing.TB) string {
	t.Helper()
	testenv.SkipIfShort(t)
	if d := os.Getenv(BinDirVar); d != "" {
		for _, b := range []string{"cleaner", "enricher", "newsctl"} {
			if _, err := os.Stat(filepath.Join(d, b)); err != nil {
				t.Fatalf("%s=%s lacks %s: run make build", BinDirVar, d, b)
			}
		}
		return d
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "newsflow-bin-")
		if buildErr != nil {
			return
		}
		root, err := testenv.RepoRoot()
		if err != nil {
			buildErr = err
			return
		}
		for _, s := range []string{"fetcher", "cleaner", "enricher", "newsctl"} {
			cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, s), "./services/"+s)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build %s: %v\n%s", s, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

// Proc is a running binary.
type Proc struct {
	Name string
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
	err  error
}

// Start runs bin with args and extra environment; its output goes to a log
// file printed when the test fails. The process is killed at cleanup.
func Start(t testing.TB, bin string, args []string, env ...string) *Proc {
	t.Helper()
	name := filepath.Base(bin)
	logf, err := os.CreateTemp(t.TempDir(), name+"-*.log")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &Proc{Name: name, cmd: cmd, log: logf, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			if len(b) > 8000 {
				b = b[len(b)-8000:]
			}
			t.Logf("--- last log of %s (pid %d):\n%s", name, cmd.Process.Pid, b)
		}
	})
	return p
}

// Signal sends sig to the process.
func (p *Proc) Signal(sig syscall.Signal) error { return p.cmd.Process.Signal(sig) }

// Kill sends SIGKILL and waits for the process to be gone.
func (p *Proc) Kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Wait waits up to timeout for the process to exit and returns its error.
func (p *Proc) Wait(timeout time.Duration) error {
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		return fmt.Errorf("%s still running after %s", p.Name, timeout)
	}
}

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Log returns what the process has written so far.
func (p *Proc) Log() string {
	b, _ := os.ReadFile(p.log.Name())
	return string(b)
}

// ReadTopic reads every record of a topic's partitions from the start until
// the high watermarks seen at the call, in partition then offset order. It
// tries again on errors a broker gives while leadership settles.
func ReadTopic(ctx context.Context, bc broker.Config, topic string) ([]kafka.Message, error) {
	for attempt := 1; ; attempt++ {
		ms, err := readTopic(ctx, bc, topic)
		if err == nil || attempt == 5 || ctx.Err() != nil {
			return ms, err
		}
		time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
	}
}

func readTopic(ctx context.Context, bc broker.Config, topic string) ([]kafka.Message, error) {
	dialer := bc.Dialer()
	conns, err := dialer.DialContext(ctx, "tcp", bc.Brokers[0])
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	parts, err := conns.ReadPartitions(topic)
	conns.Close()
	if err != nil {
		return nil, fmt.Errorf("partitions of %s: %w", topic, err)
	}
	var all []kafka.Message
	for _, p := range parts {
		conn, err := dialer.DialLeader(ctx, "tcp", bc.Brokers[0], topic, p.ID)
		if err != nil {
			return nil, fmt.Errorf("dial leader of %s/%d: %w", topic, p.ID, err)
		}
		first, last, err := conn.ReadOffsets()
		conn.Close()
		if err != nil {
			return nil, fmt.Errorf("offsets of %s/%d: %w", topic, p.ID, err)
		}
		if last <= first {
			continue
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: bc.Brokers, Dialer: bc.Dialer(), Topic: topic, Partition: p.ID, MaxBytes: 16 << 20, MaxWait: 100 * time.Millisecond})
		if err := r.SetOffset(first); err != nil {
			r.Close()
			return nil, err
		}
		for {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				r.Close()
				return nil, fmt.Errorf("read %s/%d: %w", topic, p.ID, err)
			}
			all = append(all, m)
			if m.Offset >= last-1 {
				break
			}
		}
		r.Close()
	}
	return all, nil
}

// Header returns a record header's value.
func Header(m kafka.Message, key string) string {
	for _, h := range m.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// Contains reports whether the process log contains s.
func (p *Proc) Contains(s string) bool { return bytes.Contains([]byte(p.Log()), []byte(s)) }
