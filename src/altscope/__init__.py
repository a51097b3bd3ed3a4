"""altscope: open, self-hosted altmetrics."""

__version__ = "0.1.0"
