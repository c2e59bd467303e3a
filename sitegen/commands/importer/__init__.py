"""`sitegen import`: turn raw news copy into a draft explainer.

The importer is rule-based and deterministic on purpose: a writer must be able to predict what it
will do, re-run it and get the same file, and read every rule in `attribution.py`. Stages:

- `structure` splits the copy into title, key points, paragraphs, sub-headings, related links,
  byline and source, and drops site boilerplate;
- `quotes` finds the direct quotes and attributes each one with the rules of `attribution`;
- `actors` merges the people and organisations named ("Mr McCully", "McCully") into one actor each;
- `writer` writes the content file; `command` is the CLI entry point.
"""
