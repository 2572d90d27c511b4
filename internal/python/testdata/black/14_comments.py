def f(apps, schema_editor):
    #no space
    x = 1 # trailing
    #: sphinx
    y = 2  #!bang

    # before def

    def g():
        pass


    # after def, two blanks
    z = 3
    if x: # header comment
        pass
    for i in range(3):  # loop
        # inside
        y += i
        # end of loop body
    # after loop
    return z
