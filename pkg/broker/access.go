package broker

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
	kgosasl "github.com/twmb/franz-go/pkg/sasl"
	kgoplain "github.com/twmb/franz-go/pkg/sasl/plain"
	kgoscram "github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/newsflow/newsflow/pkg/secret"
)

// Need is what a process must be allowed to do on the cluster: the Kafka
// ACLs it needs, as topic and group operations.
type Need struct {
	// Read are topics it consumes or reads back (ACL READ, which implies DESCRIBE).
	Read []string
	// Write are topics it produces to (ACL WRITE, which implies DESCRIBE).
	Write []string
	// Groups are consumer groups it joins and commits for (ACL READ on the group).
	Groups []string
}

// AccessError is a failure no retry can fix: the process cannot
// authenticate, does not trust the broker (or the broker not it), or lacks an
// ACL. Its message names the cause and never holds a secret.
type AccessError struct{ err error }

func (e *AccessError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *AccessError) Unwrap() error { return e.err }

// Permanent marks the error as one that retrying does not fix.
func (e *AccessError) Permanent() bool { return true }

// IsPermanent reports whether err, or an error it wraps, says it is permanent.
func IsPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// CheckAccess verifies, before anything is consumed or produced, that this
// process can reach the cluster, trusts and is trusted by it (TLS), logs in
// (SASL), and holds every ACL in need. A wrong password, an untrusted
// certificate, a missing topic ACL or a missing group ACL is an *AccessError
// naming the cause; other errors (broker unreachable, topic not created yet)
// may pass with time.
//
// How the ACLs are verified: the service itself cannot list ACLs (that needs
// DESCRIBE on the cluster, an admin right), and there is no side-effect-free
// produce to try a WRITE with. Instead the broker is asked what this
// principal may do: Metadata v8+ with IncludeTopicAuthorizedOperations and
// DescribeGroups v3-v5 with IncludeAuthorizedOperations (KIP-430) return, per
// topic and group, the operations the broker's authorizer grants the caller,
// computed by the same authorizer, with the same deny rules, host and prefix
// ACLs, that will judge the real requests. kafka-go does not expose those
// fields, so this one check speaks through franz-go's kgo/kmsg (already a
// dependency, for the embedded broker of newsctl dev), with the same TLS
// files and SASL credentials; the authentication itself is first tried with
// kafka-go, the client every later connection uses.
func (c Config) CheckAccess(ctx context.Context, need Need) error {
	topics := unique(append(append([]string(nil), need.Read...), need.Write...))

	// 1. Connect and log in through kafka-go's own dialer: TLS and SASL
	// failures surface here exactly as they would in the readers and writers.
	// (Its per-topic answers come from kafka-go's metadata cache, which
	// cannot tell a topic the principal may not see from a missing one: the
	// topics are judged in step 2.)
	kc := c.Client()
	_, err := kc.Metadata(ctx, &kafka.MetadataRequest{Topics: topics})
	CloseClient(kc)
	if err != nil {
		return fmt.Errorf("connect to kafka %s as %s (%s): %w", strings.Join(c.Brokers, ","), c.Principal(), c.Protocol(), c.Explain(err))
	}

	// 2. Ask the authorizer what this principal may do.
	cl, err := c.kgoClient()
	if err != nil {
		return fmt.Errorf("kafka access check: %w", err)
	}
	defer cl.Close()
	if len(topics) > 0 {
		if err := c.checkTopics(ctx, cl, need, topics); err != nil {
			return err
		}
	}
	if len(need.Groups) > 0 {
		if err := c.checkGroups(ctx, cl, unique(need.Groups)); err != nil {
			return err
		}
	}
	return nil
}

func (c Config) topicError(topic string, err error) error {
	switch {
	case errors.Is(err, kerr.TopicAuthorizationFailed):
		return &AccessError{err: fmt.Errorf("kafka: %s is not authorised to DESCRIBE topic %s (no ACL on it; Kafka does not tell such a principal whether the topic exists): %w", c.Principal(), topic, err)}
	case errors.Is(err, kerr.UnknownTopicOrPartition):
		return fmt.Errorf("kafka: topic %s does not exist (create it with `newsctl topics create`): %w", topic, err)
	}
	return fmt.Errorf("kafka: metadata of topic %s: %w", topic, err)
}

func (c Config) checkTopics(ctx context.Context, cl *kgo.Client, need Need, topics []string) error {
	req := kmsg.NewPtrMetadataRequest()
	req.IncludeTopicAuthorizedOperations = true
	for _, t := range topics {
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr(t)
		req.Topics = append(req.Topics, rt)
	}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return fmt.Errorf("kafka access check (metadata): %w", c.Explain(err))
	}
	ops := map[string]int32{}
	for _, t := range resp.Topics {
		name := ""
		if t.Topic != nil {
			name = *t.Topic
		}
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			return c.topicError(name, err)
		}
		ops[name] = t.AuthorizedOperations
	}
	check := func(topics []string, op kmsg.ACLOperation) error {
		for _, t := range topics {
			got, ok := ops[t]
			if !ok {
				return fmt.Errorf("kafka access check: the broker did not describe topic %s", t)
			}
			if got == math.MinInt32 { // the broker did not compute them (KIP-430 unsupported)
				continue
			}
			if got&(1<<op) == 0 {
				return &AccessError{err: fmt.Errorf("kafka: %s is not authorised to %s topic %s (it may: %s); add the ACL (docs/security.md lists each service's)",
					c.Principal(), op, t, opList(got))}
			}
		}
		return nil
	}
	if err := check(need.Read, kmsg.ACLOperationRead); err != nil {
		return err
	}
	return check(need.Write, kmsg.ACLOperationWrite)
}

func (c Config) checkGroups(ctx context.Context, cl *kgo.Client, groups []string) error {
	req := kmsg.NewPtrDescribeGroupsRequest()
	req.Groups = groups
	req.IncludeAuthorizedOperations = true
	// kgo sends the request to each group's coordinator and merges the answers.
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		if errors.Is(err, kerr.GroupAuthorizationFailed) {
			return &AccessError{err: fmt.Errorf("kafka: %s is not authorised to DESCRIBE consumer group %s: %w", c.Principal(), strings.Join(groups, ","), err)}
		}
		return fmt.Errorf("kafka access check (describe groups): %w", c.Explain(err))
	}
	for _, g := range resp.Groups {
		gerr := kerr.ErrorForCode(g.ErrorCode)
		switch {
		case errors.Is(gerr, kerr.GroupAuthorizationFailed):
			return &AccessError{err: fmt.Errorf("kafka: %s is not authorised to READ consumer group %s (not even DESCRIBE); add the ACL (docs/security.md lists each service's): %w",
				c.Principal(), g.Group, gerr)}
		case errors.Is(gerr, kerr.GroupIDNotFound):
			// A group that never existed: newer brokers describe no
			// operations for it, but FindCoordinator (DESCRIBE) passed.
			continue
		case gerr != nil:
			return fmt.Errorf("kafka access check: describe group %s: %w", g.Group, gerr)
		}
		if g.AuthorizedOperations == math.MinInt32 {
			continue
		}
		if g.AuthorizedOperations&(1<<kmsg.ACLOperationRead) == 0 {
			return &AccessError{err: fmt.Errorf("kafka: %s is not authorised to READ consumer group %s (it may: %s); add the ACL (docs/security.md lists each service's)",
				c.Principal(), g.Group, opList(g.AuthorizedOperations))}
		}
	}
	return nil
}

// kgoClient is a franz-go client with the same brokers, TLS and login.
func (c Config) kgoClient() (*kgo.Client, error) {
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.Brokers...),
		kgo.ClientID(c.ClientID),
		kgo.DialTimeout(c.DialTimeout),
		kgo.RetryTimeout(10 * time.Second),
		kgo.MaxVersions(checkVersions()),
	}
	if c.TLS.On() {
		tc, err := c.TLS.Config()
		if err != nil {
			return nil, fmt.Errorf("kafka TLS: %w", err)
		}
		opts = append(opts, kgo.DialTLSConfig(tc))
	}
	if m := c.SASL.mechanism(); m != "" {
		pw, err := secret.Read(c.SASL.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("kafka SASL: %w", err)
		}
		var mech kgosasl.Mechanism
		switch m {
		case MechanismPlain:
			mech = kgoplain.Auth{User: c.SASL.Username, Pass: pw}.AsMechanism()
		case MechanismSCRAMSHA256:
			mech = kgoscram.Auth{User: c.SASL.Username, Pass: pw}.AsSha256Mechanism()
		default:
			mech = kgoscram.Auth{User: c.SASL.Username, Pass: pw}.AsSha512Mechanism()
		}
		opts = append(opts, kgo.SASL(mech))
	}
	return kgo.NewClient(opts...)
}

// opList names the operations set in an authorized-operations bitfield.
// checkVersions caps DescribeGroups at v5: from v6 (KIP-1043) a broker
// answers GROUP_ID_NOT_FOUND for a group that has no members or offsets yet
// (a service's first start) and then omits the authorized operations; up to
// v5 it describes the group as Dead, with them.
func checkVersions() *kversion.Versions {
	v := kversion.Stable()
	v.SetMaxKeyVersion(kmsg.DescribeGroups.Int16(), 5)
	return v
}

func opList(bits int32) string {
	var names []string
	for op := kmsg.ACLOperationRead; op <= kmsg.ACLOperationDescribeTokens; op++ {
		if bits&(1<<op) != 0 {
			names = append(names, op.String())
		}
	}
	if len(names) == 0 {
		return "nothing"
	}
	return strings.Join(names, ", ")
}

func unique(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}
