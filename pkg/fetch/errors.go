package fetch

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/newsflow/newsflow/pkg/fetch/guard"
	"github.com/newsflow/newsflow/pkg/fetch/ratelimit"
	"github.com/newsflow/newsflow/pkg/fetch/robots"
	"github.com/newsflow/newsflow/pkg/fetch/safehttp"
)

// Error classes of the politeness layer, beside those of safehttp.
const (
	ClassRobotsDenied      = "robots_denied"      // robots.txt disallows the URL
	ClassRobotsUnreachable = "robots_unreachable" // robots.txt could not be fetched; try later
	ClassCircuitOpen       = "circuit_open"       // the host failed repeatedly; requests paused
	ClassRateBacklog       = "rate_backlog"       // the host's request schedule is full; try later
	ClassRedis             = "redis"              // shared state unavailable
	ClassHTTP4xx           = "http_4xx"           // the server refused the page
	ClassHTTP429           = "http_429"           // the server asked us to slow down
	ClassHTTP5xx           = "http_5xx"           // the server failed
	ClassHTTPOther         = "http_other"         // an unexpected status (1xx, unfollowed 3xx)
	ClassContentType       = "content_type"       // not a page (PDF, image, video, ...)
	ClassParse             = "parse"              // a feed or sitemap that does not parse
)

// StatusError is a response whose status is not a success.
type StatusError struct {
	URL        string
	StatusCode int
	// RetryAfter is the server's Retry-After, if it gave one.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("fetch %s: HTTP %d", e.URL, e.StatusCode)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// RobotsDeniedError is a URL that robots.txt disallows.
type RobotsDeniedError struct {
	URL, RobotsURL string
}

func (e *RobotsDeniedError) Error() string {
	return fmt.Sprintf("fetch %s: disallowed by %s", e.URL, e.RobotsURL)
}

// classError gives a politeness error its class.
type classError struct {
	class string
	err   error
}

func (e *classError) Error() string { return e.err.Error() }
func (e *classError) Unwrap() error { return e.err }

func withClass(class string, err error) error { return &classError{class: class, err: err} }

// Class returns the metric and log class of a fetch error.
func Class(err error) string {
	if err == nil {
		return ""
	}
	var ce *classError
	if errors.As(err, &ce) {
		return ce.class
	}
	var rd *RobotsDeniedError
	if errors.As(err, &rd) {
		return ClassRobotsDenied
	}
	var se *StatusError
	if errors.As(err, &se) {
		switch {
		case se.StatusCode == 429:
			return ClassHTTP429
		case se.StatusCode >= 500:
			return ClassHTTP5xx
		case se.StatusCode >= 400:
			return ClassHTTP4xx
		}
		return ClassHTTPOther
	}
	if errors.Is(err, ratelimit.ErrBacklog) {
		return ClassRateBacklog
	}
	if c := safehttp.ClassOf(err); c != "other" {
		return c
	}
	if errors.Is(err, robots.ErrUnreachable) {
		return ClassRobotsUnreachable
	}
	if errors.Is(err, guard.ErrBlocked) {
		return safehttp.ClassSSRF
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return safehttp.ClassCanceled
	}
	return "other"
}

// Retryable reports whether the same request may succeed if made again
// soon (within one fetch's retry loop).
func Retryable(err error) bool {
	switch Class(err) {
	case safehttp.ClassTimeout, safehttp.ClassConnect, safehttp.ClassProtocol, ClassHTTP5xx, ClassHTTP429:
		return true
	}
	return false
}

// Permanent reports whether a failed page will fail the same way on every
// later try, so the item should be marked done rather than retried at the
// next poll: the guard refused it, robots.txt forbids it, the server says
// it is gone, or the body is unacceptable.
func Permanent(err error) bool {
	switch Class(err) {
	case safehttp.ClassSSRF, ClassRobotsDenied, ClassHTTP4xx, ClassContentType, safehttp.ClassTooLarge,
		safehttp.ClassBomb, safehttp.ClassRedirectLoop, safehttp.ClassRedirectLimit, safehttp.ClassRedirectDeny, ClassHTTPOther:
		return true
	}
	return false
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := time.Parse(time.RFC1123, v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
