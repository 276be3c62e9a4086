"""The site's JavaScript, vendored once per build into ``html/vendor/``: Vega, Vega-Lite and
Vega-Embed from the ``vl-convert-python`` package (never a CDN), this project's renderer of the
interactive charts (:mod:`egov_analysis.plots.interactive`) and the map outlines, shared by every
page of both languages. A report page holding an interactive chart gets the script tags
(:func:`add_scripts`); the pages load them from their own folder, so nothing leaves the page.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from ..markup import SPEC_CLASS

VENDOR = "vendor"  # folder of the JavaScript, beside the report pages
RENDERER = "egov-charts.js"
OUTLINES = "outlines.js"
# what the bundle exposes to the page's classic scripts (the package's default snippet, written out)
GLOBALS = "window.vegaEmbed = vegaEmbed;\nwindow.vega = vega;\nwindow.vegaLite = vegaLite;\n"


RENDERER_JS = """\
// egov-analysis: renders every chart specification of the page with the vendored Vega-Embed.
(function () {
  "use strict";
  function render() {
    var nodes = document.querySelectorAll("script.egov-vega-spec");
    Array.prototype.forEach.call(nodes, function (node) {
      var spec = JSON.parse(node.textContent);
      var outlines = node.getAttribute("data-outlines");
      if (outlines) {
        spec.datasets = spec.datasets || {};
        spec.datasets["outlines_" + outlines] = (window.egovOutlines || {})[outlines] || [];
      }
      var figure = node.parentNode;
      var target = document.getElementById(node.getAttribute("data-target"));
      figure.hidden = false;
      window.vegaEmbed(target, spec, { actions: false, renderer: "svg", mode: "vega-lite" })
        .catch(function (error) { console.error("egov chart: " + error); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
"""

PRINT_CSS = "<style>@media print { .egov-interactive { display: none !important; } }</style>"


@functools.cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one classic script (``vl_convert.javascript_bundle``),
    made once per version of the package on this machine: ~1.5 CPU-s, which every build into a new
    folder (a scheduled job's first, each test's) would pay again. Kept in the user's cache
    (``datasets.cache_folder()/vendor``); where that cannot be written, made each time."""
    import vl_convert

    from ..datasets import cache_folder

    kept = cache_folder() / "vendor" / bundle_name()
    try:
        return kept.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    bundle = str(vl_convert.javascript_bundle(GLOBALS))
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        tmp = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
        tmp.write_text(bundle, "utf-8")
        os.replace(tmp, kept)  # whole or absent, for another build reading it at the same time
    except OSError:
        pass
    return bundle


@functools.cache
def bundle_name() -> str:
    """The bundle's file name, with the versions it holds (a new version is a new file)."""
    import vl_convert

    return f"vega-{vl_convert.get_vega_version()}-embed-{vl_convert.get_vega_embed_version()}.js"


def outlines_script(paths: Any = None) -> str:
    """``window.egovOutlines``: every geography's unit outlines as GeoJSON features, once for all
    pages of a build (the interactive maps look their shapes up here)."""
    from ..datasets import load

    outlines = load("outlines", paths)
    found: dict[str, list[dict[str, Any]]] = {}
    for row in outlines.sort_values(["geography", "province_code"]).itertuples(index=False):
        found.setdefault(str(row.geography), []).append(
            {
                "type": "Feature",
                "properties": {"code": str(row.province_code), "name": str(row.name)},
                "geometry": json.loads(str(row.geometry)),
            }
        )
    body = json.dumps(found, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"window.egovOutlines = {body};\n"


def write_vendor(html_dir: Path, paths: Any = None) -> list[Path]:
    """Write the vendored scripts into ``html_dir/vendor`` where missing or different (atomic per
    file); returns the files written. Called once per build by the build process. The bundle's
    name holds its versions, so an existing bundle is not made again (it takes ~3 s)."""
    folder = html_dir / VENDOR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    files = {RENDERER: RENDERER_JS, OUTLINES: outlines_script(paths)}
    if not (folder / bundle_name()).is_file():
        files[bundle_name()] = vega_bundle()
    for name, body in files.items():
        target = folder / name
        data = body.encode("utf-8")
        if target.exists() and target.read_bytes() == data:
            continue
        tmp = folder / f".{name}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written.append(target)
    return written


def add_scripts(page: str) -> str:
    """``page`` (a report's HTML) with the vendored scripts before ``</body>`` when it holds an
    interactive chart; unchanged otherwise."""
    if SPEC_CLASS not in page or "</body>" not in page:
        return page
    tags = "".join(f'<script src="{VENDOR}/{name}"></script>' for name in (bundle_name(), OUTLINES, RENDERER))
    head, _, tail = page.rpartition("</body>")
    return f"{head}{PRINT_CSS}{tags}\n</body>{tail}"
