"""Charts for the HTML report, drawn with matplotlib (the optional `charts` extra) as inline SVG.

Each function returns SVG text, or None when matplotlib is not installed.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

STATUS_COLOURS = {
    "not_started": "#c8c8c8",
    "in_progress": "#4c8bd6",
    "ongoing": "#7fb77e",
    "completed": "#2e7d32",
    "stalled": "#e0a030",
    "dropped": "#8d6e63",
}


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.hashsalt": "accord", "svg.fonttype": "none", "font.size": 9})
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and doctype: the SVG sits inside HTML


def _label(text: str) -> str:
    """Text from the records as a chart label: visible, and never read as mathtext (`$...$`)."""
    from .render import visible

    return visible(str(text)).replace("$", r"\$")


def target_chart(target: dict[str, Any], series: list[dict[str, Any]]) -> str | None:
    """Each measured series of a target against the straight path to its goal."""
    if not available():
        return None
    figure = _figure(6.4, 3.0)
    axes = figure.add_subplot()
    for one in series:
        points = [(_when(target, p["period"]), float(p["value"])) for p in one["values"]]
        if points:
            xs, ys = zip(*points, strict=True)
            style = "-o" if one["primary"] else "--s"
            axes.plot(xs, ys, style, label=_label(one["label"]), markersize=4)
    start = _path_start(target, series)
    axes.plot(
        [start[0], target["deadline"]],
        [start[1], float(target["goal"])],
        ":",
        color="#b71c1c",
        label=_label(f"straight path to {target['goal']} by {target['deadline'].year}"),
    )
    axes.set_title(_label(target["title"]))
    axes.set_ylabel(_label(target["unit"]))
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", fontsize=8)
    return _svg(figure)


def _when(target: dict[str, Any], period: str) -> date:
    return date(int(period), 12, 31) if target["kind"] == "level" else date.fromisoformat(period)


def _path_start(target: dict[str, Any], series: list[dict[str, Any]]) -> tuple[date, float]:
    """Zero at the baseline for an amount that adds up; for a yearly level, the last figure at the baseline."""
    baseline: date = target["baseline"]
    if target["kind"] == "cumulative":
        return baseline, 0.0
    primary = next((s for s in series if s["primary"]), series[0] if series else None)
    known = [(_when(target, p["period"]), p["value"]) for p in (primary or {}).get("values", [])]
    before = [k for k in known if k[0] <= baseline] or known[:1]
    if not before:
        return baseline, 0.0
    when, value = before[-1]
    return when, float(Decimal(value))


def status_chart(sections: list[dict[str, Any]]) -> str | None:
    """The mix of statuses in each section, as stacked horizontal bars."""
    if not available():
        return None
    figure = _figure(6.4, 0.45 * len(sections) + 1.2)
    axes = figure.add_subplot()
    labels = [_label(f"{s['number']}. {s['title'][:40]}") for s in sections][::-1]
    left = [0] * len(sections)
    for status, colour in STATUS_COLOURS.items():
        counts = [s[status] for s in sections][::-1]
        axes.barh(labels, counts, left=left, color=colour, label=status.replace("_", " "))
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.set_xlabel("commitments")
    axes.legend(ncols=3, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return _svg(figure)
