"""Configuration: discovery, schema, loading and the resolved Config object."""

from giza.config.loading import discover, load
from giza.config.model import Config

__all__ = ["Config", "discover", "load"]
