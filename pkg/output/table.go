package output

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// ANSI escapes for the bold header.
const (
	bold  = "\x1b[1m"
	reset = "\x1b[0m"
)

// renderTable lays t out in columns for people, like gh or kubectl get: no
// borders or rules, an upper-case header, two spaces between columns and no
// trailing spaces. A table without rows renders as nothing.
func renderTable(t Table, color bool) ([]byte, error) {
	header, rows := normalize(t, tableCell)
	if len(rows) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	tbl := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.Separators{ShowHeader: tw.Off, ShowFooter: tw.Off, BetweenRows: tw.Off, BetweenColumns: tw.Off},
				Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.Off, ShowFooterLine: tw.Off},
			},
		})),
		tablewriter.WithConfig(tablewriter.Config{
			Header: columnConfig(),
			Row:    columnConfig(),
		}),
	)
	if header != nil {
		for i, h := range header {
			header[i] = strings.ToUpper(h)
		}
		tbl.Header(header)
	}
	for _, row := range rows {
		if err := tbl.Append(row); err != nil {
			return nil, fmt.Errorf("render table: %w", err)
		}
	}
	if err := tbl.Render(); err != nil {
		return nil, fmt.Errorf("render table: %w", err)
	}

	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	var out bytes.Buffer
	for i, line := range lines {
		line = strings.TrimRight(line, " ")
		if i == 0 && header != nil && color {
			line = bold + line + reset
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	return out.Bytes(), nil
}

// columnConfig left-aligns cells as they are (no wrapping, no header
// reformatting) with two spaces after each column.
func columnConfig() tw.CellConfig {
	return tw.CellConfig{
		Formatting: tw.CellFormatting{AutoFormat: tw.Off, AutoWrap: tw.WrapNone},
		Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
		Padding:    tw.CellPadding{Global: tw.Padding{Left: tw.Empty, Right: "  ", Overwrite: true}},
	}
}

// renderText prints one row a line, cells separated by tabs, without the
// header. Tabs and line breaks inside a cell become spaces so that each
// record stays one line of fields for cut and awk.
func renderText(t Table) []byte {
	_, rows := normalize(Table{Rows: t.Rows}, textCell)
	var out bytes.Buffer
	for _, row := range rows {
		out.WriteString(strings.Join(row, "\t"))
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// normalize copies t with every cell passed through clean and every row
// (and the header, when there is one) padded to the same number of columns.
// It returns no rows when no row has a cell.
func normalize(t Table, clean func(string) string) (header []string, rows [][]string) {
	width := len(t.Header)
	for _, r := range t.Rows {
		width = max(width, len(r))
	}
	if len(t.Rows) == 0 || width == 0 {
		return nil, nil
	}
	pad := func(r []string) []string {
		out := make([]string, width)
		for i, c := range r {
			out[i] = clean(c)
		}
		return out
	}
	if len(t.Header) > 0 {
		header = pad(t.Header)
		for i, h := range header {
			header[i] = strings.Join(strings.Fields(h), " ")
		}
	}
	rows = make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = pad(r)
	}
	return header, rows
}

// tableCell makes s safe to align on a terminal: a CRLF becomes a newline
// (which makes a multi-line cell), a tab a space, and everything else that
// could move the cursor or change colours a visible escape (see Sanitize).
func tableCell(s string) string {
	return Sanitize(tableReplacer.Replace(s))
}

var (
	tableReplacer = strings.NewReplacer("\r\n", "\n", "\t", " ")
	textReplacer  = strings.NewReplacer("\r\n", " ", "\t", " ", "\n", " ", "\r", " ")
)

// textCell keeps s on one line, free of field separators and safe for a
// terminal (see Sanitize).
func textCell(s string) string { return Sanitize(textReplacer.Replace(s)) }
