package safehttp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/newsflow/newsflow/pkg/fetch/guard"
)

// Error classes, used in logs and as the "class" label of error metrics.
const (
	ClassSSRF          = "ssrf"            // the guard refused the URL or the dialled address
	ClassDNS           = "dns"             // the host name did not resolve
	ClassConnect       = "connect"         // TCP connect failed (refused, unreachable)
	ClassTLS           = "tls"             // TLS handshake or certificate failure
	ClassTimeout       = "timeout"         // a phase took longer than its timeout
	ClassTooLarge      = "too_large"       // the body is over the cap and the request refuses cut bodies
	ClassBomb          = "decompression"   // the compressed body expands too far, or is corrupt
	ClassRedirectLimit = "redirect_limit"  // too many redirects
	ClassRedirectLoop  = "redirect_loop"   // a redirect came back to a URL already visited
	ClassRedirectDeny  = "redirect_denied" // a redirect hook (robots) refused a hop
	ClassProtocol      = "protocol"        // a malformed response or a dropped connection
	ClassCanceled      = "canceled"        // the caller gave up (shutdown)
)

// Error is a failed fetch: what failed (Class), when (Phase: dns, connect,
// tls, headers, body, redirect), for which URL, and the cause.
type Error struct {
	Class string
	Phase string
	URL   string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("fetch ")
	b.WriteString(e.URL)
	b.WriteString(": ")
	b.WriteString(e.Class)
	if e.Phase != "" {
		b.WriteString(" during ")
		b.WriteString(e.Phase)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ClassOf returns the class of err: the Class of a wrapped *Error, or
// "other".
func ClassOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	if errors.Is(err, guard.ErrBlocked) {
		return ClassSSRF
	}
	if errors.Is(err, context.Canceled) {
		return ClassCanceled
	}
	return "other"
}

// Transient reports whether retrying later may succeed: timeouts, failed
// connects and dropped connections are transient; refusals by the guard,
// oversized or bombed bodies and redirect trouble are not.
func Transient(err error) bool {
	switch ClassOf(err) {
	case ClassTimeout, ClassConnect, ClassProtocol, ClassDNS, ClassTLS:
		return true
	}
	return false
}

// classify turns a transport error into an *Error. cause is the context
// cause when the fetch's own context ended.
func classify(rawURL, phase string, err, cause error) *Error {
	if e := (*Error)(nil); errors.As(err, &e) {
		return e
	}
	var blocked *guard.BlockedError
	switch {
	case errors.As(err, &blocked):
		return &Error{Class: ClassSSRF, Phase: phase, URL: rawURL, Err: blocked}
	case cause != nil && errors.Is(cause, errTimeout):
		return &Error{Class: ClassTimeout, Phase: phase, URL: rawURL, Err: cause}
	case errors.Is(err, context.Canceled) || errors.Is(cause, context.Canceled):
		return &Error{Class: ClassCanceled, Phase: phase, URL: rawURL, Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Class: ClassTimeout, Phase: phase, URL: rawURL, Err: err}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsTimeout {
			return &Error{Class: ClassTimeout, Phase: "dns", URL: rawURL, Err: err}
		}
		return &Error{Class: ClassDNS, Phase: "dns", URL: rawURL, Err: err}
	}
	if strings.Contains(err.Error(), "resolve ") && phase == "connect" {
		return &Error{Class: ClassDNS, Phase: "dns", URL: rawURL, Err: err}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &Error{Class: ClassTimeout, Phase: phase, URL: rawURL, Err: err}
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return &Error{Class: ClassConnect, Phase: "connect", URL: rawURL, Err: err}
	}
	if phase == "tls" || strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:") {
		return &Error{Class: ClassTLS, Phase: "tls", URL: rawURL, Err: err}
	}
	return &Error{Class: ClassProtocol, Phase: phase, URL: rawURL, Err: err}
}

// timeoutError is the context cause of a phase timeout, so the error says
// which limit was hit.
type timeoutError struct{ msg string }

func (e *timeoutError) Error() string        { return e.msg }
func (e *timeoutError) Is(target error) bool { return target == errTimeout }

var errTimeout = errors.New("timeout")

func timeoutf(format string, args ...any) error {
	return &timeoutError{msg: fmt.Sprintf(format, args...)}
}
