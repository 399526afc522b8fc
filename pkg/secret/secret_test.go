package secret

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, file, want, err string
	}{
		{"plain", file("a", "hunter2"), "hunter2", ""},
		{"trailing newline", file("b", "hunter2\n"), "hunter2", ""},
		{"windows newline", file("c", "hunter2\r\n"), "hunter2", ""},
		{"inner spaces kept", file("d", " hunter 2 \n"), " hunter 2 ", ""},
		{"empty", file("e", "\n"), "", "is empty"},
		{"too large", file("f", strings.Repeat("x", MaxBytes+1)), "", "larger than"},
		{"missing", filepath.Join(dir, "nope"), "", "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(tc.file)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Read: %v, want %q", err, tc.err)
				}
				if strings.Contains(err.Error(), "xxxxxxxx") {
					t.Fatal("the error shows the content")
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Read = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
