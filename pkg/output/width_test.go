package output

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// cellSamples are cells of every kind of width: ASCII, wide (CJK, emoji),
// zero-width (combining marks, joiners), East Asian ambiguous (±, é in some
// fonts, Greek, Cyrillic), box drawing, and sanitized escapes.
var cellSamples = []string{
	"", " ", "x", "arn:aws:iam::111122223333:role/dev", "AmazonEKSViewPolicy(cluster)", "team=a,managed",
	"日本", "日本語のロール", "한국어", "中文-群组", "👍", "👨‍👩‍👧", "🇯🇵", "e\u0301", "a\u200bb", "\u00ad",
	"±§¶", "αβγ", "Привет", "─┼│", "╔══╗", "╱╳╿", "ﾃｽﾄ", "\\n", "\\x1b[31m", "trailing  ", "  leading", "tab sep",
}

// oldTable renders t as renderTable did with tablewriter (v1.1.5), before
// eksaccess dropped it for its start-up cost: the reference for layout.
func oldTable(t *testing.T, tbl Table, color bool) []byte {
	t.Helper()
	header, rows := normalize(tbl, tableCell)
	if len(rows) == 0 {
		return nil
	}
	cell := tw.CellConfig{
		Formatting: tw.CellFormatting{AutoFormat: tw.Off, AutoWrap: tw.WrapNone},
		Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
		Padding:    tw.CellPadding{Global: tw.Padding{Left: tw.Empty, Right: "  ", Overwrite: true}},
	}
	var buf bytes.Buffer
	w := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.Separators{ShowHeader: tw.Off, ShowFooter: tw.Off, BetweenRows: tw.Off, BetweenColumns: tw.Off},
				Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.Off, ShowFooterLine: tw.Off},
			},
		})),
		tablewriter.WithConfig(tablewriter.Config{Header: cell, Row: cell}),
	)
	if header != nil {
		for i, h := range header {
			header[i] = strings.ToUpper(h)
		}
		w.Header(header)
	}
	for _, r := range rows {
		if err := w.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Render(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for i, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		line = strings.TrimRight(line, " ")
		if i == 0 && header != nil && color {
			line = bold + line + reset
		}
		out.WriteString(line + "\n")
	}
	return out.Bytes()
}

// TestRenderTable_sameAsTablewriter: the table writer of our own lays out
// every kind of cell exactly as tablewriter did (random tables, fixed seed).
func TestRenderTable_sameAsTablewriter(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 18))
	pick := func() string {
		s := cellSamples[rng.IntN(len(cellSamples))]
		if rng.IntN(3) == 0 {
			s += cellSamples[rng.IntN(len(cellSamples))]
		}
		return s
	}
	for i := range 500 {
		ncol, nrow := 1+rng.IntN(5), 1+rng.IntN(4)
		tbl := Table{}
		if rng.IntN(4) > 0 {
			for range ncol {
				tbl.Header = append(tbl.Header, strings.ToLower(pick()))
			}
		}
		for range nrow {
			row := make([]string, 1+rng.IntN(ncol))
			for j := range row {
				row[j] = pick()
			}
			tbl.Rows = append(tbl.Rows, row)
		}
		color := rng.IntN(2) == 0
		want := oldTable(t, tbl, color)
		got, err := renderTable(tbl, color)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("table %d: %+v\ngot\n%s\nwant (tablewriter)\n%s", i, tbl, got, want)
		}
	}
}

// TestDisplayWidth_sameAsTwwidth: every sample counts as many columns as
// tablewriter's twwidth counts, in each of its modes.
func TestDisplayWidth_sameAsTwwidth(t *testing.T) {
	t.Parallel()
	for _, m := range []widthModeOf{{}, {eastAsian: true}, {eastAsian: true, narrowBorders: true}} {
		for _, s := range cellSamples {
			want := twwidth.WidthWithOptions(s, twwidth.Options{EastAsianWidth: m.eastAsian, ForceNarrowBorders: m.narrowBorders})
			got := 0
			for _, r := range s {
				got += m.rune(r)
			}
			if got != want {
				t.Errorf("%+v: width of %q = %d, twwidth says %d", m, s, got, want)
			}
		}
	}
	if got, want := displayWidth("arn:aws:iam::1:role/x"), 21; got != want {
		t.Errorf("ASCII width %d, want %d", got, want)
	}
}

// TestEastAsian: the terminal is taken for a CJK one as twwidth took it:
// RUNEWIDTH_EASTASIAN first, then a modern terminal says no, then the
// locale.
func TestEastAsian(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		env  map[string]string
		goos string
		want bool
	}{
		{map[string]string{}, "linux", false},
		{map[string]string{"LANG": "C.UTF-8"}, "linux", false},
		{map[string]string{"LANG": "en_US.UTF-8"}, "linux", false},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, "linux", true},
		{map[string]string{"LANG": "ja_JP.UTF-8"}, "linux", true},
		{map[string]string{"LANG": "en_HK.UTF-8"}, "linux", true},
		{map[string]string{"LC_ALL": "en_US.UTF-8", "LANG": "ko_KR.UTF-8"}, "linux", false},
		{map[string]string{"LC_CTYPE": "ko_KR.UTF-8"}, "linux", true},
		{map[string]string{"LANG": "zh_CN.UTF-8", "TERM": "xterm-256color"}, "linux", false},
		{map[string]string{"LANG": "zh_CN.UTF-8", "TERM": "xterm-mono"}, "linux", true},
		{map[string]string{"LANG": "zh_CN.UTF-8", "TERM": "screen"}, "linux", false},
		{map[string]string{"LANG": "zh_CN.UTF-8", "TERM_PROGRAM": "iTerm.app"}, "darwin", false},
		{map[string]string{"LANG": "zh_CN.UTF-8", "VTE_VERSION": "7600"}, "linux", false},
		{map[string]string{"LANG": "zh_CN.UTF-8", "TERM": "vt100"}, "windows", false},
		{map[string]string{"LANG": "zh_CN.UTF-8", "TERM": "vt100"}, "linux", true},
		{map[string]string{"RUNEWIDTH_EASTASIAN": "1", "TERM": "xterm"}, "linux", true},
		{map[string]string{"RUNEWIDTH_EASTASIAN": "off", "LANG": "zh_CN.UTF-8"}, "linux", false},
		{map[string]string{"RUNEWIDTH_EASTASIAN": "maybe", "LANG": "zh_TW"}, "linux", true},
	} {
		getenv := func(k string) string { return tt.env[k] }
		if got := eastAsian(getenv, tt.goos); got != tt.want {
			t.Errorf("%v on %s: eastAsian = %v, want %v", tt.env, tt.goos, got, tt.want)
		}
	}
}
