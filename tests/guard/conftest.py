"""The guard's test: one moto server for the session."""

from harness.fixtures import moto_server  # pylint: disable=unused-import  # noqa: F401 (fixture)
