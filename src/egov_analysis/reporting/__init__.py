"""The one-command build: run every report (papermill), export HTML, write the index page."""
