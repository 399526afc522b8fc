package service

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/redisconn"
	"github.com/newsflow/newsflow/pkg/stage"
)

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestCheckStartup(t *testing.T) {
	mr := miniredis.RunT(t)
	mr.RequireUserAuth("cleaner", "right")
	kafkaDown := broker.Config{Brokers: []string{closedAddr(t)}, ClientID: "t", DialTimeout: 200 * time.Millisecond}
	redisAs := func(pw string) (redisconn.Config, func()) {
		rc := redisconn.Config{URL: "redis://cleaner:" + pw + "@" + mr.Addr() + "/0", Timeout: time.Second}
		rdb, err := rc.Client()
		if err != nil {
			t.Fatal(err)
		}
		return rc, func() { rdb.Close() }
	}
	tests := []struct {
		name        string
		pw          string
		timeout     time.Duration
		want        string
		wantLog     string
		retried     bool
		maxDuration time.Duration
	}{
		// A wrong password cannot pass: no retry, even with Kafka down too.
		{"wrong redis password", "wrong", time.Minute, "AUTH failed for user cleaner", "start-up check failed: not starting", false, 5 * time.Second},
		// An unreachable broker may come back: retried, logged, then given up.
		{"kafka unreachable", "right", 1500 * time.Millisecond, "gave up after 1.5s", "start-up check failed: gave up", true, 10 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			core, logs := observer.New(zap.InfoLevel)
			rc, closeRDB := redisAs(tc.pw)
			defer closeRDB()
			rdb, _ := rc.Client()
			defer rdb.Close()
			t0 := time.Now()
			err := CheckStartup(context.Background(), zap.New(core), Startup{Kafka: kafkaDown, Need: broker.Need{Write: []string{"news.raw"}},
				Redis: rdb, RedisConfig: rc, RedisPrefixes: []string{"nf:once:"}, Timeout: tc.timeout})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckStartup: %v, want %q", err, tc.want)
			}
			if d := time.Since(t0); d > tc.maxDuration {
				t.Fatalf("took %s", d)
			}
			if logs.FilterMessage(tc.wantLog).Len() != 1 {
				t.Errorf("no %q log line: %v", tc.wantLog, logs.All())
			}
			if retried := logs.FilterMessage("start-up check failed; retrying").Len() > 0; retried != tc.retried {
				t.Errorf("retried %v, want %v", retried, tc.retried)
			}
			for _, e := range logs.All() {
				if strings.Contains(e.Message+" "+e.ContextMap()["error"].(string), "right") {
					t.Errorf("a log line shows the password: %v", e)
				}
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		rc, closeRDB := redisAs("right")
		defer closeRDB()
		rdb, _ := rc.Client()
		defer rdb.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
		defer cancel()
		err := CheckStartup(ctx, zap.NewNop(), Startup{Kafka: kafkaDown, Redis: rdb, RedisConfig: rc, Timeout: time.Minute})
		if err == nil || ctx.Err() == nil {
			t.Fatalf("CheckStartup: %v after the context ended", err)
		}
	})
}

func TestStageStartupNeeds(t *testing.T) {
	st := Stage{Name: "cleaner", ExactlyOnce: true, RedisPrefixes: []string{"nf:dd:"}}
	s := st.startup(broker.Config{}, redisconn.Config{}, nil, stageConfig("news.raw", "news.cleaned", "news.raw.dlq", "newsflow-cleaner"), time.Second)
	got := strings.Join(s.Need.Read, ",") + " | " + strings.Join(s.Need.Write, ",") + " | " + strings.Join(s.Need.Groups, ",") + " | " + strings.Join(s.RedisPrefixes, ",")
	if want := "news.raw,news.cleaned | news.cleaned,news.raw.dlq | newsflow-cleaner | nf:dd:,nf:once:"; got != want {
		t.Fatalf("needs %q, want %q", got, want)
	}
}

func stageConfig(in, out, dlq, group string) stage.Config {
	return stage.Config{Input: in, Output: out, DLQ: dlq, Group: group}
}
