"""The research rules a note is published under: coverage (subjects, ratings, disclosures data) and
the regimes whose elements each note must carry.
"""
