"""Page metadata for templates (JSON-LD and friends); the theme fills this in."""

__all__: list[str] = []
