"""`rectrack db upgrade|current` as a subprocess, and a read command on a store that is
behind: it stops with one line naming the fix and leaves the store as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.store.test_migrations import OLD_STORE

RECTRACK = str(Path(sys.executable).parent / "rectrack")


def rectrack(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RECTRACK_HOME": str(home)}
    env.pop("RECTRACK_DATABASE_URL", None)
    return subprocess.run([RECTRACK, *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def test_db_upgrade_on_a_new_and_on_an_old_store(tmp_path: Path) -> None:
    new = tmp_path / "new"
    assert rectrack(new, "db", "current").stdout.strip() == "store without a version, head 0005"
    refused = rectrack(new, "report", "aging")
    assert refused.returncode == 1
    assert refused.stderr.strip().endswith("run `rectrack db upgrade` (the worker and "
                                           "`rectrack dev` also upgrade at start)")
    assert rectrack(new, "db", "current").stdout.strip().startswith("store without a version")

    first = rectrack(new, "db", "upgrade")
    assert (first.returncode, first.stdout.splitlines()) == (0, [
        "applied 0001", "applied 0002", "applied 0003", "applied 0004", "applied 0005",
        "store at 0005 (head)"])
    again = rectrack(new, "db", "upgrade")
    assert again.stdout.strip() == "store at 0005 (head): nothing to do"
    assert rectrack(new, "report", "aging").returncode == 0

    old = tmp_path / "old"
    old.mkdir()
    shutil.copyfile(OLD_STORE, old / "rectrack.db")
    upgraded = rectrack(old, "db", "upgrade")
    assert upgraded.stdout.splitlines() == [
        "store without a version recognised as 0003: stamped", "applied 0004",
        "applied 0005", "store at 0005 (head)"], upgraded.stderr
    assert rectrack(old, "db", "current").stdout.strip() == "store 0005, head 0005"


def test_db_upgrade_refuses_a_store_at_a_revision_it_does_not_know(tmp_path: Path) -> None:
    """A store written by a newer rectrack (or edited by hand): refused, left as it was."""
    import sqlite3

    home = tmp_path / "newer"
    assert rectrack(home, "db", "upgrade").returncode == 0
    with sqlite3.connect(home / "rectrack.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    refused = rectrack(home, "db", "upgrade")
    assert refused.returncode == 1, refused.stdout
    assert "0099, which this rectrack does not know" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    with sqlite3.connect(home / "rectrack.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0099",)
