package safehttp

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
)

// bombFloor is how much a compressed body may expand before the ratio is
// judged: small pages of repeated markup legitimately compress very well.
const bombFloor = 1 << 20

// decoder decodes a compressed stream and fails once its output is more
// than maxRatio times the compressed input read so far. Together with the
// body cap this bounds both memory and CPU spent on a hostile body.
type decoder struct {
	r        io.Reader
	closer   io.Closer
	wireN    func() int64
	maxRatio int64
	out      int64
}

func newDecoder(wire io.Reader, encoding string, wireN func() int64, maxRatio int) (*decoder, error) {
	d := &decoder{wireN: wireN, maxRatio: int64(maxRatio)}
	switch encoding {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(wire)
		if err != nil {
			return nil, &Error{Class: ClassBomb, Phase: "body", Err: fmt.Errorf("gzip body: %w", err)}
		}
		// A concatenated gzip stream is legal, and each member resets the
		// header; the ratio check still spans all of them.
		d.r, d.closer = zr, zr
	case "deflate":
		// "deflate" is zlib-wrapped per RFC 9110, but some servers send raw
		// deflate; peek at the zlib header to tell.
		br := &peekReader{r: wire}
		hdr, _ := br.peek(2)
		if len(hdr) == 2 && hdr[0]&0x0f == 8 && (uint16(hdr[0])<<8|uint16(hdr[1]))%31 == 0 {
			zr, err := zlib.NewReader(br)
			if err != nil {
				return nil, &Error{Class: ClassBomb, Phase: "body", Err: fmt.Errorf("deflate body: %w", err)}
			}
			d.r, d.closer = zr, zr
		} else {
			fr := flate.NewReader(br)
			d.r, d.closer = fr, fr
		}
	default:
		return nil, &Error{Class: ClassProtocol, Phase: "body",
			Err: fmt.Errorf("unsupported Content-Encoding %q (asked for gzip or deflate only)", encoding)}
	}
	return d, nil
}

func (d *decoder) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	d.out += int64(n)
	if d.out > bombFloor {
		in := d.wireN()
		if in < 1 {
			in = 1
		}
		if d.out/in > d.maxRatio {
			return n, &Error{Class: ClassBomb, Phase: "body",
				Err: fmt.Errorf("decompression bomb: %s of compressed body expanded to %s (ratio %d, limit %d)",
					FormatBytes(in), FormatBytes(d.out), d.out/in, d.maxRatio)}
		}
	}
	if err != nil && err != io.EOF {
		return n, &Error{Class: ClassBomb, Phase: "body", Err: fmt.Errorf("corrupt compressed body: %w", err)}
	}
	return n, err
}

func (d *decoder) Close() error { return d.closer.Close() }

type peekReader struct {
	r   io.Reader
	buf []byte
}

func (p *peekReader) peek(n int) ([]byte, error) {
	for len(p.buf) < n {
		b := make([]byte, n-len(p.buf))
		m, err := p.r.Read(b)
		p.buf = append(p.buf, b[:m]...)
		if err != nil {
			return p.buf, err
		}
	}
	return p.buf, nil
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// IsGzip reports whether data starts with the gzip magic number (sitemaps
// are often served as .xml.gz files rather than with Content-Encoding).
func IsGzip(data []byte) bool { return len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b }

// Gunzip decodes a gzip document already in memory under the same guards
// as a response body: at most maxBytes of output (an error beyond), and at
// most maxRatio expansion past the first MiB.
func Gunzip(data []byte, maxBytes int64, maxRatio int) ([]byte, error) {
	if maxRatio <= 0 {
		maxRatio = 100
	}
	wire := &countingReader{r: bytes.NewReader(data)}
	dec, err := newDecoder(wire, "gzip", func() int64 { return wire.n }, maxRatio)
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	out, _, err := readCapped(dec, maxBytes, false, -1)
	return out, err
}
