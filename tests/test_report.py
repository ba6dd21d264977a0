"""The weekly report: golden Markdown and JSON, HTML parsed and escaped, charts seen in a browser.

The records get a fixed history (events with set timestamps, written the way accord writes
them), so that a report with a fixed --today is the same bytes on every run. Run pytest with
--update-golden to rewrite the golden files after a deliberate change, then read the diff.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from accord import yamlio
from accord.history import apply
from accord.model import Article, Event, Target, to_data
from conftest import Accord

GOLDEN = Path(__file__).parent / "golden"
TODAY = "2026-11-27"
HOSTILE_NOTE = '<script>alert("x")</script> | **bold** [link](javascript:alert(1))'


def _append(
    records: Path, folder: str, record_id: str, model: type[Article] | type[Target], events: list[Event]
) -> None:
    path = records / folder / f"{record_id}.yaml"
    record = model.model_validate(yamlio.load_text(path.read_text("utf-8"), path))
    path.write_bytes(yamlio.dump(to_data(apply(record, events))))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def history(records: Path) -> Path:
    """Changes spread over this week and the week before, by three officers."""
    _append(records, "articles", "4", Article, [
        Event(at=at("2026-11-10T09:00:00"), by="Le Van A", id="4.5", field="status", old="not_started",
              new="in_progress", note="Trade talks opened"),
        Event(at=at("2026-11-23T10:15:00"), by="Kim Min-ji", id="4.2", field="status", old="not_started",
              new="completed", note="Upgrade protocol signed", evidence="https://example.org/kvfta?year=2025&x=1"),
        Event(at=at("2026-11-24T16:00:00"), by="Le Van A", id="4.5", field="owner", old=None, new="Trade desk"),
    ])
    _append(records, "articles", "3", Article, [
        Event(at=at("2026-11-25T08:30:00"), by="Pham Thi B", id="3.4", field="status", old="not_started",
              new="stalled", note=HOSTILE_NOTE),
    ])
    _append(records, "articles", "18", Article, [
        Event(at=at("2026-11-26T12:00:00"), by="Kim Min-ji", id="18.3", field="status", old="not_started",
              new="in_progress", note="Host city chosen"),
    ])
    _append(records, "targets", "trade", Target, [
        Event(at=at("2026-11-26T13:00:00"), by="Le Van A", id="trade", field="measurement", series="korea",
              period="2026", new=Decimal("96.1"), source="KITA preliminary, November 2026"),
    ])
    return records


def golden(request: pytest.FixtureRequest, name: str, produced: str) -> None:
    path = GOLDEN / name
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(produced, "utf-8")
    assert produced == path.read_text("utf-8")


def test_markdown_report_matches_its_golden_file(
    history: Path, accord: Accord, request: pytest.FixtureRequest
) -> None:
    done = accord("report", "--today", TODAY)
    assert done.code == 0, done.stderr
    golden(request, "report.md", done.stdout)


def test_json_report_matches_its_golden_file(history: Path, accord: Accord, request: pytest.FixtureRequest) -> None:
    done = accord("report", "--today", TODAY, "--format", "json")
    assert done.code == 0, done.stderr
    golden(request, "report.json", done.stdout)


def test_report_is_the_same_bytes_every_time(history: Path, accord: Accord) -> None:
    runs = {accord("report", "--today", TODAY, "--format", fmt).stdout for fmt in ("md",) * 3}
    assert len(runs) == 1


def test_json_report_counts_and_period(history: Path, accord: Accord) -> None:
    data = json.loads(accord("report", "--today", TODAY, "--format", "json").stdout)
    assert data["period"] == {"start": "2026-11-21", "end": "2026-11-27"}
    assert data["previous_period"] == {"start": "2026-11-14", "end": "2026-11-20"}
    # In the period: 4.2 completed, 3.4 stalled, 18.3 in progress; 4.5 was already in progress.
    assert data["moved"]["completed"] == 1
    assert data["moved"]["stalled"] == 1
    assert data["moved"]["in_progress"] == 1
    assert data["moved"]["not_started"] == -3
    assert sum(data["totals"].values()) == 123
    assert sorted(c["id"] for c in data["changes"]) == ["18.3", "3.4", "4.2", "4.5", "trade"]
    assert [c["id"] for c in data["attention"]["stalled"]] == ["3.4"]
    trade = next(t for t in data["targets"] if t["target"] == "trade")
    assert (trade["latest"], trade["period"]) == ("96.1", "2026")


def test_since_and_week_choose_the_period(history: Path, accord: Accord) -> None:
    since = json.loads(accord("report", "--since", "2026-11-01", "--today", TODAY, "--format", "json").stdout)
    assert len(since["changes"]) == 6
    week = json.loads(accord("report", "--week", "2026-W47", "--today", TODAY, "--format", "json").stdout)
    assert week["period"] == {"start": "2026-11-16", "end": "2026-11-22"}
    assert week["changes"] == []
    current = json.loads(accord("report", "--week", "--today", TODAY, "--format", "json").stdout)
    assert current["period"] == {"start": "2026-11-23", "end": "2026-11-29"}


@pytest.mark.parametrize(
    "args",
    [("--week", "2026-W99"), ("--since", "2026-13-01"), ("--since", "2026-11-01", "--week"), ("--today", "soon")],
)
def test_bad_periods_are_refused(accord: Accord, args: tuple[str, ...]) -> None:
    done = accord("report", *args)
    assert done.code == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_markdown_keeps_typed_text_as_text(history: Path, accord: Accord) -> None:
    text = accord("report", "--today", TODAY).stdout
    lines = [line for line in text.splitlines() if line.startswith("| 3.4 | status")]
    assert len(lines) == 2  # in the changes without evidence and in what changed
    for line, columns in zip(lines, (5, 6), strict=True):
        assert "\\<script>" in line and "[link\\](" in line  # no tag, no link
        assert line.count(" | ") == columns - 1  # the note's '|' did not add a column
    page = MarkdownIt("commonmark").enable("table").render(text)
    assert "<script>" not in page and "&lt;script&gt;" in page and "javascript:" not in page.split("href")[-1]


def test_markdown_reads_as_plain_text_where_nothing_needs_escaping(history: Path, accord: Accord) -> None:
    text = accord("report", "--today", TODAY).stdout
    assert "\\" not in text.replace("\\<script>", "").replace("\\</script>", "").replace(
        "\\| \\*\\*bold\\*\\* [link\\](", ""
    )  # only the hostile note carries backslashes
    assert "status: not_started → stalled" in text and "(2026) [4]." in text  # [2]: the first EDCF loan's source


class Page(HTMLParser):
    """What a browser would build: tags, text, and which elements the text sits in."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text_in: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "br", "img", "link", "input", "path", "use", "rect", "line", "circle"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        for tag in set(self.stack):
            self.text_in.setdefault(tag, []).append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def html_report(accord: Accord, tmp_path: Path) -> tuple[Path, Page]:
    out = tmp_path / "report.html"
    done = accord("report", "--today", TODAY, "--format", "html", "-o", str(out))
    assert done.code == 0, done.stderr
    page = Page()
    page.feed(out.read_text("utf-8"))
    return out, page


def test_html_report_has_its_sections_and_tables(history: Path, accord: Accord, tmp_path: Path) -> None:
    _, page = html_report(accord, tmp_path)
    order = ["Are we on track?", "Needs attention", "What changed", "Commitments", "Sources"]
    assert [h for h in page.text_in["h2"] if h in order] == order
    assert len(page.named("table")) >= 5
    cells = " ".join(page.text_in["td"])
    assert "Upgrade protocol signed" in cells
    assert "Latest 96.1 billion USD (2026) [4]" in " ".join(page.text_in["li"])
    assert [a.get("class") for a in page.named("strong")] == ["off-track", "no-data", "off-track"]


def test_html_report_escapes_typed_text(history: Path, accord: Accord, tmp_path: Path) -> None:
    _, page = html_report(accord, tmp_path)
    assert page.named("script") == []
    assert HOSTILE_NOTE in "".join(page.text_in["td"])
    links = [a["href"] for a in page.named("a")]
    assert links == ["https://example.org/kvfta?year=2025&x=1"]


def test_html_report_fetches_nothing(history: Path, accord: Accord, tmp_path: Path) -> None:
    _, page = html_report(accord, tmp_path)
    assert page.named("link") == [] and page.named("img") == [] and page.named("iframe") == []
    assert all(not (attrs.get("src") or "").strip() for _, attrs in page.tags)


def test_html_report_draws_charts_with_matplotlib(history: Path, accord: Accord, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    _, page = html_report(accord, tmp_path)
    assert len(page.named("svg")) == 3  # edcf's and trade's series against their paths, and the status mix
    assert "note" not in [attrs.get("class") for attrs in page.named("p")]


def test_html_report_without_matplotlib_has_tables_and_says_so(
    history: Path, accord: Accord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accord import charts

    monkeypatch.setattr(charts, "available", lambda: False)
    _, page = html_report(accord, tmp_path)
    assert page.named("svg") == []
    assert "matplotlib" in " ".join(page.text_in["p"])
    assert len(page.named("table")) >= 5


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_charts_are_drawn_in_a_real_browser(history: Path, accord: Accord, tmp_path: Path) -> None:
    image = pytest.importorskip("matplotlib.image")
    out, _ = html_report(accord, tmp_path)
    shot = tmp_path / "report.png"
    assert CHROMIUM is not None
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,4000", f"--screenshot={shot}",
         out.as_uri()],
        capture_output=True, timeout=120, check=False,
    )
    assert shot.exists(), "Chromium took no screenshot"
    pixels = image.imread(str(shot))[:, :, :3]

    def count(rgb: tuple[int, int, int]) -> int:
        target = [c / 255 for c in rgb]
        close = (abs(pixels[:, :, 0] - target[0]) < 0.06) & (abs(pixels[:, :, 1] - target[1]) < 0.06)
        return int((close & (abs(pixels[:, :, 2] - target[2]) < 0.06)).sum())

    assert count((0x1F, 0x77, 0xB4)) > 200  # the measured trade series, matplotlib's first colour
    assert count((0xE0, 0xA0, 0x30)) > 100  # the 'stalled' bar of the status mix


# A script run in the page once it has loaded: every element that reaches past the right edge of
# the viewport (a table's own box counts, not the cells inside a table that scrolls).
WIDTH_PROBE = """<script>
addEventListener('load', () => {
  const limit = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.id !== 'probe' && !e.closest('svg, thead, tbody'))
    .filter(e => e.getBoundingClientRect().right > limit + 0.5)
    .map(e => e.tagName + ' ' + (e.querySelector('th') || e).textContent.slice(0, 20));
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({limit: limit, wide: wide});
  document.body.appendChild(out);
});
</script>"""


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_the_shipped_statement_prints_on_four_a4_pages_with_page_numbers(
    records: Path, accord: Accord, tmp_path: Path
) -> None:
    out, _ = html_report(accord, tmp_path)
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", out.as_uri())
    data = pdf.read_bytes()
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", data)
    sizes = {tuple(round(float(n)) for n in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert sizes == {(0, 0, 595, 842)}  # A4 in points, not Letter's 612 x 792
    assert len(pages) == 4  # it was 5 Letter pages, the first two-thirds empty; the EDCF chart takes the fourth
    page = out.read_text("utf-8")
    assert 'counter(page) " of " counter(pages)' in page and f"end of {TODAY}" in page


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
@pytest.mark.parametrize("width", [680, 480])  # A4's printable width at 96 dpi; a phone
def test_no_table_or_text_runs_past_the_edge(history: Path, accord: Accord, tmp_path: Path, width: int) -> None:
    out, _ = html_report(accord, tmp_path)
    probed = tmp_path / "probed.html"
    probed.write_text(out.read_text("utf-8").replace("</body>", WIDTH_PROBE + "</body>"), "utf-8")
    done = chromium(tmp_path, f"--window-size={width},2000", "--dump-dom", probed.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.DOTALL)
    assert found, done.stderr[-500:]
    result = json.loads(html.unescape(found.group(1)))
    assert result["limit"] >= 400
    assert result["wide"] == []


def test_charts_draw_each_year_at_its_year_the_trend_and_the_path(
    history: Path, accord: Accord, tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    out, page = html_report(accord, tmp_path)
    svg = out.read_text("utf-8")
    for label in ("year", "trend: 114.62 by 2030 (off track)", "path to the goal: 150 by 2030"):
        assert f">{label}<" in svg or label in " ".join(page.text_in.get("text", [])), label
    from accord import charts

    trade = {"kind": "level"}
    xs, ys = charts._line(trade, [{"period": p, "value": v} for p, v in (("2019", 69.2), ("2021", 80.7))])
    assert xs == [2019.0, 2020.0, 2021.0]  # 2019 sits on 2019, not on the last day of it
    assert ys[0] == 69.2 and ys[1] != ys[1] and ys[2] == 80.7  # 2020 is a gap (NaN), not a straight line


def test_a_single_measurement_is_said_so_under_its_chart(history: Path, accord: Accord, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    assert accord("measure", "edpf", "0.19", "--period", "2026-03-15", "--source", "Eximbank").code == 0
    out = tmp_path / "now.html"
    assert accord("report", "--format", "html", "-o", str(out)).code == 0  # today: the figure is known
    page = Page()
    page.feed(out.read_text("utf-8"))
    captions = " ".join(page.text_in["figcaption"])
    assert "EDPF facility of 2 billion USD to 2030" in captions
    assert "a single measurement: the pace since the baseline rests on it" in captions
