package broker

import (
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/segmentio/kafka-go/compress"
)

// ZstdWindow is the back-reference window of the zstd batches newsflow
// writes: the largest page newsflow fetches, so a page's own repeats are
// always in reach. A batch of cleaned stories is a few hundred KB and
// compresses the same as with an 8 MiB window; a 4 MiB batch of generated
// pages compresses 14x instead of 17x (BenchmarkZstdWindow).
const ZstdWindow = 2 << 20

// Why newsflow replaces kafka-go's zstd codec: kafka-go's (compress.ZstdCodec)
// builds its klauspost encoders and decoders with the library's defaults, an
// 8 MiB window. Each pooled encoder then holds 8-16 MiB of history and each
// decoder an 8 MiB ring, per concurrent reader and writer: a cleaner with
// four partitions kept about 50 MiB of compression state live, a quarter of
// its heap at saturation. This codec is the same wire format (any zstd
// reader decodes it, and it decodes any zstd batch) with a 2 MiB window and
// the library's low-memory modes, which allocate history as data arrives: an
// encoder keeps 3.8 MiB instead of 17.8.
func init() {
	compress.Codecs[compress.Zstd] = &zstdCodec{}
}

// zstdCodec implements kafka-go's compress.Codec; it is installed in
// compress.Codecs, the table kafka-go resolves compression codes through.
type zstdCodec struct {
	encoders sync.Pool // *zstd.Encoder
	decoders sync.Pool // *zstd.Decoder
}

func (c *zstdCodec) Code() int8   { return int8(compress.Zstd) }
func (c *zstdCodec) Name() string { return "zstd" }

// NewReader returns a reader decompressing r.
func (c *zstdCodec) NewReader(r io.Reader) io.ReadCloser {
	if d, _ := c.decoders.Get().(*zstd.Decoder); d != nil {
		if err := d.Reset(r); err != nil {
			return &zstdReader{err: fmt.Errorf("zstd: reset decoder: %w", err)}
		}
		return &zstdReader{c: c, dec: d}
	}
	d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
	if err != nil {
		return &zstdReader{err: fmt.Errorf("zstd: new decoder: %w", err)}
	}
	return &zstdReader{c: c, dec: d}
}

// NewWriter returns a writer compressing into w; Close flushes the frame.
func (c *zstdCodec) NewWriter(w io.Writer) io.WriteCloser {
	if e, _ := c.encoders.Get().(*zstd.Encoder); e != nil {
		e.Reset(w)
		return &zstdWriter{c: c, enc: e}
	}
	e, err := zstd.NewWriter(w,
		zstd.WithEncoderLevel(zstd.SpeedDefault), // zstd level 3, as kafka-go's
		zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(ZstdWindow),
		zstd.WithLowerEncoderMem(true),
		zstd.WithZeroFrames(true),
	)
	if err != nil {
		return &zstdWriter{err: fmt.Errorf("zstd: new encoder: %w", err)}
	}
	return &zstdWriter{c: c, enc: e}
}

type zstdReader struct {
	c   *zstdCodec
	dec *zstd.Decoder
	err error
}

func (r *zstdReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	return r.dec.Read(p)
}

// WriteTo lets io.Copy and bytes.Buffer.ReadFrom skip an intermediate buffer.
func (r *zstdReader) WriteTo(w io.Writer) (int64, error) {
	if r.err != nil {
		return 0, r.err
	}
	return r.dec.WriteTo(w)
}

// Close returns the decoder to the pool, holding no reference to the input.
func (r *zstdReader) Close() error {
	if r.dec != nil {
		if err := r.dec.Reset(nil); err == nil {
			r.c.decoders.Put(r.dec)
		}
		r.dec = nil
	}
	if r.err == nil {
		r.err = io.ErrClosedPipe
	}
	return nil
}

type zstdWriter struct {
	c   *zstdCodec
	enc *zstd.Encoder
	err error
}

func (w *zstdWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	return w.enc.Write(p)
}

// ReadFrom lets io.Copy skip an intermediate buffer.
func (w *zstdWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.err != nil {
		return 0, w.err
	}
	return w.enc.ReadFrom(r)
}

// Close ends the frame and returns the encoder to the pool.
func (w *zstdWriter) Close() error {
	if w.enc == nil {
		return w.err
	}
	err := w.enc.Close()
	w.enc.Reset(nil)
	w.c.encoders.Put(w.enc)
	w.enc = nil
	if err != nil {
		w.err = fmt.Errorf("zstd: close frame: %w", err)
		return w.err
	}
	w.err = io.ErrClosedPipe
	return nil
}
