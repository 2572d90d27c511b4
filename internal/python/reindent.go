package python

import "strings"

// Reindent moves a verbatim span of source (whole lines, as cut from a file)
// from one indentation to another: every line's leading whitespace loses
// the span's common indentation and gains indent spaces. Lines that start
// inside a multi-line string literal are left exactly as they are, because
// their whitespace is part of the string's value; the span is tokenised only
// to find those, never rewritten.
func Reindent(span []byte, indent int) string {
	lines := strings.SplitAfter(string(span), "\n")
	// Which lines begin inside a string: a STRING token covering a line
	// break makes every following line up to its end "inside".
	inside := make([]bool, len(lines))
	starts := make([]int, len(lines))
	off := 0
	for i, l := range lines {
		starts[i] = off
		off += len(l)
	}
	sc := newScanner(span, 0, len(span), true) // no INDENT/DEDENT needed
	for {
		t := sc.next()
		if t.Kind == EOF {
			break
		}
		if t.Kind != STRING {
			continue
		}
		for i := range lines {
			if starts[i] > t.Pos && starts[i] < t.End {
				inside[i] = true
			}
		}
	}
	common := -1
	for i, l := range lines {
		if inside[i] || strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if common < 0 || n < common {
			common = n
		}
	}
	if common < 0 {
		common = 0
	}
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	for i, l := range lines {
		switch {
		case inside[i]:
			b.WriteString(l)
		case strings.TrimSpace(l) == "":
			b.WriteString(strings.TrimLeft(l, " \t")) // blank lines carry no indentation
		default:
			b.WriteString(pad + l[common:])
		}
	}
	return b.String()
}
