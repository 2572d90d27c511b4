package diag

import "testing"

func TestPosition(t *testing.T) {
	src := []byte("ab\ncd\r\nef\rg")
	l := NewLines(src)
	cases := []struct{ off, line, col int }{
		{0, 1, 1}, {1, 1, 2}, {2, 1, 3}, {3, 2, 1}, {5, 2, 3}, {7, 3, 1}, {10, 4, 1}, {11, 4, 2}, {99, 4, 2},
	}
	for _, c := range cases {
		line, col := l.Position(c.off)
		if line != c.line || col != c.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", c.off, line, col, c.line, c.col)
		}
	}
}

func TestString(t *testing.T) {
	d := Diagnostic{Severity: Error, Code: "E001", File: "a.py", Offset: 3, Message: "boom"}
	NewLines([]byte("ab\ncd")).Locate(&d)
	if got, want := d.String(), "a.py:2:1: error: boom [E001]"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
