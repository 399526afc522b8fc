// Package secret reads credentials from files, the way Kubernetes mounts
// Secrets, so that flags and environment variables carry paths and never
// values.
package secret

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxBytes bounds what a secret file may hold.
const MaxBytes = 64 << 10

// Read returns the content of a secret file without its trailing newlines
// (kubectl create secret --from-file keeps the newline an editor adds).
// Errors name the file, never its content; an empty file is an error.
func Read(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("read secret: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return "", fmt.Errorf("read secret %s: %w", file, err)
	}
	if len(b) > MaxBytes {
		return "", fmt.Errorf("secret file %s is larger than %d bytes", file, MaxBytes)
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return "", fmt.Errorf("secret file %s is empty", file)
	}
	return v, nil
}
