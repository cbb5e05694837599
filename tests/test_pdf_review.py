"""A review of the printed Worcestershire report (report.pdf, WeasyPrint, A4) page by page as
images, as a councillor or finance officer reads it: each test pins a defect seen there."""

from __future__ import annotations

import re
from html import unescape


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
