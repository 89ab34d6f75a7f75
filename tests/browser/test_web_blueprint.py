"""The web blueprint on its own (Flask test client, no browser): pages, static files, security headers."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import Flask

from service.web import CONTENT_SECURITY_POLICY, blueprint


@pytest.fixture
def client():
    app = Flask(__name__)
    app.register_blueprint(blueprint)
    return app.test_client()


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


@pytest.mark.parametrize("path", ["/", "/articles/0123abcd"])
def test_pages_are_served_with_a_strict_policy_and_no_inline_code(client, path):
    response = client.get(path)
    assert response.status_code == 200
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
