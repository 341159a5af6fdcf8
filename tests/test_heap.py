"""The standards are loaded with the cycle collector off, frozen out of its scans, and handed back after the build."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import heap
from generator.site.build import BuildOptions, build


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


def test_loading_turns_the_collector_off_and_freezes_what_it_made() -> None:
    gc.enable()
    gc.unfreeze()
    with heap.loading():
        assert not gc.isenabled()
        made = [[i] for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)
    heap.thaw()
    assert gc.get_freeze_count() == 0


def test_loading_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    with heap.loading():
        pass
    assert not gc.isenabled()


def test_loading_turns_the_collector_back_on_when_loading_fails() -> None:
    gc.enable()
    with pytest.raises(ValueError), heap.loading():
        raise ValueError("bad standards")
    assert gc.isenabled()


def test_a_build_hands_everything_back_even_when_it_refuses(tmp_path: Path) -> None:
    (tmp_path / "standards").mkdir()
    result = build(BuildOptions(standards=tmp_path / "standards", site=tmp_path / "site", work=tmp_path / "work"))
    assert not result.ok
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
