package optimizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/state"
	"github.com/djsquash/djsquash/internal/writer"
)

// tcase is one optimizer input: an operations list as Python source.
type tcase struct {
	name      string
	app       string
	deviation bool // Django's result fails replay; ours must differ and pass
	// main marks a rule of Django's main branch that 5.2, the oracle, does
	// not have: our result must differ from 5.2's, be shorter than the
	// input, and replay to the same state.
	main  bool
	input string
}

// readCases reads testdata/django_cases.txt.
func readCases(t *testing.T) []tcase {
	t.Helper()
	data, err := os.ReadFile("testdata/django_cases.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []tcase
	for _, block := range strings.Split("\n"+string(data), "\n== ")[1:] {
		head, body, _ := strings.Cut(block, "\n")
		f := strings.Fields(head)
		c := tcase{name: f[0], app: "migrations", input: strings.TrimSpace(body)}
		for _, w := range f[1:] {
			switch {
			case strings.HasPrefix(w, "app="):
				c.app = strings.TrimPrefix(w, "app=")
			case w == "deviation":
				c.deviation = true
			case w == "main":
				c.main = true
			default:
				t.Fatalf("case %s: unknown flag %q", c.name, w)
			}
		}
		out = append(out, c)
	}
	return out
}

const header = "import django.db.models.deletion\nfrom django.conf import settings\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    operations = "

// parseOps reads an operations list written as Python source.
func parseOps(t *testing.T, app, list string) []m.Operation {
	t.Helper()
	mig, diags := m.Read(m.Key{App: app, Name: "0001_test"}, "0001_test.py", []byte(header+list+"\n"), nil)
	for _, d := range diags {
		t.Fatalf("%s\n%s", d.Message, list)
	}
	for _, op := range mig.Operations {
		if o, ok := op.(*m.Opaque); ok {
			t.Fatalf("opaque operation: %s\n%s", o.Reason, list)
		}
	}
	return mig.Operations
}

// replay applies operations to an empty state.
func replay(app string, ops []m.Operation) (*state.Project, error) {
	p := state.New(nil)
	for i, op := range ops {
		if err := p.Apply(app, op); err != nil {
			return p, fmt.Errorf("operation %d (%s): %w", i, op.Name(), err)
		}
	}
	return p, nil
}

// oracleResult is one case's answer from testdata/django_optimize.py.
type oracleResult struct {
	ID        string          `json:"id"`
	Django    json.RawMessage `json:"django"`
	DjangoSrc string          `json:"django_src"`
	Ours      json.RawMessage `json:"ours"`
	Error     string          `json:"error"`
	// With validate: the first failure of each list in real Django.
	InputInvalid  string `json:"input_invalid"`
	DjangoInvalid string `json:"django_invalid"`
	OursInvalid   string `json:"ours_invalid"`
}

// runOracle runs Django's optimizer on every case, and normalises our
// results with Django's own deconstruct().
func runOracle(t *testing.T, dj *djangotest.Django, cases []tcase, ours map[string]string, validate bool) map[string]oracleResult {
	t.Helper()
	type in struct {
		ID       string `json:"id"`
		App      string `json:"app"`
		Input    string `json:"input"`
		Ours     string `json:"ours"`
		Validate bool   `json:"validate"`
	}
	var ins []in
	for _, c := range cases {
		ins = append(ins, in{c.name, c.app, c.input, ours[c.name], validate})
	}
	payload, _ := json.Marshal(ins)
	script, _ := filepath.Abs("testdata/django_optimize.py")
	cmd := exec.Command(dj.Python, script)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+dj.PythonPath, "PYTHONDONTWRITEBYTECODE=1")
	cmd.Stdin = bytes.NewReader(payload)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	var res []oracleResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	byID := map[string]oracleResult{}
	for _, r := range res {
		byID[r.ID] = r
	}
	return byID
}

// differential optimizes every case with our optimizer and Django's and
// checks: the same list, or (a deviation) Django's list fails replay, in
// real Django and in ours, while ours passes both; and ours replays to the
// input's state whenever the input replays. It returns the names of the
// cases that deviated, with the reasons.
func differential(t *testing.T, dj *djangotest.Django, cases []tcase) map[string]string {
	deviated, _ := differentialLengths(t, dj, cases, false)
	return deviated
}

// differentialLengths is differential that also returns, for each case
// where Django's list is invalid and ours valid, how many operations ours
// has more than Django's (negative: fewer).
func differentialLengths(t *testing.T, dj *djangotest.Django, cases []tcase, shipped bool) (map[string]string, map[string]int) {
	t.Helper()
	ours := map[string]string{}
	results := map[string]Result{}
	inputs := map[string][]m.Operation{}
	for _, c := range cases {
		ops := parseOps(t, c.app, c.input)
		inputs[c.name] = ops
		app := c.app
		check := func(ops []m.Operation) error { _, err := replay(app, ops); return err }
		same := func(a, b []m.Operation) bool {
			x, err1 := replay(app, a)
			y, err2 := replay(app, b)
			return err1 == nil && err2 == nil && state.Diff(x, y) == ""
		}
		// 5.2's rules but for the cases of a main rule; with shipped,
		// against 6.x, the rules djsquash ships (the main branch's, which
		// 6.x has) for every case.
		r := optimize(ops, c.app, Options{Check: check, Same: same}, !c.main && !(shipped && dj.Version.Major() >= 6))
		results[c.name] = r
		ours[c.name] = writer.FormatOperations(r.Operations, 0)
	}
	oracle := runOracle(t, dj, cases, ours, false)
	var differing []tcase
	for _, c := range cases {
		r, ok := oracle[c.name]
		if !ok || r.Error != "" {
			t.Errorf("%s: oracle failed: %s\nours:\n%s", c.name, r.Error, ours[c.name])
			continue
		}
		before, inputErr := replay(c.app, inputs[c.name])
		after, oursErr := replay(c.app, results[c.name].Operations)
		if inputErr == nil {
			if oursErr != nil {
				t.Errorf("%s: our result fails replay: %v\n%s", c.name, oursErr, ours[c.name])
			} else if d := state.Diff(before, after); d != "" {
				t.Errorf("%s: our result changes the state:\n%s\nours:\n%s", c.name, d, ours[c.name])
			}
		}
		same := string(r.Django) == string(r.Ours)
		newer := dj.Version.Major() >= 6
		switch {
		case c.main && newer:
			// The main-branch rules djsquash follows are Django 6.x's.
			if !same {
				differing = append(differing, c)
			}
		case same && c.deviation && newer && strings.HasSuffix(c.name, "_52"):
			// A 5.2 bug that 6.x fixed: the same list there.
		case c.main:
			if same || len(results[c.name].Operations) >= len(inputs[c.name]) || inputErr != nil {
				t.Errorf("%s: the main-branch rule did not apply (same as 5.2: %v)\n%s", c.name, same, ours[c.name])
			}
		case same && c.deviation:
			t.Errorf("%s: marked as a deviation, but our result equals Django's", c.name)
		case !same:
			differing = append(differing, c)
		}
	}
	deviated := map[string]string{}
	longer := map[string]int{}
	if len(differing) == 0 {
		return deviated, longer
	}
	// A difference is allowed only where Django's list is invalid: check
	// both lists in real Django too.
	validated := runOracle(t, dj, differing, ours, true)
	for _, c := range differing {
		r := validated[c.name]
		_, inputErr := replay(c.app, inputs[c.name])
		if inputErr == nil && r.InputInvalid != "" {
			// Real Django cannot migrate the input itself: neither list
			// can be judged against it.
			deviated[c.name] = "input fails in real Django: " + r.InputInvalid
			continue
		}
		_, djErr := replay(c.app, parseOps(t, c.app, r.DjangoSrc))
		_, oursErr := replay(c.app, results[c.name].Operations)
		var djList []json.RawMessage
		json.Unmarshal(r.Django, &djList)
		if dj.Version.Major() >= 6 && inputErr == nil && djErr == nil && oursErr == nil && r.DjangoInvalid == "" && r.OursInvalid == "" &&
			len(djList) < len(results[c.name].Operations) && !c.main {
			// Both lists valid, Django's shorter: a reduction 6.x has and
			// djsquash (5.2's rules plus the main branch's named ones) lacks,
			// or, with the rules djsquash ships, an AddField and AlterField
			// it keeps apart for the rows that exist.
			deviated[c.name] = "Django 6.x reduces further"
			if slices.Contains(results[c.name].Deviations, DefaultForExistingRows) {
				deviated[c.name] = string(DefaultForExistingRows)
			}
			continue
		}
		if inputErr != nil || djErr == nil || oursErr != nil || r.DjangoInvalid == "" || r.OursInvalid != "" {
			t.Errorf("%s: result differs from Django's (input replay: %v; django replay: %v / in Django: %q; ours: %v / in Django: %q)\n%s\ninput:\n%s",
				c.name, inputErr, djErr, r.DjangoInvalid, oursErr, r.OursInvalid, opDiff(r.Django, r.Ours), c.input)
			continue
		}
		reason := "Django " + string(dj.Version) + "'s list is invalid under its own rules"
		if ds := results[c.name].Deviations; len(ds) > 0 {
			reason = string(ds[0])
		}
		deviated[c.name] = reason
		longer[c.name] = len(results[c.name].Operations) - len(djList)
	}
	return deviated, longer
}

// TestMatchesDjangoOptimizer: every case of Django's test_optimizer.py, as
// data, gives the list real Django's optimizer gives, except the named
// deviations, where Django's list fails replay and ours does not.
func TestMatchesDjangoOptimizer(t *testing.T) {
	cases := readCases(t)
	if len(cases) < 60 {
		t.Fatalf("only %d cases read", len(cases))
	}
	// 5.2, the LTS, and 6.1: the same deviations, but for the 5.2 bug 6.x
	// fixed (the cases named _52).
	for _, v := range []djangotest.Version{"5.2", "6.1"} {
		t.Run("django"+string(v), func(t *testing.T) {
			t.Parallel()
			deviated := differential(t, djangotest.RequireDjango(t, v), cases)
			for _, c := range cases {
				if _, ok := deviated[c.name]; c.deviation && !ok && !(v.Major() >= 6 && strings.HasSuffix(c.name, "_52")) {
					t.Errorf("%s: marked as a deviation but did not deviate", c.name)
				}
			}
			for d := range deviated {
				found := false
				for _, c := range cases {
					found = found || c.name == d && c.deviation
				}
				if !found {
					t.Errorf("%s: deviates from Django but is not marked as a deviation", d)
				}
			}
		})
	}
}

// opDiff shows two normalised operation lists, one operation a line,
// marking the lines that differ.
func opDiff(django, ours json.RawMessage) string {
	var a, b []json.RawMessage
	json.Unmarshal(django, &a)
	json.Unmarshal(ours, &b)
	var out strings.Builder
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y string
		if i < len(a) {
			x = string(a[i])
		}
		if i < len(b) {
			y = string(b[i])
		}
		if x == y {
			fmt.Fprintf(&out, "  %d %s\n", i, x)
			continue
		}
		fmt.Fprintf(&out, "- %d %s\n+ %d %s\n", i, x, i, y)
	}
	return out.String()
}
