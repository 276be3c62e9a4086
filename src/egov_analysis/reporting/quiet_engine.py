"""A papermill engine that writes the executed notebook once, not twice per cell.

papermill's own engine (``nbclient``) writes and validates the whole notebook when each cell starts
and ends, figures included, so that a reader can follow a long run; the build's profile put that at
0.15–0.25 CPU-seconds a report. Nobody watches a build's notebooks as they run, so this engine
writes only when the run stops on an exception (a timeout, a dead kernel: the partial notebook is
then kept for a look, as with papermill's engine) and leaves the final write to papermill. Cells
that raise are written by papermill as before (``raise_for_execution_errors``).
"""

from __future__ import annotations

from typing import Any

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

ENGINE = "egov-quiet"


class _WriteOnStopManager(NotebookExecutionManager):
    """Keeps papermill's bookkeeping (times, status per cell) but writes only when told to."""

    stopped = False

    def save(self, **kwargs: Any) -> None:
        if self.stopped:
            super().save(**kwargs)


class QuietEngine(NBClientEngine):
    """``nbclient`` execution with :class:`_WriteOnStopManager` (see the module docstring)."""

    @classmethod
    def execute_notebook(  # papermill's Engine.execute_notebook with the quieter manager
        cls,
        nb: Any,
        kernel_name: str,
        output_path: str | None = None,
        progress_bar: bool = True,
        log_output: bool = False,
        autosave_cell_every: int = 30,
        **kwargs: Any,
    ) -> Any:
        manager = _WriteOnStopManager(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        manager.notebook_start()
        try:
            cls.execute_managed_notebook(manager, kernel_name, log_output=log_output, **kwargs)
        except BaseException:
            manager.stopped = True  # keep what ran: notebook_complete below writes it
            raise
        finally:
            manager.cleanup_pbar()
            manager.notebook_complete()
        return manager.nb


def register() -> None:
    """Make :data:`ENGINE` available to ``papermill.execute_notebook`` (idempotent)."""
    papermill_engines.register(ENGINE, QuietEngine)
