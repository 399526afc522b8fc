package stage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/lag"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/testenv"
)

func echo(_ context.Context, in stage.Input) ([]stage.Output, error) {
	if strings.HasPrefix(string(in.Value), "bad") {
		return nil, stage.Rejectf("malformed", "bad record %s", in.Value)
	}
	return []stage.Output{{Key: in.Key, Value: []byte("out:" + string(in.Value))}}, nil
}

func integrationConfig(name, in, out string) stage.Config {
	return stage.Config{Name: name, Group: testenv.Name("group"), Input: in, Output: out, DLQ: in + ".dlq",
		BatchSize: 50, BatchWait: 5 * time.Millisecond, MaxInFlight: 16, MaxAttempts: 3,
		RetryBackoff: 20 * time.Millisecond, MaxBackoff: 500 * time.Millisecond, DrainTimeout: 10 * time.Second,
		SessionTimeout: 10 * time.Second, HeartbeatInterval: time.Second, FetchMaxBytes: 4 << 20, MaxInFlightBytes: 32 << 20}
}

func produce(t *testing.T, bc broker.Config, topic string, values []string) {
	t.Helper()
	sink := stage.NewKafkaSink(bc, stage.SinkOptions{})
	defer sink.Close()
	var outs []stage.Output
	for _, v := range values {
		outs = append(outs, stage.Output{Topic: topic, Key: []byte(v), Value: []byte(v)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sink.Write(ctx, outs); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

func waitCommitted(t *testing.T, bc broker.Config, group, topic string, timeout time.Duration) {
	t.Helper()
	c := bc.Client()
	defer broker.CloseClient(c)
	deadline := time.Now().Add(timeout)
	for {
		ps, err := lag.Of(context.Background(), c, group, topic)
		if err == nil && lag.Total(ps) == 0 {
			committed := true
			for _, p := range ps {
				if p.End > 0 && p.Committed != p.End {
					committed = false
				}
			}
			if committed {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("group %s has not committed %s to its end after %s: %+v (err %v)", group, topic, timeout, ps, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestIntegrationRunnerDeliversDeadLettersAndCommits(t *testing.T) {
	bc := testenv.Kafka(t)
	in, out := testenv.Name("in"), testenv.Name("out")
	testenv.CreateTopics(t, bc, 3, in, out, in+".dlq")
	var values []string
	for i := 0; i < 300; i++ {
		if i%30 == 7 {
			values = append(values, fmt.Sprintf("bad-%03d", i))
		} else {
			values = append(values, fmt.Sprintf("msg-%03d", i))
		}
	}
	produce(t, bc, in, values)

	cfg := integrationConfig("echo", in, out)
	r, err := stage.New(cfg, bc, echo, stage.WithLogger(zaptest.NewLogger(t)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()

	outs := testenv.ReadRecords(t, bc, out, 3, 290, 60*time.Second)
	dead := testenv.ReadRecords(t, bc, in+".dlq", 3, 10, 30*time.Second)
	waitCommitted(t, bc, cfg.Group, in, 30*time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}

	seen := map[string]int{}
	for _, m := range outs {
		seen[string(m.Value)]++
	}
	for _, v := range values {
		if strings.HasPrefix(v, "bad") {
			continue
		}
		if seen["out:"+v] != 1 {
			t.Errorf("%s delivered %d times, want 1", v, seen["out:"+v])
		}
	}
	if len(outs) != 290 {
		t.Errorf("%d outputs, want 290", len(outs))
	}
	for _, d := range dead {
		hs := map[string]string{}
		for _, h := range d.Headers {
			hs[h.Key] = string(h.Value)
		}
		if !strings.HasPrefix(string(d.Value), "bad") || hs[stage.HeaderErrorClass] != "malformed" ||
			!strings.Contains(hs[stage.HeaderError], "bad record") || hs[stage.HeaderOriginTopic] != in {
			t.Errorf("dead letter %s with headers %v", d.Value, hs)
		}
	}
	t.Logf("real broker %v: 300 in, %d out, %d dead-lettered, offsets committed to the end", bc.Brokers, len(outs), len(dead))
}

func TestIntegrationRunnerRebalanceLosesNothing(t *testing.T) {
	bc := testenv.Kafka(t)
	in, out := testenv.Name("in"), testenv.Name("out")
	testenv.CreateTopics(t, bc, 4, in, out, in+".dlq")
	cfg := integrationConfig("echo", in, out)
	slow := func(ctx context.Context, m stage.Input) ([]stage.Output, error) {
		time.Sleep(2 * time.Millisecond)
		return echo(ctx, m)
	}
	var values []string
	for i := 0; i < 1000; i++ {
		values = append(values, fmt.Sprintf("msg-%04d", i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errs := make(chan error, 2)
	start := func() {
		r, err := stage.New(cfg, bc, slow, stage.WithLogger(zaptest.NewLogger(t)))
		if err != nil {
			t.Fatal(err)
		}
		go func() { errs <- r.Run(ctx) }()
	}
	start()
	produce(t, bc, in, values[:500])
	time.Sleep(time.Second)
	start() // a second member joins: the group rebalances mid-stream
	produce(t, bc, in, values[500:])

	outs := testenv.ReadRecords(t, bc, out, 4, 1000, 90*time.Second)
	waitCommitted(t, bc, cfg.Group, in, 60*time.Second)
	cancel()
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	seen := map[string]int{}
	for _, m := range outs {
		seen[string(m.Value)]++
	}
	dups := 0
	for _, v := range values {
		switch n := seen["out:"+v]; {
		case n == 0:
			t.Errorf("%s lost", v)
		case n > 1:
			dups += n - 1
		}
	}
	// Without the exactly-once sink a rebalance may redeliver an uncommitted
	// batch; it may never lose one.
	t.Logf("rebalance: 1000 in, %d out, %d redelivered (at-least-once sink)", len(outs), dups)
}
