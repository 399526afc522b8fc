// Package config loads a service's settings from command-line flags and
// NEWSFLOW_* environment variables, and reports bad values with the name of
// the field at fault.
//
// Every flag has one environment variable: the flag name upper-cased, dashes
// turned into underscores, prefixed with NEWSFLOW_ (--batch-size is
// NEWSFLOW_BATCH_SIZE). A flag given on the command line wins over its
// variable; the variable wins over the default. This is a thin layer over the
// standard flag package rather than a framework because the services need
// exactly two things flag lacks: the environment and a help text that names it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// EnvPrefix is the prefix of every newsflow environment variable.
const EnvPrefix = "NEWSFLOW_"

// Set is a set of flags that can also be given as environment variables.
type Set struct {
	fs      *flag.FlagSet
	program string
	summary string
	lookup  func(string) (string, bool)
	given   map[string]bool // flags set by Parse, from the command line or the environment
}

// New returns an empty Set for the named program. Summary is the one-line
// description printed at the top of --help.
func New(program, summary string) *Set {
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	s := &Set{fs: fs, program: program, summary: summary, lookup: os.LookupEnv}
	fs.Usage = func() { s.PrintUsage(fs.Output()) }
	return s
}

// SetLookupEnv replaces the environment lookup (os.LookupEnv); for tests.
func (s *Set) SetLookupEnv(f func(string) (string, bool)) { s.lookup = f }

// SetOutput sets where --help and parse errors are written.
func (s *Set) SetOutput(w io.Writer) { s.fs.SetOutput(w) }

// EnvName returns the environment variable of a flag name.
func EnvName(flagName string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// StringVar defines a string flag.
func (s *Set) StringVar(p *string, name, value, usage string) { s.fs.StringVar(p, name, value, usage) }

// IntVar defines an int flag.
func (s *Set) IntVar(p *int, name string, value int, usage string) {
	s.fs.IntVar(p, name, value, usage)
}

// Int64Var defines an int64 flag.
func (s *Set) Int64Var(p *int64, name string, value int64, usage string) {
	s.fs.Int64Var(p, name, value, usage)
}

// BoolVar defines a bool flag.
func (s *Set) BoolVar(p *bool, name string, value bool, usage string) {
	s.fs.BoolVar(p, name, value, usage)
}

// DurationVar defines a duration flag (Go syntax: 500ms, 2s, 1h).
func (s *Set) DurationVar(p *time.Duration, name string, value time.Duration, usage string) {
	s.fs.DurationVar(p, name, value, usage)
}

// ListVar defines a comma-separated list flag.
func (s *Set) ListVar(p *[]string, name string, value []string, usage string) {
	*p = append([]string(nil), value...)
	s.fs.Var((*listValue)(p), name, usage)
}

// ByteSizeVar defines a size flag that accepts plain bytes or a unit suffix
// (KiB, MiB, GiB, KB, MB, GB).
func (s *Set) ByteSizeVar(p *int64, name string, value int64, usage string) {
	*p = value
	s.fs.Var((*byteSize)(p), name, usage)
}

// Parse reads args, then fills every flag not given on the command line from
// its environment variable. Errors name the flag and, where it came from the
// environment, the variable. --help returns flag.ErrHelp after printing usage.
func (s *Set) Parse(args []string) error {
	if err := s.fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	s.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	s.given = given
	var errs []error
	s.fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] {
			return
		}
		env := EnvName(f.Name)
		v, ok := s.lookup(env)
		if !ok {
			return
		}
		given[f.Name] = true
		if err := f.Value.Set(v); err != nil {
			errs = append(errs, fmt.Errorf("invalid value %q for --%s (from %s): %v", v, f.Name, env, err))
		}
	})
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if s.fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: %s takes flags only (see --help)", s.fs.Arg(0), s.program)
	}
	return nil
}

// IsSet reports whether Parse set the named flag, from the command line or
// its environment variable, as opposed to leaving its default.
func (s *Set) IsSet(name string) bool { return s.given[name] }

// Args returns the arguments left after the flags.
func (s *Set) Args() []string { return s.fs.Args() }

// Invalid returns the error for a flag whose value fails validation.
func Invalid(flagName, format string, args ...any) error {
	return fmt.Errorf("invalid --%s (%s): %s", flagName, EnvName(flagName), fmt.Sprintf(format, args...))
}

// PrintUsage writes the help text: the summary, then every flag with its
// type, environment variable, default and description, sorted by name.
func (s *Set) PrintUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s [flags]\n\n%s\n\nEvery flag can also be set by the environment variable shown.\n\nFlags:\n", s.program, s.summary)
	var flags []*flag.Flag
	s.fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	sort.Slice(flags, func(i, j int) bool { return flags[i].Name < flags[j].Name })
	for _, f := range flags {
		typ, usage := flag.UnquoteUsage(f)
		if typ == "" {
			typ = "bool"
		}
		fmt.Fprintf(w, "  --%s %s\n", f.Name, typ)
		fmt.Fprintf(w, "        %s\n", usage)
		def := f.DefValue
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(w, "        env %s, default %s\n", EnvName(f.Name), def)
	}
}

type listValue []string

func (l *listValue) String() string { return strings.Join(*l, ",") }

func (l *listValue) Set(v string) error {
	*l = (*l)[:0]
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}

type byteSize int64

var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000},
	{"B", 1},
}

func (b *byteSize) String() string {
	v := int64(*b)
	for _, u := range sizeUnits[:3] {
		if v != 0 && v%u.mult == 0 && v/u.mult < 1024 {
			return strconv.FormatInt(v/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(v, 10)
}

func (b *byteSize) Set(v string) error {
	n, err := ParseByteSize(v)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

// ParseByteSize parses "5MiB", "512KB", "1048576" and the like.
func ParseByteSize(v string) (int64, error) {
	s := strings.TrimSpace(v)
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("not a size: %q (use bytes or a unit such as 512KiB, 5MiB)", v)
	}
	return n * mult, nil
}
