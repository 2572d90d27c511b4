// Package textdiff writes unified diffs of text files, line by line, for
// --dry-run output. It uses Myers' O(ND) algorithm, so the common case of
// two similar files costs little whatever their size.
package textdiff

import (
	"fmt"
	"strings"
)

// op is one line of an edit script.
type op struct {
	kind byte // ' ', '-', '+'
	line string
}

// lines splits text into lines, keeping a missing final newline visible.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	l := strings.SplitAfter(s, "\n")
	if l[len(l)-1] == "" {
		l = l[:len(l)-1]
	}
	return l
}

// edits is the shortest edit script from a to b: the common head kept as
// it is (Myers' algorithm would follow it anyway), Myers' algorithm on the
// rest, except when one side is empty by then: its trace grows with the
// square of the differences, so a new file is all additions without it.
// (Cutting the common tail too would change which of several equally short
// scripts comes out, and GNU diff's choice is the one people read.)
func edits(a, b []string) []op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	var out []op
	for _, l := range a[:pre] {
		out = append(out, op{' ', l})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	switch {
	case len(ma) == 0:
		for _, l := range mb {
			out = append(out, op{'+', l})
		}
	case len(mb) == 0:
		for _, l := range ma {
			out = append(out, op{'-', l})
		}
	default:
		out = append(out, myers(ma, mb)...)
	}
	for _, l := range a[len(a)-suf:] {
		out = append(out, op{' ', l})
	}
	return out
}

// myers is Myers' O(ND) shortest edit script from a to b.
func myers(a, b []string) []op {
	n, m := len(a), len(b)
	max := n + m
	v := make([]int, 2*max+2)
	var trace [][]int
	for d := 0; d <= max; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[max+k-1] < v[max+k+1] {
				x = v[max+k+1]
			} else {
				x = v[max+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[max+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace, d, max)
			}
		}
	}
	return nil
}

func backtrack(a, b []string, trace [][]int, d, max int) []op {
	var out []op
	x, y := len(a), len(b)
	for ; d >= 0; d-- {
		v := trace[d]
		k := x - y
		var pk int
		if k == -d || k != d && v[max+k-1] < v[max+k+1] {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := v[max+pk]
		py := px - pk
		for x > px && y > py {
			out = append(out, op{' ', a[x-1]})
			x--
			y--
		}
		if d > 0 {
			if x == px {
				out = append(out, op{'+', b[y-1]})
			} else {
				out = append(out, op{'-', a[x-1]})
			}
		}
		x, y = px, py
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Unified returns the unified diff (3 lines of context) turning a into b,
// or "" when they are equal. An empty aName means a new file (/dev/null).
func Unified(aName, bName, a, b string) string {
	if a == b {
		return ""
	}
	es := edits(lines(a), lines(b))
	var out strings.Builder
	from := "a/" + aName
	if aName == "" {
		from = "/dev/null"
	}
	fmt.Fprintf(&out, "--- %s\n+++ b/%s\n", from, bName)
	const ctx = 3
	for i := 0; i < len(es); {
		if es[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from ctx lines before this change to ctx lines after
		// the last change closer than 2*ctx lines to the previous one.
		start := max(0, i-ctx)
		end := i
		for end < len(es) {
			if es[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(es) && es[run].kind == ' ' {
				run++
			}
			if run == len(es) || run-end > 2*ctx {
				end = min(len(es), end+ctx)
				break
			}
			end = run
		}
		aLine, bLine := 1, 1
		for _, e := range es[:start] {
			if e.kind != '+' {
				aLine++
			}
			if e.kind != '-' {
				bLine++
			}
		}
		aCount, bCount := 0, 0
		for _, e := range es[start:end] {
			if e.kind != '+' {
				aCount++
			}
			if e.kind != '-' {
				bCount++
			}
		}
		if aCount == 0 {
			aLine--
		}
		if bCount == 0 {
			bLine--
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", aLine, aCount, bLine, bCount)
		for _, e := range es[start:end] {
			out.WriteByte(e.kind)
			out.WriteString(e.line)
			if !strings.HasSuffix(e.line, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return out.String()
}
