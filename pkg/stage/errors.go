package stage

import (
	"errors"
	"fmt"
)

// Error classes the Runner itself puts in the DLQ's error-class header.
const (
	ClassPanic            = "panic"
	ClassRetriesExhausted = "retries_exhausted"
)

// rejectError marks input that can never be handled; the Runner parks it in
// the dead-letter topic with the class and reason instead of retrying.
type rejectError struct {
	class string
	err   error
}

func (e *rejectError) Error() string { return e.class + ": " + e.err.Error() }
func (e *rejectError) Unwrap() error { return e.err }

// Reject wraps err to say the input is bad for good. Class is a short
// snake_case word that operators filter the DLQ by (malformed, undecodable,
// too_large, ...).
func Reject(class string, err error) error {
	if err == nil {
		err = errors.New(class)
	}
	return &rejectError{class: class, err: err}
}

// Rejectf is Reject with a formatted reason.
func Rejectf(class, format string, args ...any) error {
	return Reject(class, fmt.Errorf(format, args...))
}

// RejectClass reports whether err (or an error it wraps) is a rejection, and
// its class.
func RejectClass(err error) (string, bool) {
	var r *rejectError
	if errors.As(err, &r) {
		return r.class, true
	}
	return "", false
}

// unavailableError marks a failure of a dependency the handler needs (Redis,
// a model server), not of the input: the Runner pauses and retries the input
// for as long as it takes, never dead-lettering it, and reports the stage not
// ready meanwhile.
type unavailableError struct {
	dep string
	err error
}

func (e *unavailableError) Error() string { return e.dep + " unavailable: " + e.err.Error() }
func (e *unavailableError) Unwrap() error { return e.err }

// Unavailable wraps err to say that dep (e.g. "redis") failed, not the input.
// An input whose handler returns it is retried with backoff until dep answers
// again or the stage stops; it is never dead-lettered.
func Unavailable(dep string, err error) error {
	if err == nil {
		return nil
	}
	return &unavailableError{dep: dep, err: err}
}

// IsUnavailable reports whether err (or an error it wraps) came from
// Unavailable, and the dependency named.
func IsUnavailable(err error) (string, bool) {
	var u *unavailableError
	if errors.As(err, &u) {
		return u.dep, true
	}
	return "", false
}
