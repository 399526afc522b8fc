package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/redisconn"
)

// security are the TLS, SASL and Redis authentication flags, the same as the
// services' (broker.Config.RegisterSecurity, redisconn.Config.RegisterSecurity).
type security struct {
	kafka broker.Config
	redis redisconn.Config
	// envErr is the first NEWSFLOW_ variable that could not be parsed.
	envErr error
}

// register adds the flags as persistent flags of fs, each defaulting to its
// NEWSFLOW_ variable like the services' flags.
func (s *security) register(fs broker.FlagSet) {
	e := envFlags{fs: fs, err: &s.envErr}
	s.kafka.RegisterSecurity(e)
	s.redis.RegisterSecurity(e)
}

// envFlags registers flags whose default comes from their NEWSFLOW_ variable
// and whose help names it.
type envFlags struct {
	fs  broker.FlagSet
	err *error
}

func (e envFlags) StringVar(p *string, name, value, usage string) {
	e.fs.StringVar(p, name, envOr(name, value), usage+" (env "+config.EnvName(name)+")")
}

func (e envFlags) BoolVar(p *bool, name string, value bool, usage string) {
	if v, ok := os.LookupEnv(config.EnvName(name)); ok {
		b, err := strconv.ParseBool(v)
		switch {
		case err == nil:
			value = b
		case *e.err == nil:
			*e.err = fmt.Errorf("invalid value %q for --%s (from %s): %v", v, name, config.EnvName(name), err)
		}
	}
	e.fs.BoolVar(p, name, value, usage+" (env "+config.EnvName(name)+")")
}

// kafkaSecured reports whether TLS or SASL is configured for Kafka.
func (s *security) kafkaSecured() bool { return s.kafka.TLS.On() || s.kafka.SASL.Mechanism != "" }

// checkKafka logs in once when TLS or SASL is configured, so that a wrong
// password or an untrusted certificate is reported as such, before the
// command starts its work.
func checkKafka(bc broker.Config) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := bc.Ping(ctx); err != nil {
		return fmt.Errorf("kafka as %s (%s): %w", bc.Principal(), bc.Protocol(), err)
	}
	return nil
}
