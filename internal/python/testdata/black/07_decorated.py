@transaction.atomic
def populate(apps, schema_editor, *args, batch_size: int=500, **kwargs) -> None:
    """Fill in the slug of every book."""
    Book = apps.get_model('catalog', 'Book')
    qs = Book.objects.filter(slug='')   # only the empty ones
    total = qs.count()
    done = 0
    while done < total:
        chunk = list(qs[done:done+batch_size])
        for book in chunk:
            book.slug = slugify(book.title)[:50] or 'book-%d' % book.pk
        Book.objects.bulk_update(chunk, ['slug'])
        done += batch_size
