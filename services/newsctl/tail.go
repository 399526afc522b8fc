package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/newsflow/newsflow/pkg/broker"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/lag"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/topics"
)

type tailOptions struct {
	topic            string
	fromBeginning    bool
	from             string
	json             bool
	entity, language string
	category         string
	max              int
	exitAtEnd        bool
}

func newTailCmd(g *globals) *cobra.Command {
	o := tailOptions{}
	cmd := &cobra.Command{
		Use:   "tail",
		Short: "Follow a topic, decoding newsflow's protobuf messages",
		Long: `tail reads a topic from its end (or from a time, or the beginning) without a
consumer group, decodes each record by its content-type header, and prints it as
readable text or as protobuf JSON lines. Filters keep stories that mention an
entity, are in a language, or are in a topic category.`,
		Example: `  newsctl tail
  newsctl tail --topic news.cleaned --from-beginning --json
  newsctl tail --entity "Xi Jinping" --language en
  newsctl tail --category politics --from now-1h --exit-at-end`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bc, err := g.broker()
			if err != nil {
				return err
			}
			return runTail(cmd.Context(), cmd.OutOrStdout(), bc, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.topic, "topic", topics.Enriched, "topic to follow")
	f.BoolVar(&o.fromBeginning, "from-beginning", false, "start at the first record of each partition")
	f.StringVar(&o.from, "from", "", "start at the first record at or after this time (RFC 3339, date, now-DURATION)")
	f.BoolVar(&o.json, "json", false, "print protobuf JSON lines")
	f.StringVar(&o.entity, "entity", "", "only stories mentioning this entity (case-insensitive)")
	f.StringVar(&o.language, "language", "", "only stories in this language (ISO 639-1)")
	f.StringVar(&o.category, "category", "", "only stories in this category (label, e.g. politics)")
	f.IntVar(&o.max, "max", 0, "stop after this many printed records (0: no limit)")
	f.BoolVar(&o.exitAtEnd, "exit-at-end", false, "stop at the end of each partition instead of following")
	return cmd
}

func runTail(ctx context.Context, w io.Writer, bc broker.Config, o tailOptions) error {
	client := bc.Client()
	parts, err := lag.Offsets(ctx, client, o.topic)
	if err != nil {
		return err
	}
	var fromTime time.Time
	if o.from != "" {
		if fromTime, err = parseTime(o.from, time.Now()); err != nil {
			return fmt.Errorf("--from: %w", err)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type item struct {
		m   kafka.Message
		err error
		end bool
	}
	ch := make(chan item, 256)
	active := 0
	for _, p := range parts {
		start := p.End
		switch {
		case o.fromBeginning:
			start = p.Start
		case !fromTime.IsZero():
			start = kafka.FirstOffset
		}
		if o.exitAtEnd && start >= p.End && fromTime.IsZero() {
			continue
		}
		active++
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: bc.Brokers, Dialer: bc.Dialer(), Topic: o.topic,
			Partition: p.Partition, MaxBytes: 16 << 20, MaxWait: 250 * time.Millisecond})
		if !fromTime.IsZero() {
			err = r.SetOffsetAt(ctx, fromTime)
		} else {
			err = r.SetOffset(start)
		}
		if err != nil {
			r.Close()
			return fmt.Errorf("seek %s/%d: %w", o.topic, p.Partition, err)
		}
		end := p.End
		go func() {
			defer r.Close()
			for {
				if o.exitAtEnd && r.Offset() >= end {
					ch <- item{end: true}
					return
				}
				m, err := r.ReadMessage(ctx)
				if err != nil {
					ch <- item{err: err}
					return
				}
				ch <- item{m: m}
			}
		}()
	}
	printed := 0
	for active > 0 {
		it := <-ch
		switch {
		case it.end:
			active--
			continue
		case it.err != nil:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("read %s: %w", o.topic, it.err)
		}
		msg, err := decodeAny(stage.FromKafka(it.m))
		if err != nil {
			fmt.Fprintf(w, "# %s/%d@%d: %v\n", it.m.Topic, it.m.Partition, it.m.Offset, err)
			continue
		}
		if !o.keep(msg) {
			continue
		}
		if o.json {
			b, _ := protojson.Marshal(msg)
			fmt.Fprintln(w, string(b))
		} else {
			printRecord(w, it.m, msg)
		}
		printed++
		if o.max > 0 && printed >= o.max {
			return nil
		}
	}
	return nil
}

// decodeAny decodes a record by the message name in its content-type header.
func decodeAny(in stage.Input) (proto.Message, error) {
	ct := string(in.Header(stage.HeaderContentType))
	_, name, ok := strings.Cut(ct, "messageType=")
	if !ok {
		return nil, fmt.Errorf("no protobuf content-type header (%q)", ct)
	}
	mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(name))
	if err != nil {
		return nil, fmt.Errorf("unknown message type %s", name)
	}
	m := mt.New().Interface()
	if err := proto.Unmarshal(in.Value, m); err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	return m, nil
}

func (o tailOptions) keep(m proto.Message) bool {
	var lang, category string
	var entities []*newsflowv1.Entity
	switch v := m.(type) {
	case *newsflowv1.EnrichedArticle:
		lang, category, entities = v.GetLanguage(), v.GetCategory().GetLabel(), v.GetEntities()
	case *newsflowv1.CleanedArticle:
		lang = v.GetLanguage()
	}
	if o.language != "" && !strings.EqualFold(lang, o.language) {
		return false
	}
	if o.category != "" && !strings.EqualFold(category, o.category) {
		return false
	}
	if o.entity != "" {
		for _, e := range entities {
			if strings.EqualFold(e.GetName(), o.entity) {
				return true
			}
		}
		return false
	}
	return true
}

func printRecord(w io.Writer, m kafka.Message, msg proto.Message) {
	switch v := msg.(type) {
	case *newsflowv1.EnrichedArticle:
		printStoryText(w, v)
	case *newsflowv1.CleanedArticle:
		fmt.Fprintf(w, "\n== %s\n   story %s  lang %s  words %d  %s\n", v.GetTitle(), v.GetStoryId(), v.GetLanguage(), v.GetWordCount(), v.GetCanonicalUrl())
	case *newsflowv1.RawArticle:
		fmt.Fprintf(w, "%s  %s  %d bytes  %s  (%s/%d@%d)\n", m.Time.UTC().Format(time.RFC3339), v.GetUrl(), len(v.GetBody()),
			v.GetContentType(), m.Topic, m.Partition, m.Offset)
	default:
		b, _ := protojson.Marshal(msg)
		fmt.Fprintln(w, string(b))
	}
}
