package upgrade

import (
	"bytes"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/golden"
	"github.com/djsquash/djsquash/internal/project"
)

const mig = `# -*- coding: latin-1 -*-
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddConstraint(
            model_name="item",
            constraint=models.CheckConstraint(check=models.Q(price__gte=0), name="caf\xe9_price"),
        ),
        migrations.CreateModel(
            name="Tag",
            fields=[("id", models.AutoField(primary_key=True))],
            options={"constraints": [models.CheckConstraint(check  =models.Q(id__gt=0), name="tag_id")]},
        ),
    ]
`

// TestBuild: every check= becomes condition= (in AddConstraint and in
// CreateModel's options), every other byte stays, a Latin-1 file stays
// Latin-1; a call that gives both is refused; below 6 nothing changes.
func TestBuild(t *testing.T) {
	dir := golden.WriteTree(t, map[string]string{
		"manage.py":                       "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings\")\n",
		"shop/__init__.py":                "",
		"shop/migrations/__init__.py":     "",
		"shop/migrations/0001_initial.py": "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n    operations = []\n",
		"shop/migrations/0002_checks.py":  mig,
	})
	l, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p := Build(l, 5, nil); len(p.Fixes) != 0 || !p.Changes.Empty() {
		t.Errorf("--django 5 rewrote: %+v", p.Fixes)
	}
	p := Build(l, 6, nil)
	if len(p.Problems) > 0 || len(p.Fixes) != 2 || len(p.Changes.Changes) != 1 {
		t.Fatalf("fixes %+v, problems %v", p.Fixes, p.Problems)
	}
	ch := p.Changes.Changes[0]
	want := strings.Replace(strings.Replace(mig, "(check=", "(condition=", 1), "(check  =", "(condition  =", 1)
	if !bytes.Equal(ch.New, []byte(want)) {
		t.Errorf("rewritten:\n%s\nwant:\n%s", ch.New, want)
	}
	if p.Fixes[0].Line != 11 || p.Fixes[1].Line != 16 {
		t.Errorf("positions: %+v", p.Fixes)
	}
	both := strings.Replace(mig, `name="tag_id"`, `condition=models.Q(id__gt=1), name="tag_id"`, 1)
	dir2 := golden.WriteTree(t, map[string]string{"manage.py": "", "shop/__init__.py": "", "shop/migrations/__init__.py": "",
		"shop/migrations/0001_initial.py": "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n    operations = []\n",
		"shop/migrations/0002_checks.py":  both})
	l2, _ := project.Load(dir2)
	if p := Build(l2, 6, nil); len(p.Problems) != 1 || p.Problems[0].Code != CodeBoth || !p.Changes.Empty() {
		t.Errorf("check= and condition= in one call: %+v, %d changes", p.Problems, len(p.Changes.Changes))
	}
}

// TestManualRemoval: ExclusionConstraint(opclasses=), gone in Django 5.0,
// has no rename: upgrade refuses with how to rewrite it, from --django 5 on.
func TestManualRemoval(t *testing.T) {
	src := `from django.contrib.postgres.constraints import ExclusionConstraint
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddConstraint(
            model_name="room",
            constraint=ExclusionConstraint(name="no_overlap", expressions=[("span", "&&")], opclasses=["range_ops"]),
        ),
    ]
`
	dir := golden.WriteTree(t, map[string]string{"manage.py": "", "shop/__init__.py": "", "shop/migrations/__init__.py": "",
		"shop/migrations/0001_initial.py": "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n    operations = []\n",
		"shop/migrations/0002_room.py":    src})
	l, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p := Build(l, 4, nil); len(p.Problems) != 0 || !p.Changes.Empty() {
		t.Errorf("--django 4: %+v", p.Problems)
	}
	p := Build(l, 5, nil)
	if len(p.Problems) != 1 || p.Problems[0].Code != CodeManual || !strings.Contains(p.Problems[0].Hint, "OpClass(") || !p.Changes.Empty() {
		t.Errorf("--django 5: %+v, %d changes", p.Problems, len(p.Changes.Changes))
	}
}
