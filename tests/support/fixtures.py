"""pytest fixtures shared by the test folders: one moto server per session (per xdist worker)."""

from __future__ import annotations

import pytest

from tests.support.moto_server import MotoServer


@pytest.fixture(scope="session")
def moto_server():
    with MotoServer() as server:
        yield server


@pytest.fixture
def moto(moto_server):
    """The session's moto server, emptied for this test."""
    moto_server.reset()
    return moto_server
