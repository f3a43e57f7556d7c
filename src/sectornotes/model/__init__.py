"""The parts of a project that use claims: figures, notes, references and clients, each loaded from
its folder and checked against the proven claims.
"""
