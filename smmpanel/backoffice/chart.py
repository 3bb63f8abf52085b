"""The dashboard's 30-day chart as inline SVG: revenue as bars, orders as a line.

Drawn on the server so the page needs no chart library; numbers go into attributes only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from smmpanel.backoffice.figures import Day

WIDTH, HEIGHT, PAD = 600, 180, 20


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass
class Chart:
    bars: list[Bar]
    points: str
    labels: list[tuple[float, str]]
    max_revenue: Decimal
    max_orders: int
    width: int = WIDTH
    height: int = HEIGHT


def draw(days: list[Day], money: Callable[[Decimal], str]) -> Chart:
    plot_height = HEIGHT - 2 * PAD
    step = (WIDTH - 2 * PAD) / max(len(days), 1)
    top_revenue = max((day.revenue for day in days), default=Decimal(0))
    top_orders = max((day.orders for day in days), default=0)
    bars, points, labels = [], [], []
    for n, day in enumerate(days):
        x = PAD + n * step
        revenue = max(day.revenue, Decimal(0))
        height = float(revenue / top_revenue) * plot_height if top_revenue > 0 else 0.0
        title = f"{day.day.isoformat()}: {day.orders} · {money(day.revenue)}"
        bars.append(Bar(x + step * 0.1, HEIGHT - PAD - height, step * 0.8, height, title))
        y = HEIGHT - PAD - (day.orders / top_orders * plot_height if top_orders else 0)
        points.append(f"{x + step / 2:.1f},{y:.1f}")
        # A label a week, and today's unless it would overlap the last one.
        if n % 7 == 0 or (n == len(days) - 1 and n % 7 >= 4):
            labels.append((x + step / 2, day.day.strftime("%m-%d")))
    return Chart(
        bars=bars,
        points=" ".join(points),
        labels=labels,
        max_revenue=top_revenue,
        max_orders=top_orders,
    )
