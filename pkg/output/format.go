package output

import (
	"fmt"
	"strings"
)

// Format is an output format. *Format implements pflag.Value, so it can be
// bound directly to the -o/--output flag.
type Format string

// The output formats, in the order Formats lists them.
const (
	// TableFormat prints aligned columns for people (the default).
	TableFormat Format = "table"
	// JSON prints the API-shaped document as indented JSON.
	JSON Format = "json"
	// YAML prints the API-shaped document as YAML, keyed like the JSON.
	YAML Format = "yaml"
	// Text prints one record a line with tab-separated fields and no header.
	Text Format = "text"
	// SARIF is audit's document for code-scanning tools: the command
	// builds a SARIF 2.1.0 log, which Print writes as JSON. Formats does
	// not list it; the commands that do not print it refuse it.
	SARIF Format = "sarif"
)

var formats = []Format{TableFormat, JSON, YAML, Text}

// Formats returns the names of the output formats, for completion and help.
func Formats() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = string(f)
	}
	return names
}

// ParseFormat parses a format name, ignoring case and surrounding spaces.
// The empty string means TableFormat, so an unset EKSACCESS_OUTPUT can be
// passed as is.
func ParseFormat(s string) (Format, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "" {
		return TableFormat, nil
	}
	for _, f := range append(formats, SARIF) {
		if string(f) == name {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown output format %q: must be one of %s, or %s (audit)", s, strings.Join(Formats(), ", "), SARIF)
}

// Set implements pflag.Value with ParseFormat's rules, so an empty value
// selects the default, as with kubectl. On error f is left unchanged.
func (f *Format) Set(s string) error {
	parsed, err := ParseFormat(s)
	if err != nil {
		return err
	}
	*f = parsed
	return nil
}

// String implements pflag.Value and fmt.Stringer.
func (f Format) String() string { return string(f) }

// Type implements pflag.Value; it names the flag's value in help text.
func (f Format) Type() string { return "format" }
