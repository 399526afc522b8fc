package service

import (
	"math"
	"os"
	"runtime/debug"

	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pkg/config"
)

// memoryLimitUsage explains --memory-limit in --help.
const memoryLimitUsage = "Go soft memory limit: the garbage collector works harder as the heap nears it (0: none). " +
	"Default: GOMEMLIMIT when set (the Kubernetes manifests set it from the container's limit), else this value"

// RegisterMemoryLimit adds --memory-limit with the service's default soft
// limit to s.
func RegisterMemoryLimit(s *config.Set, p *int64, def int64) {
	s.ByteSizeVar(p, "memory-limit", def, memoryLimitUsage)
}

// MemoryLimit is the outcome of ApplyMemoryLimit.
type MemoryLimit struct {
	// Bytes is the soft limit in effect (0: none).
	Bytes int64
	// Source says where it came from: "flag", "GOMEMLIMIT" or "default".
	Source string
}

// ApplyMemoryLimit sets the Go runtime's soft memory limit. An explicit
// --memory-limit wins; else the GOMEMLIMIT environment variable, which the
// runtime has read already, stays; else the service's default applies.
//
// Why a default at all: without a limit the heap grows to twice its live
// size before a collection (GOGC=100). The cleaner's live heap at saturation
// is about 110 MiB, a third of it the language models, so it peaks near
// 310 MiB RSS; at 216 MiB the collector runs more often near the peak (~4%
// more CPU per page, bench/SIZING.md) and RSS stays near 240 MiB. Below the
// limit the collector runs as usual, so a limit above a service's natural
// peak costs nothing; above it Go's collector CPU cap (50%) keeps a burst of
// huge pages from turning into a death spiral. The outcome is logged and
// returned.
func ApplyMemoryLimit(log *zap.Logger, limit int64, explicit bool) MemoryLimit {
	m := applyMemoryLimit(limit, explicit, os.LookupEnv)
	if m.Bytes == 0 {
		log.Info("no Go memory limit", zap.String("source", m.Source))
	} else {
		log.Info("Go memory limit", zap.Int64("bytes", m.Bytes), zap.String("source", m.Source))
	}
	return m
}

func applyMemoryLimit(limit int64, explicit bool, lookupEnv func(string) (string, bool)) MemoryLimit {
	if !explicit {
		if v, ok := lookupEnv("GOMEMLIMIT"); ok && v != "" {
			cur := debug.SetMemoryLimit(-1) // -1 reads the limit without changing it
			return MemoryLimit{Bytes: noLimitAsZero(cur), Source: "GOMEMLIMIT"}
		}
	}
	source := "default"
	if explicit {
		source = "flag"
	}
	if limit <= 0 {
		debug.SetMemoryLimit(noLimit)
		return MemoryLimit{Source: source}
	}
	debug.SetMemoryLimit(limit)
	return MemoryLimit{Bytes: limit, Source: source}
}

// noLimit is the runtime's "no soft memory limit".
const noLimit = math.MaxInt64

func noLimitAsZero(n int64) int64 {
	if n == noLimit {
		return 0
	}
	return n
}
