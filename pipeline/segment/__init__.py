"""The one segmenter: markdown walker, front matter, directives, tag and inline lexers, slugs."""
