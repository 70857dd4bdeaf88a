"""The collector is paused while the app starts, and afterwards runs as before, with what the start built frozen."""

from __future__ import annotations

import gc

import pytest

from chalice_mcp import garbage_collector


@pytest.fixture(autouse=True)
def collector_as_it_was():
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_inside_and_running_after():
    gc.enable()
    with garbage_collector.paused_while_starting():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_what_the_start_built_is_frozen_out_of_later_collections():
    gc.unfreeze()
    with garbage_collector.paused_while_starting():
        built_at_start = [[] for _ in range(1000)]
    assert gc.get_freeze_count() >= len(built_at_start)


def test_the_collector_runs_again_when_the_start_fails():
    gc.enable()
    with pytest.raises(ImportError), garbage_collector.paused_while_starting():
        raise ImportError("a module of the app is missing")
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused():
    gc.disable()
    with garbage_collector.paused_while_starting():
        pass
    assert not gc.isenabled()
