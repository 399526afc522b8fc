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
