package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/spf13/cobra"
)

// pluginBinary is the file name under which kubectl runs eksaccess as a
// plugin: kubectl finds `kubectl eksaccess ...` as kubectl-eksaccess on
// PATH (krew installs it so).
const pluginBinary = "kubectl-" + rootName

// displayName is the name help gives the program run as arg0 (os.Args[0]):
// "kubectl eksaccess" when the binary is the kubectl plugin, else
// "eksaccess".
func displayName(arg0 string) string {
	base := filepath.Base(arg0)
	if strings.EqualFold(filepath.Ext(base), ".exe") {
		base = strings.TrimSuffix(base, filepath.Ext(base))
	}
	if base == pluginBinary {
		return "kubectl " + rootName
	}
	return rootName
}

// exampleCommand finds the program's name where an example runs it: at
// the start of a line (after the indent), after a pipe, "$(" or a space.
var exampleCommand = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("(^|\n|[ \t|(`])" + rootName + " ") })

// quotedCommand finds it where a long description shows a command: quoted
// in backquotes, or at the start of an indented line.
var quotedCommand = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("(`|\n[ \t]+)" + rootName + " ") })

// setDisplayName makes root's help, usage lines and examples name the
// program name (e.g. "kubectl eksaccess"): cobra's display-name annotation
// covers the usage lines, command paths and the help flag; the examples and
// the commands quoted in long descriptions are written with the plain
// name, so they are rewritten to match (prose that names the program, as
// in "eksaccess reads the entry first", stays).
func setDisplayName(root *cobra.Command, name string) {
	if name == rootName {
		return
	}
	if root.Annotations == nil {
		root.Annotations = map[string]string{}
	}
	root.Annotations[cobra.CommandDisplayNameAnnotation] = name
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.Example = exampleCommand().ReplaceAllString(c.Example, "${1}"+name+" ")
		c.Long = quotedCommand().ReplaceAllString(c.Long, "${1}"+name+" ")
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
