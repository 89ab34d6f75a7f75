"""The web pages as the API app serves them (Flask test client on a fakeredis store, no browser)."""
from __future__ import annotations

from html.parser import HTMLParser

import fakeredis
import pytest
import redis
from whosaid_stack import free_port

from service import create_app
from service.web import CONTENT_SECURITY_POLICY
from workers.store import JobStore, job_id_for

KNOWN_TEXT = "\"We will not resign,\" Maria Lopez told reporters."
UNKNOWN_ID = "0" * 32


def app_on(store: JobStore):
    return create_app({"BROKER_URL": "memory://"}, store=store)


@pytest.fixture
def store() -> JobStore:
    client = fakeredis.FakeRedis(decode_responses=True)
    return JobStore(client, client, ttl=600)


@pytest.fixture
def client(store: JobStore):
    return app_on(store).test_client()


@pytest.fixture
def known_id(store: JobStore) -> str:
    job_id = job_id_for(KNOWN_TEXT, {"name": "test", "version": "0", "model": "none"})
    store.submit(job_id, KNOWN_TEXT)
    return job_id


class InlineCodeFinder(HTMLParser):
    """Collects what a strict Content-Security-Policy would block: inline scripts, handlers, styles."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("inline <style>")
        self.problems += [f"{name} attribute on <{tag}>" for name in names if name == "style" or name.startswith("on")]


def test_pages_are_served_with_a_strict_policy_and_no_inline_code(client, known_id):
    for path in ("/", f"/articles/{known_id}"):
        assert_strict_page(client.get(path))


def test_unknown_or_malformed_ids_get_the_page_with_status_404(client):
    for article_id in (UNKNOWN_ID, "not-an-id"):
        response = client.get(f"/articles/{article_id}")
        assert response.status_code == 404
        assert response.mimetype == "text/html"
        assert_strict_page(response)


def test_an_unreachable_store_still_serves_the_page():
    """The page then explains the outage itself, from the API's 503."""
    unreachable = redis.Redis(port=free_port(), socket_connect_timeout=0.2, socket_timeout=0.2, decode_responses=True)
    client = app_on(JobStore(unreachable, unreachable, ttl=600)).test_client()
    assert client.get(f"/articles/{UNKNOWN_ID}").status_code == 200


def assert_strict_page(response) -> None:
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe" not in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    finder = InlineCodeFinder()
    finder.feed(response.get_data(as_text=True))
    assert finder.problems == []


def test_result_page_carries_the_article_id_escaped(client):
    response = client.get('/articles/"><img src=x onerror=alert(1)>')
    page = response.get_data(as_text=True)
    assert "<img" not in page
    assert 'data-article-id="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in page


def test_submit_page_has_no_article_id(client):
    assert 'data-article-id=""' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("name", "media_type"), [("whosaid.js", "text/javascript"), ("whosaid.css", "text/css"), ("favicon.svg", "image/svg+xml")])
def test_static_files_are_served(client, name, media_type):
    response = client.get(f"/static/web/{name}")
    assert response.status_code == 200
    assert response.mimetype == media_type
