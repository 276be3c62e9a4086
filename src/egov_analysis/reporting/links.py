"""Where a province's or a unit's profile is published, so that tables can link to it.

The names agree with the profile matrices of ``reports.toml`` (``profile_{province_slug}_{lang}``
and ``profile_unit_{province_slug}_{lang}``; ``tests/test_atlas.py`` holds them together). A link is
relative: every page is written to the same folder (``reports/html/``), and it opens the reader's
page (``<name>.reviewer.html``) of the same language.
"""

from __future__ import annotations

from .matrix import slug

PROFILE_TEMPLATES = {"provinces_63": "profile_{slug}_{lang}", "units_34": "profile_unit_{slug}_{lang}"}
READER_PAGE = "{name}.reviewer.html"


def profile_report(name: str, geography: str, lang: str) -> str:
    """The report name of the profile of ``name`` (a province's or a 2025 unit's canonical name) in
    ``geography`` (``provinces_63`` or ``units_34``) and ``lang``. Raises ``KeyError`` for another
    geography."""
    try:
        template = PROFILE_TEMPLATES[geography]
    except KeyError:
        raise KeyError(
            f"no profiles for geography {geography!r}; known: {', '.join(PROFILE_TEMPLATES)}"
        ) from None
    return template.format(slug=slug(name), lang=lang)


def profile_href(name: str, geography: str, lang: str) -> str:
    """The relative link from any report page to that profile's reader page."""
    return READER_PAGE.format(name=profile_report(name, geography, lang))
