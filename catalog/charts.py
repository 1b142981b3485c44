"""Charts as SVG text: pure functions from plain values, drawn on the server, no JavaScript.

Each chart is an accessible image (role="img" with a title and a description), marks differ in
shape as well as colour, and every mark carries a <title> a pointer or a screen reader can reach.
The caller marks the returned text safe: every piece of data in it is escaped here.
"""

import datetime
from dataclasses import dataclass
from html import escape

from catalog.frameworks import label
from catalog.verdict_styles import GREY, LABEL_STYLES

LABEL_ORDER = (label.OPEN_SOURCE, label.OPEN_WEIGHTS, label.RESTRICTED_WEIGHTS, label.CLOSED)
# The colour and the shape of each label's marks (catalog/verdict_styles.py).
LABEL_STYLE = {
    verdict: (LABEL_STYLES[verdict].colour, LABEL_STYLES[verdict].mark) for verdict in LABEL_ORDER
}
UNSCORED_STYLE = (GREY, "diamond")


@dataclass(frozen=True)
class Point:
    """One mark: when (a date or datetime), a 0-100 score, the label it had, its tooltip text."""

    when: datetime.date
    score: float
    label: str
    text: str


@dataclass(frozen=True)
class Frame:
    width: int
    height: int
    left: int = 44
    right: int = 16
    top: int = 16
    bottom: int = 36

    @property
    def plot_width(self):
        return self.width - self.left - self.right

    @property
    def plot_height(self):
        return self.height - self.top - self.bottom

    def y(self, score):
        return self.top + self.plot_height * (1 - max(0.0, min(100.0, score)) / 100)


def _day(when):
    """A date or datetime as a fractional day number, so both scale on one axis."""
    if isinstance(when, datetime.datetime):
        seconds = when.hour * 3600 + when.minute * 60 + when.second + when.microsecond / 1e6
        return when.toordinal() + seconds / 86400
    return float(when.toordinal())


def _f(number):
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _mark(shape, x, y, colour, size=4.5):
    if shape == "circle":
        return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(size)}" fill="{colour}"/>'
    if shape == "square":
        s = size * 0.9
        return f'<rect x="{_f(x - s)}" y="{_f(y - s)}" width="{_f(2 * s)}" height="{_f(2 * s)}" fill="{colour}"/>'
    if shape == "triangle":
        s = size * 1.15
        return f'<path d="M{_f(x)} {_f(y - s)}L{_f(x + s)} {_f(y + s * 0.8)}L{_f(x - s)} {_f(y + s * 0.8)}Z" fill="{colour}"/>'
    if shape == "diamond":
        s = size * 1.2
        return f'<path d="M{_f(x)} {_f(y - s)}L{_f(x + s)} {_f(y)}L{_f(x)} {_f(y + s)}L{_f(x - s)} {_f(y)}Z" fill="{colour}"/>'
    s = size * 0.9
    return (
        f'<path d="M{_f(x - s)} {_f(y - s)}L{_f(x + s)} {_f(y + s)}M{_f(x + s)} {_f(y - s)}'
        f'L{_f(x - s)} {_f(y + s)}" stroke="{colour}" stroke-width="2.5" fill="none"/>'
    )


def _style(verdict):
    return LABEL_STYLE.get(verdict, UNSCORED_STYLE)


def _open(frame, id_prefix, title, description):
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {frame.width} {frame.height}"'
        f' role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
    ]


def _score_axis(frame):
    parts = []
    for tick in (0, 25, 50, 75, 100):
        y = frame.y(tick)
        parts.append(
            f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{_f(y)}" y2="{_f(y)}"'
            f' stroke="#d0d7de" stroke-width="1"/>'
            f'<text x="{frame.left - 6}" y="{_f(y + 4)}" text-anchor="end" font-size="11"'
            f' fill="#424a53">{tick}</text>'
        )
    return parts


def _time_axis(frame, low, high, x):
    """Year ticks; with less than two years in range, month ticks instead."""
    first, last = datetime.date.fromordinal(int(low)), datetime.date.fromordinal(int(high))
    ticks = []
    if last.year - first.year >= 2:
        step = max(1, (last.year - first.year) // 8 + 1)
        for year in range(first.year, last.year + 2, step):
            day = datetime.date(year, 1, 1)
            if low <= day.toordinal() <= high:
                ticks.append((day, str(year)))
    else:
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            day = datetime.date(year, month, 1)
            if low <= day.toordinal() <= high:
                ticks.append(
                    (day, day.strftime("%b %Y") if month == 1 or not ticks else day.strftime("%b"))
                )
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if len(ticks) > 8:
            ticks = ticks[:: len(ticks) // 8 + 1]
    parts = []
    bottom = frame.height - frame.bottom
    for day, text in ticks:
        px = x(float(day.toordinal()))
        parts.append(
            f'<line x1="{_f(px)}" x2="{_f(px)}" y1="{frame.top}" y2="{bottom}" stroke="#eaeef2"'
            f' stroke-width="1"/><text x="{_f(px)}" y="{bottom + 16}" text-anchor="middle"'
            f' font-size="11" fill="#424a53">{escape(text)}</text>'
        )
    parts.append(
        f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{bottom}" y2="{bottom}"'
        f' stroke="#59636e" stroke-width="1"/>'
    )
    return parts


def _x_scale(frame, points, pad_days):
    days = [_day(p.when) for p in points]
    low, high = min(days) - pad_days, max(days) + pad_days
    span = high - low or 1.0

    def x(day):
        return frame.left + frame.plot_width * (day - low) / span

    return low, high, x


def openness_over_time(points, *, title, description, id_prefix="openness", width=800, height=360):
    """A scatter of the Openness Index (0-100) over release date, one mark per model.

    Marks are coloured and shaped by headline label; an empty list draws a captioned empty frame.
    """
    frame = Frame(width, height)
    parts = _open(frame, id_prefix, title, description)
    parts.extend(_score_axis(frame))
    if points:
        low, high, x = _x_scale(frame, points, pad_days=45)
        parts.extend(_time_axis(frame, low, high, x))
        # Closed models first, so the open ones are drawn on top where marks overlap.
        for point in sorted(
            points, key=lambda p: -LABEL_ORDER.index(p.label) if p.label in LABEL_ORDER else 1
        ):
            colour, shape = _style(point.label)
            parts.append(
                f"<g>{_mark(shape, x(_day(point.when)), frame.y(point.score), colour)}"
                f"<title>{escape(point.text)}</title></g>"
            )
    else:
        parts.append(
            f'<text x="{frame.width / 2}" y="{frame.height / 2}" text-anchor="middle"'
            f' font-size="14" fill="#424a53">No scored models yet</text>'
        )
    parts.append(
        f'<text x="12" y="{frame.top + frame.plot_height / 2}" font-size="11" fill="#424a53"'
        f' transform="rotate(-90 12 {frame.top + frame.plot_height / 2})" text-anchor="middle">'
        "Openness Index</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def score_history(points, *, title, description, id_prefix="history", width=640, height=220):
    """A step line of one model's Openness Index over time, a mark at each snapshot.

    A score holds until the next snapshot replaces it, so the line steps rather than slopes, and
    it runs on to `now` (the last point's moment when there is only one).
    """
    frame = Frame(width, height)
    parts = _open(frame, id_prefix, title, description)
    parts.extend(_score_axis(frame))
    if points:
        points = sorted(points, key=lambda p: _day(p.when))
        low, high, x = _x_scale(
            frame, points, pad_days=max(3.0, (_day(points[-1].when) - _day(points[0].when)) * 0.05)
        )
        parts.extend(_time_axis(frame, low, high, x))
        path, previous_y = [], None
        for point in points:
            px, py = x(_day(point.when)), frame.y(point.score)
            if previous_y is None:
                path.append(f"M{_f(px)} {_f(py)}")
            else:
                path.append(f"L{_f(px)} {_f(previous_y)}L{_f(px)} {_f(py)}")
            previous_y = py
        path.append(f"L{_f(frame.width - frame.right)} {_f(previous_y)}")
        parts.append(f'<path d="{"".join(path)}" stroke="#24292f" stroke-width="1.5" fill="none"/>')
        for point in points:
            colour, shape = _style(point.label)
            parts.append(
                f"<g>{_mark(shape, x(_day(point.when)), frame.y(point.score), colour, size=5)}"
                f"<title>{escape(point.text)}</title></g>"
            )
    parts.append("</svg>")
    return "".join(parts)


def legend():
    """(verdict, colour, shape, svg of the mark) for each label, for an HTML legend."""
    rows = []
    for verdict in LABEL_ORDER:
        colour, shape = LABEL_STYLE[verdict]
        mark = (
            '<svg xmlns="http://www.w3.org/2000/svg" class="legend-mark" viewBox="0 0 14 14"'
            f' aria-hidden="true" focusable="false">{_mark(shape, 7, 7, colour, size=5)}</svg>'
        )
        rows.append((verdict, colour, shape, mark))
    return rows
