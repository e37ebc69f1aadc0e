"""The version of minilr, in one place (read by setup.cfg and written into model files)."""

__version__ = "0.1.0"
