"""Fanline.health(): one store read, and ok False (never an exception) once the database lost
its schema (the shipped SQLite down files run by hand)."""

import pathlib
import sqlite3

import pytest

import fanline

from conftest import make_engine

MIGRATIONS = pathlib.Path(__file__).resolve().parents[2] / "core/src/store/sqlite/migrations"


def test_memory_store_is_healthy_without_a_schema():
    h = make_engine("memory:").health()
    assert h["ok"] is True
    assert h["store"] == "memory"
    assert h["schemaVersion"] is None
    assert isinstance(h["latencyMs"], float) and h["latencyMs"] >= 0
    assert "error" not in h


def test_sqlite_store_rolled_back_by_hand_is_unhealthy_then_recovers(tmp_path, admin):
    path = tmp_path / "health.db"
    engine = make_engine(f"sqlite:{path}")
    h = engine.health()
    assert h["ok"] is True and h["store"] == "sqlite" and h["schemaVersion"] >= 1

    conn = sqlite3.connect(path)
    for down in sorted(MIGRATIONS.glob("*.down.sql"), reverse=True):
        conn.executescript(down.read_text())
    conn.close()

    h = engine.health()
    assert h["ok"] is False
    assert h["schemaVersion"] == 0
    assert h["error"]["code"] == "STORE_UNAVAILABLE"
    with pytest.raises(fanline.StoreUnavailableError):
        engine.balance(admin, "fan")

    assert make_engine(f"sqlite:{path}").health()["ok"] is True
    assert engine.health()["ok"] is True
