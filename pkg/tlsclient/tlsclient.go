// Package tlsclient builds the client side of newsflow's TLS connections (to
// Kafka and to Redis) from PEM files mounted from Secrets, and turns a failed
// handshake into an error that names its cause and the file involved.
//
// Files, not values: flags carry paths, so no key or certificate ever sits in
// a command line, an environment dump or a log. The client certificate is read
// again on every handshake, so a rotated Secret (cert-manager, Strimzi) is
// picked up without a restart; the CA file is read when a configuration is
// built, which every new Kafka dialer and Redis client does.
package tlsclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Files are the TLS settings of one connection.
type Files struct {
	// CAFile is a PEM bundle of the authorities trusted to sign the server's
	// certificate; empty means the system roots.
	CAFile string
	// CertFile and KeyFile are the PEM client certificate (chain) and its key,
	// for servers that require one; both or neither.
	CertFile, KeyFile string
	// ServerName is the name checked against the server's certificate (and
	// sent as SNI); empty means the host dialled.
	ServerName string
	// InsecureSkipVerify accepts any server certificate. For experiments only:
	// it lets anyone on the path read and change the traffic.
	InsecureSkipVerify bool
}

// Validate reads the files once and reports the first problem, naming the
// flag through name (name("ca-file") returns the flag of CAFile, and so on).
func (f Files) Validate(flag func(field string) string) error {
	if (f.CertFile == "") != (f.KeyFile == "") {
		return fmt.Errorf("invalid --%s / --%s: give both the client certificate and its key, or neither", flag("cert-file"), flag("key-file"))
	}
	if f.CAFile != "" {
		if _, err := readPool(f.CAFile); err != nil {
			return fmt.Errorf("invalid --%s: %w", flag("ca-file"), err)
		}
	}
	if f.CertFile != "" {
		if _, err := tls.LoadX509KeyPair(f.CertFile, f.KeyFile); err != nil {
			return fmt.Errorf("invalid --%s / --%s: load client certificate %s and key %s: %w", flag("cert-file"), flag("key-file"), f.CertFile, f.KeyFile, err)
		}
	}
	return nil
}

// Config returns a TLS 1.2+ client configuration.
func (f Files) Config() (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: f.ServerName, InsecureSkipVerify: f.InsecureSkipVerify} //nolint:gosec // opt-in, warned about at start
	if f.CAFile != "" {
		pool, err := readPool(f.CAFile)
		if err != nil {
			return nil, err
		}
		c.RootCAs = pool
	}
	if f.CertFile != "" {
		certFile, keyFile := f.CertFile, f.KeyFile
		// Read per handshake: a rotated Secret is used by the next connection.
		c.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			cert, err := tls.LoadX509KeyPair(certFile, keyFile)
			if err != nil {
				return nil, fmt.Errorf("load client certificate %s: %w", certFile, err)
			}
			return &cert, nil
		}
	}
	return c, nil
}

func readPool(file string) (*x509.CertPool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("CA file %s holds no PEM certificate", file)
	}
	return pool, nil
}

// Explain returns err with its TLS cause spelled out when it is a failed
// handshake, or nil when it is not a TLS problem. what names the peer
// ("Kafka broker 10.0.0.1:9093"); f says which CA file and server name were
// in use. The result never holds key material: only paths and names.
func Explain(err error, what string, f Files) error {
	if err == nil {
		return nil
	}
	ca := "the system roots"
	if f.CAFile != "" {
		ca = "CA file " + f.CAFile
	}
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknown):
		return fmt.Errorf("TLS to %s: certificate signed by unknown authority (not trusted by %s): %w", what, ca, err)
	case errors.As(err, &hostname):
		name := f.ServerName
		if name == "" {
			name = hostname.Host
		}
		return fmt.Errorf("TLS to %s: the server's certificate is not valid for %q (valid for %s); connect by one of those names or set the server-name flag: %w",
			what, name, certNames(hostname.Certificate), err)
	case errors.As(err, &invalid):
		return fmt.Errorf("TLS to %s: the server's certificate is invalid (%s): %w", what, invalidReason(invalid), err)
	case errors.As(err, &record):
		return fmt.Errorf("TLS to %s: the server did not answer with TLS (a plaintext listener?): %w", what, err)
	}
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) {
		return fmt.Errorf("TLS to %s: the server's certificate failed verification against %s: %w", what, ca, err)
	}
	// A TLS alert from the peer has no exported type over TCP; its text is stable.
	if strings.Contains(err.Error(), "remote error: tls:") {
		return fmt.Errorf("TLS to %s: the server refused the handshake; it may require a client certificate or not trust ours: %w", what, err)
	}
	return nil
}

func certNames(c *x509.Certificate) string {
	if c == nil {
		return "no names"
	}
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		if c.Subject.CommonName != "" {
			return "CN " + c.Subject.CommonName + " only (no subject alternative names)"
		}
		return "no names"
	}
	return strings.Join(names, ", ")
}

func invalidReason(e x509.CertificateInvalidError) string {
	switch e.Reason {
	case x509.Expired:
		return "expired or not yet valid"
	case x509.NotAuthorizedToSign:
		return "signed by a certificate that is not a CA"
	case x509.IncompatibleUsage:
		return "not meant for TLS servers"
	default:
		return e.Error()
	}
}

// IsTLS reports whether err is a failed TLS handshake that Explain names.
func IsTLS(err error) bool { return Explain(err, "", Files{}) != nil }
