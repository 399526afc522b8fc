package stage

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// Header names newsflow puts on every record.
const (
	HeaderTraceparent   = "traceparent"
	HeaderStage         = "newsflow-stage"
	HeaderReplay        = "newsflow-replay"
	HeaderContentType   = "content-type"
	HeaderSchemaVersion = "schema-version"

	// Dead-letter headers.
	HeaderErrorClass      = "newsflow-error-class"
	HeaderError           = "newsflow-error"
	HeaderAttempt         = "newsflow-attempt"
	HeaderOriginTopic     = "newsflow-original-topic"
	HeaderOriginPartition = "newsflow-original-partition"
	HeaderOriginOffset    = "newsflow-original-offset"
	HeaderDeadLetteredAt  = "newsflow-dead-lettered-at"
)

// childTraceparent returns the W3C traceparent of an output record: the
// input's trace id with a new span id, or a new trace when the input has none
// or an invalid one. Written by hand because all newsflow needs of W3C trace
// context is this one header; an OpenTelemetry SDK would add a tracer
// provider and exporter to every binary for no gain until spans are exported.
func childTraceparent(parent []byte) string {
	var span [8]byte
	_, _ = rand.Read(span[:])
	if traceID, flags, ok := parseTraceparent(string(parent)); ok {
		return "00-" + traceID + "-" + hex.EncodeToString(span[:]) + "-" + flags
	}
	var trace [16]byte
	_, _ = rand.Read(trace[:])
	return "00-" + hex.EncodeToString(trace[:]) + "-" + hex.EncodeToString(span[:]) + "-01"
}

// parseTraceparent checks a version-00 traceparent and returns its trace id
// and flags.
func parseTraceparent(s string) (traceID, flags string, ok bool) {
	parts := strings.Split(strings.TrimSpace(s), "-")
	if len(parts) != 4 || parts[0] != "00" || len(parts[1]) != 32 || len(parts[2]) != 16 || len(parts[3]) != 2 {
		return "", "", false
	}
	for _, p := range parts[1:] {
		if !isLowerHex(p) {
			return "", "", false
		}
	}
	if strings.Trim(parts[1], "0") == "" || strings.Trim(parts[2], "0") == "" {
		return "", "", false
	}
	return parts[1], parts[3], true
}

func isLowerHex(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
