"""The sandbox fixtures (``server``, ``api``, ``raw``) from tests/sandbox_support.py."""

from tests.sandbox_support import api, raw, server

__all__ = ["api", "raw", "server"]
