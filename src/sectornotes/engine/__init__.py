"""The make-style build: stages declare the outputs they produce and the inputs they read
(`stages`), the engine runs the stale ones (`engine`) and records content hashes (`state`) and
the tool versions (`environment`).
"""
