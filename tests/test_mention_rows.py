"""The mention index finds the mentions frame's rows of the mentions it picks, whether or not every
row names an actor (when all do, it keeps no table of positions: core/analysis/mention_index.py)."""
import numpy as np
import pandas as pd
import pytest

from core.analysis import filtering, mention_index, passages

ROWS = [("a1", "Q1", "Putin"), ("a1", None, "Moscow"), ("a2", "Q2", "Macron"), ("a2", "Q1", "Poutine"),
        ("a3", None, "Paris"), ("a3", "Q1", "Путин")]


def frame(named_only: bool) -> pd.DataFrame:
    rows = [row for row in ROWS if row[1] is not None] if named_only else ROWS
    return pd.DataFrame(rows, columns=["article_id", "actor_id", "surface"]).astype("string")


@pytest.mark.parametrize("named_only", [True, False])
def test_the_rows_of_chosen_mentions_are_the_frames_rows(named_only):
    mentions = frame(named_only)
    index = mention_index.MentionIndex.build(mentions)
    assert (index.mention_row is None) == named_only
    putin = index.mention_actor == int(mention_index.positions(pd.Series(["Q1"], dtype="string"), index.actors)[0])
    by_mask, by_number = index.rows(putin), index.rows(np.flatnonzero(putin))
    assert by_mask.tolist() == by_number.tolist()
    assert mentions["surface"].iloc[by_mask].tolist() == ["Putin", "Poutine", "Путин"]
    articles = pd.DataFrame({"article_id": pd.Series(["a1", "a2", "a3"], dtype="string")})
    assert passages.actor_mentions(articles, mentions, "Q1")["surface"].tolist() == ["Putin", "Poutine", "Путин"]


def test_a_selections_article_codes_are_taken_from_the_whole_frames(monkeypatch):
    mentions = frame(named_only=False)
    index = mention_index.MentionIndex.build(mentions)
    held = pd.DataFrame({"article_id": pd.Series(["a3", "a0", "a1", "a2"], dtype="string")})
    rows = np.array([3, 1, 0])
    chosen = filtering.rows_of(held, rows)
    expected = mention_index.positions(chosen["article_id"], index.articles)
    index.article_codes(held)
    index.remember_rows(chosen, held, rows)

    def hashed_again(*_, **__):
        raise AssertionError("the selection's ids were hashed again")

    monkeypatch.setattr(pd, "factorize", hashed_again)
    monkeypatch.setattr(mention_index, "positions", hashed_again)
    assert index.article_codes(chosen).tolist() == expected.tolist() == [1, -1, 2]
    assert index.article_mask(chosen).tolist() == [False, True, True]
    assert mention_index.distinct_rows(chosen).tolist() == [0, 1, 2]
