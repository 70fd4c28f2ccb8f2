"""Translation engines: one module per kind, all behind ``base.Engine``."""
