// Package testenv gives integration tests the real Kafka broker and
// redis-server that deploy/local starts (make test-integration exports their
// addresses). Where they are missing a test skips with a loud message, except
// in CI (CI set), where a missing service fails the test: CI must never pass
// by skipping what it was meant to check.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/topics"
)

// Variables that address the test services.
const (
	BrokersVar = "NEWSFLOW_TEST_BROKERS"
	RedisVar   = "NEWSFLOW_TEST_REDIS"
)

func missing(t testing.TB, what, variable string) {
	t.Helper()
	msg := "\n" + strings.Repeat("!", 72) + "\n!! SKIPPED: " + what + " is not available (" + variable +
		" unset or not answering).\n!! Start it with `make up` or run `make test-integration`.\n" + strings.Repeat("!", 72)
	if os.Getenv("CI") != "" {
		t.Fatal("CI: " + msg)
	}
	t.Skip(msg)
}

// Kafka returns the connection to the real test broker.
func Kafka(t testing.TB) broker.Config {
	t.Helper()
	SkipIfShort(t)
	v := os.Getenv(BrokersVar)
	if v == "" {
		missing(t, "the Kafka broker", BrokersVar)
	}
	bc := broker.Config{Brokers: strings.Split(v, ","), ClientID: "newsflow-test", DialTimeout: 5 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := bc.Ping(ctx); err != nil {
		missing(t, "the Kafka broker at "+v+" ("+err.Error()+")", BrokersVar)
	}
	return bc
}

// Redis returns a client of the real test redis-server and its URL. The
// client is closed when the test ends.
func Redis(t testing.TB) (redis.UniversalClient, string) {
	t.Helper()
	SkipIfShort(t)
	v := os.Getenv(RedisVar)
	if v == "" {
		missing(t, "redis-server", RedisVar)
	}
	opt, err := redis.ParseURL(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", RedisVar, v, err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		missing(t, "redis-server at "+v+" ("+err.Error()+")", RedisVar)
	}
	return c, v
}

// SkipIfShort skips an integration or end-to-end test in the -short (unit)
// tier; `make test-integration` runs it against the real services.
func SkipIfShort(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped in the -short (unit) tier; make test-integration runs it against the real services")
	}
}

// Name returns a name unique to this run, for topics, groups and key prefixes.
func Name(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// CreateTopics creates topics with the given partition count and waits
// until each partition has a leader. The topics are deleted when the test
// ends: a broker kept across runs (deploy/local) would otherwise gather
// thousands of them, and every client's metadata refresh lists them all.
func CreateTopics(t testing.TB, bc broker.Config, partitions int, names ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var specs []topics.Spec
	for _, n := range names {
		specs = append(specs, topics.Spec{Name: n, Partitions: partitions, ReplicationFactor: 1,
			Configs: map[string]string{"max.message.bytes": "16777216"}})
	}
	c := bc.Client()
	defer broker.CloseClient(c)
	t.Cleanup(func() { DeleteTopics(t, bc, names...) })
	if _, err := topics.Ensure(ctx, c, specs); err != nil {
		t.Fatalf("create topics %v: %v", names, err)
	}
	WaitTopics(t, bc, partitions, names...)
}

// DeleteTopics deletes topics a test made, logging (not failing on) an
// error: the test's verdict is already in.
func DeleteTopics(t testing.TB, bc broker.Config, names ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := bc.Client()
	defer broker.CloseClient(c)
	res, err := c.DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: names})
	if err == nil {
		for n, e := range res.Errors {
			if e != nil && !errors.Is(e, kafka.UnknownTopicOrPartition) {
				err = errors.Join(err, fmt.Errorf("%s: %w", n, e))
			}
		}
	}
	if err != nil {
		t.Logf("delete topics %v: %v", names, err)
	}
}

// WaitTopics waits until each topic has its partitions with leaders.
func WaitTopics(t testing.TB, bc broker.Config, partitions int, names ...string) {
	t.Helper()
	c := bc.Client()
	defer broker.CloseClient(c)
	deadline := time.Now().Add(30 * time.Second)
	for {
		md, err := c.Metadata(context.Background(), &kafka.MetadataRequest{Topics: names})
		ready := err == nil && len(md.Topics) == len(names)
		if ready {
			for _, tp := range md.Topics {
				if tp.Error != nil || len(tp.Partitions) != partitions {
					ready = false
					break
				}
				for _, p := range tp.Partitions {
					if p.Leader.Host == "" || p.Error != nil {
						ready = false
					}
				}
			}
		}
		if ready {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("topics %v not ready after 30s (last error: %v)", names, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// RepoRoot is the folder of go.work: where deploy/local's scripts and the
// services' sources are, for tests that run or build them.
func RepoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOWORK").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOWORK: %w", err)
	}
	w := strings.TrimSpace(string(out))
	if w == "" || w == "off" {
		return "", fmt.Errorf("not inside the newsflow workspace (no go.work)")
	}
	return filepath.Dir(w), nil
}

// ReadRecords reads topic's partitions until want records arrived (failing
// the test at the timeout), then a second more: records beyond want are
// duplicates the caller can count.
func ReadRecords(t testing.TB, bc broker.Config, topic string, partitions, want int, timeout time.Duration) []kafka.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ch := make(chan kafka.Message, 1024)
	for p := range partitions {
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: bc.Brokers, Dialer: bc.Dialer(), Topic: topic, Partition: p,
			MaxWait: 100 * time.Millisecond, MaxBytes: 32 << 20})
		t.Cleanup(func() { r.Close() })
		go func() {
			for {
				m, err := r.ReadMessage(ctx)
				if err != nil {
					return
				}
				select {
				case ch <- m:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	var got []kafka.Message
	for len(got) < want {
		select {
		case m := <-ch:
			got = append(got, m)
		case <-ctx.Done():
			t.Fatalf("%s: %d of %d records after %s", topic, len(got), want, timeout)
		}
	}
	grace := time.After(time.Second)
	for {
		select {
		case m := <-ch:
			got = append(got, m)
		case <-grace:
			return got
		}
	}
}
