"""The stages of a build, in order: load, parse, assemble, render, write.

Each stage takes values and returns values plus the problems it found. None of them knows
whether it runs for `sitegen build`, `sitegen check` or the preview, in one process or many:
that is the engine's business (`sitegen.engine`).
"""
