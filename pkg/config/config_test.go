package config

import (
	"bytes"
	"errors"
	"flag"
	"slices"
	"strings"
	"testing"
	"time"
)

type settings struct {
	brokers []string
	batch   int
	wait    time.Duration
	size    int64
	debug   bool
}

func newSet(env map[string]string) (*Set, *settings) {
	s := &settings{}
	set := New("demo", "demo does things.")
	set.ListVar(&s.brokers, "brokers", []string{"localhost:9092"}, "bootstrap brokers")
	set.IntVar(&s.batch, "batch-size", 100, "records per batch")
	set.DurationVar(&s.wait, "batch-wait", 10*time.Millisecond, "wait to fill a batch")
	set.ByteSizeVar(&s.size, "max-page-bytes", 5<<20, "largest page")
	set.BoolVar(&s.debug, "debug", false, "debug mode")
	set.SetLookupEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	set.SetOutput(&bytes.Buffer{})
	return set, s
}

func TestParsePrecedence(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		env       map[string]string
		wantBatch int
		wantList  string
		wantSize  int64
		wantSet   []string // flags IsSet reports; the others must not be
	}{
		{"defaults", nil, nil, 100, "localhost:9092", 5 << 20, nil},
		{"env fills unset flags", nil, map[string]string{"NEWSFLOW_BATCH_SIZE": "7", "NEWSFLOW_BROKERS": "a:1, b:2", "NEWSFLOW_MAX_PAGE_BYTES": "512KiB"}, 7, "a:1,b:2", 512 << 10,
			[]string{"batch-size", "brokers", "max-page-bytes"}},
		{"flag wins over env", []string{"--batch-size=9"}, map[string]string{"NEWSFLOW_BATCH_SIZE": "7"}, 9, "localhost:9092", 5 << 20, []string{"batch-size"}},
		{"decimal units", []string{"--max-page-bytes", "2MB"}, nil, 100, "localhost:9092", 2000000, []string{"max-page-bytes"}},
		{"a default given explicitly is set", []string{"--batch-size=100"}, nil, 100, "localhost:9092", 5 << 20, []string{"batch-size"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set, s := newSet(tc.env)
			if err := set.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if s.batch != tc.wantBatch || strings.Join(s.brokers, ",") != tc.wantList || s.size != tc.wantSize {
				t.Errorf("got batch %d brokers %v size %d", s.batch, s.brokers, s.size)
			}
			for _, name := range []string{"brokers", "batch-size", "batch-wait", "max-page-bytes", "debug"} {
				if got, want := set.IsSet(name), slices.Contains(tc.wantSet, name); got != want {
					t.Errorf("IsSet(%q) = %v, want %v", name, got, want)
				}
			}
		})
	}
}

func TestParseErrorsNameTheField(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{"bad env value", nil, map[string]string{"NEWSFLOW_BATCH_SIZE": "many"}, []string{"--batch-size", "NEWSFLOW_BATCH_SIZE", "many"}},
		{"bad size", nil, map[string]string{"NEWSFLOW_MAX_PAGE_BYTES": "5 potatoes"}, []string{"--max-page-bytes", "NEWSFLOW_MAX_PAGE_BYTES"}},
		{"bad flag value", []string{"--batch-wait=soon"}, nil, []string{"batch-wait"}},
		{"stray argument", []string{"extra"}, nil, []string{"extra"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set, _ := newSet(tc.env)
			err := set.Parse(tc.args)
			if err == nil {
				t.Fatal("Parse accepted a bad value")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}

func TestHelpDocumentsEveryFlagAndVariable(t *testing.T) {
	set, _ := newSet(nil)
	var out bytes.Buffer
	set.SetOutput(&out)
	if err := set.Parse([]string{"--help"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	for _, want := range []string{"demo does things.", "--brokers", "NEWSFLOW_BROKERS", "--batch-size", "NEWSFLOW_BATCH_SIZE",
		"--batch-wait", "NEWSFLOW_BATCH_WAIT", "--max-page-bytes", "NEWSFLOW_MAX_PAGE_BYTES", "default 5MiB", "--debug", "NEWSFLOW_DEBUG"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, out.String())
		}
	}
}

func TestInvalid(t *testing.T) {
	err := Invalid("redis-url", "%q is not a URL", "x")
	if got, want := err.Error(), `invalid --redis-url (NEWSFLOW_REDIS_URL): "x" is not a URL`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
