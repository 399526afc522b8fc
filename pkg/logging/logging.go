// Package logging builds the zap loggers of newsflow's binaries: JSON lines in
// production, coloured console lines in development.
package logging

import (
	"fmt"
	"os"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Config selects the log level and format.
type Config struct {
	// Level is debug, info, warn or error.
	Level string
	// Format is json (production) or console (development).
	Format string
}

// Register adds --log-level and --log-format to a flag set.
func (c *Config) Register(s interface {
	StringVar(p *string, name, value, usage string)
}) {
	s.StringVar(&c.Level, "log-level", "info", "log level: debug, info, warn or error")
	s.StringVar(&c.Format, "log-format", "json", "log format: json (production) or console (development)")
}

// New builds a logger for the named service. It writes to stderr.
func New(service string, c Config) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(c.Level)
	if err != nil {
		return nil, fmt.Errorf("invalid --log-level (NEWSFLOW_LOG_LEVEL): %q is not one of debug, info, warn, error", c.Level)
	}
	var enc zapcore.Encoder
	switch c.Format {
	case "json", "":
		ec := zap.NewProductionEncoderConfig()
		ec.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewJSONEncoder(ec)
	case "console":
		ec := zap.NewDevelopmentEncoderConfig()
		ec.EncodeLevel = zapcore.CapitalColorLevelEncoder
		ec.EncodeTime = zapcore.TimeEncoderOfLayout("15:04:05.000")
		enc = zapcore.NewConsoleEncoder(ec)
	default:
		return nil, fmt.Errorf("invalid --log-format (NEWSFLOW_LOG_FORMAT): %q is not json or console", c.Format)
	}
	core := zapcore.NewCore(enc, zapcore.Lock(os.Stderr), lvl)
	return zap.New(core, zap.AddCaller()).With(zap.String("service", service)), nil
}
