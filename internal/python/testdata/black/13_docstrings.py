def a():
    '''Single quotes.'''
    return 1
def b():
    """   Padded.   """
def c():
    """
    Multi-line docstring.

        Indented more.
    Last line.
    """
    x = 1
def d():
    """Ends with quote" """
class E:

    """Class docstring."""
    x = 1
def f():
    """Summary.

    Details
    """
