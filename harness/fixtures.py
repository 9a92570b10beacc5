"""pytest fixtures for tests/integration and tests/ecosystem: one moto server per session (per xdist worker)."""

from __future__ import annotations

import pytest

from harness.servers import MotoServer


@pytest.fixture(scope="session")
def moto_server():
    with MotoServer() as server:
        yield server


@pytest.fixture
def moto(moto_server):
    """The session's moto server, emptied for this test."""
    moto_server.reset()
    return moto_server
