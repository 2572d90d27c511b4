package migration

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestModelsUsed(t *testing.T) {
	m, ds := read(t, `from django.db import migrations


def forwards(apps, schema_editor):
    raise RuntimeError("shadowed by the definition below")


def forwards(apps, schema_editor):
    Author = apps.get_model("library", "Author")
    Book = apps.get_model("shop.Book")
    Dynamic = apps.get_model("shop", name)
    Kw = apps.get_model(app_label="shop", model_name="Kw")
    for a in Author.objects.all():
        Book.objects.create(author_id=a.pk)


def helper(apps):
    return apps.get_model("shop", "Helper")


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(lambda apps, se: apps.get_model("shop", "Lam").objects.all()),
        migrations.RunPython(migrations.RunPython.noop),
    ]
`, nil)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	var got [][]string
	for _, op := range m.Operations {
		var uses []string
		for _, u := range ModelsUsed(op.(*RunPython)) {
			uses = append(uses, fmt.Sprintf("%s.%s", u.App, u.Model))
		}
		got = append(got, uses)
	}
	want := [][]string{{"library.Author", "shop.Book"}, {"shop.Lam"}, nil}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("models used (-want +got):\n%s", diff)
	}
}
