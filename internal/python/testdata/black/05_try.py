def migrate_data(apps,schema_editor):
    Book=apps.get_model("catalog","Book")
    try:
        book=Book.objects.get(pk=1)
    except Book.DoesNotExist:
        return
    except (ValueError,TypeError) as exc:
        raise RuntimeError('bad') from exc
    else:
        book.save(update_fields=['title'])
    finally:
        pass
    while book.title and not book.slug :
        book.slug=book.title.lower()[ :50]
    with transaction.atomic() :
        for i,b in enumerate(Book.objects.filter(title__startswith='A').order_by('-pk')[1:10]):
            b.rank=i*2+1 ; b.save()
