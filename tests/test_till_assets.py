"""`make assets`: vendored npm files go to static/vendor/, or it says what is missing."""

import pytest

from atelier import assets


def test_copies_every_vendored_file(tmp_path):
    """From node_modules to static/vendor, nothing else."""
    for source, _ in assets.FILES:
        path = tmp_path / "node_modules" / source
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    copied = assets.copy_assets(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in copied) == sorted(
        f"static/vendor/{dst}" for _, dst in assets.FILES
    )


def test_says_to_run_npm_ci_when_node_modules_is_missing(tmp_path):
    """A fresh clone without `npm ci` gets a clear message."""
    with pytest.raises(FileNotFoundError, match="npm ci"):
        assets.copy_assets(tmp_path)
