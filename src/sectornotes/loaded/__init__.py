"""The loaded project: every input read, proven and checked (`load_project`), as every command sees
it, and the queries over it (`listing`, `finder`).
"""
