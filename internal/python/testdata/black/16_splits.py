def f(apps, schema_editor):
    Book.objects.filter(title__icontains='something', author__name__startswith='X').update(slug='')
    result = some_function_with_a_long_name(argument_number_one, argument_number_two, argument_three)
    mapping = {'alpha': 1, 'beta': 2, 'gamma': 3, 'delta': 4, 'epsilon': 5, 'zeta': 6, 'eta': 7}
    values = [first_value_in_the_list, second_value_in_the_list, third_value_in_the_list, x]
    call(a, b,)
    return render(request, 'template/name.html', {'form': form, 'object': obj, 'extra': 1})
