"""Chart geometry for the stats page, drawn as inline SVG by ``templates/stats.html``.

Python computes rectangles and labels; the template renders them with autoescaping, so
no markup is built from strings here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from aggregator.search import PostingFilter
from aggregator.search.counts import count_index
from aggregator.web.render import label

PALETTE = (
    "#2563eb", "#16a34a", "#db2777", "#ea580c", "#7c3aed", "#0891b2", "#ca8a04",
    "#dc2626", "#4f46e5", "#059669", "#9333ea", "#65a30d", "#64748b",
)  # fmt: skip
WEEKS = 12
WIDTH = 720
HEIGHT = 240


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float
    color: str
    title: str


@dataclass
class Chart:
    rects: list[Rect] = field(default_factory=list)
    labels: list[tuple[float, float, str, str]] = field(default_factory=list)  # x, y, text, anchor
    legend: list[tuple[str, str]] = field(default_factory=list)  # color, text
    width: int = WIDTH
    height: int = HEIGHT
    empty: bool = True


def _week_start(when: datetime) -> datetime:
    start = when - timedelta(days=when.weekday())
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


def roles_per_week(counts: dict[tuple[int, str], int], now: datetime) -> Chart:
    """Stacked bars: new postings per week, split by role, over the last WEEKS weeks;
    ``counts`` maps (week index, role) to postings."""
    first = _week_start(now) - timedelta(weeks=WEEKS - 1)
    weeks = [first + timedelta(weeks=i) for i in range(WEEKS)]
    totals: Counter[str] = Counter()
    for (_, role), n in counts.items():
        totals[role] += n
    chart = Chart(empty=not totals)
    roles = [r for r, _ in totals.most_common()]
    colors = {r: PALETTE[i % len(PALETTE)] for i, r in enumerate(roles)}
    peak = max((sum(counts.get((i, r), 0) for r in roles) for i in range(WEEKS)), default=0) or 1
    left, bottom, plot_h = 40.0, HEIGHT - 30.0, HEIGHT - 50.0
    slot = (WIDTH - left - 10) / WEEKS
    for i, week in enumerate(weeks):
        y = bottom
        for role in roles:
            n = counts.get((i, role), 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            title = f"{label(role)}: {n} in the week of {week:%d %b}"
            chart.rects.append(Rect(left + i * slot + 4, y, slot - 8, h, colors[role], title))
        if i % 2 == 0:
            x = left + i * slot + slot / 2
            chart.labels.append((x, HEIGHT - 12, f"{week:%d %b}", "middle"))
    chart.labels.append((left - 6, bottom - plot_h + 4, str(peak), "end"))
    chart.labels.append((left - 6, bottom, "0", "end"))
    chart.legend = [(colors[r], f"{label(r)} ({totals[r]})") for r in roles]
    return chart


def horizontal_bars(counts: list[tuple[str, int]]) -> Chart:
    """One bar per value, longest first."""
    counts = sorted(counts, key=lambda kv: -kv[1])[:12]
    bar_h, gap, left, width = 22.0, 8.0, 110.0, 420
    height = int(len(counts) * (bar_h + gap) + 10)
    chart = Chart(width=width, height=max(height, 40), empty=not counts)
    peak = max((n for _, n in counts), default=0) or 1
    for i, (name, n) in enumerate(counts):
        y = 5 + i * (bar_h + gap)
        w = (width - left - 40) * n / peak
        color = PALETTE[i % len(PALETTE)]
        chart.rects.append(Rect(left, y, max(w, 1), bar_h, color, f"{name}: {n}"))
        chart.labels.append((left - 8, y + bar_h * 0.7, label(name), "end"))
        chart.labels.append((left + w + 6, y + bar_h * 0.7, str(n), "start"))
    return chart


def share_bar(counts: list[tuple[str, int]]) -> Chart:
    """One 100% bar split into shares, with a legend of percentages."""
    total = sum(n for _, n in counts)
    chart = Chart(width=420, height=50, empty=total == 0)
    x = 0.0
    for i, (name, n) in enumerate(sorted(counts, key=lambda kv: -kv[1])):
        w = chart.width * n / total if total else 0
        color = PALETTE[i % len(PALETTE)]
        share = f"{100 * n / total:.0f}%" if total else "0%"
        chart.rects.append(Rect(x, 5, w, 36, color, f"{name}: {n} ({share})"))
        chart.legend.append((color, f"{label(name)} {share}"))
        x += w
    return chart


def build_stats(session: Session, now: datetime | None = None) -> dict[str, Any]:
    """The stats page's figures, counted like the list (one counting index); "open" is
    the list's default filter: open now, core and adjacent relevance. New postings go by
    their posted date; undated ones found by their source's first crawl are not new."""
    index = count_index(session)
    now = now or index.built_at
    open_ = index.combine(index.parts(session, PostingFilter()), index.universe)
    first = _week_start(now) - timedelta(weeks=WEEKS - 1)
    new = ~index.first_crawl
    starts = [index.seen_since(first + timedelta(weeks=i)) & new for i in range(WEEKS)]
    weekly: dict[tuple[int, str], int] = {}
    for i, start in enumerate(starts):
        week = start & ~starts[i + 1] if i + 1 < WEEKS else start
        for role, n in index.value_counts("role", week):
            weekly[(i, role)] = n
    return {
        "open": open_.bit_count(),
        "new_this_week": (index.seen_since(_week_start(now)) & new).bit_count(),
        "roles_per_week": roles_per_week(weekly, now),
        "by_org_type": horizontal_bars(index.value_counts("org_type", open_)),
        "remote_share": share_bar(index.value_counts("remote", open_)),
        "orgs": len(index.value_counts("org", open_)),
    }
