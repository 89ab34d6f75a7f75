"""whosaid's attribution engine: find every quotation in a text and who said it.

Pure functions only: no web, queue or storage code lives here, so the CLI, the
Celery workers and the tests all call the same `attribute(text)`.
"""
from attribution.engine import ENGINE_NAME, ENGINE_VERSION, attribute, engine_info

__all__ = ["ENGINE_NAME", "ENGINE_VERSION", "attribute", "engine_info"]
