"""``perfeval serve``: a local web workbench for clerks (填报) and reviewers (复核), and a JSON API.

    from perfeval.serve import Settings, create_app
    app = create_app(Settings(data="perfeval-data"))

The app is a FastAPI (Starlette) application served by uvicorn.  It never
scores anything itself: uploads go through the same entry points as the
command line (:func:`perfeval.batch.expand` + the batch worker for reading,
:func:`perfeval.pipeline.evaluate_frames` / :func:`~perfeval.pipeline.results`
for scoring, :mod:`perfeval.render` for forms and reports, and
:func:`perfeval.batch.run` for bulk review).  Every asset is served from this
package (no CDN, no external fonts).  See docs/serve.md.
"""

from __future__ import annotations

from .settings import Settings

__all__ = ["Settings", "create_app"]


def create_app(settings: Settings):
    from .app import create_app as _create

    return _create(settings)
