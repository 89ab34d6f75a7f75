"""The web page of whosaid: paste an article, watch it being processed, see who said what.

A Flask blueprint serving two HTML pages and their static files. The pages hold
no data of their own: a small script (`static/whosaid.js`) talks to the JSON API
under `/v1/articles`, exactly as any other client does, and renders the article
with the DOM's text APIs only, so article text can never become markup.

Every response of the blueprint carries a strict Content-Security-Policy
(scripts and styles from this origin only, no inline code, no plugins, no
framing), as a second line of defence should markup ever slip through.
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template

from service.backend import backend
from workers.store import TRANSIENT_ERRORS, is_job_id

blueprint = Blueprint(
    "web",
    __name__,
    static_folder="static",
    static_url_path="/static/web",
    template_folder="templates",
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@blueprint.after_request
def add_security_headers(response: Response) -> Response:
    """Forbid inline scripts, foreign origins and framing on every page of the blueprint."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@blueprint.get("/")
def submit_page() -> str:
    """The page where an article is pasted or uploaded and submitted."""
    return render_template("whosaid.html", article_id=None)


def article_is_known(article_id: str) -> bool:
    """Whether the store holds a job with this id. An unreachable store does not make an
    article unknown: the page is served and its script reports the outage."""
    if not is_job_id(article_id):
        return False
    try:
        return backend().store.get(article_id) is not None
    except TRANSIENT_ERRORS:
        return True


@blueprint.get("/articles/<article_id>")
def result_page(article_id: str) -> tuple[str, int]:
    """The shareable result page of one article; the script loads the result by id from the API.

    An unknown id gets the same page with status 404, where the script explains what happened.
    """
    status = 200 if article_is_known(article_id) else 404
    return render_template("whosaid.html", article_id=article_id), status
