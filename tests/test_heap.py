"""lib/web/heap.py: the server's heap frozen once per page, after that page's first run."""

import gc

import pytest

from lib.web import heap


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(heap, "_frozen", set())
    monkeypatch.delenv("JIXIAO_GC_FREEZE", raising=False)
    yield
    gc.unfreeze()  # the objects of this test process back to the collector


def test_the_first_run_of_a_page_freezes_the_heap_and_later_runs_do_not(fresh):
    gc.unfreeze()
    assert heap.settle("funding") is True
    frozen = gc.get_freeze_count()
    assert frozen > 1000  # pytest, streamlit, pandas… all alive at this point
    kept = [[i] for i in range(5000)]  # objects made after the freeze stay collectable
    assert heap.settle("funding") is False
    assert gc.get_freeze_count() == frozen
    assert heap.settle("overview") is True  # another page's first run: what it brought is frozen too
    assert gc.get_freeze_count() >= frozen + len(kept)


def test_a_full_collection_walks_only_what_came_after_the_freeze(fresh):
    gc.unfreeze()
    before = [[i] for i in range(200_000)]  # a heap as large as the app's
    heap.settle("overview")
    after = [[i] for i in range(10)]
    walked = {id(o) for generation in range(3) for o in gc.get_objects(generation=generation)}
    assert id(before[0]) not in walked and id(before[-1]) not in walked
    assert id(after[0]) in walked
    assert len(walked) < len(before)


def test_jixiao_gc_freeze_0_turns_it_off(fresh, monkeypatch):
    gc.unfreeze()
    monkeypatch.setenv("JIXIAO_GC_FREEZE", "0")
    assert heap.settle("overview") is False
    assert gc.get_freeze_count() == 0
