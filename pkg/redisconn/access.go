package redisconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"

	"github.com/redis/go-redis/v9"

	"github.com/newsflow/newsflow/pkg/tlsclient"
)

// AccessError is a failure no retry can fix: a wrong password, a disabled
// user, an untrusted certificate or a missing ACL rule. Its message names the
// cause and never holds a secret.
type AccessError struct{ err error }

func (e *AccessError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *AccessError) Unwrap() error { return e.err }

// Permanent marks the error as one that retrying does not fix.
func (e *AccessError) Permanent() bool { return true }

// ProbeKey is the key, under each checked prefix, that CheckAccess asks
// about with EXISTS. It is never written.
const ProbeKey = "access-probe"

// CheckAccess verifies, before the process uses Redis, that it can connect
// (TLS), log in (AUTH with the ACL user) and touch the keys under each of
// prefixes: one PING, then one EXISTS <prefix>access-probe per prefix, which
// the server refuses with NOPERM when the user's ACL lacks the key pattern.
// (The commands a service runs on those keys, scripts included, are listed
// in deploy/local/redis-users.acl; the secure integration test runs the
// services under exactly that file.) Failures that retrying cannot fix are
// *AccessError.
func (c Config) CheckAccess(ctx context.Context, rdb redis.UniversalClient, prefixes []string) error {
	if err := rdb.Ping(ctx).Err(); err != nil {
		return c.Explain(err)
	}
	for _, p := range prefixes {
		if err := rdb.Exists(ctx, p+ProbeKey).Err(); err != nil {
			if isNoPerm(err) {
				return &AccessError{err: fmt.Errorf("redis: user %s may not use keys %s* (add ~%s* and +exists to its ACL; deploy/local/redis-users.acl lists each service's): %w",
					c.User(), p, p, err)}
			}
			return fmt.Errorf("redis: probe keys %s*: %w", p, c.Explain(err))
		}
	}
	return nil
}

// Explain returns err with its cause named when it is an authentication,
// authorisation or TLS failure (then an *AccessError), else err wrapped with
// the server's address.
func (c Config) Explain(err error) error {
	if err == nil {
		return nil
	}
	var ae *AccessError
	if errors.As(err, &ae) {
		return err
	}
	where := c.Redacted()
	msg := err.Error()
	switch {
	case strings.Contains(msg, "WRONGPASS"):
		src := "the password in --redis-url"
		if c.PasswordFile != "" {
			src = "password file " + c.PasswordFile
		}
		return &AccessError{err: fmt.Errorf("redis %s: AUTH failed for user %s (%s): wrong password, or the user is unknown or disabled: %w", where, c.User(), src, err)}
	case strings.Contains(msg, "NOAUTH"):
		return &AccessError{err: fmt.Errorf("redis %s: the server requires a password: set --redis-password-file (and --redis-username for an ACL user): %w", where, err)}
	case isNoPerm(err):
		return &AccessError{err: fmt.Errorf("redis %s: user %s lacks an ACL permission (deploy/local/redis-users.acl lists each service's): %w", where, c.User(), err)}
	case strings.Contains(msg, "failed to resolve credentials"):
		return &AccessError{err: fmt.Errorf("redis %s: %w", where, err)}
	}
	if e := tlsclient.Explain(err, "Redis "+where, c.TLS); e != nil {
		return &AccessError{err: e}
	}
	if strings.HasPrefix(c.URL, "redis://") && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
		return fmt.Errorf("redis %s: the server closed the connection (a TLS-only port? then use rediss://): %w", where, err)
	}
	return fmt.Errorf("redis %s: %w", where, err)
}

func isNoPerm(err error) bool { return strings.Contains(err.Error(), "NOPERM") }
