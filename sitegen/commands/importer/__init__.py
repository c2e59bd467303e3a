# ruff: noqa: RUF002 -- the examples quote copy with its curly quotes
"""`sitegen import`: turn raw news copy into a draft explainer.

The importer is rule-based and deterministic on purpose: a writer must be able to predict what it
will do, re-run it and get the same file, and read every rule, each one function or word list with
an example in its docstring:

- `frames` finds the quotations by their marks and reads the rest of a paragraph as tokens and
  sentences with a placeholder for each quotation;
- `vocabulary` holds the word lists (speech verbs, titles, role nouns, forms of address);
- `names` reads a name and its role or title (`Ukraine’s Foreign Minister Andriy Sybiga`);
- `attribution` finds who a quotation is attributed to (`“…,” X said`, `according to X`, …).

Stages:

- `structure` splits the copy into title, key points, paragraphs, sub-headings, related links,
  byline and source, and drops site boilerplate;
- `quotes` finds the direct quotes and attributes each one with those rules;
- `actors` merges the people and organisations named ("Mr McCully", "McCully") into one actor each;
- `writer` writes the content file; `command` is the CLI entry point.
"""
