# coding: latin_1
x = 'café'
