package service

import (
	"runtime/debug"
	"testing"
)

func TestMemoryLimitPrecedence(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1)) // restore the test binary's limit
	const envLimit = 300 << 20
	tests := []struct {
		name        string
		limit       int64
		explicit    bool
		env         string // GOMEMLIMIT; the runtime's limit is set to envLimit when not empty
		want        MemoryLimit
		wantRuntime int64 // the runtime's limit afterwards (noLimit: none)
	}{
		{"default applies", 200 << 20, false, "", MemoryLimit{200 << 20, "default"}, 200 << 20},
		{"GOMEMLIMIT beats the default", 200 << 20, false, "300MiB", MemoryLimit{envLimit, "GOMEMLIMIT"}, envLimit},
		{"the flag beats GOMEMLIMIT", 128 << 20, true, "300MiB", MemoryLimit{128 << 20, "flag"}, 128 << 20},
		{"flag 0 removes the limit", 0, true, "300MiB", MemoryLimit{0, "flag"}, noLimit},
		{"default 0 is no limit", 0, false, "", MemoryLimit{0, "default"}, noLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			debug.SetMemoryLimit(noLimit)
			if tt.env != "" {
				debug.SetMemoryLimit(envLimit) // as the runtime does at start from GOMEMLIMIT
			}
			got := applyMemoryLimit(tt.limit, tt.explicit, func(k string) (string, bool) {
				if k == "GOMEMLIMIT" && tt.env != "" {
					return tt.env, true
				}
				return "", false
			})
			if got != tt.want {
				t.Errorf("applyMemoryLimit = %+v, want %+v", got, tt.want)
			}
			if rt := debug.SetMemoryLimit(-1); rt != tt.wantRuntime {
				t.Errorf("runtime limit = %d, want %d", rt, tt.wantRuntime)
			}
		})
	}
}
