"""End-to-end tests of the web page in headless Chromium, against a real `whosaid serve`.

The engine's accuracy is not the page's: each check on a gold quote first looks
at the API's result, then at what the page renders, so a failure says whether
the engine missed the quote or the page misrendered what the engine found.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from attribution.scoring import match_spans, same_speaker, trim_span
from whosaid_stack import REPO_ROOT, http_json

pytestmark = pytest.mark.slow

SEED_TEXT = (REPO_ROOT / "tests" / "data" / "seed.txt").read_text(encoding="utf-8")
SEED_GOLD = json.loads((REPO_ROOT / "tests" / "data" / "seed.jsonl").read_text(encoding="utf-8").splitlines()[0])
RESULT_TIMEOUT_MS = 120_000
EMPTY_RESULT = {"quotes": [], "speakers": [], "engine": {"name": "test", "version": "0", "model": "none"}}

HOSTILE_ARTICLE = (
    "The mayor's office published the notice on Monday. <script>window.__pwned=1</script>\n\n"
    "\"We will not tolerate <b>any</b> delay <img src=x onerror=\"window.__pwned=1\">,\" said Jane Roe, "
    "a spokeswoman for the city. She added that the <i>works</i> would start in May.\n\n"
    "<a href=\"javascript:window.__pwned=1\">Read more</a>"
)

HOSTILE_HEADLINE = "<img src=x onerror=\"window.__pwned=1\">Mayor's <b>plan</b>"

# For each text node under the article view: its offset in the article, and
# whether it lies inside an element matching the selector. Gives the stretches
# of the article a selector covers, whatever the nesting of the elements.
COVERED_RUNS_SCRIPT = """
(selector) => {
  const view = document.getElementById('article-text-view');
  const walker = document.createTreeWalker(view, NodeFilter.SHOW_TEXT);
  const runs = [];
  let offset = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = node.data.length;
    const parent = node.parentElement;
    if (parent && parent.closest(selector) && view.contains(parent.closest(selector))) {
      const last = runs[runs.length - 1];
      if (last && last[1] === offset) last[1] = offset + length;
      else runs.push([offset, offset + length]);
    }
    offset += length;
  }
  return runs;
}
"""


def union_of_spans(spans: list[tuple[int, int]]) -> list[list[int]]:
    """Merge overlapping or touching spans into sorted, disjoint runs."""
    runs: list[list[int]] = []
    for start, end in sorted(spans):
        if runs and start <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], end)
        else:
            runs.append([start, end])
    return runs


def submit_through_page(page, service_url: str, text: str, headline: str = "") -> str:
    """Paste `text` (and a headline) on the submit page, submit, wait for the result view; returns the article id."""
    page.goto(service_url + "/")
    page.fill("#article-title", headline)
    page.fill("#article-text", text)
    page.click("#submit-button")
    page.wait_for_selector("#result-view:not([hidden]), #error-view:not([hidden])", timeout=RESULT_TIMEOUT_MS)
    if page.is_visible("#error-view"):
        pytest.fail(f"the page shows an error instead of the result: {page.inner_text('#error-view')}")
    match = re.search(r"/articles/([^/?#]+)$", page.url)
    assert match, f"the page did not move to the shareable result URL: {page.url}"
    return match.group(1)


def api_result(service_url: str, article_id: str) -> dict:
    status, body, _ = http_json("GET", f"{service_url}/v1/articles/{article_id}?wait=30")
    assert status == 200 and body["status"] == "done", f"API answer for {article_id}: {status} {body}"
    return body["result"]


def expected_speaker_label(quote: dict) -> str | None:
    """What the page should show as the speaker: the name, or the description of an unnamed speaker."""
    speaker = quote["speaker"]
    if speaker is None:
        return None
    return speaker["name"] or speaker["description"]


def rendered_quote(page, quote_id: str) -> dict:
    """Text, highlight and tooltip of one quote as the page shows them (focusing the quote)."""
    fragments = page.locator(f'#article-text-view mark.quote[data-quote-id="{quote_id}"]')
    if fragments.count() == 0:
        return {"present": False}
    text = "".join(fragments.all_text_contents())
    background = fragments.first.evaluate("node => getComputedStyle(node).backgroundColor")
    fragments.first.focus()
    tooltip = page.locator("#quote-tip")
    tooltip.wait_for(state="visible", timeout=5000)
    return {
        "present": True,
        "text": text,
        "highlighted": background not in ("rgba(0, 0, 0, 0)", "transparent"),
        "speaker_label": page.inner_text("#quote-tip .tip-speaker-name"),
        "tooltip": page.inner_text("#quote-tip"),
    }


def serve_fake_article(page, article_id: str, answers, text: str) -> None:
    """Answer the page's API calls for `article_id` from the test: the text, and for each
    job request the (status, document) that `answers(url)` gives."""
    page.route(f"**/v1/articles/{article_id}/text", lambda route: route.fulfill(status=200, content_type="text/plain", body=text))

    def answer_job(route) -> None:
        status, document = answers(route.request.url)
        route.fulfill(status=status, content_type="application/json", body=json.dumps(document))

    page.route(f"**/v1/articles/{article_id}*", answer_job)


def test_reference_article_shows_every_gold_quote_with_its_speaker(page, service_url, artifacts: Path):
    article_id = submit_through_page(page, service_url, SEED_TEXT)
    result = api_result(service_url, article_id)
    page.screenshot(path=str(artifacts / "reference-result.png"), full_page=True)

    assert page.locator("#article-text-view").text_content() == SEED_TEXT, "the article is not rendered exactly as submitted"

    page_bugs: list[str] = []
    for quote in result["quotes"]:
        shown = rendered_quote(page, quote["id"])
        if not shown["present"]:
            page_bugs.append(f"API quote {quote['id']} {quote['text']!r} is not on the page")
            continue
        if shown["text"] != quote["text"]:
            page_bugs.append(f"quote {quote['id']} shows {shown['text']!r}, the API says {quote['text']!r}")
        if not shown["highlighted"]:
            page_bugs.append(f"quote {quote['id']} {quote['text']!r} is not highlighted")
        expected = expected_speaker_label(quote)
        if expected is not None and shown["speaker_label"] != expected:
            page_bugs.append(f"quote {quote['id']} shows speaker {shown['speaker_label']!r}, the API says {expected!r}")
        if quote["speaker"] is not None and quote["speaker"]["name"] is None and "unnamed" not in shown["tooltip"].lower():
            page_bugs.append(f"quote {quote['id']}: unnamed speaker not marked as unnamed in the tooltip")
        for fact in ("Kind", "Cue", "Confidence"):
            if fact not in shown["tooltip"]:
                page_bugs.append(f"quote {quote['id']}: tooltip lacks {fact}: {shown['tooltip']!r}")

    gold_quotes = SEED_GOLD["quotes"]
    gold_spans = [trim_span(SEED_TEXT, gold["start"], gold["end"]) for gold in gold_quotes]
    engine_spans = [trim_span(SEED_TEXT, quote["start"], quote["end"]) for quote in result["quotes"]]
    gold_to_engine = match_spans(gold_spans, engine_spans)
    engine_misses: list[str] = []
    for gold_index, gold in enumerate(gold_quotes):
        if gold["optional"]:
            continue
        if gold_index not in gold_to_engine:
            engine_misses.append(f"engine missed gold quote {gold['text']!r}")
            continue
        quote = result["quotes"][gold_to_engine[gold_index]]
        engine_name = quote["speaker"]["name"] if quote["speaker"] else None
        if not same_speaker(gold["speaker"], engine_name):
            engine_misses.append(
                f"engine gave {gold['text'][:50]!r} to {engine_name or expected_speaker_label(quote)!r}, gold says {gold['speaker'] or 'an unnamed speaker'!r}"
            )
        if gold["speaker"] is None and quote["speaker"] is None:
            engine_misses.append(f"engine left {gold['text'][:50]!r} without any speaker (gold: an unnamed speaker)")

    report = []
    if engine_misses:
        report.append("Engine (the API's result is wrong; not a page bug):\n  " + "\n  ".join(engine_misses))
    if page_bugs:
        report.append("Page (renders the API's result wrongly):\n  " + "\n  ".join(page_bugs))
    assert not report, "\n".join(report)


def test_selecting_a_speaker_highlights_their_quotes_and_mentions(page, service_url, artifacts: Path):
    article_id = submit_through_page(page, service_url, SEED_TEXT)
    result = api_result(service_url, article_id)
    sakunts = [speaker for speaker in result["speakers"] if speaker["name"] == "Artur Sakunts"]
    assert sakunts, f"engine: no speaker named Artur Sakunts in {[speaker['name'] for speaker in result['speakers']]}"
    speaker_id = sakunts[0]["id"]
    his_quotes = [(quote["start"], quote["end"]) for quote in result["quotes"] if quote["speaker"] and quote["speaker"]["id"] == speaker_id]
    his_mentions = [(mention["start"], mention["end"]) for mention in sakunts[0]["mentions"]]
    assert his_quotes, "engine: no quote attributed to Artur Sakunts"

    button = page.locator("#speaker-list button", has_text="Artur Sakunts")
    button.click()
    page.screenshot(path=str(artifacts / "reference-artur-sakunts.png"), full_page=True)

    assert button.get_attribute("aria-pressed") == "true"
    assert page.evaluate(COVERED_RUNS_SCRIPT, "mark.quote.is-selected") == union_of_spans(his_quotes)
    assert page.evaluate(COVERED_RUNS_SCRIPT, ".mention.is-selected") == union_of_spans(his_mentions)
    other_quotes = page.locator("#article-text-view mark.quote:not(.is-selected)")
    if other_quotes.count():
        assert other_quotes.first.evaluate("node => getComputedStyle(node).backgroundColor") == "rgba(0, 0, 0, 0)", "other speakers' quotes are not faded"
    selected_mention = page.locator("#article-text-view .mention.is-selected").first
    assert selected_mention.evaluate("node => getComputedStyle(node).backgroundColor") != "rgba(0, 0, 0, 0)"

    button.click()
    assert button.get_attribute("aria-pressed") == "false"
    assert page.locator("#article-text-view .is-selected").count() == 0


def test_html_in_an_article_is_shown_as_text_and_runs_nothing(page, service_url, artifacts: Path):
    article_id = submit_through_page(page, service_url, HOSTILE_ARTICLE, HOSTILE_HEADLINE)
    page.screenshot(path=str(artifacts / "hostile-article.png"), full_page=True)
    for view in ("submitted", "reloaded"):
        assert page.inner_text("#result-title") == HOSTILE_HEADLINE, f"{view}: the headline is not shown as text"
        assert page.locator("#result-view *:is(script, img, b, i, a[href^=javascript])").count() == 0, f"{view}: markup became elements"
        view_text = page.locator("#article-text-view").text_content()
        assert view_text == HOSTILE_ARTICLE, f"{view}: the article is not shown exactly as text"
        assert page.locator("#article-text-view *:is(script, img, b, i, a)").count() == 0, f"{view}: article markup became elements"
        assert page.evaluate("() => window.__pwned") is None, f"{view}: a script from the article ran"
        for quote_id in page.locator("#article-text-view mark.quote.quote-first").evaluate_all("nodes => nodes.map(n => n.dataset.quoteId)"):
            page.locator(f'mark.quote-first[data-quote-id="{quote_id}"]').focus()
            assert page.locator("#quote-tip *:is(script, img, b, i, a)").count() == 0
        page.goto(f"{service_url}/articles/{article_id}")
        page.wait_for_selector("#result-view:not([hidden])", timeout=RESULT_TIMEOUT_MS)


def test_pages_carry_a_strict_content_security_policy(page, service_url):
    for path in ("/", "/articles/unknown"):
        response = page.goto(service_url + path)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, f"{path}: {policy!r}"


def test_keyboard_reaches_quotes_and_speakers_and_shows_the_tooltip(page, service_url, artifacts: Path):
    submit_through_page(page, service_url, SEED_TEXT)
    page.locator("#main").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('mark.quote')"):
            break
    else:
        pytest.fail("no quote reached with the Tab key")
    tooltip = page.locator("#quote-tip")
    assert tooltip.is_visible() and tooltip.get_attribute("role") == "tooltip"
    described = page.evaluate("() => document.activeElement.getAttribute('aria-describedby')")
    assert described == "quote-tip"
    assert "Confidence" in tooltip.inner_text()
    page.screenshot(path=str(artifacts / "keyboard-tooltip.png"))
    page.keyboard.press("Escape")
    assert not tooltip.is_visible()

    first_speaker = page.locator("#speaker-list button").first
    first_speaker.focus()
    page.keyboard.press("Enter")
    assert first_speaker.get_attribute("aria-pressed") == "true"
    assert page.locator("#article-text-view mark.quote.is-selected").count() > 0


def test_phone_width_stacks_the_panels_without_sideways_scrolling(browser, service_url, artifacts: Path):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        phone = context.new_page()
        submit_through_page(phone, service_url, SEED_TEXT)
        phone.screenshot(path=str(artifacts / "reference-phone.png"), full_page=True)
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 375, "the page scrolls sideways at phone width"
        speakers = phone.locator("aside.speakers").bounding_box()
        article = phone.locator("article.article-panel").bounding_box()
        assert speakers["y"] + speakers["height"] <= article["y"], "speakers and article are not stacked"
        assert article["width"] <= 375
        phone.locator("mark.quote").first.tap()
        assert phone.locator("#quote-tip").is_visible(), "tapping a quote shows no tooltip"
    finally:
        context.close()


def test_unknown_article_shows_a_not_found_page(page, service_url):
    page.goto(service_url + "/articles/0123456789abcdef")
    page.wait_for_selector("#error-view:not([hidden])", timeout=30_000)
    assert "No result" in page.inner_text("#error-title")


def test_empty_article_is_refused_in_plain_words(page, service_url):
    page.goto(service_url + "/")
    page.fill("#article-text", "   \n ")
    page.click("#submit-button")
    page.wait_for_selector("#error-view:not([hidden])")
    assert "no text" in page.inner_text("#error-detail").lower()
    assert page.is_visible("#article-text"), "the form must stay usable after an error"


def test_crossing_and_nested_spans_render_every_character_once(page, service_url):
    """Quotes, cues and mentions that nest or cross each other or a paragraph break are split into fragments, never lost or doubled."""
    text = "Alpha beta gamma delta\nepsilon zeta eta theta iota kappa lambda."
    speakers = [
        {"id": "s1", "name": "Ann Alpha", "kind": "person", "descriptions": [], "mentions": [{"start": 6, "end": 10, "text": "beta"}], "quote_count": 1},
        {"id": "s2", "name": None, "kind": "person", "descriptions": ["the gamma man"], "mentions": [{"start": 11, "end": 16, "text": "gamma"}, {"start": 36, "end": 45, "text": "eta theta"}], "quote_count": 1},
    ]

    def quote(quote_id, start, end, speaker):
        return {
            "id": quote_id, "start": start, "end": end, "text": text[start:end], "kind": "direct",
            "speaker": speaker, "mention": None, "cue": {"start": 51, "end": 56, "text": text[51:56]},
            "method": "name", "confidence": 0.5, "paragraph": 0,
        }

    ann = {"id": "s1", "name": "Ann Alpha", "description": None}
    gamma_man = {"id": "s2", "name": None, "description": "the gamma man"}
    quotes = [
        quote("q1", 0, 22, ann),
        quote("q2", 11, 40, gamma_man),
        quote("q3", 17, 22, None),
        quote("q4", 36, 45, gamma_man),
        quote("broken", 50, 20, ann),
        quote("outside", 60, 500, ann),
    ]
    body = {"id": "synthetic", "status": "done",
            "result": {"quotes": quotes, "speakers": speakers, "engine": {"name": "test", "version": "0", "model": "none"}}}
    serve_fake_article(page, "synthetic", lambda url: (200, body), text)
    page.goto(service_url + "/articles/synthetic")
    page.wait_for_selector("#result-view:not([hidden])", timeout=10_000)

    assert page.locator("#article-text-view").text_content() == text
    assert page.locator("#article-text-view .paragraph").all_text_contents() == ["Alpha beta gamma delta\n", text[23:]]
    for shown_id, start, end in (("q1", 0, 22), ("q2", 11, 40), ("q3", 17, 22), ("q4", 36, 45)):
        fragments = page.locator(f'#article-text-view mark.quote[data-quote-id="{shown_id}"]')
        assert "".join(fragments.all_text_contents()) == text[start:end], shown_id
        assert page.evaluate(COVERED_RUNS_SCRIPT, f'mark.quote[data-quote-id="{shown_id}"]') == [[start, end]]
    assert page.locator('mark.quote[data-quote-id="broken"], mark.quote[data-quote-id="outside"]').count() == 0

    page.locator('mark.quote-first[data-quote-id="q3"]').focus()
    assert page.inner_text("#quote-tip .tip-speaker-name") == "not attributed"
    page.locator('mark.quote-first[data-quote-id="q4"]').focus()
    assert page.inner_text("#quote-tip .tip-speaker-name") == "the gamma man"
    assert page.evaluate(COVERED_RUNS_SCRIPT, ".cue.is-linked") == [[51, 56]]

    page.locator("#speaker-list button", has_text="the gamma man").click()
    assert page.evaluate(COVERED_RUNS_SCRIPT, "mark.quote.is-selected") == [[11, 45]]
    assert page.evaluate(COVERED_RUNS_SCRIPT, ".mention.is-selected") == [[11, 16], [36, 45]]


def test_a_text_file_can_be_uploaded(page, service_url, tmp_path: Path):
    article = tmp_path / "article.txt"
    article.write_text(SEED_TEXT, encoding="utf-8")
    page.goto(service_url + "/")
    page.set_input_files("#article-file", str(article))
    page.wait_for_function("() => document.getElementById('article-text').value.length > 0")
    assert page.input_value("#article-text") == SEED_TEXT


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [(413, "article_too_large", "too large"), (503, "store_unavailable", "unavailable"), (400, "invalid_utf8", "could not be read")],
)
def test_service_errors_are_shown_in_plain_words(page, service_url, status, code, words):
    message = f"the service's own explanation ({code})"
    page.route(
        "**/v1/articles",
        lambda route: route.fulfill(status=status, content_type="application/json", body=json.dumps({"error": {"code": code, "message": message}})),
    )
    page.goto(service_url + "/")
    page.fill("#article-text", "\"Fine,\" she said.")
    page.click("#submit-button")
    page.wait_for_selector("#error-view:not([hidden])")
    assert words in page.inner_text("#error-title").lower()
    assert message in page.inner_text("#error-detail")
    assert page.is_enabled("#submit-button"), "the form must stay usable after an error"


def test_progress_is_shown_while_the_job_is_queued_and_processing(page, service_url):
    states = iter(["queued", "processing"])
    answers: list[str] = []

    def next_answer(url: str) -> tuple[int, dict]:
        status = next(states, "done")
        answers.append(status)
        body = {"id": "progress", "status": status}
        if status == "done":
            body["result"] = EMPTY_RESULT
        return 200, body

    serve_fake_article(page, "progress", next_answer, "Nothing quoted.")
    page.goto(service_url + "/articles/progress")
    page.wait_for_selector("#status-view:not([hidden])")
    page.wait_for_function("() => document.getElementById('status-text').textContent.includes('waiting for a free worker')")
    page.wait_for_function("() => document.getElementById('status-text').textContent.includes('Finding the quotes')")
    page.wait_for_selector("#result-view:not([hidden])", timeout=10_000)
    assert answers == ["queued", "processing", "done"]
    assert page.locator("#article-text-view").text_content() == "Nothing quoted."


def test_a_failed_job_is_explained(page, service_url):
    body = {"id": "broken", "status": "failed", "error": {"code": "engine_error", "message": "the worker ran out of time"}}
    serve_fake_article(page, "broken", lambda url: (200, body), "")
    page.goto(service_url + "/articles/broken")
    page.wait_for_selector("#error-view:not([hidden])")
    assert "could not be processed" in page.inner_text("#error-title")
    assert "the worker ran out of time" in page.inner_text("#error-detail")


def test_the_shareable_link_shows_the_result_in_another_browser(page, browser, service_url):
    article_id = submit_through_page(page, service_url, SEED_TEXT)
    share_href = page.get_attribute("#share-link", "href")
    json_href = page.get_attribute("#json-link", "href")
    assert share_href == f"/articles/{article_id}"
    status, body, _ = http_json("GET", service_url + json_href)
    assert status == 200 and body["id"] == article_id and body["status"] == "done"

    other = browser.new_context()
    try:
        visitor = other.new_page()
        response = visitor.goto(service_url + share_href)
        assert response.status == 200
        visitor.wait_for_selector("#result-view:not([hidden])", timeout=RESULT_TIMEOUT_MS)
        assert visitor.locator("#article-text-view").text_content() == SEED_TEXT
        assert visitor.locator("mark.quote.quote-first").count() == page.locator("mark.quote.quote-first").count()
    finally:
        other.close()


# Contrast ratio (WCAG 2) of every visible piece of text in the result view and the
# tooltip, quote badges (drawn by ::after) included, against its nearest opaque background.
LOW_CONTRAST_SCRIPT = """
() => {
  const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const ratio = (a, b) => { const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x); return (hi + 0.05) / (lo + 0.05); };
  const backgroundOf = (node, own) => {
    const parts = rgb(own);
    if (parts.length >= 3 && (parts.length < 4 || parts[3] > 0)) return parts;
    for (let up = node; up; up = up.parentElement) {
      const found = rgb(getComputedStyle(up).backgroundColor);
      if (found.length >= 3 && (found.length < 4 || found[3] > 0)) return found;
    }
    return [255, 255, 255];
  };
  const problems = [];
  const roots = [document.getElementById('result-view'), document.getElementById('quote-tip')];
  for (const root of roots) {
    if (!root || root.hidden) continue;
    for (const node of [root, ...root.querySelectorAll('*')]) {
      if (!node.getClientRects().length) continue;
      const hasText = [...node.childNodes].some((child) => child.nodeType === 3 && child.data.trim());
      const style = getComputedStyle(node);
      if (hasText) {
        const value = ratio(rgb(style.color), backgroundOf(node, style.backgroundColor));
        if (value < 4.5) problems.push(`${node.tagName}.${node.className} "${node.textContent.slice(0, 30)}": ${value.toFixed(2)}`);
      }
      const after = getComputedStyle(node, '::after');
      if (after.content && after.content !== 'none' && after.content !== 'normal') {
        const value = ratio(rgb(after.color), backgroundOf(node, after.backgroundColor));
        if (value < 4.5) problems.push(`${node.tagName}.${node.className}::after ${after.content}: ${value.toFixed(2)}`);
      }
    }
  }
  return problems;
}
"""


def test_all_text_keeps_readable_contrast(page, service_url):
    submit_through_page(page, service_url, SEED_TEXT)
    assert page.evaluate(LOW_CONTRAST_SCRIPT) == [], "plain view"
    page.locator("mark.quote.quote-first").first.focus()
    assert page.evaluate(LOW_CONTRAST_SCRIPT) == [], "with the tooltip"
    page.locator("#speaker-list button").first.click()
    assert page.evaluate(LOW_CONTRAST_SCRIPT) == [], "with a speaker selected"


def test_an_article_over_the_size_limit_is_refused_in_plain_words(page, service_url):
    oversized = "\"Word,\" she said. " * 130_000
    page.goto(service_url + "/")
    page.locator("#article-text").evaluate("(area, text) => { area.value = text; }", oversized)
    page.click("#submit-button")
    page.wait_for_selector("#error-view:not([hidden])", timeout=60_000)
    assert "too large" in page.inner_text("#error-title").lower(), page.inner_text("#error-view")


def test_an_unreachable_service_is_explained(page, service_url):
    page.route("**/v1/articles", lambda route: route.abort("connectionrefused"))
    page.goto(service_url + "/")
    page.fill("#article-text", "\"Fine,\" she said.")
    page.click("#submit-button")
    page.wait_for_selector("#error-view:not([hidden])")
    assert "could not be reached" in page.inner_text("#error-title")


def test_the_page_works_on_the_production_topology(page, production_url, artifacts: Path):
    """gunicorn + a Celery worker process + redis-server: the same page, the same result as the API's."""
    article_id = submit_through_page(page, production_url, SEED_TEXT)
    result = api_result(production_url, article_id)
    page.screenshot(path=str(artifacts / "reference-production.png"), full_page=True)
    assert page.locator("#article-text-view").text_content() == SEED_TEXT
    shown = page.locator("#article-text-view mark.quote.quote-first").evaluate_all("nodes => nodes.map(n => n.dataset.quoteId)")
    assert sorted(shown) == sorted(quote["id"] for quote in result["quotes"])
    response = page.goto(f"{production_url}/articles/{article_id}")
    assert response.status == 200 and "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#result-view:not([hidden])", timeout=RESULT_TIMEOUT_MS)
    assert page.locator("#article-text-view").text_content() == SEED_TEXT


def test_selecting_a_speaker_scrolls_their_quotes_into_view(browser, service_url):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        submit_through_page(phone, service_url, SEED_TEXT)
        phone.locator("#speaker-list button").first.tap()
        phone.wait_for_function("() => window.scrollY > 0")
        in_view = phone.locator("#article-text-view .is-selected").evaluate_all(
            "nodes => nodes.some(n => { const r = n.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; })"
        )
        assert in_view, "none of the selected speaker's quotes is on screen after selecting them"
    finally:
        context.close()


def test_a_service_with_a_shorter_wait_limit_is_polled_without_waiting(page, service_url):
    asked: list[str] = []

    def answer(url: str) -> tuple[int, dict]:
        query = url.partition("?")[2]
        asked.append(query)
        if "wait=" in query:
            return 400, {"error": {"code": "invalid_parameter", "message": "wait must be a number of seconds from 0 to 5"}}
        if len(asked) < 3:
            return 200, {"id": "short-wait", "status": "processing"}
        return 200, {"id": "short-wait", "status": "done", "result": EMPTY_RESULT}

    serve_fake_article(page, "short-wait", answer, "Nothing quoted.")
    page.goto(service_url + "/articles/short-wait")
    page.wait_for_selector("#result-view:not([hidden])", timeout=10_000)
    assert asked == ["", "wait=20", ""]


def test_a_service_with_api_keys_asks_for_one(page, service_url):
    sent_keys: list[str | None] = []

    def answer_submission(route) -> None:
        key = route.request.headers.get("authorization")
        sent_keys.append(key)
        if key != "Bearer s3cret":
            route.fulfill(status=401, content_type="application/json", headers={"WWW-Authenticate": "Bearer"},
                          body=json.dumps({"error": {"code": "unauthorized", "message": "an API key is required"}}))
        else:
            route.fulfill(status=200, content_type="application/json",
                          body=json.dumps({"id": "keyed", "status": "done", "result": EMPTY_RESULT}))

    page.route("**/v1/articles", answer_submission)
    page.goto(service_url + "/")
    assert not page.is_visible("#api-key"), "no key field while none is needed"
    page.fill("#article-text", "Nothing quoted.")
    page.click("#submit-button")
    page.wait_for_selector("#error-view:not([hidden])")
    assert "API key" in page.inner_text("#error-title")
    page.fill("#api-key", "s3cret")
    page.click("#submit-button")
    page.wait_for_selector("#result-view:not([hidden])")
    assert sent_keys == [None, "Bearer s3cret"]


def test_rate_limited_polling_waits_and_retries(page, service_url):
    answers = iter([(429, {"error": {"code": "rate_limited", "message": "slow down"}}),
                    (200, {"id": "limited", "status": "done", "result": EMPTY_RESULT})])
    serve_fake_article(page, "limited", lambda url: next(answers), "Nothing quoted.")
    page.goto(service_url + "/articles/limited")
    page.wait_for_selector("#result-view:not([hidden])", timeout=10_000)
