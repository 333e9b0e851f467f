"""Spikes: attention to an actor far above its own recent baseline.

An actor's attention on a day is the number of articles naming it that day (near-duplicates left
out: a wire story copied by ten outlets is one story, not ten articles' worth of attention). The
baseline is the median of its daily counts over the ``BASELINE_DAYS`` days before the day checked
(days without an article count as 0), and its spread is the median absolute deviation scaled to a
standard deviation (× 1.4826), floored at the square root of the median (the noise of a count that
size, were the days Poisson draws) and at 1. The day spikes when its count reaches

    threshold = max(MIN_COUNT, median + K × spread)

Median and MAD rather than mean and standard deviation: one earlier spike in the window would
raise a mean and a standard deviation enough to hide the next; the median and the MAD barely move.
A day checked while it is under way is compared with whole days: a partial count that already
passes the threshold is a spike, so the alert comes as soon as it does, not at midnight.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd

# Two weeks: long enough that one busy day or a weekend dip does not set the baseline, short enough
# that an actor whose coverage has risen for a month has the new level as its normal.
BASELINE_DAYS = 14
# How many spreads above the median: 3 is the usual outlier fence; with the Poisson floor a flat 10
# a day needs 20 to fire, a flat 3 a day needs 9.
K = 3.0
# A day with fewer articles than this never spikes: an actor named twice after a fortnight of
# silence is not news, and a new actor (no history at all) fires once it reaches this.
MIN_COUNT = 5
# The MAD of a normal distribution is 0.6745 standard deviations.
MAD_TO_SD = 1.4826


@dataclasses.dataclass(frozen=True)
class Check:
    """One actor's day against its baseline: ``spike`` when ``count`` ≥ ``threshold``."""
    day: dt.date
    count: int
    baseline: float  # median articles a day over the baseline days
    spread: float
    threshold: float
    history_days: int  # days of the window with at least one article (0: a new actor)

    @property
    def spike(self) -> bool:
        return self.count >= self.threshold

    def describe(self) -> str:
        return (f"{self.count} articles on {self.day:%Y-%m-%d} against a median of {self.baseline:g} a day "
                f"over the {BASELINE_DAYS} days before (threshold {self.threshold:.1f})")


def check(daily: pd.DataFrame, day: dt.date) -> Check:
    """``daily``: day (datetime.date), articles (int) for one actor, days without articles absent
    (``core.store.alerts.daily_counts``). Days after ``day`` are ignored."""
    counts = dict(zip(daily["day"], daily["articles"].astype(int))) if len(daily) else {}
    window = [counts.get(day - dt.timedelta(days=back), 0) for back in range(1, BASELINE_DAYS + 1)]
    series = np.asarray(window, dtype=float)
    median = float(np.median(series))
    mad = float(np.median(np.abs(series - median))) * MAD_TO_SD
    spread = max(mad, math.sqrt(median), 1.0)
    threshold = max(float(MIN_COUNT), median + K * spread)
    return Check(day, int(counts.get(day, 0)), median, spread, threshold, int((series > 0).sum()))
