package e2e

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestE2EHelpDocumentsEveryFlag runs each stage binary with --help: every
// flag is listed with its environment variable and default.
func TestE2EHelpDocumentsEveryFlag(t *testing.T) {
	bin := Binaries(t)
	flagLine := regexp.MustCompile(`^  --([a-z0-9-]+) `)
	for _, name := range []string{"cleaner", "enricher", "fetcher"} {
		t.Run(name, func(t *testing.T) {
			out, err := exec.Command(filepath.Join(bin, name), "--help").CombinedOutput()
			if err != nil {
				t.Fatalf("%s --help: %v\n%s", name, err, out)
			}
			lines := strings.Split(string(out), "\n")
			flags := 0
			for i, l := range lines {
				m := flagLine.FindStringSubmatch(l)
				if m == nil {
					continue
				}
				flags++
				env := "NEWSFLOW_" + strings.ToUpper(strings.ReplaceAll(m[1], "-", "_"))
				if i+2 >= len(lines) || strings.TrimSpace(lines[i+1]) == "" || !strings.Contains(lines[i+2], "env "+env+", default ") {
					t.Errorf("--%s is not documented with a description, %s and its default", m[1], env)
				}
			}
			if flags < 10 {
				t.Errorf("%s --help lists %d flags; expected the full set:\n%s", name, flags, out)
			}
		})
	}
}

// TestE2EBadSettingFailsAtStart checks that a bad value stops a binary at
// start with a message naming the field, before it touches Kafka.
func TestE2EBadSettingFailsAtStart(t *testing.T) {
	bin := Binaries(t)
	tests := []struct {
		name, bin string
		args      []string
		env       []string
		want      string
	}{
		{"batch size flag", "cleaner", []string{"--batch-size", "0"}, nil, "--batch-size (NEWSFLOW_BATCH_SIZE)"},
		{"redis url env", "enricher", nil, []string{"NEWSFLOW_REDIS_URL=http://nope"}, "--redis-url (NEWSFLOW_REDIS_URL)"},
		{"broker address", "cleaner", []string{"--brokers", "no-port"}, nil, "--brokers (NEWSFLOW_BROKERS)"},
		{"duration env", "enricher", nil, []string{"NEWSFLOW_BATCH_WAIT=soon"}, "--batch-wait (from NEWSFLOW_BATCH_WAIT)"},
		{"log level", "cleaner", []string{"--log-level", "loud"}, nil, "--log-level (NEWSFLOW_LOG_LEVEL)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(filepath.Join(bin, tc.bin), tc.args...)
			cmd.Env = append(cmd.Environ(), tc.env...)
			out, err := cmd.CombinedOutput()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Fatalf("exit %v, want status 1; output:\n%s", err, out)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("output does not name %q:\n%s", tc.want, out)
			}
		})
	}
}
