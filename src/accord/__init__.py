"""accord: track the commitments of a joint statement, kept as YAML records in git."""

__version__ = "0.1.0"
