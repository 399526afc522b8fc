package broker

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/segmentio/kafka-go/compress"

	"github.com/newsflow/newsflow/pkg/corpus"
)

// batchOf returns about n bytes of generated news pages, as one compressed
// record batch of the raw topic would hold them.
func batchOf(n int) []byte {
	g := corpus.New(7)
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		b.Write(g.Page(corpus.Spec{ID: i, Lang: "en", Bytes: min(n-b.Len(), 400<<10) + 1024}).HTML)
	}
	return b.Bytes()[:n]
}

func compressWith(t testing.TB, c compress.Codec, data []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w := c.NewWriter(&out)
	if _, err := w.Write(data); err != nil {
		t.Fatalf("%s write: %v", c.Name(), err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("%s close: %v", c.Name(), err)
	}
	return out.Bytes()
}

func decompressWith(t testing.TB, c compress.Codec, data []byte) []byte {
	t.Helper()
	r := c.NewReader(bytes.NewReader(data))
	defer r.Close()
	var out bytes.Buffer
	if _, err := out.ReadFrom(r); err != nil {
		t.Fatalf("%s read: %v", c.Name(), err)
	}
	return out.Bytes()
}

func TestZstdCodecIsInstalledAndInteroperates(t *testing.T) {
	ours := compress.Zstd.Codec()
	if _, ok := ours.(*zstdCodec); !ok {
		t.Fatalf("compress.Zstd resolves to %T, want newsflow's *zstdCodec", ours)
	}
	theirs := &compress.ZstdCodec // kafka-go's own, 8 MiB window
	for _, size := range []int{0, 1, 11 << 10, 300 << 10, 2 << 20, 3<<20 + 17} {
		data := batchOf(size)
		tests := []struct {
			name       string
			enc, dec   compress.Codec
			compressed []byte
		}{
			{"ours to ours", ours, ours, nil},
			{"ours to kafka-go", ours, theirs, nil},
			{"kafka-go to ours", theirs, ours, nil},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%d", tt.name, size), func(t *testing.T) {
				// Twice, so the second round uses pooled encoders and decoders.
				for range 2 {
					got := decompressWith(t, tt.dec, compressWith(t, tt.enc, data))
					if !bytes.Equal(got, data) {
						t.Fatalf("round trip of %d bytes gave %d different bytes", len(data), len(got))
					}
				}
			})
		}
	}
}

func TestZstdReaderReportsCorruptInput(t *testing.T) {
	c := compress.Zstd.Codec()
	data := compressWith(t, c, batchOf(64<<10))
	data[len(data)/2] ^= 0xff
	r := c.NewReader(bytes.NewReader(data))
	defer r.Close()
	if _, err := io.Copy(io.Discard, r); err == nil {
		t.Fatal("a corrupted frame decoded without an error")
	}
	// The decoder went back to the pool; the next batch must still decode.
	want := batchOf(32 << 10)
	if got := decompressWith(t, c, compressWith(t, c, want)); !bytes.Equal(got, want) {
		t.Fatal("the codec failed after a corrupt frame")
	}
}

// BenchmarkZstdWindow compares newsflow's codec with kafka-go's on record
// batches of the sizes the stages write: the compression ratio (original /
// compressed) and the bytes allocated per batch, which the pools carry over.
func BenchmarkZstdWindow(b *testing.B) {
	codecs := []struct {
		name  string
		codec compress.Codec
	}{
		{"newsflow-2MiB", compress.Zstd.Codec()},
		{"kafka-go-8MiB", &compress.ZstdCodec},
	}
	for _, size := range []int{256 << 10, 4 << 20} {
		data := batchOf(size)
		for _, c := range codecs {
			b.Run(fmt.Sprintf("%s/batch=%dKiB", c.name, size>>10), func(b *testing.B) {
				var compressed int
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for b.Loop() {
					compressed = len(compressWith(b, c.codec, data))
				}
				b.ReportMetric(float64(len(data))/float64(compressed), "ratio")
			})
		}
	}
}
