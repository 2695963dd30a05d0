"""deliberate: an online deliberation engine for city dialogues that end in a citizens' advice.

The core library (this package) holds the domain, the store, the analysis and the advice. It
never imports the web layer; ``web/`` is an adapter on top of :mod:`deliberate.service`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from deliberate.config import Settings
from deliberate.errors import DeliberateError

try:
    __version__ = version("deliberate")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["DeliberateError", "Settings", "__version__"]
