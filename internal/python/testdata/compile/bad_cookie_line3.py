#!/usr/bin/env python
import os
# coding: latin-1
x = 'café'
