"""Bit-set helpers used by matching: counts by bit slices, equality masks, lowest bits."""

from __future__ import annotations

import random

from aggregator.matching.bitsets import counter, equal, lowest_bits


def test_bit_sliced_counts_agree_with_counting() -> None:
    rng = random.Random(3)
    universe = (1 << 200) - 1
    masks = [rng.getrandbits(200) for _ in range(7)]
    slices = counter(masks)
    for n in range(9):
        expected = sum(1 << i for i in range(200) if sum(m >> i & 1 for m in masks) == n)
        assert equal(slices, n, universe) == expected
    assert equal(counter([]), 0, universe) == universe


def test_lowest_bits() -> None:
    mask = (1 << 3) | (1 << 70) | (1 << 1999)
    assert lowest_bits(mask, 10) == [3, 70, 1999]
    assert lowest_bits(mask, 2) == [3, 70]
    assert lowest_bits(0, 5) == [] and lowest_bits(mask, 0) == []
