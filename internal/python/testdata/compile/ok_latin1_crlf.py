# -*- coding: iso-8859-1 -*-
x = 'café'
y = '''a
b'''
