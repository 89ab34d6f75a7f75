"""Marshmallow schemas of the HTTP API, from which `/openapi.json` is generated.

They describe the documents the views produce (`service.articles.job_document`)
and accept; request bodies are parsed by `service.payloads`, which enforces the
same rules with the service's own error codes.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Stable machine-readable reason, e.g. `too_large`."})
    message = fields.String(required=True, metadata={"description": "What went wrong, for people."})


class ErrorResponseSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class ArticleSubmissionSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1),
                         metadata={"description": "The article, plain text (UTF-8)."})
    title = fields.String(allow_none=True, metadata={"description": "Optional headline, kept with the job."})
    url = fields.String(allow_none=True, metadata={"description": "Optional source address, kept with the job."})
    ref = fields.String(allow_none=True, metadata={"description": "Optional caller reference, kept with the job."})


class BatchSubmissionSchema(Schema):
    articles = fields.List(fields.Nested(ArticleSubmissionSchema), required=True,
                           validate=validate.Length(min=1),
                           metadata={"description": "Articles to attribute; at most WHOSAID_BATCH_MAX_ARTICLES."})


class TextSpanSchema(Schema):
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    text = fields.String(required=True)


class SpeakerRefSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(allow_none=True, required=True)
    description = fields.String(allow_none=True, required=True)


class QuoteSchema(Schema):
    id = fields.String(required=True)
    start = fields.Integer(required=True, metadata={"description": "Offset of the quote in the text (quote marks excluded)."})
    end = fields.Integer(required=True)
    text = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["direct", "mixed", "indirect"]))
    speaker = fields.Nested(SpeakerRefSchema, allow_none=True, required=True)
    mention = fields.Nested(TextSpanSchema, allow_none=True, required=True)
    cue = fields.Nested(TextSpanSchema, allow_none=True, required=True)
    method = fields.String(required=True)
    confidence = fields.Float(required=True)
    paragraph = fields.Integer(required=True)


class SpeakerSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(allow_none=True, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["person", "organization", "unknown"]))
    descriptions = fields.List(fields.String(), required=True)
    mentions = fields.List(fields.Nested(TextSpanSchema), required=True)
    quote_count = fields.Integer(required=True)


class EngineSchema(Schema):
    name = fields.String(required=True)
    version = fields.String(required=True)
    model = fields.String(required=True)


class ResultSchema(Schema):
    quotes = fields.List(fields.Nested(QuoteSchema), required=True)
    speakers = fields.List(fields.Nested(SpeakerSchema), required=True)
    engine = fields.Nested(EngineSchema, required=True)


class JobLinksSchema(Schema):
    self = fields.String(required=True, metadata={"description": "This job: poll it, optionally with `?wait=S`."})
    text = fields.String(required=True, metadata={"description": "The article text as submitted (text/plain)."})


STATUS = validate.OneOf(["queued", "processing", "done", "failed"])


class JobSummarySchema(Schema):
    id = fields.String(required=True, metadata={"description": "Derived from the text and the engine version."})
    status = fields.String(required=True, validate=STATUS)
    links = fields.Nested(JobLinksSchema, required=True)


class JobSchema(JobSummarySchema):
    submitted_at = fields.String(allow_none=True, required=True, metadata={"description": "ISO 8601, UTC."})
    started_at = fields.String(allow_none=True, required=True)
    finished_at = fields.String(allow_none=True, required=True)
    attempts = fields.Integer(required=True, metadata={"description": "Times a worker started on this article."})
    title = fields.String(allow_none=True, required=True)
    url = fields.String(allow_none=True, required=True)
    ref = fields.String(allow_none=True, required=True)
    result = fields.Nested(ResultSchema, allow_none=True, required=True,
                           metadata={"description": "Present when `status` is `done`."})
    error = fields.Nested(ErrorDetailSchema, allow_none=True, required=True,
                          metadata={"description": "Present when `status` is `failed`; code `timeout`, "
                                                   "`engine_error`, ..."})


class BatchResponseSchema(Schema):
    articles = fields.List(fields.Nested(JobSummarySchema), required=True,
                           metadata={"description": "One entry per submitted article, in order."})


class HealthSchema(Schema):
    status = fields.String(required=True)


class ReadinessSchema(Schema):
    status = fields.String(required=True)
    workers = fields.Integer(required=True, metadata={"description": "Workers with a recent heartbeat."})
