"""The lossy study: near-lossless coding against MP3 and Opus, on what neuroscientists use.

``neurorice lossy-study DATA`` (:mod:`.study`) runs every recording through each codec at
each setting (:mod:`.codecs`), measures the restored signal against the original
(:mod:`.metrics`) and writes Markdown, JSON and PNG (:mod:`.document`, :mod:`.plots`).
"""
