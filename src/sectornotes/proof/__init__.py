"""What makes a claim true: the numbers in a quote (`numbers`), their units, periods and
qualifiers, the words that bind a metric to its number (`vocabulary`, `meaning`), cells and
derived values; `claims` loads every claim and proves it against its source.
"""
