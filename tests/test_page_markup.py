"""Markup from parameters and data is shown as text: a report title ``<script>x</script>`` or
``<b>`` reaches the page's ``<h1>``, the findings heading and ``<title>`` as the characters typed,
never as elements. The titles of the shared build are checked in test_reviewer_html.py."""

from __future__ import annotations

import json

import nbformat
import pytest
from bs4 import BeautifulSoup

from egov_analysis import config
from egov_analysis.analysis.findings import Findings
from egov_analysis.markup import plain_markdown
from egov_analysis.reporting import sections
from egov_analysis.reporting.html import export_html

TITLES = ["<script>x</script>", "<b>bold</b> & *em* [link](javascript:alert(1)) $x$ \\(y\\)"]


def _page(tmp_path, title: str) -> BeautifulSoup:
    cells = [
        (sections.title(title, "reporting.title.quality", "en").data, "text/markdown"),
        (Findings(f"Key findings — {title}", [f"{title} ranks first"]).markdown(), "text/markdown"),
    ]
    notebook = nbformat.v4.new_notebook()
    for source, mime in cells:
        cell = nbformat.v4.new_code_cell("display(x)")
        cell.outputs = [nbformat.v4.new_output("display_data", data={mime: source})]
        notebook.cells.append(cell)
    notebook.metadata["papermill"] = {"parameters": {"lang": "en"}}
    export_html(notebook, tmp_path / "page.html", tmp_path / "reviewer.html", title)
    return BeautifulSoup((tmp_path / "reviewer.html").read_text("utf-8"), "html.parser")


@pytest.mark.parametrize("title", TITLES)
def test_a_title_with_markup_reads_as_typed_in_every_heading(tmp_path, title):
    page = _page(tmp_path, title)
    h1, h2 = page.find("h1"), page.find("h2")
    assert h1.get_text().rstrip("¶") == " ".join(title.split())
    assert h2.get_text().rstrip("¶") == f"Key findings — {' '.join(title.split())}"
    assert page.find("title").get_text() == title
    body = page.find("body")
    assert not body.find_all(["b", "em", "script"])
    assert not body.find_all("a", href=lambda h: not h.startswith("#"))  # heading anchors only
    assert page.find("li").get_text() == f"{' '.join(title.split())} ranks first"


def test_plain_markdown_keeps_ordinary_text_and_the_page_language():
    for text in ("PAPI rankings 2011–2024 (ranks computed from score lists)", "Hồ sơ tỉnh: Quảng Ninh"):
        assert plain_markdown(text) == text


def test_no_notebook_writes_its_title_into_markdown_itself():
    """Titles reach the page through sections.title (escaped), never an f-string of Markdown."""
    for path in sorted(config.paths().notebooks.glob("*.ipynb")):
        sources = "".join("".join(c["source"]) for c in json.loads(path.read_text("utf-8"))["cells"])
        assert "# {title" not in sources, path.name


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_page_with_marks_gives_the_legend_once_in_its_language(tmp_path, lang):
    """Findings and each table close with the † legend so that each stands alone in a notebook;
    the exported page (with and without code) keeps exactly one, in the page's language, and every
    mark stays."""
    import pandas as pd

    from egov_analysis import formatting as fmt
    from egov_analysis.tables import Column, people_table

    legend = fmt.computed_legend(lang)
    frame = pd.DataFrame({"rank": [1, 2], "n_ranked": [61, 61], "rank_basis": ["computed"] * 2})
    table = people_table(
        frame, [Column("rank", "tables.column.rank", kind="rank", n_column="n_ranked")], lang
    )
    outputs = [
        (Findings("Key findings", ["X ranks 1†.", legend]).markdown(), "text/markdown"),
        (table.as_raw_html(), "text/html"),
        (table.as_raw_html(), "text/html"),
    ]
    notebook = nbformat.v4.new_notebook()
    for source, mime in outputs:
        cell = nbformat.v4.new_code_cell("display(x)")
        cell.outputs = [nbformat.v4.new_output("display_data", data={mime: source})]
        notebook.cells.append(cell)
    notebook.metadata["papermill"] = {"parameters": {"lang": lang}}
    export_html(notebook, tmp_path / "page.html", tmp_path / "reviewer.html", "t")
    other = fmt.computed_legend("vi" if lang == "en" else "en")
    for page in ("page.html", "reviewer.html"):
        soup = BeautifulSoup((tmp_path / page).read_text("utf-8"), "html.parser")
        for hidden in soup(["style", "script", "head"]):
            hidden.decompose()
        visible = soup.get_text("\n", strip=True)
        assert visible.count(legend) == 1 and other not in visible, page
        assert visible.replace(legend, "").count("†") == 5  # the finding's mark and both tables' four
