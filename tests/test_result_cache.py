"""The pages' process-wide cache of analysis results (ui/result_cache.py): bounded, least recently
used dropped first, keyed on the function, its arguments and the view, safe across threads."""
import gc
import threading
import weakref

import pandas as pd
import pytest

from ui import result_cache

VIEW = ("sqlite:///store.db", 3, 1, "en", None)


class Counted:
    """A function that counts its calls, as a page's analysis would be timed."""

    def __init__(self):
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, *args, **kwargs):
        with self._lock:
            self.calls += 1
        return (args, tuple(sorted(kwargs.items())))


def square(number):
    return number * number


def rows(frame, limit=None):
    return len(frame) if limit is None else min(len(frame), limit)


KIND_CALLS = []


def kind(obj) -> str:
    """A result that does not hold its argument, which can then be collected."""
    KIND_CALLS.append(obj.__class__)
    return type(obj).__name__


class Unhashable:
    """Stands for a frame: no hash, so keyed by identity; CPython hands a collected one's id to the
    next one at once, which a DataFrame's allocation makes rare."""
    __hash__ = None


def test_it_keeps_at_most_its_bound():
    cache = result_cache.ResultCache()
    assert cache.max_entries == result_cache.MAX_RESULTS == 64
    for number in range(100):
        assert cache.get(square, (number,), view=VIEW) == number * number
    assert len(cache) == 64


def test_the_least_recently_used_result_is_dropped_first():
    counted = Counted()
    cache = result_cache.ResultCache(max_entries=3)
    for number in (1, 2, 3):
        cache.get(counted, (number,), view=VIEW)
    cache.get(counted, (1,), view=VIEW)  # 1 is used again: 2 is now the oldest
    cache.get(counted, (4,), view=VIEW)
    assert counted.calls == 4
    cache.get(counted, (1,), view=VIEW)
    cache.get(counted, (3,), view=VIEW)
    cache.get(counted, (4,), view=VIEW)
    assert counted.calls == 4, "1, 3 and 4 are kept"
    cache.get(counted, (2,), view=VIEW)
    assert counted.calls == 5, "2 was dropped"


def test_the_key_is_the_function_its_arguments_and_the_view():
    counted = Counted()
    cache = result_cache.ResultCache()
    cache.get(counted, (1, "week"), view=VIEW)
    cache.get(counted, (1, "week"), view=VIEW)
    assert counted.calls == 1 and len(cache) == 1
    cache.get(counted, (1, "month"), view=VIEW)
    cache.get(counted, (1,), {"freq": "week"}, view=VIEW)
    cache.get(counted, (1, "week"), view=(*VIEW[:1], 4, *VIEW[2:]))  # the store changed
    cache.get(square, (1,), view=VIEW)
    assert counted.calls == 4 and len(cache) == 5
    # Keyword order does not matter; lists, sets and dicts are keyed by their items.
    cache.get(counted, (), {"a": 1, "b": [2, 3], "c": {"x": {4}}}, view=VIEW)
    cache.get(counted, (), {"c": {"x": {4}}, "b": [2, 3], "a": 1}, view=VIEW)
    assert counted.calls == 5
    cache.get(counted, (), {"a": 1, "b": [3, 2], "c": {"x": {4}}}, view=VIEW)
    assert counted.calls == 6


def test_frames_are_keyed_by_identity():
    frame = pd.DataFrame({"x": range(5)})
    cache = result_cache.ResultCache()
    assert cache.get(rows, (frame,), {"limit": 3}, view=VIEW) == 3
    assert cache.get(rows, (frame,), {"limit": 3}, view=VIEW) == 3
    assert len(cache) == 1
    head, copy = frame.head(2), frame.copy()
    assert cache.get(rows, (head,), {"limit": 3}, view=VIEW) == 2
    assert cache.get(rows, (copy,), {"limit": 3}, view=VIEW) == 3  # equal content, another object
    assert len(cache) == 3


def test_an_identity_is_trusted_only_while_its_object_lives():
    calls = KIND_CALLS
    calls.clear()
    cache = result_cache.ResultCache()
    first = Unhashable()
    cache.get(kind, (first,), view=VIEW)
    cache.get(kind, (first,), view=VIEW)
    assert len(calls) == 1
    reused = 0
    for _ in range(20):
        old_id = id(first)
        del first
        first = Unhashable()  # most often at the address (and id) of the one just collected
        reused += id(first) == old_id
        cache.get(kind, (first,), view=VIEW)
    assert reused, "CPython did not reuse an id: the test proves nothing"
    assert len(calls) == 21, "an object that took a dead one's id got the dead one's result"


def test_lambdas_and_closures_are_refused():
    cache = result_cache.ResultCache()
    frame = pd.DataFrame({"x": [1]})
    with pytest.raises(TypeError, match="lambda"):
        cache.get(lambda: len(frame), view=VIEW)

    def hidden():
        return len(frame)

    with pytest.raises(TypeError, match="closure"):
        cache.get(hidden, view=VIEW)


def test_sessions_share_it_from_their_threads():
    counted = Counted()
    cache = result_cache.ResultCache(max_entries=16)
    failures = []

    def session(offset: int) -> None:
        try:
            for round_ in range(300):
                number = (offset + round_) % 24  # more keys than room: entries come and go
                assert cache.get(counted, (number,), {"kind": "n"}, view=VIEW) == ((number,), (("kind", "n"),))
        except Exception as error:  # reported below, from the test's thread
            failures.append(error)

    threads = [threading.Thread(target=session, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    assert len(cache) == 16
    assert counted.calls < 8 * 300, "no result was reused"


def test_call_keys_on_the_view_of_the_session(monkeypatch):
    cache = result_cache.ResultCache()
    view = list(VIEW)
    monkeypatch.setattr(result_cache, "_results", lambda: cache)
    monkeypatch.setattr(result_cache, "_view", lambda: tuple(view))
    counted = Counted()
    result_cache.call(counted, 7, limit=2)
    result_cache.call(counted, 7, limit=2)
    assert counted.calls == 1
    view[-1] = "filters changed"
    result_cache.call(counted, 7, limit=2)
    assert counted.calls == 2


def test_an_entry_goes_with_the_frame_it_was_computed_from():
    # A result sharing memory with its selection (a column of it, as pandas hands them out without
    # copying) kept the selection's columns alive for as long as the entry stayed, long after the
    # selection itself was let go.
    cache = result_cache.ResultCache()
    kept = pd.DataFrame({"x": range(3)})
    cache.get(first_column, (kept,), view=VIEW)
    selection = pd.DataFrame({"x": range(1000)})
    column = cache.get(first_column, (selection,), view=VIEW)
    held = weakref.ref(column)
    assert len(cache) == 2
    del selection, column
    gc.collect()
    cache.get(square, (2,), view=VIEW)  # any later call sweeps
    assert held() is None, "the result of a collected frame is still held"
    assert len(cache) == 2, "the entry of the frame still alive, and the new one, are kept"
    assert cache.get(first_column, (kept,), view=VIEW) is not None


def first_column(frame):
    return frame["x"]
