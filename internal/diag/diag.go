// Package diag defines the one diagnostic type every djsquash package reports
// with, and the line table that turns byte offsets into line:col.
//
// Invariants: positions are byte offsets into the file's source as read from
// disk (BOM and CRLF included); line and column are computed only when a
// diagnostic is reported. Lines and columns are 1-based and columns count
// bytes, like go/token, so that editors and CPython's col_offset+1 agree.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Severity orders diagnostics: errors stop a workflow, warnings do not.
type Severity int

const (
	Error Severity = iota
	Warning
	Info
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText makes severities readable in --json output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is a problem found in a file. Code is stable across releases
// (scripts match on it); Message is for people and may change.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	File     string   `json:"file,omitempty"`
	Offset   int      `json:"offset"` // byte offset into File; -1 when the problem has no position
	Line     int      `json:"line,omitempty"`
	Col      int      `json:"col,omitempty"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"` // one-line fix suggestion
}

// String renders the conventional "file:line:col: severity: message [code]".
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.File != "" {
		b.WriteString(d.File)
		if d.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", d.Line, d.Col)
		}
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s: %s", d.Severity, d.Message)
	if d.Code != "" {
		fmt.Fprintf(&b, " [%s]", d.Code)
	}
	return b.String()
}

// SameCodes reports whether two lists carry the same codes and severities
// in order: what an edited file must read back with, compared with its
// original.
func SameCodes(a, b []Diagnostic) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Code != b[i].Code || a[i].Severity != b[i].Severity {
			return false
		}
	}
	return true
}

// Lines maps byte offsets of one file to line:col. Build it once per file,
// only when something must be reported.
type Lines struct {
	starts []int // byte offset of the first byte of each line
	size   int
}

// NewLines scans src for line breaks: "\n", "\r\n" and a lone "\r" each end a
// line, as in Python's tokenizer.
func NewLines(src []byte) *Lines {
	starts := []int{0}
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	return &Lines{starts: starts, size: len(src)}
}

// Position returns the 1-based line and byte column of offset. Offsets past
// the end are clamped to the end of the file.
func (l *Lines) Position(offset int) (line, col int) {
	if offset < 0 {
		offset = 0
	}
	if offset > l.size {
		offset = l.size
	}
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > offset }) - 1
	return i + 1, offset - l.starts[i] + 1
}

// LineStart returns the byte offset where 1-based line n begins.
func (l *Lines) LineStart(n int) int {
	if n < 1 {
		return 0
	}
	if n > len(l.starts) {
		return l.size
	}
	return l.starts[n-1]
}

// Locate fills in Line and Col of d from its Offset.
func (l *Lines) Locate(d *Diagnostic) {
	if d.Offset >= 0 {
		d.Line, d.Col = l.Position(d.Offset)
	}
}

// HasErrors reports whether any diagnostic is an error.
func HasErrors(ds []Diagnostic) bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sort orders diagnostics by file, then offset, then code, so output is stable
// whatever order parallel loading produced them in.
func Sort(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Offset != b.Offset {
			return a.Offset < b.Offset
		}
		return a.Code < b.Code
	})
}
