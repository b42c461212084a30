package cmdutil

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// ProgramName is the program's name: the root command's, and the prefix
// of every error line.
const ProgramName = "eksaccess"

// This file is how eksaccess reads its command line where cobra alone
// would not do what a user expects: --help anywhere, unknown commands and
// flags, and the errors of flag parsing.

// NoArgs rejects positional arguments as a usage error (exit 2).
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return UsageErrorf("unexpected argument %s: %s takes flags only (see --help)", access.Quote(args[0]), cmd.CommandPath())
	}
	return nil
}

// Preflight reads the arguments before cobra does and returns the ones to
// execute, or a usage error:
//   - -h or --help anywhere before "--" shows the help of the command the
//     arguments name, whatever else they hold (cobra would first fail on
//     another flag's value, or show the root's help for `eksaccess --help list`);
//   - an unknown command is a usage error with a suggestion;
//   - "--" where a command is expected is a usage error, not the root's help.
func Preflight(root *cobra.Command, args []string) ([]string, error) {
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		return args, nil // cobra's hidden completion entry points: a line being typed
	}
	s := scanArgs(root, args)
	switch {
	case s.cmd.HasSubCommands() && len(s.positional) > 0:
		return nil, unknownVerb(s.cmd, s.positional[0])
	case s.help:
		return append(commandNames(s.cmd), "--help"), nil
	case s.cmd.HasSubCommands() && len(s.afterDashes) > 0:
		word := s.afterDashes[0]
		err := fmt.Errorf(`unexpected "--" before the command: %s after it is not read as a command`, access.Quote(word))
		if sub := subcommand(s.cmd, word); sub != nil {
			return nil, UsageError(WithHint(err, `drop the "--": %s ...`, sub.CommandPath()))
		}
		return nil, UsageError(WithHint(err, "see %s --help for the commands", s.cmd.CommandPath()))
	}
	return args, nil
}

// argScan is what scanArgs found in the arguments.
type argScan struct {
	cmd         *cobra.Command // the deepest command the arguments name
	help        bool           // -h or --help before "--"
	positional  []string       // words before "--" that are neither commands nor flag values
	afterDashes []string       // what follows "--"
}

// scanArgs walks the arguments as pflag and cobra will read them: a flag
// that takes a value consumes the next argument (unless written
// --flag=value), and the first words that name subcommands select the
// command.
func scanArgs(root *cobra.Command, args []string) argScan {
	s := argScan{cmd: root}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			s.afterDashes = args[i+1:]
			return s
		case strings.HasPrefix(a, "--"):
			name, _, inline := strings.Cut(a[2:], "=")
			f := lookupFlag(s.cmd, name)
			switch {
			case name == "help":
				s.help = true
			case inline:
			case f != nil && f.NoOptDefVal == "":
				i++ // the flag's value
			case f == nil && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") && subcommand(s.cmd, args[i+1]) == nil:
				// An unknown flag (cobra reports it later, with a
				// suggestion): a word after it that is no command is
				// most likely its value (--cluster-name prod list).
				i++
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			// -y, -ojson, -o json, -yo json
			for j := 1; j < len(a); j++ {
				if a[j] == 'h' {
					s.help = true
					continue
				}
				if f := lookupShorthand(s.cmd, a[j:j+1]); f != nil && f.NoOptDefVal == "" {
					if j == len(a)-1 {
						i++ // the value is the next argument
					}
					break // the rest of a is the value
				}
			}
		default:
			if len(s.positional) == 0 {
				if sub := subcommand(s.cmd, a); sub != nil {
					s.cmd = sub
					continue
				}
			}
			s.positional = append(s.positional, a)
		}
	}
	return s
}

// lookupFlag finds c's flag of that long name, its parents' persistent
// flags included, through c's name normalization (--principal-arn).
func lookupFlag(c *cobra.Command, name string) *pflag.Flag {
	_ = c.LocalFlags() // merges the parents' persistent flags into c.Flags()
	return c.Flags().Lookup(name)
}

func lookupShorthand(c *cobra.Command, short string) *pflag.Flag {
	_ = c.LocalFlags()
	return c.Flags().ShorthandLookup(short)
}

// subcommand returns c's subcommand called name (or an alias of it), or nil.
func subcommand(c *cobra.Command, name string) *cobra.Command {
	for _, sub := range c.Commands() {
		if sub.Name() == name || sub.HasAlias(name) {
			return sub
		}
	}
	return nil
}

// commandNames is the path of names from the root to c, the root excluded.
func commandNames(c *cobra.Command) []string {
	var names []string
	for ; c.HasParent(); c = c.Parent() {
		names = append([]string{c.Name()}, names...)
	}
	return names
}

// unknownVerb is the usage error for an unknown command under c, with
// cobra's suggestions.
func unknownVerb(c *cobra.Command, name string) error {
	err := fmt.Errorf("unknown command %s for %q", access.Quote(name), c.CommandPath())
	if !c.HasParent() && c.Name() == ProgramName {
		err = fmt.Errorf("unknown command %s", access.Quote(name))
	}
	if s := c.SuggestionsFor(name); len(s) > 0 {
		return UsageError(WithHint(err, "%s", didYouMean(s...)))
	}
	return UsageError(WithHint(err, "see %s --help for the commands", c.CommandPath()))
}

// unknownSubcommand is the Args of every command group (policy,
// completion): an unknown verb is a usage error with a suggestion, where
// cobra itself would print the group's help and exit 0.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return unknownVerb(cmd, args[0])
}

// RejectUnknownVerbs makes every command group under c treat an unknown
// verb as a usage error (see unknownSubcommand).
func RejectUnknownVerbs(c *cobra.Command) {
	if !c.HasSubCommands() {
		return
	}
	c.Args = unknownSubcommand
	if c.SuggestionsMinimumDistance == 0 {
		c.SuggestionsMinimumDistance = 2
	}
	if !c.Runnable() {
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
	for _, sub := range c.Commands() {
		RejectUnknownVerbs(sub)
	}
}

// NewHelpCmd is `eksaccess help [command]`: cobra's, except that an unknown
// topic is a usage error (exit 2) rather than help and exit 0.
func NewHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || cmd == nil || len(rest) > 0 {
				return WithHint(UsageErrorf("unknown help topic %s", access.Quote(strings.Join(args, " "))), "see %s --help for the commands", c.Root().CommandPath())
			}
			return cmd.Help()
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
			cmd, _, err := c.Root().Find(args)
			if err != nil || cmd == nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), prefix) {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
}

// FlagErrorFunc turns an error of flag parsing into a usage error (exit 2):
// a value guardedValue refused keeps its own message; an invalid value
// echoes the input cut to size; an unknown flag gets a suggestion.
func FlagErrorFunc(c *cobra.Command, err error) error {
	var (
		refused  *valueError
		invalid  *pflag.InvalidValueError
		notExist *pflag.NotExistError
	)
	switch {
	case errors.As(err, &refused):
		return UsageError(refused)
	case errors.As(err, &invalid):
		return UsageError(&invalidValueError{flag: invalid.GetFlag(), value: invalid.GetValue(), cause: invalid.Unwrap()})
	case errors.As(err, &notExist) && notExist.GetSpecifiedShortnames() == "":
		return UsageError(WithHint(err, "%s", unknownFlagHint(c, notExist.GetSpecifiedName())))
	case errors.As(err, &notExist):
		return UsageError(WithHint(err, "see %s --help for the flags", c.CommandPath()))
	}
	return UsageError(err)
}

// invalidValueError is pflag's "invalid argument" error with the value
// cut to size wherever it is echoed (access.Quote).
type invalidValueError struct {
	flag  *pflag.Flag
	value string
	cause error
}

func (e *invalidValueError) Error() string {
	name := "--" + e.flag.Name
	if e.flag.Shorthand != "" && e.flag.ShorthandDeprecated == "" {
		name = "-" + e.flag.Shorthand + ", " + name
	}
	short := access.Quote(e.value)
	msg := strings.ReplaceAll(e.cause.Error(), strconv.Quote(e.value), short)
	return fmt.Sprintf("invalid argument %s for %q flag: %s", short, name, msg)
}

func (e *invalidValueError) Unwrap() error { return e.cause }

// awsFlagNames are the AWS CLI's parameter names (aws eks
// create-access-entry ...) that eksaccess spells otherwise.
var awsFlagNames = map[string][]string{
	"cluster-name":          {"cluster"},
	"name":                  {"cluster"},
	"kubernetes-groups":     {"group"},
	"policy-arn":            {"policy"},
	"access-scope":          {"cluster-scope", "namespace"},
	"associated-policy-arn": {"associated-policy"},
	"tags":                  {"tag"},
}

// unknownFlagHint says which of c's flags an unknown --name most likely
// means: ours for an AWS CLI name, else the nearest names.
func unknownFlagHint(c *cobra.Command, name string) string {
	_ = c.LocalFlags()
	if ours, ok := awsFlagNames[name]; ok {
		if !slices.ContainsFunc(ours, func(f string) bool { return c.Flags().Lookup(f) == nil }) {
			return fmt.Sprintf("%s (the AWS CLI's --%s)", didYouMean(dashed(ours)...), name)
		}
		if name == "access-scope" && c.Flags().Lookup("policy") != nil {
			return "give the scope with the policy: --policy NAME:cluster, or --policy NAME:namespace=dev,test (the AWS CLI's --access-scope)"
		}
	}
	if s := nearestFlags(c, name); len(s) > 0 {
		return didYouMean(dashed(s)...)
	}
	return fmt.Sprintf("see %s --help for the flags", c.CommandPath())
}

// nearestFlags returns c's visible flags nearest to name: within two
// edits, or else beginning with it.
func nearestFlags(c *cobra.Command, name string) []string {
	const maxEdits = 2
	var names []string
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	slices.Sort(names)
	best, bestEdits := []string(nil), maxEdits+1
	for _, n := range names {
		switch d := access.EditDistance(name, n); {
		case d < bestEdits:
			best, bestEdits = []string{n}, d
		case d == bestEdits:
			best = append(best, n)
		}
	}
	if len(best) > 0 {
		return best
	}
	if len(name) < 3 {
		return nil
	}
	for _, n := range names {
		if strings.HasPrefix(n, name) {
			best = append(best, n)
		}
	}
	return best
}

func dashed(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "--" + n
	}
	return out
}
