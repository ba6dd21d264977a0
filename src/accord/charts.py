"""Charts for the HTML report, drawn with matplotlib (the optional `charts` extra) as inline SVG.

Each function returns SVG text, or None when matplotlib is not installed. Given a folder to keep
them in (the records' .accord-cache/), a chart drawn once is kept under a digest of everything
it is drawn from (its figures, this module's code, the versions of Python, matplotlib and numpy)
and read back the next time the same chart is asked for: drawing, and loading matplotlib at all,
takes seconds. Within `drawn_aside()`, the charts not kept are drawn in a process of their own,
forked at its start, which loads matplotlib while this one reads the records.
"""

from __future__ import annotations

import io
import math
import os
import stat
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

STATUS_COLOURS = {
    "not_started": "#c8c8c8",
    "in_progress": "#4c8bd6",
    "ongoing": "#7fb77e",
    "completed": "#2e7d32",
    "stalled": "#e0a030",
    "dropped": "#8d6e63",
}


KEPT = 64  # charts kept in a cache folder; the ones read or drawn least recently go first
_PREFIX = "chart-"


def available() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


class _Painter:
    """A forked process that loads matplotlib at once, then draws what it is sent, one chart at a
    time: loading matplotlib takes about 0.4 s, which it spends while its parent reads the records."""

    def __init__(self, pid: int, connection: Any):
        self.pid = pid
        self.connection = connection

    @classmethod
    def start(cls) -> _Painter | None:
        """None where no process can be forked to work beside this one (see workers.can_fork_aside)."""
        from multiprocessing import Pipe

        from . import workers

        if not workers.can_fork_aside():
            return None
        ours, theirs = Pipe()
        pid = os.fork()
        if pid == 0:  # the painter: it never returns into its parent's code
            try:
                ours.close()
                _paint(theirs)
            finally:
                os._exit(0)
        theirs.close()
        return cls(pid, ours)

    def draw(self, chart: str, figures: tuple[Any, ...]) -> str | None:
        """The chart drawn by the painter; None if it failed or is gone (then draw it here)."""
        try:
            self.connection.send((chart, figures))
            svg: str | None = self.connection.recv()
            return svg
        except (OSError, EOFError):
            return None

    def stop(self) -> None:
        self.connection.close()  # it reads the end of its input and leaves
        with suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


_painter: _Painter | None = None


@contextmanager
def drawn_aside() -> Iterator[None]:
    """Charts asked for within it are drawn by a painter process started now, where one can be."""
    global _painter
    _painter = _Painter.start() if available() else None
    try:
        yield
    finally:
        painter, _painter = _painter, None
        if painter is not None:
            painter.stop()


def _paint(connection: Any) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to answer
    _figure(1, 1)  # loads matplotlib now, before the first chart is asked for
    while True:
        try:
            chart, figures = connection.recv()
        except EOFError:
            return
        try:
            svg: str | None = _CHARTS[chart](*figures)
        except Exception:  # drawn again by the parent, which says what went wrong
            svg = None
        connection.send(svg)


def _drawn(chart: str, *figures: Any) -> str:
    """The chart, drawn by the painter when there is one, else here."""
    svg = _painter.draw(chart, figures) if _painter is not None else None
    return svg if svg is not None else _CHARTS[chart](*figures)


def _kept(folder: Path | None, drawn_from: list[Any], draw: Callable[[], str | None]) -> str | None:
    """The chart `draw` makes of `drawn_from`, read from `folder` if it was kept there, else drawn
    and kept. A folder that is a link or cannot be read or written is not used."""
    if folder is None:
        return draw()
    from .errors import DataError
    from .fsio import atomic_write, read_regular
    from .index import digest

    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return draw()
    except OSError:
        return draw()
    key = digest(repr([drawn_from, _drawn_by()]).encode("utf-8"))  # repr: a date is not its text
    path = folder / f"{_PREFIX}{key}.svg"
    with suppress(DataError, UnicodeDecodeError):
        kept = read_regular(path, None).decode("utf-8")
        with suppress(OSError):
            os.utime(path)  # used: kept the longest
        return kept
    svg = draw()
    if svg is not None:
        with suppress(OSError, DataError):
            atomic_write(path, svg.encode("utf-8"))
            _prune(folder)
    return svg


def _drawn_by() -> list[str]:
    """What a chart's SVG depends on besides its figures: this code, Python's and the libraries' versions."""
    import sys
    from importlib.metadata import version

    from .index import digest

    return [digest(Path(__file__).read_bytes()), sys.version, version("matplotlib"), version("numpy")]


def _prune(folder: Path) -> None:
    charts = sorted(folder.glob(f"{_PREFIX}*.svg"), key=lambda p: p.lstat().st_mtime_ns, reverse=True)
    for old in charts[KEPT:]:
        old.unlink(missing_ok=True)


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


def target_chart(target: dict[str, Any], series: list[dict[str, Any]], kept_in: Path | None = None) -> str | None:
    """Each measured series of a target, the trend that decides the verdict, and the straight path
    to the goal. A yearly figure sits at its year; a year without a figure is a gap in the line.
    `kept_in`: the folder to keep it in (see the module's docstring)."""
    if not available():
        return None
    return _kept(kept_in, ["target", target, series], lambda: _drawn("target", target, series))


def _target_chart(target: dict[str, Any], series: list[dict[str, Any]]) -> str:
    from matplotlib.ticker import MaxNLocator

    figure = _figure(6.4, 3.2)
    axes = figure.add_subplot()
    for one in series:
        xs, ys = _line(target, one["values"])
        if xs:
            style = "-o" if one["primary"] else "--s"
            axes.plot(xs, ys, style, label=_label(one["label"]), markersize=4)
    goal = float(target["goal"])
    start = _path_start(target, series)
    end = _x(target, target["deadline"])
    axes.plot(
        [start[0], end], [start[1], goal], ":", color="#b71c1c",
        label=_label(f"path to the goal: {target['goal']} by {target['deadline'].year}"),
    )  # fmt: skip
    trend = _trend(target)
    if trend is not None:
        axes.plot(
            *trend, "--", color="#555555",
            label=_label(f"trend: {target['projection']} by {target['deadline'].year} ({target['verdict']})"),
        )  # fmt: skip
    elif len(target["values"]) == 1:
        axes.annotate("a single measurement: no trend yet", (0.98, 0.04), xycoords="axes fraction", ha="right")
    axes.set_title(_label(target["title"]))
    axes.set_ylabel(_label(target["unit"]))
    axes.set_xlabel("year")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", fontsize=7)
    return _svg(figure)


def _x(target: dict[str, Any], when: date) -> float:
    """Where a day sits on the axis of years: a yearly target's years are whole numbers."""
    if target["kind"] == "level":
        return float(when.year)
    return when.year + (when.timetuple().tm_yday - 1) / 365.25


def _at(target: dict[str, Any], value: dict[str, Any]) -> float:
    """Where a figure sits: its year, or the last day its date can be."""
    return float(value["period"]) if target["kind"] == "level" else _x(target, value["when"])


def _line(target: dict[str, Any], values: list[dict[str, Any]]) -> tuple[list[float], list[float]]:
    """A series' points in order; for a yearly target, a missing year breaks the line (NaN)."""
    points = sorted((_at(target, v), float(v["value"])) for v in values)
    if target["kind"] != "level" or not points:
        return [x for x, _ in points], [y for _, y in points]
    known = dict(points)
    years = [float(y) for y in range(int(points[0][0]), int(points[-1][0]) + 1)]
    return years, [known.get(year, math.nan) for year in years]


def _trend(target: dict[str, Any]) -> tuple[list[float], list[float]] | None:
    """The projection behind the verdict: the fitted growth back from the deadline for a yearly
    level, the straight pace from zero at the baseline for an amount that adds up."""
    projection = target["projection"]
    if projection is None or not target["values"]:
        return None
    end = _x(target, target["deadline"])
    if target["kind"] == "cumulative":
        return [_x(target, target["baseline"]), end], [0.0, float(projection)]
    growth = 1 + float(target["trend"]) / 100
    first = min(_at(target, v) for v in target["values"])
    years = [first + i for i in range(int(end - first) + 1)]
    return years, [float(projection) / growth ** (end - year) for year in years]


def _path_start(target: dict[str, Any], series: list[dict[str, Any]]) -> tuple[float, float]:
    """Zero at the baseline for an amount that adds up; for a yearly level, the figure of the
    baseline year (or the last before it, else the first)."""
    baseline: date = target["baseline"]
    if target["kind"] == "cumulative":
        return _x(target, baseline), 0.0
    primary = next((s for s in series if s["primary"]), series[0] if series else None)
    known = sorted((_at(target, p), float(Decimal(p["value"]))) for p in (primary or {}).get("values", []))
    before = [k for k in known if k[0] <= baseline.year] or known[:1]
    return before[-1] if before else (float(baseline.year), 0.0)


def status_chart(sections: list[dict[str, Any]], kept_in: Path | None = None) -> str | None:
    """The mix of statuses in each section, as stacked horizontal bars; `kept_in` as target_chart's."""
    if not available():
        return None
    return _kept(kept_in, ["status", sections], lambda: _drawn("status", sections))


def _status_chart(sections: list[dict[str, Any]]) -> str:
    figure = _figure(6.4, 0.6 * len(sections) + 1.2)
    axes = figure.add_subplot()
    labels = ["\n".join(textwrap.wrap(_label(f"{s['number']}. {s['title']}"), 34)) for s in sections][::-1]
    left = [0] * len(sections)
    for status, colour in STATUS_COLOURS.items():
        counts = [s[status] for s in sections][::-1]
        axes.barh(labels, counts, left=left, color=colour, label=status.replace("_", " "))
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.set_xlabel("commitments")
    axes.legend(ncols=3, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return _svg(figure)


_CHARTS: dict[str, Callable[..., str]] = {"target": _target_chart, "status": _status_chart}
