"""Offline API docs: Swagger UI's files come from the `swagger-ui-bundle` package, never from a CDN.

flask-smorest renders the page at `/docs` and points it at `/docs/assets/`,
which this blueprint serves from the installed package.
"""
from __future__ import annotations

from flask import Blueprint, Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path

ASSETS_URL = "/docs/assets/"

blueprint = Blueprint("docs_assets", __name__, url_prefix=ASSETS_URL.rstrip("/"))


@blueprint.route("/<path:filename>", methods=["GET"])
def asset(filename: str) -> Response:
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
