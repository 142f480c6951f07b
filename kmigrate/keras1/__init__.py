"""Keras 1 facts as data: rename tables, value maps and rank data (spec: keras1-to-keras3.md).

Nothing here imports the rest of kmigrate; rules read these tables and the rule reference is
generated from them.
"""
