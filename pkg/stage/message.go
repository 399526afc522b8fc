// Package stage runs the consume -> handle -> produce -> commit loop that every
// newsflow service is built on.
//
// A stage's business logic is a Handler: a plain function from one input message
// to the messages it emits. It knows nothing of Kafka. Around it the Runner adds
// batching, bounded in-flight work, retries with backoff for transient errors, a
// dead-letter topic for rejected input, W3C trace propagation, and offset commits
// that happen only after every output of a message has been acknowledged by the
// broker (or, through a Sink such as pkg/once, deduplicated and confirmed).
package stage

import (
	"context"
	"time"
)

// Header is one Kafka record header.
type Header struct {
	Key   string
	Value []byte
}

// Input is one consumed record as the handler sees it.
type Input struct {
	Topic     string
	Partition int
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   []Header
	Time      time.Time
}

// Header returns the value of the first header named key, or nil.
func (in Input) Header(key string) []byte {
	for _, h := range in.Headers {
		if h.Key == key {
			return h.Value
		}
	}
	return nil
}

// Output is one record a handler emits. Topic may be empty, in which case the
// Runner's default output topic is used.
type Output struct {
	Topic   string
	Key     []byte
	Value   []byte
	Headers []Header

	// StoryID and Revision identify the story this output carries. Sinks that
	// deduplicate (pkg/once) key their claims on them; a plain sink ignores them.
	StoryID  string
	Revision int64
}

// Handler turns one input into zero or more outputs. Return an error wrapped
// with Reject for input that can never succeed (it goes to the dead-letter
// topic); any other error is treated as transient and retried with backoff.
type Handler func(ctx context.Context, in Input) ([]Output, error)

// Result is what a BatchHandler returns for one input: its outputs, or an
// error with the same meaning as a Handler's.
type Result struct {
	Outputs []Output
	Err     error
}

// BatchHandler handles the inputs of a batch together, so that it can make
// one round trip for all of them, and returns one Result per input, in
// order. The Runner retries only the inputs whose Result has a transient
// error.
type BatchHandler func(ctx context.Context, ins []Input) []Result

// Sink delivers the outputs of a batch. Write returns nil only when every
// output has been acknowledged by the broker (or is known to be there already),
// after which the Runner commits the batch's input offsets. A Sink must be safe
// for concurrent use by the partition workers of one Runner.
type Sink interface {
	Write(ctx context.Context, outs []Output) error
}
