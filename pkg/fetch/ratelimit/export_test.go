package ratelimit

import (
	"context"
	"time"
)

// SetSleep replaces the limiter's sleep, for tests.
func SetSleep(l *Limiter, f func(ctx context.Context, d time.Duration) error) { l.sleep = f }
