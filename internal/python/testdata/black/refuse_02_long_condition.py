def f(book):
    if book.title_is_long_enough_to_matter and book.author_is_known_to_us and book.publisher_exists:
        return True
