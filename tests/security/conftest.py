"""The provider fixtures (a sandbox wired to triboo_default)."""

from tests.provider.conftest import connect, sandbox

__all__ = ["connect", "sandbox"]
