"""The shared vocabulary every layer speaks: diagnostics, URLs, the site model and outputs.

Plain values only: nothing here reads a file, renders anything or keeps state between calls.
"""
