package output

import (
	"bytes"
	"slices"
	"strings"
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
	if t.Compact != nil {
		t.Rows = t.Compact
	}
	header, rows := normalize(t, tableCell)
	if len(rows) == 0 {
		return nil, nil
	}
	if t.Fit > 0 {
		fit(header, rows, t.Fit, t.Shrink, t.Middle, t.Least)
	}
	for i, h := range header {
		header[i] = strings.ToUpper(h)
	}
	widths := make([]int, len(rows[0]))
	measure := func(r []string) {
		for i, c := range r {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	if header != nil {
		measure(header)
	}
	for _, r := range rows {
		measure(r)
	}
	var out bytes.Buffer
	line := func(r []string, bolden bool) {
		start := out.Len()
		if bolden {
			out.WriteString(bold)
		}
		for i, c := range r {
			out.WriteString(c)
			if i < len(r)-1 {
				out.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+columnGap))
			}
		}
		// No trailing spaces: trim what an empty last cell left.
		trimmed := bytes.TrimRight(out.Bytes()[start:], " ")
		out.Truncate(start + len(trimmed))
		if bolden {
			out.WriteString(reset)
		}
		out.WriteByte('\n')
	}
	if header != nil {
		line(header, color)
	}
	for _, r := range rows {
		line(r, false)
	}
	return out.Bytes(), nil
}

// columnGap is the space after every column but the last.
const columnGap = 2

// fit narrows the columns in shrink, in that order, until the table is at
// most width wide (or they are as narrow as they get), cutting their longer
// cells with an ellipsis: at the end, or in the middle for the columns in
// middle; no column gets narrower than minShrinkWidth, its header or its
// least. header and rows are changed in place.
func fit(header []string, rows [][]string, width int, shrink, middle []int, least map[int]int) {
	ncol := len(rows[0])
	widths := make([]int, ncol)
	for i := range ncol {
		if header != nil {
			widths[i] = cellWidth(strings.ToUpper(header[i]))
		}
		for _, r := range rows {
			widths[i] = max(widths[i], cellWidth(r[i]))
		}
	}
	total := columnGap * (ncol - 1)
	for _, w := range widths {
		total += w
	}
	for _, c := range shrink {
		if total <= width {
			break
		}
		if c < 0 || c >= ncol {
			continue
		}
		floor := max(minShrinkWidth, least[c])
		if header != nil {
			floor = max(floor, cellWidth(header[c]))
		}
		cut := min(widths[c]-floor, total-width)
		if cut <= 0 {
			continue
		}
		widths[c] -= cut
		total -= cut
		cutCell := truncateCell
		if slices.Contains(middle, c) {
			cutCell = truncateMiddle
		}
		for _, r := range rows {
			r[c] = cutCell(r[c], widths[c])
		}
	}
}

// cellWidth is the display width of a cell: its widest line.
func cellWidth(s string) int {
	w := 0
	for line := range strings.SplitSeq(s, "\n") {
		w = max(w, displayWidth(line))
	}
	return w
}

// truncateCell cuts each line of s wider than width to width, its last
// column an ellipsis.
func truncateCell(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		if displayWidth(line) <= width {
			continue
		}
		var b strings.Builder
		used := 0
		for _, r := range line {
			rw := displayWidth(string(r))
			if used+rw > width-1 {
				break
			}
			b.WriteRune(r)
			used += rw
		}
		lines[i] = b.String() + "…"
	}
	return strings.Join(lines, "\n")
}

// truncateMiddle cuts each line of s wider than width to width by putting
// an ellipsis in its middle: the first (width-1)/2 columns, "…", and as
// many of the last columns as fit in the rest.
func truncateMiddle(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		if displayWidth(line) <= width {
			continue
		}
		runes := []rune(line)
		headRoom := (width - 1) / 2
		var head strings.Builder
		used := 0
		for _, r := range runes {
			rw := displayWidth(string(r))
			if used+rw > headRoom {
				break
			}
			head.WriteRune(r)
			used += rw
		}
		tailRoom := width - 1 - used
		start := len(runes)
		for tail := 0; start > 0; start-- {
			rw := displayWidth(string(runes[start-1]))
			if tail+rw > tailRoom {
				break
			}
			tail += rw
		}
		lines[i] = head.String() + "…" + string(runes[start:])
	}
	return strings.Join(lines, "\n")
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
		// A header is one line of words: its whitespace, line breaks
		// included, collapses before clean sees it.
		words := make([]string, len(t.Header))
		for i, h := range t.Header {
			words[i] = strings.Join(strings.Fields(h), " ")
		}
		header = pad(words)
	}
	rows = make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = pad(r)
	}
	return header, rows
}

// tableCell makes s safe to align on a terminal and keeps it on its row: a
// line break shows as a visible \n (a CRLF as \r\n), as Sanitize shows other
// controls, so that a value with one (a group "nl\nhint: forged") cannot
// pass for another row or another line of output; a tab becomes a space,
// and everything else that could move the cursor or change colours a
// visible escape (see Sanitize).
func tableCell(s string) string {
	return Sanitize(tableReplacer.Replace(s))
}

var (
	tableReplacer = strings.NewReplacer("\n", `\n`, "\t", " ")
	textReplacer  = strings.NewReplacer("\r\n", " ", "\t", " ", "\n", " ", "\r", " ")
)

// textCell keeps s on one line, free of field separators and safe for a
// terminal (see Sanitize).
func textCell(s string) string { return Sanitize(textReplacer.Replace(s)) }
