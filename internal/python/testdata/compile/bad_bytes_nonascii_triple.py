x = rb"""café"""
