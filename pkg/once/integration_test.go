package once

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/testenv"
)

// realServices returns the real broker and redis-server of the integration
// tier (pkg/testenv: skipped loudly outside CI, failed under CI).
func realServices(t *testing.T) (broker.Config, redis.UniversalClient) {
	t.Helper()
	bc := testenv.Kafka(t)
	bc.ClientID = "once-integration-test"
	rdb, _ := testenv.Redis(t)
	return bc, rdb
}

// testTopic creates a fresh topic of n partitions and deletes it afterwards.
func testTopic(t *testing.T, bc broker.Config, n int) string {
	t.Helper()
	name := fmt.Sprintf("once-it-%s-%d", strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")), time.Now().UnixNano())
	c := bc.Client()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := c.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{Topic: name, NumPartitions: n, ReplicationFactor: 1}}})
	if err != nil {
		t.Fatalf("create topic %s: %v", name, err)
	}
	if err := res.Errors[name]; err != nil {
		t.Fatalf("create topic %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = c.DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: []string{name}})
	})
	l := NewKafkaLog(bc)
	parts := make([]int, n)
	for i := range parts {
		parts[i] = i
	}
	for { // until every partition has a leader
		if _, err := l.Bounds(ctx, name, parts); err == nil {
			return name
		}
		select {
		case <-ctx.Done():
			t.Fatalf("topic %s has no leaders: %v", name, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func integrationConfig(prefix string) (Config, KafkaOptions) {
	ko := KafkaOptions{WriteTimeout: 3 * time.Second, MetadataTimeout: time.Second, Compression: kafka.Snappy}
	return Config{
		Owner:          "it",
		Prefix:         prefix,
		Lease:          10 * time.Second,
		ProduceTimeout: ko.Bound(),
		SettleGrace:    2 * time.Second,
		OffsetsMaxAge:  500 * time.Millisecond,
	}, ko
}

func cleanupKeys(t *testing.T, rdb redis.UniversalClient, prefix string) {
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
}

// readAll reads topic back and counts records per story revision, checking
// each is on the partition its key hashes to (as kafka-go's Murmur2Balancer
// would put it).
func readAll(t *testing.T, l *KafkaLog, topic string) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := l.Partitions(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	parts := make([]int, n)
	for i := range parts {
		parts[i] = i
	}
	bs, err := l.Bounds(ctx, topic, parts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	var bal kafka.Murmur2Balancer
	for p, b := range bs {
		err := l.Scan(ctx, topic, p, b.Start, b.End, func(r Record) bool {
			if want := bal.Balance(kafka.Message{Key: r.Key}, parts...); want != p {
				t.Errorf("story %s on partition %d; murmur2 says %d", r.Key, p, want)
			}
			got[matchKey(r.Key, revisionOf(r))]++
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return got
}

func assertOnce(t *testing.T, got map[string]int, outs []stage.Output) {
	t.Helper()
	want := map[string]bool{}
	for _, o := range outs {
		want[matchKey([]byte(o.StoryID), o.Revision)] = true
	}
	lost, dup := 0, 0
	for k := range want {
		switch {
		case got[k] == 0:
			lost++
		case got[k] > 1:
			dup++
		}
	}
	t.Logf("stories expected %d, delivered %d, lost %d, duplicated %d", len(want), len(got), lost, dup)
	if lost != 0 || dup != 0 || len(got) != len(want) {
		t.Fatalf("stories expected %d, delivered %d, lost %d, duplicated %d", len(want), len(got), lost, dup)
	}
}

// uncertainOnce makes the first Produce call of a real producer report an
// error after the broker acknowledged it (the answer "lost").
type uncertainOnce struct {
	Producer
	once sync.Once
}

func (u *uncertainOnce) Produce(ctx context.Context, topic string, part int, recs []Record) error {
	err := u.Producer.Produce(ctx, topic, part, recs)
	fired := false
	u.once.Do(func() { fired = true })
	if err == nil && fired {
		return errTimeout
	}
	return err
}

// redisCutAfterProduce closes a process's Redis client after its first
// produce call (the process loses Redis between produce and confirm).
type redisCutAfterProduce struct {
	Producer
	cut func()
}

func (r *redisCutAfterProduce) Produce(ctx context.Context, topic string, part int, recs []Record) error {
	err := r.Producer.Produce(ctx, topic, part, recs)
	r.cut()
	return err
}

func TestIntegrationExactlyOnce(t *testing.T) {
	bc, rdb := realServices(t)
	topicName := testTopic(t, bc, 3)
	prefix := fmt.Sprintf("nf:once-it:%d:", time.Now().UnixNano())
	cleanupKeys(t, rdb, prefix)
	cfg, ko := integrationConfig(prefix)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	logr := NewKafkaLog(bc)
	if err := CheckRedis(ctx, rdb); err != nil { // deploy/local runs AOF and noeviction
		t.Errorf("redis settings: %v", err)
	}
	mk := func(p Producer, r redis.UniversalClient) *Sink {
		s, err := New(r, p, logr, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	outs := func(prefix string, n int) []stage.Output {
		o := stories(prefix, n, 0)
		for i := range o {
			o[i].Topic = topicName
		}
		return o
	}
	var all []stage.Output

	t.Run("two owners of one stream", func(t *testing.T) {
		pa, pb := NewKafkaProducer(bc, ko), NewKafkaProducer(bc, ko)
		defer pa.Close()
		defer pb.Close()
		a, b := mk(pa, rdb), mk(pb, rdb)
		batch := outs("a", 300)
		all = append(all, batch...)
		var wg sync.WaitGroup
		for i, s := range []*Sink{a, b, a, b} {
			wg.Go(func() {
				for j := i * 20; j < len(batch); j += 50 { // overlapping batches
					if err := deliver(ctx, s, batch[j:min(j+50, len(batch))]); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if err := deliver(ctx, a, batch); err != nil { // a full replay
			t.Fatal(err)
		}
		assertOnce(t, readAll(t, logr, topicName), all)
	})

	t.Run("broker appended, answer lost", func(t *testing.T) {
		kp := NewKafkaProducer(bc, ko)
		defer kp.Close()
		s := mk(&uncertainOnce{Producer: kp}, rdb)
		batch := outs("u", 50)
		all = append(all, batch...)
		if err := deliver(ctx, s, batch); err != nil {
			t.Fatal(err)
		}
		if st := s.Stats(); st.Uncertain == 0 || st.VerifyFound == 0 {
			t.Errorf("expected an uncertain produce verified as found on the broker: %+v", st)
		}
		assertOnce(t, readAll(t, logr, topicName), all)
	})

	t.Run("Redis lost between produce and confirm, next owner recovers", func(t *testing.T) {
		kp := NewKafkaProducer(bc, ko)
		defer kp.Close()
		opts := rdb.(*redis.Client).Options()
		dying := redis.NewClient(opts)
		a := mk(&redisCutAfterProduce{Producer: kp, cut: func() { dying.Close() }}, dying)
		batch := outs("r", 40)
		all = append(all, batch...)
		if err := a.Write(ctx, batch); err == nil {
			t.Fatal("write whose Redis died: got nil")
		}
		b := mk(kp, rdb)
		start := time.Now()
		if err := deliver(ctx, b, batch); err != nil {
			t.Fatal(err)
		}
		st := b.Stats()
		t.Logf("next owner took %s (lease %s): %+v", time.Since(start).Round(time.Millisecond), cfg.Lease, st)
		if st.VerifyFound != 40 || st.Produced != 0 {
			t.Errorf("next owner should find all 40 on the broker: %+v", st)
		}
		assertOnce(t, readAll(t, logr, topicName), all)
	})

	t.Run("store lost, rebuilt from the topic", func(t *testing.T) {
		kp := NewKafkaProducer(bc, ko)
		defer kp.Close()
		s := mk(kp, rdb)
		iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		if err := s.Write(ctx, all[:10]); err == nil || !strings.Contains(err.Error(), "dedup-rebuild") {
			t.Fatalf("write on a lost store: got %v, want a refusal naming dedup-rebuild", err)
		}
		st, err := Rebuild(ctx, rdb, logr, topicName, RebuildOptions{Config: cfg, SettleWait: -1})
		if err != nil {
			t.Fatal(err)
		}
		if int(st.Stories) != len(all) {
			t.Errorf("rebuild marked %d stories, the topic holds %d", st.Stories, len(all))
		}
		if err := deliver(ctx, s, all); err != nil {
			t.Fatal(err)
		}
		assertOnce(t, readAll(t, logr, topicName), all)
	})
}
