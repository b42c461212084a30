package cli

import (
	"context"

	"github.com/spf13/cobra"
)

// options are a command's options: every command checks its flags offline
// in validate, before anything is sent (nothing there talks to AWS).
type options interface {
	validate(cmd *cobra.Command) error
}

// runE is the RunE of every command: validate the options, then run them
// with the command's context: run, or a test's runF (which captures the
// options instead).
func runE[O options](opts O, runF, run func(context.Context, O) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		if err := opts.validate(cmd); err != nil {
			return err
		}
		if runF == nil {
			runF = run
		}
		return runF(cmd.Context(), opts)
	}
}
