package tlsclient

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// serverCA writes the certificate of an httptest TLS server (self-signed,
// valid for 127.0.0.1 and example.com) as a CA file.
func serverCA(t *testing.T, srv *httptest.Server) string {
	return write(t, "ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
}

// quietServer is an httptest TLS server (its certificate is valid for
// example.com, *.example.com, 127.0.0.1 and ::1) that does not log the
// handshake failures the tests cause.
func quietServer(c *tls.Config) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.TLS = c
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	return srv
}

// clientPair writes a self-signed client certificate and key.
func clientPair(t *testing.T, cn string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := x509.MarshalPKCS8PrivateKey(key)
	return write(t, cn+".crt", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		write(t, cn+".key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: k}))
}

// dial does one TLS handshake with f to addr.
func dial(t *testing.T, f Files, addr string) error {
	t.Helper()
	c, err := f.Config()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, c)
	if err != nil {
		return err
	}
	defer conn.Close()
	// A TLS 1.3 server reports a refused client certificate after the
	// handshake: read once to see it.
	_ = conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	_, err = conn.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return nil
	}
	return err
}

func TestExplainHandshakes(t *testing.T) {
	srv := quietServer(nil)
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	ca := serverCA(t, srv)

	mtls := quietServer(&tls.Config{ClientAuth: tls.RequireAnyClientCert})
	defer mtls.Close()

	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	go func() {
		for {
			c, err := plain.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
			c.Close()
		}
	}()
	other, _ := clientPair(t, "an-authority-nobody-trusts")

	tests := []struct {
		name string
		f    Files
		addr string
		want string // "" for a handshake that succeeds
	}{
		{"trusted", Files{CAFile: ca}, addr, ""},
		{"trusted by server name", Files{CAFile: ca, ServerName: "example.com"}, addr, ""},
		{"untrusted CA", Files{CAFile: other}, addr, "certificate signed by unknown authority (not trusted by CA file " + other + ")"},
		{"system roots", Files{}, addr, "not trusted by the system roots"},
		{"wrong server name", Files{CAFile: ca, ServerName: "kafka.example"}, addr, `not valid for "kafka.example" (valid for example.com, *.example.com, 127.0.0.1`},
		{"plaintext server", Files{CAFile: ca}, plain.Addr().String(), "did not answer with TLS"},
		{"client certificate required", Files{InsecureSkipVerify: true}, mtls.Listener.Addr().String(), "may require a client certificate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := dial(t, tc.f, tc.addr)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("handshake: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("handshake succeeded, want a failure")
			}
			got := Explain(err, "test server", tc.f)
			if got == nil || !strings.Contains(got.Error(), tc.want) {
				t.Fatalf("Explain(%v) = %v, want %q", err, got, tc.want)
			}
			if !IsTLS(err) {
				t.Fatalf("IsTLS(%v) = false", err)
			}
		})
	}
	if Explain(net.ErrClosed, "x", Files{}) != nil {
		t.Error("Explain names a TLS cause for a non-TLS error")
	}
}

func TestClientCertificateReadPerHandshake(t *testing.T) {
	var seen []string
	srv := quietServer(&tls.Config{ClientAuth: tls.RequireAnyClientCert, VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
		c, err := x509.ParseCertificate(raw[0])
		if err == nil {
			seen = append(seen, c.Subject.CommonName)
		}
		return err
	}})
	defer srv.Close()
	certFile, keyFile := clientPair(t, "first")
	f := Files{CertFile: certFile, KeyFile: keyFile, InsecureSkipVerify: true}
	if err := f.Validate(func(s string) string { return "x-" + s }); err != nil {
		t.Fatal(err)
	}
	c, err := f.Config()
	if err != nil {
		t.Fatal(err)
	}
	hs := func() {
		conn, err := tls.Dial("tcp", srv.Listener.Addr().String(), c)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.Handshake()
		conn.Close()
	}
	hs()
	// Rotate the files in place, as a Secret update does: the same
	// configuration presents the new certificate.
	c2, k2 := clientPair(t, "second")
	for _, m := range [][2]string{{c2, certFile}, {k2, keyFile}} {
		b, _ := os.ReadFile(m[0])
		if err := os.WriteFile(m[1], b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	hs()
	time.Sleep(50 * time.Millisecond)
	if strings.Join(seen, ",") != "first,second" {
		t.Fatalf("client certificates presented: %v, want first then second", seen)
	}
}

func TestValidate(t *testing.T) {
	certFile, keyFile := clientPair(t, "c")
	flag := func(s string) string { return "redis-tls-" + s }
	tests := []struct {
		name string
		f    Files
		want string
	}{
		{"nothing", Files{}, ""},
		{"pair", Files{CertFile: certFile, KeyFile: keyFile}, ""},
		{"cert without key", Files{CertFile: certFile}, "--redis-tls-cert-file / --redis-tls-key-file"},
		{"missing CA", Files{CAFile: "/nonexistent"}, "--redis-tls-ca-file"},
		{"CA that is not PEM", Files{CAFile: keyFile + "x"}, "--redis-tls-ca-file"},
		{"key of another certificate", Files{CertFile: certFile, KeyFile: write(t, "k.pem", []byte("junk"))}, "load client certificate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.Validate(flag)
			if (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate: %v, want %q", err, tc.want)
			}
		})
	}
	notPEM := write(t, "ca.txt", []byte("not a certificate"))
	if err := (Files{CAFile: notPEM}).Validate(flag); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("a CA file without PEM: %v", err)
	}
}
