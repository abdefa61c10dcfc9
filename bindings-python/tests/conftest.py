"""Shared fixtures: Agora test credentials, an engine on a manual clock, actors."""

import pytest
from hypothesis import settings

import fanline

# Shared machines run these under load: no per-example deadline (no test asserts a timing).
settings.register_profile("fanline", deadline=None)
settings.load_profile("fanline")

APP_ID = "970CA35de60c44645bbae8a215061b33"
CERT = "5CFd2fd1755d40ecb72977518be15d3b"
SHARE_KEY = b"python-tests-share-key-0123456789"
#: 2026-11-25T12:00:00Z
START_MS = 1_795_608_000_000


def make_engine(store="memory:", **kwargs):
    options = dict(
        app_id=APP_ID,
        app_certificate=CERT,
        share_key=SHARE_KEY,
        clock_ms=START_MS,
        flags={name: True for name in fanline.FEATURES},
    )
    options.update(kwargs)
    return fanline.Fanline(store, **options)


@pytest.fixture(params=["memory", "sqlite"])
def engine(request, tmp_path):
    """An engine with every flag on, a manual clock and a ledger, on each kind of store."""
    if request.param == "memory":
        return make_engine("memory:")
    return make_engine(f"sqlite:{tmp_path / 'fanline.db'}")


@pytest.fixture
def fan():
    return fanline.Actor.fan("fan_ada")


@pytest.fixture
def creator():
    return fanline.Actor.creator("creator_max")


@pytest.fixture
def admin():
    return fanline.Actor.admin("ops")
