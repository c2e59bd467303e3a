"""What templates say of each other: which templates each one uses, and whether it imports
macros without context.

A template that imports macros without context gets a module Jinja renders once and keeps,
with the `site` of that moment, out of sight of the read tracing (`reads`): neither the
preview's page reads nor a build's page records can tell what such a page depends on, so both
render every page again while a site has one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import jinja2
import jinja2.meta
import jinja2.nodes

from sitegen.stages.render import make_environment


@dataclass(frozen=True, slots=True)
class TemplateFacts:
    """What one template's source says of the templates it uses."""

    referenced: frozenset[str] | None
    """The templates it extends, includes or imports; None when a name is computed at render
    time and cannot be known."""
    imports_without_context: bool


@functools.lru_cache(maxsize=1024)
def template_facts(source: str) -> TemplateFacts:
    """The `TemplateFacts` of a template's source; of one that does not parse, none (its error is
    reported when a page uses it). Kept by text: after a change of templates only the changed
    ones are parsed again, not every template several times over."""
    try:
        tree = parser().parse(source)
    except jinja2.TemplateError:
        return TemplateFacts(frozenset(), False)
    referenced = list(jinja2.meta.find_referenced_templates(tree))
    imports = tree.find_all((jinja2.nodes.Import, jinja2.nodes.FromImport))
    without_context = any(
        isinstance(node, jinja2.nodes.Import | jinja2.nodes.FromImport) and not node.with_context
        for node in imports
    )
    names = None if None in referenced else frozenset(str(name) for name in referenced)
    return TemplateFacts(names, without_context)


@functools.cache
def parser() -> jinja2.Environment:
    """An environment to parse templates with: every one `make_environment` makes parses the
    same way."""
    return make_environment({})


def any_import_without_context(templates: dict[str, str]) -> bool:
    """Whether any template imports macros without context. Only a template that says
    "import" can, so only those are parsed: a build asks this every time."""
    return any(
        template_facts(text).imports_without_context
        for text in templates.values()
        if "import" in text
    )
