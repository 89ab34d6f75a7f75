"""`/healthz` (the process answers) and `/readyz` (Redis answers and at least one worker is alive)."""
from __future__ import annotations

from flask import Response, jsonify
from flask_smorest import Blueprint

from service import schemas
from service.backend import backend
from service.errors import error_response
from workers.store import TRANSIENT_ERRORS

blueprint = Blueprint("health", __name__, description="Liveness and readiness probes.")


@blueprint.route("/healthz", methods=["GET"])
@blueprint.doc(summary="Liveness: the API process answers")
@blueprint.alt_response(200, schema=schemas.HealthSchema, description="Alive.")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@blueprint.route("/readyz", methods=["GET"])
@blueprint.doc(summary="Readiness: Redis reachable and at least one worker alive",
               description="Workers write a heartbeat every WHOSAID_HEARTBEAT_INTERVAL seconds; a worker "
                           "silent for three intervals is not counted.")
@blueprint.alt_response(200, schema=schemas.ReadinessSchema, description="Ready to take articles.")
@blueprint.alt_response(503, schema=schemas.ErrorResponseSchema, description="Not ready; the message says why.")
def readyz() -> Response:
    service = backend()
    try:
        service.store.ping()
        workers = service.store.live_workers(service.settings.heartbeat_ttl)
    except TRANSIENT_ERRORS as exc:
        return error_response(503, "store_unavailable", f"Redis is unreachable: {exc}")
    if not workers:
        return error_response(503, "no_workers", f"no worker has sent a heartbeat in the last "
                                                 f"{service.settings.heartbeat_ttl:g} s")
    return jsonify({"status": "ready", "workers": len(workers)})
