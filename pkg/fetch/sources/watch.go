package sources

import (
	"bytes"
	"context"
	"crypto/sha256"
	"time"
)

// Watch reads path every interval and calls onChange with the parsed
// sources whenever the file's content changes (the first read counts as a
// change), and onError when the file cannot be read or does not validate;
// the previous sources then stay in force. It returns when ctx ends.
//
// It polls the content rather than using inotify: Kubernetes updates a
// mounted ConfigMap by swapping a symlink to a new directory, which file
// watchers on the file itself miss, while a re-read always sees the
// current content. A hash comparison every few seconds is cheap.
func Watch(ctx context.Context, path string, interval time.Duration, onChange func([]Source), onError func(error)) {
	if interval <= 0 {
		interval = 10 * time.Second
	}
	var last []byte
	var lastErr string
	check := func() {
		data, err := readFile(path)
		if err != nil {
			if err.Error() != lastErr {
				lastErr = err.Error()
				onError(err)
			}
			return
		}
		sum := sha256.Sum256(data)
		if bytes.Equal(sum[:], last) {
			return
		}
		srcs, err := Parse(data)
		if err != nil {
			last = sum[:] // report a bad version once, not every tick
			lastErr = ""
			onError(err)
			return
		}
		last, lastErr = sum[:], ""
		onChange(srcs)
	}
	check()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			check()
		}
	}
}
