"""Puts the repository root on sys.path so `tests.fault.proxy` imports.

pytest.ini only adds `collections`, and test folders have no __init__.py, so the root
is not importable by default.
"""
from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[3])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
