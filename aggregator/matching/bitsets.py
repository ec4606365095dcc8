"""Sets of small integers as Python ints (bit i set = i in the set): C-speed AND / OR,
``bit_count()`` for sizes, and the helpers matching needs on top."""

from __future__ import annotations


def counter(masks: list[int]) -> list[int]:
    """Bit-sliced count: slice i has a bit set where the number of ``masks`` holding
    that bit has bit i set (ripple-carry addition of whole integers)."""
    slices: list[int] = []
    for mask in masks:
        carry = mask
        for i, current in enumerate(slices):
            slices[i], carry = current ^ carry, current & carry
            if not carry:
                break
        if carry:
            slices.append(carry)
    return slices


def equal(slices: list[int], n: int, universe: int) -> int:
    """The bits of ``universe`` whose bit-sliced count equals ``n``."""
    if n >> len(slices):
        return 0
    out = universe
    for i, current in enumerate(slices):
        out &= current if n >> i & 1 else ~current
    return out


def lowest_bits(mask: int, limit: int) -> list[int]:
    """Positions of the ``limit`` lowest set bits of ``mask`` (via its binary string:
    C-speed searches instead of big-integer arithmetic per bit)."""
    digits = bin(mask)[:1:-1]  # bit 0 first
    out: list[int] = []
    pos = digits.find("1")
    while pos >= 0 and len(out) < limit:
        out.append(pos)
        pos = digits.find("1", pos + 1)
    return out
