"""HTML of an executed notebook: one with code for researchers, one without for reviewers."""

from __future__ import annotations

from pathlib import Path

import nbformat

TEMPLATES = Path(__file__).parent / "templates"
# cells for researchers only: the printed key numbers the tests check (keep_output) and the
# provenance details (researcher: the publishers' notes as printed, in their language)
REVIEWER_HIDDEN_TAGS = frozenset({"keep_output", "researcher"})


def export_html(notebook: nbformat.NotebookNode, with_code: Path, without_code: Path, title: str) -> None:
    """Write both HTML versions. Outputs are embedded (figures as PNG) and the template fetches no
    script from a CDN, so the pages render with no network."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    lang = notebook.metadata.get("papermill", {}).get("parameters", {}).get("lang", "en")
    for path, exclude in ((with_code, False), (without_code, True)):
        exporter = HTMLExporter(
            extra_template_basedirs=[str(TEMPLATES)],
            template_name="offline",
            exclude_input=exclude,
            exclude_input_prompt=exclude,
            exclude_output_prompt=True,
            anchor_link_text="",
            language_code=str(lang),
        )
        if exclude:
            # the reviewer page shows findings, charts, tables and sources only
            exporter.register_preprocessor(
                TagRemovePreprocessor(remove_cell_tags=set(REVIEWER_HIDDEN_TAGS), enabled=True), enabled=True
            )
        notebook.metadata["title"] = title
        body, _ = exporter.from_notebook_node(notebook)
        path.write_text(body, encoding="utf-8")
