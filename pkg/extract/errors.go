package extract

import (
	"context"
	"errors"
	"fmt"
)

// Outcomes of an extraction, used as the DLQ reason and as a metrics label.
// Every error that Extract returns for a bad page is an *Error carrying one of
// the Outcome* constants other than OutcomeOK.
const (
	// OutcomeOK: an article was extracted.
	OutcomeOK = "ok"
	// OutcomeTooLarge: the body exceeds the size cap; nothing was parsed.
	OutcomeTooLarge = "too_large"
	// OutcomeUndecodable: the charset is unsupported or the bytes do not
	// decode in the declared or sniffed charset.
	OutcomeUndecodable = "undecodable"
	// OutcomeBinary: the body is not text (an image, PDF, archive, random bytes).
	OutcomeBinary = "binary"
	// OutcomeEmpty: the page has no visible text at all.
	OutcomeEmpty = "empty"
	// OutcomeNotArticle: the page has text but no article (index, section or
	// search pages, error pages, pages that are only a title and links).
	OutcomeNotArticle = "not_article"
	// OutcomeTooComplex: the page exceeds the parse budget (nodes).
	OutcomeTooComplex = "too_complex"
	// OutcomeCanceled: the context was canceled or timed out.
	OutcomeCanceled = "canceled"
	// OutcomeError: any other failure (not a property of the page).
	OutcomeError = "error"
)

// Error is the error type of Extract. Compare with errors.Is against the
// Err* sentinels, or read Outcome directly.
type Error struct {
	Outcome string // one of the Outcome* constants
	Detail  string // human-readable reason, for the DLQ entry; may be empty
	Err     error  // underlying cause, if any
}

// Sentinels for errors.Is. errors.Is(err, ErrTooLarge) is true for every
// *Error whose Outcome is OutcomeTooLarge, whatever its Detail.
var (
	ErrTooLarge    = &Error{Outcome: OutcomeTooLarge}
	ErrUndecodable = &Error{Outcome: OutcomeUndecodable}
	ErrBinary      = &Error{Outcome: OutcomeBinary}
	ErrEmpty       = &Error{Outcome: OutcomeEmpty}
	ErrNotArticle  = &Error{Outcome: OutcomeNotArticle}
	ErrTooComplex  = &Error{Outcome: OutcomeTooComplex}
)

func (e *Error) Error() string {
	msg := "extract: " + e.Outcome
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is a sentinel (or any *Error) with the same Outcome.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Outcome == e.Outcome && t.Detail == "" && t.Err == nil
}

func newError(outcome string, err error, format string, args ...any) *Error {
	return &Error{Outcome: outcome, Detail: fmt.Sprintf(format, args...), Err: err}
}

// OutcomeOf maps the result of Extract to its outcome label: OutcomeOK for a
// nil error, the Outcome of an *Error, OutcomeCanceled for context errors and
// OutcomeError otherwise. Use it as the metrics label.
func OutcomeOf(err error) string {
	if err == nil {
		return OutcomeOK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Outcome
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return OutcomeCanceled
	}
	return OutcomeError
}
