"""Analysis results kept per process: the story groups, the network, a chart, computed once for a
view and reused by every rerun, return to the page and other session that shows the same view
(story groups and the network take seconds on a large store).

``call(function, *args, **kwargs)`` is ``function(*args, **kwargs)``, remembered under a key
built from the function (its module, qualified name and file), its arguments and the view (the
store's URL and revision, the translations' revision, the translation target and the applied
filters). A page passes every input as an argument: a lambda or a closure would hide inputs from
the key, so they are refused.

Arguments are keyed by value when they can be hashed (numbers, strings, dates, ``Filters``, tuples
of them; lists, sets and dicts by their items), and by identity otherwise (frames). Hashing a
100k-article frame's content would cost more than most results, and the frames pages pass come
from Streamlit's caches or from this one, the same object for as long as the view lasts. An
identity is trusted only while its object lives: the entry keeps a weak reference to it, and is
dropped once the object is gone (CPython gives a collected object's id to the next). Dropped at
once, not when the bound pushes it out: a result often shares memory with the selection it was
computed from (pandas hands out columns without copying them), so an entry left behind by its
selection kept that selection's columns alive: 560 MB of a 1M-article server after 20 filter
changes, while only three selections were meant to be held.
"""
from __future__ import annotations

import inspect
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

from core.store import database
from ui import corpus, filters

MAX_RESULTS = 64  # analysis results kept per process, least recently used dropped first


class ResultCache:
    """A bounded map from calls to their results, safe to share between the sessions' threads.

    The lock guards the map, not the computation: two sessions asking for the same new result at
    once both compute it (the second stores the same value again), and no session waits for
    another's seconds-long story grouping to look up its own chart."""

    def __init__(self, max_entries: int = MAX_RESULTS):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[Any, tuple]] = OrderedDict()
        self._lock = threading.Lock()
        # Set from the collector when an object some entry is keyed by dies; the entries are swept
        # on the next call (a weak reference's callback must not take the lock: the collector can
        # run it in a thread that holds it).
        self._dead = False

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, function: Callable, args: tuple = (), kwargs: dict | None = None, view: tuple = ()) -> Any:
        """``function(*args, **kwargs)``, or the result kept for the same call in the same ``view``."""
        kwargs = kwargs or {}
        held: list = []
        key = (_identity(function, held), _key(args, held), _key(tuple(sorted(kwargs.items())), held), view)
        with self._lock:
            self._sweep()
            entry = self._entries.get(key)
            if entry is not None and all(_alive(reference) for reference in entry[1]):
                self._entries.move_to_end(key)
                return entry[0]
        value = function(*args, **kwargs)
        with self._lock:
            self._sweep()
            self._entries[key] = (value, tuple(_reference(obj, self._mark_dead) for obj in held))
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value


    def _mark_dead(self, _reference: object) -> None:
        self._dead = True

    def _sweep(self) -> None:
        """Drop the entries keyed by an object that is gone (called with the lock held)."""
        if not self._dead:
            return
        self._dead = False
        for key in [key for key, (_, references) in self._entries.items() if not all(map(_alive, references))]:
            del self._entries[key]


@st.cache_resource
def _results() -> ResultCache:
    # In Streamlit's resource cache, so that clearing Streamlit's caches clears this one too.
    return ResultCache()


def call(function: Callable, *args, **kwargs) -> Any:
    """``function(*args, **kwargs)``, remembered for this store revision, these filters and these
    arguments: a widget that changes something else, a return to a page or another session with
    the same view reuses it."""
    return _results().get(function, args, kwargs, _view())


def _view() -> tuple:
    eng = corpus.engine()
    return (str(eng.url), database.revision(eng), database.revision(eng, "translations"),
            corpus.translation_settings().target, filters.current_filters())


def _identity(function: Callable, held: list) -> Hashable:
    """A function as part of a key: its module, qualified name and file (page scripts all run as
    ``__main__``, so two pages' helpers of the same name differ by their file only). A method adds
    its object, and another callable (a ``functools.partial``, an object) is keyed as an argument."""
    function = inspect.unwrap(function)  # a decorator's closure holds the function, not inputs
    if inspect.ismethod(function):
        return (_identity(function.__func__, held), _key(function.__self__, held))
    code = getattr(function, "__code__", None)
    if code is None:
        return _key(function, held)
    if function.__name__ == "<lambda>" or function.__closure__:
        raise TypeError(f"{code.co_filename}:{code.co_firstlineno}: result_cache.call needs a named function that "
                        f"takes every input as an argument, not {function.__qualname__} (a lambda or a closure "
                        "hides its inputs from the key)")
    return (function.__module__, function.__qualname__, code.co_filename)


def _key(value: Any, held: list) -> Hashable:
    """``value`` as part of a key: itself when hashable, its items for a list, set or dict, else its
    identity (the object is added to ``held``, which the entry keeps a reference to)."""
    try:
        hash(value)
    except TypeError:
        pass
    else:
        return value
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(_key(item, held) for item in value))
    if isinstance(value, dict):
        return (dict, tuple((name, _key(item, held)) for name, item in value.items()))
    if isinstance(value, set):
        return (set, frozenset(_key(item, held) for item in value))
    held.append(value)
    return (type(value), id(value))


def _reference(obj: object, on_death: Callable[[object], None]) -> object:
    """A weak reference to ``obj`` (``on_death`` called when it dies), or ``obj`` itself when it
    takes none (the entry then keeps it alive, so its id cannot pass to another object while the
    entry lasts)."""
    try:
        return weakref.ref(obj, on_death)
    except TypeError:
        return obj


def _alive(reference: object) -> bool:
    return not isinstance(reference, weakref.ref) or reference() is not None
