"""`/v1/articles`: submit articles, read their jobs, wait for results."""
from __future__ import annotations

from flask import Response, jsonify, request, url_for
from flask_smorest import Blueprint

from service import schemas
from service.backend import backend
from service.errors import ApiError
from service.payloads import article_from_request, batch_from_request, wait_seconds
from workers.store import Job, JobStatus, is_job_id

blueprint = Blueprint("articles", __name__, url_prefix="/v1/articles",
                      description="Submit news articles and fetch who said what in them.")

ERRORS = {
    400: "Malformed JSON, invalid UTF-8, missing, non-string or empty `text`, bad parameter.",
    404: "Unknown id, or not an id of this service.",
    413: "Body, article or batch over the size limit (refused before the body is read).",
    415: "Content type other than application/json or text/plain.",
    401: "API keys are configured (WHOSAID_API_KEYS) and the request has no valid `Authorization: Bearer <key>`.",
    429: "Rate limit (WHOSAID_RATE_LIMIT) reached; `Retry-After` says when to try again.",
    503: "Redis or the task queue is unreachable.",
}


def _document_errors(*statuses: int):
    def decorate(view):
        for status in statuses:
            view = blueprint.alt_response(status, schema=schemas.ErrorResponseSchema, description=ERRORS[status])(view)
        return view
    return decorate


def job_links(job_id: str) -> dict[str, str]:
    return {"self": url_for("articles.get_article", job_id=job_id),
            "text": url_for("articles.get_article_text", job_id=job_id)}


def job_summary(job: Job) -> dict:
    return {"id": job.id, "status": job.status.value, "links": job_links(job.id)}


def job_document(job: Job) -> dict:
    """A job as the API shows it: state, timestamps, metadata, and the result or the error."""
    return {
        "id": job.id,
        "status": job.status.value,
        "submitted_at": job.submitted_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "attempts": job.attempts,
        "title": job.title,
        "url": job.url,
        "ref": job.ref,
        "result": job.result,
        "error": {"code": job.error.code, "message": job.error.message} if job.error else None,
        "links": job_links(job.id),
    }


def _known_job(job_id: str) -> None:
    if not is_job_id(job_id):
        raise ApiError(404, "not_found", f"{job_id!r} is not an article id of this service")


ARTICLE_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": schemas.ArticleSubmissionSchema},
        "text/plain": {"schema": {"type": "string", "minLength": 1},
                       "example": "\"We will not stop,\" the minister said."},
    },
}


@blueprint.route("", methods=["POST"])
@blueprint.doc(
    summary="Submit an article",
    description="Queues the article for attribution and answers 202 with the job; when the same text was "
                "already attributed by this engine version the answer is 200 with the result inline and no "
                "work is queued. `?wait=S` (S <= WHOSAID_WAIT_MAX) holds the answer until the job finishes. "
                "A text/plain body takes `title`, `url` and `ref` from the query string.",
    requestBody=ARTICLE_BODY,
    parameters=[{"in": "query", "name": "wait", "schema": {"type": "number", "minimum": 0},
                 "description": "Seconds to wait for the result."}],
)
@blueprint.alt_response(202, schema=schemas.JobSchema, description="Queued (or still running): poll `Location`.",
                        headers={"Location": {"description": "The job's URL", "schema": {"type": "string"}}})
@blueprint.alt_response(200, schema=schemas.JobSchema, description="Already attributed: the result is inline.")
@_document_errors(400, 401, 413, 415, 429, 503)
def submit_article() -> Response:
    service = backend()
    article = article_from_request(service.settings.max_article_bytes)
    wait = wait_seconds(service.settings.wait_max)
    job, _ = service.submit(article)
    if wait and not job.status.finished:
        job = service.store.wait(job.id, wait) or job
    response = jsonify(job_document(job))
    response.status_code = 200 if job.status.finished else 202
    response.headers["Location"] = url_for("articles.get_article", job_id=job.id)
    return response


@blueprint.route("/batch", methods=["POST"])
@blueprint.doc(
    summary="Submit several articles",
    description="One job per article, in the order given; 200 when every article was already attributed, "
                "202 otherwise. Results are fetched per id.",
    requestBody={"required": True, "content": {"application/json": {"schema": schemas.BatchSubmissionSchema}}},
)
@blueprint.alt_response(202, schema=schemas.BatchResponseSchema, description="At least one article was queued.")
@blueprint.alt_response(200, schema=schemas.BatchResponseSchema, description="Every article was already done.")
@_document_errors(400, 401, 413, 415, 429, 503)
def submit_batch() -> Response:
    service = backend()
    request.max_content_length = service.settings.max_batch_bytes
    articles = batch_from_request(service.settings.batch_max_articles, service.settings.max_article_bytes)
    jobs = [service.submit(article)[0] for article in articles]
    response = jsonify({"articles": [job_summary(job) for job in jobs]})
    response.status_code = 200 if all(job.status is JobStatus.DONE for job in jobs) else 202
    return response


@blueprint.route("/<string:job_id>", methods=["GET"])
@blueprint.doc(
    summary="Get an article's job",
    description="State, timestamps, and the result (`done`) or the error (`failed`). `?wait=S` holds the "
                "request open until the job finishes or S seconds pass, without polling.",
    parameters=[{"in": "query", "name": "wait", "schema": {"type": "number", "minimum": 0},
                 "description": "Seconds to wait for the job to finish (at most WHOSAID_WAIT_MAX)."}],
)
@blueprint.alt_response(200, schema=schemas.JobSchema, description="The job.")
@_document_errors(400, 401, 404, 429, 503)
def get_article(job_id: str) -> Response:
    _known_job(job_id)
    service = backend()
    wait = wait_seconds(service.settings.wait_max)
    job = service.store.wait(job_id, wait) if wait else service.store.get(job_id)
    if job is None:
        raise ApiError(404, "not_found", f"no article with id {job_id} (never submitted, or expired)")
    return jsonify(job_document(job))


@blueprint.route("/<string:job_id>/text", methods=["GET"])
@blueprint.doc(summary="Get an article's text", description="The text exactly as submitted; result offsets index it.")
@blueprint.alt_response(200, description="The article text.", content_type="text/plain",
                        schema={"type": "string"})
@_document_errors(401, 404, 429, 503)
def get_article_text(job_id: str) -> Response:
    _known_job(job_id)
    text = backend().store.get_text(job_id)
    if text is None:
        raise ApiError(404, "not_found", f"no article with id {job_id} (never submitted, or expired)")
    return Response(text, mimetype="text/plain")
