package output

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormats(t *testing.T) {
	t.Parallel()
	want := []string{"table", "json", "yaml", "text"}
	got := Formats()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Formats() (-want +got):\n%s", diff)
	}
	got[0] = "changed"
	if Formats()[0] != "table" {
		t.Error("Formats() returned shared state")
	}
}

func TestParseFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{in: "table", want: TableFormat},
		{in: "json", want: JSON},
		{in: "yaml", want: YAML},
		{in: "text", want: Text},
		{in: "JSON", want: JSON},
		{in: "Yaml", want: YAML},
		{in: " text\n", want: Text},
		{in: "SARIF", want: SARIF},
		{in: "", want: TableFormat},
		{in: "  ", want: TableFormat},
		{in: "xml", wantErr: true},
		{in: "tabel", wantErr: true},
		{in: "yml", wantErr: true},
		{in: "json,yaml", wantErr: true},
		{in: "j", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseFormat(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseFormat(%q) = %q, want an error", tt.in, got)
				}
				assertListsFormats(t, err)
				return
			}
			if err != nil {
				t.Fatalf("ParseFormat(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseFormat(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormat_Set(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    Format
		wantErr bool
	}{
		{name: "lower", in: "yaml", want: YAML},
		{name: "upper", in: "TEXT", want: Text},
		{name: "mixed", in: "Table", want: TableFormat},
		{name: "empty is the default", in: "", want: TableFormat},
		{name: "unknown keeps the value", in: "csv", want: JSON, wantErr: true},
		{name: "prefix keeps the value", in: "js", want: JSON, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := JSON
			err := f.Set(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Set(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				assertListsFormats(t, err)
			}
			if f != tt.want {
				t.Errorf("after Set(%q) the format is %q, want %q", tt.in, f, tt.want)
			}
		})
	}
}

func TestFormat_StringType(t *testing.T) {
	t.Parallel()
	for _, name := range Formats() {
		f := Format(name)
		if got := f.String(); got != name {
			t.Errorf("Format(%q).String() = %q", name, got)
		}
		if got := f.Type(); got != "format" {
			t.Errorf("Format(%q).Type() = %q, want %q", name, got, "format")
		}
	}
}

// assertListsFormats checks that a format error tells the user what to use
// instead: the message is the whole user experience of a bad -o.
func assertListsFormats(t *testing.T, err error) {
	t.Helper()
	// every format ParseFormat accepts, sarif (audit's) too
	for _, name := range append(Formats(), string(SARIF)) {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not list the format %q", err, name)
		}
	}
}
