"""Parameters injected as readable Python: ``province = 'Quảng Ninh'``, not ``"Qu\\u1ea3ng Ninh"``.

papermill writes string parameters with ``str.encode("unicode_escape")`` (its
``Translator.translate_escaped_str``), so every Vietnamese letter reaches the executed notebook and
the with-code page as a ``\\u`` escape. Python's ``repr`` is just as safe — quotes, backslashes,
newlines and other control characters are escaped, so a value can never end the literal — and keeps
printable letters as they are.
"""

from __future__ import annotations

from typing import Any

from papermill.translators import PythonTranslator, papermill_translators


class ReadablePythonTranslator(PythonTranslator):
    """papermill's Python translator with ``repr`` for strings (see the module docstring)."""

    @classmethod
    def translate_escaped_str(cls, str_val: Any) -> str:
        return repr(str_val) if isinstance(str_val, str) else f'"{str_val}"'

    @classmethod
    def translate_str(cls, val: Any) -> str:
        return cls.translate_escaped_str(val)


def register() -> None:
    """Use :class:`ReadablePythonTranslator` for Python kernels in this process (idempotent)."""
    papermill_translators.register("python", ReadablePythonTranslator)
