"""Machine pre-translation: protect markup, ask an engine, check the result, mark it for review."""
