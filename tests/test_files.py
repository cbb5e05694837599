"""Atomic output files (sufficiency._files): permissions, failure, extensions."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from sufficiency._files import atomic_write, atomic_write_with


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_new_files_get_ordinary_permissions(tmp_path, umask_022):
    a = atomic_write(tmp_path / "a.csv", "x\n")
    b = atomic_write_with(
        tmp_path / "b.xlsx", lambda t: pd.DataFrame({"x": [1]}).to_excel(t, index=False)
    )
    for p in (a, b):
        assert stat.S_IMODE(p.stat().st_mode) == 0o644, p  # not mkstemp's private 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_permissions_follow_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        p = atomic_write(tmp_path / "private.txt", b"secret")
    finally:
        os.umask(old)
    assert stat.S_IMODE(p.stat().st_mode) == 0o600


def test_failed_writer_leaves_old_file_and_no_temporary(tmp_path):
    target = atomic_write(tmp_path / "t.xlsx", b"old")

    def boom(tmp):
        with open(tmp, "wb") as f:
            f.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write_with(target, boom)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]


def test_writer_sees_the_target_extension_and_folders_are_made(tmp_path):
    seen = []
    atomic_write_with(
        tmp_path / "deep" / "er" / "out.xlsx", lambda t: (seen.append(t), open(t, "w").close())
    )
    assert seen[0].endswith(".xlsx") and os.path.basename(seen[0]).startswith(".out.tmp.")
    assert (tmp_path / "deep" / "er" / "out.xlsx").exists()


def test_text_is_utf8_with_newlines_as_given(tmp_path):
    p = atomic_write(tmp_path / "t.txt", "£1\r\nx\n")
    assert p.read_bytes() == "£1\r\nx\n".encode()
    with pytest.raises(TypeError, match="expected bytes or str, got int"):
        atomic_write(tmp_path / "bad.txt", 3)  # type: ignore[arg-type]
    assert not (tmp_path / "bad.txt").exists()
