package e2e

import (
	"bytes"
	"fmt"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
)

// RunPTY runs bin with args on a pseudo-terminal of cols x rows, as an
// operator at a terminal would (stdout and stderr both go to the terminal),
// and returns everything it wrote once it exits. A process still running
// after timeout is killed and an error returned.
func RunPTY(bin string, args []string, cols, rows uint16, timeout time.Duration, env ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(cmd.Environ(), env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: cols, Rows: rows})
	if err != nil {
		return "", fmt.Errorf("start %s on a pty: %w", bin, err)
	}
	defer f.Close()
	var (
		mu  sync.Mutex
		buf bytes.Buffer
	)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			mu.Lock()
			buf.Write(b[:n])
			mu.Unlock()
			if err != nil { // EIO once the process and its terminal are gone
				return
			}
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var runErr error
	select {
	case runErr = <-done:
	case <-time.After(timeout):
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-done
		runErr = fmt.Errorf("%s still running after %s: killed", bin, timeout)
	}
	select { // the terminal's last output, then EIO
	case <-copied:
	case <-time.After(2 * time.Second):
	}
	mu.Lock()
	defer mu.Unlock()
	return buf.String(), runErr
}
