"""HTML of an executed notebook: one with code for researchers, one without for reviewers."""

from __future__ import annotations

import functools
import html
import os
import re
from pathlib import Path
from typing import Any

from .vendor import add_scripts

TEMPLATES = Path(__file__).parent / "templates"
INJECTED_TAG = "injected-parameters"
# cells for researchers only: the printed key numbers the tests check (keep_output) and the
# provenance details (researcher: the publishers' notes as printed, in their language)
REVIEWER_HIDDEN_TAGS = frozenset({"keep_output", "researcher"})


@functools.cache
def _exporter(exclude_code: bool, lang: str = "en") -> Any:
    """One exporter per kind, language and process: building one loads and compiles its templates
    (~0.3 s), exporting with it again costs ~0.07 s. The reviewer page (``exclude_code``) shows
    findings, charts, tables and sources only: cells tagged in ``REVIEWER_HIDDEN_TAGS`` are dropped."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        template_name="offline",
        exclude_input=exclude_code,
        exclude_input_prompt=exclude_code,
        exclude_output_prompt=True,
        anchor_link_text="",
        language_code=lang,
    )
    if exclude_code:
        exporter.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags=set(REVIEWER_HIDDEN_TAGS), enabled=True), enabled=True
        )
    return exporter


def stable_cell_ids(notebook: Any) -> None:
    """Give papermill's injected-parameters cell a fixed id (it gets a random one each run), so that
    two builds of the same inputs write byte-identical pages."""
    for index, cell in enumerate(notebook.cells):
        if INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
            cell["id"] = f"{INJECTED_TAG}-{index}"


def one_legend(body: str, lang: str) -> str:
    """``body`` (a page's HTML) with the computed mark's legend sentence once: findings, tables and
    charts each close with it so that each stands alone in a notebook, but a page explains its
    mark once, where the reader first meets it. Later copies (a findings list item, a table's
    source-note row) are removed; the text of the first is left as it is."""
    from ..formatting import computed_legend
    from ..meta.messages import text

    legend = computed_legend(lang)
    copies = re.compile(
        "|".join(
            [
                r"<li>\s*" + re.escape(html.escape(legend, quote=False)) + r"\s*</li>",
                r'<tr class="gt_sourcenotes"><td class="gt_sourcenote"[^>]*><span class="gt_from_md">'
                + re.escape(html.escape(text("tables.note", lang, note=legend)))
                + r"</span></td></tr>",
            ]
        )
    )
    found = list(copies.finditer(body))
    for match in reversed(found[1:]):  # from the end, so that earlier offsets stay valid
        body = body[: match.start()] + body[match.end() :]
    return body


def export_html(notebook: Any, with_code: Path, without_code: Path, title: str) -> None:
    """Write both HTML versions of ``notebook`` (an ``nbformat.NotebookNode``), each through a
    temporary file and a rename. Outputs are embedded (figures as PNG) and the template fetches no
    script from a CDN, so the pages render with no network."""
    stable_cell_ids(notebook)
    notebook.metadata["title"] = title
    lang = str(notebook.metadata.get("papermill", {}).get("parameters", {}).get("lang", "en"))
    for path, exclude in ((with_code, False), (without_code, True)):
        body, _ = _exporter(exclude, lang).from_notebook_node(notebook)
        body = add_scripts(body)  # the vendored chart scripts, on a page with an interactive chart
        body = one_legend(body, lang)  # one mark, one legend sentence per page
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            tmp.write_text(body, encoding="utf-8")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
