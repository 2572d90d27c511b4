def combine_names(apps, schema_editor):
    # We can't import the Person model directly as it may be a newer
    # version than this migration expects. We use the historical version.
    Person = apps.get_model('yourappname', 'Person')
    for person in Person.objects.all():
        person.name = '%s %s' % (person.first_name, person.last_name)
        person.save()
        if not person.name:
            for alias in person.aliases.all():
                if alias:
                    continue
                    # unreachable
            # after inner for
        # after if
    # after outer for
    return


def reverse(apps, schema_editor):
    pass
