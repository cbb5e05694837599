"""A review of the printed Worcestershire report (report.pdf, WeasyPrint, A4) page by page as
images, as a councillor or finance officer reads it: each test pins a defect seen there."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

TEMPLATE = Path(__file__).parents[1] / "sufficiency" / "report" / "templates" / "report.html.j2"
#: a school row of an area page's Schools table: its year groups ("R-Y6", "Y7-Y13")
_SCHOOL_ROW = re.compile(r"\s(R|Y[0-9]+)-Y[0-9]+\s")


@pytest.fixture(scope="module")
def pdf_pages(report_run, tmp_path_factory) -> list[str]:
    """The default report's PDF (:func:`report_run`), its text page by page
    (``pdftotext -layout``)."""
    if not (shutil.which("pdftotext")):
        pytest.skip("pdftotext not installed")
    from sufficiency.report.render import write_report

    out = tmp_path_factory.mktemp("pdf")
    write_report(report_run[2], out, ("pdf",))
    txt = subprocess.run(
        ["pdftotext", "-layout", str(out / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return txt.split("\f")[:-1]


def _tables(html: str):
    """Each table of the HTML as (header cells, body rows of cells), tags stripped."""
    for t in re.findall(r"<table\b.*?</table>", html, flags=re.S):
        head = re.search(r"<thead>(.*?)</thead>", t, flags=re.S)
        if not head:
            continue
        cols = [
            unescape(re.sub(r"<[^>]+>", "", c))
            for c in re.findall(r"<th\b[^>]*>(.*?)</th>", head.group(1))
        ]
        body = t[head.end() :]
        rows = [
            [
                unescape(re.sub(r"<[^>]+>", "", c))
                for c in re.findall(r"<td\b[^>]*>(.*?)</td>", r, flags=re.S)
            ]
            for r in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
        ]
        yield cols, rows


def test_money_columns_in_one_unit(report_html):
    # the projects table (section 8), each area's "Recommended" and "Options considered" and
    # the key decision's options (section 7) printed "£642k" above "£2.1m", "£286k" above
    # "£10.1m" and "£0.0m" for doing nothing: a column of money in two units, which a finance
    # officer adding it up misreads; the capital programme already used GBP m to two decimals
    seen = 0
    for cols, rows in _tables(report_html):
        for i, c in enumerate(cols):
            if c not in ("cost", "cost per module"):
                continue
            cells = [r[i] for r in rows if len(r) == len(cols) and r[i] != "-"]
            seen += len(cells)
            assert all(re.fullmatch(r"£0|£[0-9,]+\.[0-9]{2}m", s) for s in cells), (cols, cells)
    assert seen > 20


def test_no_school_alone_at_a_page_foot_or_head(pdf_pages):
    # the Vale of Evesham, Kidderminster and Redditch (secondary) pages ended on the heading
    # "Schools", the table's header and one school, the area's other schools on the next page
    assert "tbody tr:first-child { break-after: avoid; }" in TEMPLATE.read_text(encoding="utf-8")
    lone = []
    for n, page in enumerate(pdf_pages, 1):
        lines = page.splitlines()
        heads = [
            i for i, ln in enumerate(lines) if re.match(r"\s*school\s+year groups\s+capacity", ln)
        ]
        if not heads:
            continue
        rest = lines[heads[-1] + 1 :]
        end = next((i for i, ln in enumerate(rest) if "Net capacity" in ln), None)
        rows = sum(bool(_SCHOOL_ROW.search(f" {ln} ")) for ln in rest[:end])
        # one row above a page break, or one continued onto a page without its heading
        continued = not any(ln.strip() == "Schools" for ln in lines[: heads[-1]])
        if rows == 1 and (end is None or continued):
            lone.append(n)
    assert not lone, f"one school alone on page(s) {lone}"


def test_key_figures_areas_short_aligned_as_numbers(report_html):
    # the new Key figures table printed "4 of 17" left-aligned against the right-aligned
    # "5.5%" to its left: on the page it read "5.5% 4 of 17", one run of figures
    t = report_html[report_html.index('class="key-figures') :]
    t = t[: t.index("</table>")]
    assert '<th scope="col" class="num">planning areas short</th>' in t
    cells = re.findall(r'<td class="([^"]*)">(\d+ of \d+)</td>', t)
    assert len(cells) == 6 and all(c.strip() == "num" for c, _ in cells), cells


def test_key_decision_years_say_what_they_count(report_html):
    # section 7's second table printed a column of years and columns A to E of numbers with
    # the note "Options A, B, ... as in the table above" only: nothing on the page said they
    # were the places short (its title is not printed)
    notes = re.findall(r'<p class="note">([^<]*as in the table above[^<]*)</p>', report_html)
    assert notes and all("Shortfall left in each year" in n for n in notes), notes


def test_area_section_does_not_promise_one_page_per_area(report_html):
    # "One page per DfE planning area": in print each area takes two pages (its schools
    # run onto a second), so a councillor counting pages was misled
    assert "One page per DfE planning area" not in report_html
    assert "Each DfE planning area starts on a new page" in report_html


def test_a_page_says_which_planning_area_it_belongs_to(pdf_pages):
    # an area's schools ran onto a second page (Droitwich, Malvern, Worcester City, ...) that
    # began with the table's header: nothing on it said which area the schools were in
    continued = []
    for n, page in enumerate(pdf_pages, 1):
        lines = page.splitlines()
        head = next(
            (
                i
                for i, ln in enumerate(lines)
                if re.match(r"\s*school\s+year groups\s+capacity", ln)
            ),
            None,
        )
        if head is None or any(ln.strip() == "Schools" for ln in lines[:head]):
            continue
        continued.append(n)
        above = " ".join(lines[:head])
        assert re.search(r"\((primary|secondary) planning area [0-9A-Z]+\)", above), (n, above)
    assert continued


def test_contents_page_numbers_are_the_pages(pdf_pages):
    # the contents' page numbers (WeasyPrint's target-counter) checked against the pages the
    # chapters and planning areas are printed on: each entry's heading is on its page (there
    # and in the running head, which alone carries it onto the pages after)
    toc = pdf_pages[1]
    assert "Contents" in toc
    entries = re.findall(
        r"([0-9]{1,2}\. [A-Z][^.]*?|[A-Z][A-Za-z' ]+ \((?:primary|secondary)\))\s*\.{3,}\s*([0-9]+)",
        toc,
    )
    assert len(entries) == 10 + len(re.findall(r"\((?:primary|secondary)\)\s*\.{3,}", toc)) > 20
    for name, page in entries:
        text = " ".join(pdf_pages[int(page) - 1].split())
        if name[0].isdigit():  # a chapter: its heading opens its page
            assert text.count(name.strip()) >= 2, (name, page)
        else:  # an area: "Bewdley (primary planning area 8850001)"
            area, phase = re.fullmatch(r"(.+) \((primary|secondary)\)", name.strip()).groups()
            assert text.count(f"{area} ({phase} planning area") >= 2, (name, page)


def test_the_backtest_command_is_printed_with_no_word_broken(pdf_pages, report_html):
    """The accuracy record's reproduction command ran on inside a sentence, and the printed
    line broke it as "--areas E10000034 --" / "out errors.csv": copied from the PDF it no
    longer ran. It is now a line of its own, each word unbreakable."""
    m = re.search(r'<p class="command"><code>(.*?)</code></p>', report_html, flags=re.S)
    assert m, "no command line in the report"
    spans = re.findall(r"<span>(.*?)</span>", m.group(1))
    assert spans[:2] == ["sufficiency", "backtest"] and spans[-2:] == ["--out", "errors.csv"]
    assert "p.command span { white-space: nowrap; }" in TEMPLATE.read_text(encoding="utf-8")
    page = next(p for p in pdf_pages if "sufficiency backtest" in p)
    lines = [ln.strip() for ln in page.splitlines()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("sufficiency backtest"))
    end = lines.index("", start)  # the command's lines, up to the blank line after it
    block = re.sub(r"\s+", " ", " ".join(lines[start:end]))
    # every word of the command printed whole, in order, and no line ends on a hyphen
    assert block == " ".join(spans)
    assert not any(ln.endswith("-") for ln in lines[start:end])
