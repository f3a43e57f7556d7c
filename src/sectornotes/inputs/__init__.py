"""The project's own files, read and validated: the folder layout (`project`), YAML with positions
(`yamlfile`), the pydantic schema of every file kind (`schema`), and the small policies every
input passes through (paths, URLs, numbers in cells, colours, mail headers, atomic writes).
Nothing here knows what a claim proves.
"""
