"""Summaries of repeated measurements: the median and the p10-p90 spread."""
import math
from dataclasses import dataclass


def percentile(values, fraction):
    """The value below which `fraction` of `values` lie, interpolated linearly between ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass(frozen=True)
class Summary:
    median: float
    p10: float
    p90: float

    @classmethod
    def of(cls, values):
        return cls(percentile(values, 0.5), percentile(values, 0.1), percentile(values, 0.9))


def ratio(value, reference):
    """value / reference; equal zeros are a ratio of 1, a positive value over zero is infinite."""
    if reference == 0:
        return 1.0 if value == 0 else math.inf
    return value / reference
