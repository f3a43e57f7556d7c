"""Languages: the interface strings of each language and the formatting of numbers and dates the
notes use.
"""
