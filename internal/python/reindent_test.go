package python

import "testing"

func TestReindent(t *testing.T) {
	span := "    def forwards(apps, schema_editor):\n" +
		"        sql = \"\"\"\n" +
		"    SELECT 1\n" +
		"        FROM t\"\"\"\n" +
		"\n" +
		"        if x:  # comment\n" +
		"            run(sql, f'''\n" +
		"  {x}''')\n"
	want := "def forwards(apps, schema_editor):\n" +
		"    sql = \"\"\"\n" +
		"    SELECT 1\n" +
		"        FROM t\"\"\"\n" +
		"\n" +
		"    if x:  # comment\n" +
		"        run(sql, f'''\n" +
		"  {x}''')\n"
	if got := Reindent([]byte(span), 0); got != want {
		t.Errorf("to 0:\n%s\nwant:\n%s", got, want)
	}
	// And back: the string's lines are untouched both ways.
	if got := Reindent([]byte(want), 4); got != span {
		t.Errorf("to 4:\n%s\nwant:\n%s", got, span)
	}
}
