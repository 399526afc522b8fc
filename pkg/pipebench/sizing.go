package pipebench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/corpus"
	"github.com/newsflow/newsflow/pkg/dedup"
	"github.com/newsflow/newsflow/pkg/stage"
)

// KeyClass is the Redis memory of one kind of key.
type KeyClass struct {
	Keys  int64 `json:"keys"`
	Bytes int64 `json:"bytes"`
}

// MemoryPoint is the Redis memory after N stories.
type MemoryPoint struct {
	Stories int                 `json:"stories"`
	Classes map[string]KeyClass `json:"classes"`
	Total   int64               `json:"total_bytes"`
	// UsedMemoryDelta is the change of INFO used_memory (other users'
	// writes included: a cross-check only).
	UsedMemoryDelta int64 `json:"used_memory_delta_bytes"`
}

// RedisSizing is the measured Redis memory of the dedup window.
type RedisSizing struct {
	Points []MemoryPoint `json:"points"`
	// PerStory is the bytes per story of the keys made once per story
	// (url, content, story, once records), from the last point.
	PerStory float64 `json:"per_story_bytes"`
	// BandKeyBytes and BandEntryBytes are the fitted costs of a band
	// bucket (key overhead) and of one entry in it.
	BandKeyBytes   float64 `json:"band_key_bytes"`
	BandEntryBytes float64 `json:"band_entry_bytes"`
	// PerMillion is the projected memory of one million stories in the
	// window (bytes), from MEMORY USAGE; PerMillionUsed scales it by the
	// INFO used_memory delta of the last point (which also counts the
	// keyspace's dictionary and expiry entries that MEMORY USAGE leaves out).
	PerMillion     float64 `json:"per_million_bytes"`
	PerMillionUsed float64 `json:"per_million_used_memory_bytes"`
	// AltShare is the share of stories given an alternate URL.
	AltShare float64 `json:"alt_share"`
}

// bandBuckets is the number of band keys: 4 bands of 16 bits.
const bandBuckets = 4 * 65536

// MeasureRedis resolves synthetic stories (canonical URLs, content hashes,
// random sketches) through dedup and the exactly-once sink under a unique
// prefix, measures MEMORY USAGE of every key after each count in points,
// and deletes the keys.
func MeasureRedis(ctx context.Context, rdb *redis.Client, prefix string, points []int) (RedisSizing, error) {
	var res RedisSizing
	defer deletePrefix(context.WithoutCancel(ctx), rdb, prefix)
	ix, err := dedup.NewIndex(rdb, dedup.Config{Prefix: prefix + "dd:", Window: time.Hour})
	if err != nil {
		return res, err
	}
	sink, err := newMemSink(rdb, prefix+"once:")
	if err != nil {
		return res, err
	}
	used0 := usedMemory(ctx, rdb)
	rng := rand.New(rand.NewPCG(1, 2))
	const altShare = 0.2
	res.AltShare = altShare
	done := 0
	for _, target := range points {
		for done < target {
			n := min(100, target-done)
			fps := make([]dedup.Fingerprint, n)
			var alts []dedup.Fingerprint
			for i := range fps {
				id := done + i
				sum := sha256.Sum256([]byte(fmt.Sprintf("%s-%d", prefix, id)))
				fps[i] = dedup.Fingerprint{URL: fmt.Sprintf("https://www.site-%d.example/news/2026/11/01/story-headline-words-%d.html", id%500, id),
					ContentHash: hex.EncodeToString(sum[:16]), SimHash: rng.Uint64(), HasSimHash: true, Words: 600}
				if rng.Float64() < altShare {
					a := fps[i]
					a.URL = fmt.Sprintf("https://www.partner-%d.example/syndication/story-headline-words-%d.html", id%50, id)
					alts = append(alts, a)
				}
			}
			rs, err := ix.Resolve(ctx, fps)
			if err != nil {
				return res, fmt.Errorf("resolve: %w", err)
			}
			if len(alts) > 0 {
				if _, err := ix.Resolve(ctx, alts); err != nil {
					return res, fmt.Errorf("resolve copies: %w", err)
				}
			}
			outs := make([]stage.Output, len(rs))
			for i, r := range rs {
				outs[i] = stage.Output{Topic: "bench.sizing", Key: []byte(r.StoryID), StoryID: r.StoryID, Revision: 1}
			}
			if err := sink.Write(ctx, outs); err != nil {
				return res, fmt.Errorf("once: %w", err)
			}
			done += n
		}
		pt, err := memoryByClass(ctx, rdb, prefix)
		if err != nil {
			return res, err
		}
		pt.Stories = done
		pt.UsedMemoryDelta = usedMemory(ctx, rdb) - used0
		res.Points = append(res.Points, pt)
	}
	if len(res.Points) == 0 {
		return res, nil
	}
	last := res.Points[len(res.Points)-1]
	var per int64
	for c, kc := range last.Classes {
		if c != "band" {
			per += kc.Bytes
		}
	}
	res.PerStory = float64(per) / float64(last.Stories)
	// band memory = keys x key overhead + 4 entries per story x entry size;
	// fit both from the points (least squares through the origin)
	var a11, a12, a22, b1, b2 float64
	for _, p := range res.Points {
		k, e, y := float64(p.Classes["band"].Keys), 4*float64(p.Stories), float64(p.Classes["band"].Bytes)
		a11, a12, a22, b1, b2 = a11+k*k, a12+k*e, a22+e*e, b1+k*y, b2+e*y
	}
	if det := a11*a22 - a12*a12; det != 0 {
		res.BandKeyBytes = (b1*a22 - b2*a12) / det
		res.BandEntryBytes = (a11*b2 - a12*b1) / det
	}
	const million = 1e6
	keysAtMillion := bandBuckets * (1 - math.Exp(-4*million/bandBuckets))
	res.PerMillion = res.PerStory*million + res.BandKeyBytes*keysAtMillion + res.BandEntryBytes*4*million
	if last.Total > 0 && last.UsedMemoryDelta > 0 {
		res.PerMillionUsed = res.PerMillion * float64(last.UsedMemoryDelta) / float64(last.Total)
	}
	return res, nil
}

// keyClass names the kind of a key under prefix.
func keyClass(prefix, key string) string {
	k := strings.TrimPrefix(key, prefix)
	switch {
	case strings.HasPrefix(k, "once:"):
		if strings.Contains(k, "lease") {
			return "once-lease"
		}
		return "once"
	case strings.HasPrefix(k, "dd:"):
		k = strings.TrimPrefix(k, "dd:")
		switch {
		case strings.HasPrefix(k, "story:") && strings.HasSuffix(k, ":alt"):
			return "alternates"
		case strings.HasPrefix(k, "story:"):
			return "story"
		}
		if i := strings.IndexByte(k, ':'); i > 0 {
			return k[:i]
		}
	}
	return "other"
}

func memoryByClass(ctx context.Context, rdb *redis.Client, prefix string) (MemoryPoint, error) {
	pt := MemoryPoint{Classes: map[string]KeyClass{}}
	iter := rdb.Scan(ctx, 0, prefix+"*", 2000).Iterator()
	var keys []string
	flush := func() error {
		pipe := rdb.Pipeline()
		cmds := make([]*redis.IntCmd, len(keys))
		for i, k := range keys {
			cmds[i] = pipe.MemoryUsage(ctx, k, 0)
		}
		if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
			return fmt.Errorf("memory usage: %w", err)
		}
		for i, k := range keys {
			c := keyClass(prefix, k)
			kc := pt.Classes[c]
			kc.Keys++
			kc.Bytes += cmds[i].Val()
			pt.Classes[c] = kc
			pt.Total += cmds[i].Val()
		}
		keys = keys[:0]
		return nil
	}
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 1000 {
			if err := flush(); err != nil {
				return pt, err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return pt, fmt.Errorf("scan: %w", err)
	}
	return pt, flush()
}

func usedMemory(ctx context.Context, rdb *redis.Client) int64 {
	s, err := rdb.Info(ctx, "memory").Result()
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			var n int64
			fmt.Sscan(v, &n)
			return n
		}
	}
	return 0
}

// Throughput is one partition's produce and consume rate for one record
// size.
type Throughput struct {
	Record        string  `json:"record"`
	RecordBytes   int     `json:"record_bytes"`
	ProduceRecs   float64 `json:"produce_records_per_s"`
	ProduceMBps   float64 `json:"produce_mb_per_s"`
	ConsumeRecs   float64 `json:"consume_records_per_s"`
	ConsumeMBps   float64 `json:"consume_mb_per_s"`
	CompressRatio float64 `json:"-"`
}

// MeasureBroker produces for d to a one-partition topic per record kind
// (zstd, acks=all, batches of 64 records, as the services write) and reads
// it back, and reports records and MB (uncompressed) per second.
func (b *Bench) MeasureBroker(ctx context.Context, d time.Duration) ([]Throughput, error) {
	mix := b.mix("tput", 99)
	var raws [][]byte
	for i := 0; i < 24; i++ {
		it, err := mix.Next()
		if err != nil {
			return nil, err
		}
		raws = append(raws, it.Record.Value)
	}
	// cleaned and enriched records: article text of the generator (16
	// different records each), as large as the pipeline's mean records
	g := corpus.New(7)
	texts := func(n int) [][]byte {
		var vs [][]byte
		for i := 0; i < 16; i++ {
			var sb strings.Builder
			for sb.Len() < n {
				for _, p := range g.Paragraphs(4, i) {
					sb.WriteString(p)
					sb.WriteString("\n\n")
				}
			}
			vs = append(vs, []byte(sb.String()[:n]))
		}
		return vs
	}
	var out []Throughput
	for _, k := range []struct {
		name string
		vals [][]byte
	}{
		{"news.raw (HTML page)", raws},
		{"news.cleaned (~11 KB)", texts(11 << 10)},
		{"news.enriched (~13 KB)", texts(13 << 10)},
	} {
		topic := fmt.Sprintf("%s-tput-%d", b.runID, len(out))
		if err := b.createOne(ctx, topic); err != nil {
			return out, err
		}
		tp, err := b.throughput(ctx, topic, k.vals, d)
		_ = DeleteTopics(context.WithoutCancel(ctx), b.bc, []string{topic})
		if err != nil {
			return out, err
		}
		tp.Record = k.name
		out = append(out, tp)
		b.cfg.Logf("broker, one partition, %s: produce %.0f rec/s %.1f MB/s, consume %.0f rec/s %.1f MB/s",
			k.name, tp.ProduceRecs, tp.ProduceMBps, tp.ConsumeRecs, tp.ConsumeMBps)
	}
	return out, nil
}

func (b *Bench) createOne(ctx context.Context, topic string) error {
	_, err := b.kc.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{Topic: topic, NumPartitions: 1, ReplicationFactor: 1,
		ConfigEntries: []kafka.ConfigEntry{{ConfigName: "max.message.bytes", ConfigValue: "16777216"}, {ConfigName: "compression.type", ConfigValue: "zstd"}}}}})
	if err != nil {
		return fmt.Errorf("create %s: %w", topic, err)
	}
	return waitLeaders(ctx, b.bc, []string{topic})
}

func (b *Bench) throughput(ctx context.Context, topic string, vals [][]byte, d time.Duration) (Throughput, error) {
	tp := Throughput{}
	var size int
	for _, v := range vals {
		size += len(v)
	}
	tp.RecordBytes = size / len(vals)
	w := &kafka.Writer{Addr: kafka.TCP(b.bc.Brokers...), Transport: b.bc.Transport(), Topic: topic, RequiredAcks: kafka.RequireAll,
		BatchTimeout: 2 * time.Millisecond, BatchSize: 64, BatchBytes: 16 << 20, Compression: kafka.Zstd, MaxAttempts: 3}
	defer broker.CloseWriter(w)
	start := time.Now()
	var n, bytes int
	for time.Since(start) < d {
		msgs := make([]kafka.Message, 64)
		for i := range msgs {
			v := vals[(n+i)%len(vals)]
			msgs[i] = kafka.Message{Key: []byte(fmt.Sprint(n + i)), Value: v}
			bytes += len(v)
		}
		if err := w.WriteMessages(ctx, msgs...); err != nil {
			return tp, fmt.Errorf("produce: %w", err)
		}
		n += len(msgs)
	}
	el := time.Since(start).Seconds()
	tp.ProduceRecs, tp.ProduceMBps = float64(n)/el, float64(bytes)/el/1e6
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: b.bc.Brokers, Topic: topic, Partition: 0, MaxBytes: 32 << 20, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	start = time.Now()
	read, rbytes := 0, 0
	for read < n {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			return tp, fmt.Errorf("consume: %w", err)
		}
		read++
		rbytes += len(m.Value)
	}
	el = time.Since(start).Seconds()
	tp.ConsumeRecs, tp.ConsumeMBps = float64(read)/el, float64(rbytes)/el/1e6
	return tp, nil
}
