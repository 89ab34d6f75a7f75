/*
 * whosaid's web page: submit an article to the JSON API, follow the job, and
 * render the article with every quote highlighted by speaker.
 *
 * Article text and everything the engine says about it only ever reach the page
 * through textContent / createTextNode, never as markup.
 */
(function () {
  "use strict";

  var API_ROOT = "/v1/articles";
  var WAIT_SECONDS = 20;
  var PALETTE_SIZE = 8;
  var MAX_TRANSIENT_RETRIES = 5;
  var MIN_POLL_INTERVAL_MS = 1000;
  var LONG_ARTICLE_CHARS = 50000;

  var KIND_LABELS = {
    direct: "direct quote",
    mixed: "partial quote",
    indirect: "reported speech"
  };

  // ---------------------------------------------------------------- helpers

  function byId(id) {
    return document.getElementById(id);
  }

  /* Create an element with a class and plain-text content. */
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function articleUrl(id) {
    return "/articles/" + encodeURIComponent(id);
  }

  function apiUrl(id) {
    return API_ROOT + "/" + encodeURIComponent(id);
  }

  function isValidSpan(span, textLength) {
    return span && typeof span.start === "number" && typeof span.end === "number" &&
      span.start >= 0 && span.end <= textLength && span.start < span.end;
  }

  /* Words as a reader counts them: letters and digits, with inner apostrophes. */
  var WORD_PATTERN = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

  // ------------------------------------------------------------ the speakers

  /*
   * One entry per speaker shown on the page, in the order of the side list
   * (most quoted first), each with its palette slot and badge number.
   */
  function describeSpeakers(result) {
    var quotes = result.quotes || [];
    var entries = [];
    var byKey = {};
    (result.speakers || []).forEach(function (speaker, order) {
      var entry = {
        key: String(speaker.id),
        name: speaker.name || null,
        kind: speaker.kind || "unknown",
        descriptions: (speaker.descriptions || []).filter(Boolean),
        mentions: speaker.mentions || [],
        quoteCount: 0,
        quotedWords: 0,
        firstSeen: Infinity,
        order: order
      };
      byKey[entry.key] = entry;
      entries.push(entry);
    });
    quotes.forEach(function (quote) {
      if (!quote.speaker) return;
      var key = String(quote.speaker.id);
      var entry = byKey[key];
      if (!entry) {
        // A quote names a speaker missing from the speaker list: show it anyway.
        entry = {
          key: key, name: quote.speaker.name || null, kind: "unknown",
          descriptions: quote.speaker.description ? [quote.speaker.description] : [],
          mentions: [], quoteCount: 0, quotedWords: 0, firstSeen: Infinity, order: entries.length
        };
        byKey[key] = entry;
        entries.push(entry);
      }
      entry.quoteCount += 1;
      entry.firstSeen = Math.min(entry.firstSeen, quote.start);
      if (!entry.name && !entry.descriptions.length && quote.speaker.description) {
        entry.descriptions.push(quote.speaker.description);
      }
    });
    entries.sort(function (a, b) {
      return (b.quoteCount - a.quoteCount) || (a.firstSeen - b.firstSeen) || (a.order - b.order);
    });
    entries.forEach(function (entry, index) {
      entry.index = index;
      entry.badge = String(index + 1);
      entry.palette = index % PALETTE_SIZE;
      entry.label = entry.name || entry.descriptions[0] || "unnamed speaker";
    });
    return { list: entries, byKey: byKey };
  }

  /*
   * Count the quoted words per speaker. A word inside nested quotes belongs to
   * the innermost one, so every quoted word is counted exactly once.
   */
  function countQuotedWords(text, quotes, speakers) {
    var ownerByWordStart = new Map();
    var sorted = quotes.filter(function (quote) { return isValidSpan(quote, text.length); })
      .slice().sort(function (a, b) { return (b.end - b.start) - (a.end - a.start); });
    sorted.forEach(function (quote) {
      var owner = quote.speaker ? String(quote.speaker.id) : null;
      var slice = text.slice(quote.start, quote.end);
      var match;
      WORD_PATTERN.lastIndex = 0;
      while ((match = WORD_PATTERN.exec(slice)) !== null) {
        ownerByWordStart.set(quote.start + match.index, owner);
      }
    });
    var unattributed = 0;
    ownerByWordStart.forEach(function (owner) {
      if (owner !== null && speakers.byKey[owner]) speakers.byKey[owner].quotedWords += 1;
      else unattributed += 1;
    });
    return { total: ownerByWordStart.size, unattributed: unattributed };
  }

  // ------------------------------------------------- laying out the article

  var KIND_RANK = { quote: 0, cue: 1, mention: 2 };

  /*
   * Everything to mark in the text: quotes, their cues, and speaker mentions.
   * Spans sharing kind and offsets are merged, so a cue shared by two quotes
   * ("A," she said, "B.") is one element linked to both.
   */
  function collectMarks(text, result, speakers) {
    var marks = [];
    var merged = {};
    function add(kind, span, props) {
      if (!isValidSpan(span, text.length)) return null;
      var mergeKey = kind === "quote" ? null : kind + ":" + span.start + ":" + span.end + ":" + (props.speakerKey || "");
      if (mergeKey && merged[mergeKey]) {
        var existing = merged[mergeKey];
        (props.quoteIds || []).forEach(function (id) {
          if (existing.quoteIds.indexOf(id) < 0) existing.quoteIds.push(id);
        });
        return existing;
      }
      var mark = {
        kind: kind, start: span.start, end: span.end, serial: marks.length,
        quoteId: props.quoteId || null, quote: props.quote || null,
        speakerKey: props.speakerKey || null, quoteIds: (props.quoteIds || []).slice()
      };
      marks.push(mark);
      if (mergeKey) merged[mergeKey] = mark;
      return mark;
    }
    (result.quotes || []).forEach(function (quote, index) {
      var quoteId = String(quote.id !== undefined ? quote.id : "q" + index);
      var speakerKey = quote.speaker ? String(quote.speaker.id) : null;
      add("quote", quote, { quoteId: quoteId, quote: quote, speakerKey: speakerKey });
      if (quote.cue) add("cue", quote.cue, { quoteIds: [quoteId] });
      if (quote.mention && speakerKey) add("mention", quote.mention, { speakerKey: speakerKey, quoteIds: [quoteId] });
    });
    speakers.list.forEach(function (speaker) {
      speaker.mentions.forEach(function (mention) {
        add("mention", mention, { speakerKey: speaker.key });
      });
    });
    paragraphSpans(text).forEach(function (span) { add("paragraph", span, {}); });
    return marks;
  }

  /*
   * The article's paragraphs, each with the line breaks that end it, so that
   * together they cover the text exactly. Each becomes its own block: a
   * browser lays out thousands of small blocks far faster than one huge one.
   */
  function paragraphSpans(text) {
    var spans = [];
    var breaks = /\n+/g;
    var start = 0;
    var match;
    while ((match = breaks.exec(text)) !== null) {
      var end = match.index + match[0].length;
      if (end > start) spans.push({ start: start, end: end });
      start = end;
    }
    if (start < text.length) spans.push({ start: start, end: text.length });
    return spans;
  }

  /*
   * Outer marks first: the paragraph always (paragraphs never overlap), then
   * earlier start, then longer, then quotes before cues before mentions.
   */
  function compareMarks(a, b) {
    var paragraphFirst = (b.kind === "paragraph") - (a.kind === "paragraph");
    return paragraphFirst || (a.start - b.start) || (b.end - a.end) || (KIND_RANK[a.kind] - KIND_RANK[b.kind]) || (a.serial - b.serial);
  }

  /*
   * Split the text at every mark boundary and list, for each piece, the marks
   * covering it (outermost first). Marks may nest or cross; nothing is assumed.
   */
  function segmentText(textLength, marks) {
    var startsAt = new Map();
    var endsAt = new Map();
    var boundaries = new Set([0, textLength]);
    marks.forEach(function (mark) {
      boundaries.add(mark.start);
      boundaries.add(mark.end);
      if (!startsAt.has(mark.start)) startsAt.set(mark.start, []);
      if (!endsAt.has(mark.end)) endsAt.set(mark.end, []);
      startsAt.get(mark.start).push(mark);
      endsAt.get(mark.end).push(mark);
    });
    var points = Array.from(boundaries).sort(function (a, b) { return a - b; });
    var active = new Set();
    var segments = [];
    for (var i = 0; i < points.length - 1; i += 1) {
      (endsAt.get(points[i]) || []).forEach(function (mark) { active.delete(mark); });
      (startsAt.get(points[i]) || []).forEach(function (mark) { active.add(mark); });
      segments.push({ start: points[i], end: points[i + 1], covering: Array.from(active).sort(compareMarks) });
    }
    return segments;
  }

  /*
   * Render the article into `container` as nested elements built from the
   * segments: a mark crossing another's boundary is simply split into several
   * fragments. Returns the fragments of each quote, in text order.
   */
  function renderArticle(container, text, result, speakers) {
    var marks = collectMarks(text, result, speakers);
    var segments = segmentText(text.length, marks);
    var fragmentsByQuote = new Map();
    var open = [];
    container.textContent = "";
    container.classList.toggle("is-long", text.length > LONG_ARTICLE_CHARS);
    segments.forEach(function (segment) {
      var keep = 0;
      while (keep < open.length && keep < segment.covering.length && open[keep].mark === segment.covering[keep]) keep += 1;
      open.length = keep;
      for (var depth = keep; depth < segment.covering.length; depth += 1) {
        var mark = segment.covering[depth];
        var node = markElement(mark, speakers);
        (depth === 0 ? container : open[depth - 1].node).appendChild(node);
        open.push({ mark: mark, node: node });
        if (mark.kind === "quote") {
          if (!fragmentsByQuote.has(mark.quoteId)) fragmentsByQuote.set(mark.quoteId, []);
          fragmentsByQuote.get(mark.quoteId).push(node);
        }
      }
      var parent = open.length ? open[open.length - 1].node : container;
      parent.appendChild(document.createTextNode(text.slice(segment.start, segment.end)));
    });
    fragmentsByQuote.forEach(function (fragments) {
      fragments[0].classList.add("quote-first");
      fragments[0].tabIndex = 0;
      fragments[fragments.length - 1].classList.add("quote-last");
    });
    return fragmentsByQuote;
  }

  function markElement(mark, speakers) {
    var node;
    if (mark.kind === "paragraph") return element("div", "paragraph");
    if (mark.kind === "quote") {
      var speaker = mark.speakerKey !== null ? speakers.byKey[mark.speakerKey] : null;
      node = element("mark", "quote " + (speaker ? "sp-" + speaker.palette : "sp-none"));
      node.dataset.quoteId = mark.quoteId;
      node.dataset.speaker = mark.speakerKey !== null ? mark.speakerKey : "";
      node.dataset.badge = speaker ? speaker.badge : "?";
      node.dataset.kind = mark.quote.kind || "";
      return node;
    }
    node = element("span", mark.kind);
    node.dataset.quoteIds = mark.quoteIds.join(" ");
    if (mark.kind === "mention") {
      var owner = speakers.byKey[mark.speakerKey];
      node.dataset.speaker = mark.speakerKey;
      if (owner) node.classList.add("sp-" + owner.palette);
    }
    return node;
  }

  // ----------------------------------------------------------- the tooltip

  function speakerLabelOfQuote(quote, speakers) {
    if (!quote.speaker) return { label: "not attributed", unnamed: true };
    var entry = speakers.byKey[String(quote.speaker.id)];
    if (quote.speaker.name) return { label: quote.speaker.name, unnamed: false, entry: entry };
    return { label: quote.speaker.description || (entry && entry.label) || "unnamed speaker", unnamed: true, entry: entry };
  }

  function fillTooltip(tip, quote, speakers) {
    tip.textContent = "";
    var who = speakerLabelOfQuote(quote, speakers);
    var heading = element("p", "tip-speaker");
    if (who.entry) heading.appendChild(element("span", "badge sp-" + who.entry.palette, who.entry.badge));
    heading.appendChild(element("span", "tip-speaker-name", who.label));
    if (who.unnamed && quote.speaker) heading.appendChild(element("span", "tag", "unnamed"));
    tip.appendChild(heading);
    var facts = element("dl", "tip-facts");
    function fact(term, value) {
      if (value === null || value === undefined || value === "") return;
      facts.appendChild(element("dt", null, term));
      facts.appendChild(element("dd", null, value));
    }
    fact("Kind", KIND_LABELS[quote.kind] || quote.kind);
    fact("Cue", quote.cue ? "“" + quote.cue.text + "”" : "none");
    if (quote.mention && quote.speaker && quote.mention.text !== quote.speaker.name) fact("Named as", "“" + quote.mention.text + "”");
    fact("Confidence", typeof quote.confidence === "number" ? Math.round(quote.confidence * 100) + "%" : null);
    fact("Found by", quote.method ? quote.method.replace(/[_-]+/g, " ") : null);
    tip.appendChild(facts);
  }

  function placeTooltip(tip, anchor) {
    var rect = anchor.getClientRects()[0] || anchor.getBoundingClientRect();
    tip.hidden = false;
    var width = tip.offsetWidth;
    var left = Math.min(Math.max(8, rect.left), document.documentElement.clientWidth - width - 8);
    // Above the quote's first line, where it hides neither the quote nor its cue (which
    // usually follows); below it when there is no room above.
    var top = rect.top - tip.offsetHeight - 8;
    if (top < 0) top = rect.bottom + 8;
    tip.style.left = Math.max(8, left) + window.scrollX + "px";
    tip.style.top = top + window.scrollY + "px";
  }

  // -------------------------------------------------------- the result view

  function setClass(nodes, className, on) {
    nodes.forEach(function (node) { node.classList.toggle(className, on); });
  }

  /* Show a finished job (`job.result`, `job.links`, `job.title`) over the article's text. */
  function renderResult(articleId, text, job) {
    var result = job.result || {};
    var links = job.links;
    var speakers = describeSpeakers(result);
    var quotes = (result.quotes || []).filter(function (quote) { return isValidSpan(quote, text.length); });
    var quoteById = new Map();
    (result.quotes || []).forEach(function (quote, index) {
      quoteById.set(String(quote.id !== undefined ? quote.id : "q" + index), quote);
    });
    var words = countQuotedWords(text, quotes, speakers);
    var articleView = byId("article-text-view");
    var fragmentsByQuote = renderArticle(articleView, text, result, speakers);

    var speakerCount = speakers.list.filter(function (s) { return s.quoteCount > 0; }).length;
    var summary = quotes.length + (quotes.length === 1 ? " quote" : " quotes") + " from " +
      speakerCount + (speakerCount === 1 ? " speaker" : " speakers");
    if (result.engine && result.engine.name) {
      summary += " · " + result.engine.name + (result.engine.version ? " " + result.engine.version : "");
    }
    byId("result-summary").textContent = summary;
    var title = byId("result-title");
    title.textContent = job.title || "";
    title.hidden = !job.title;
    var shareLink = byId("share-link");
    shareLink.href = articleUrl(articleId);
    byId("json-link").href = (links && links.self) || apiUrl(articleId);
    byId("copy-link").onclick = function () {
      var absolute = new URL(shareLink.getAttribute("href"), window.location.href).href;
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(absolute).then(function () { byId("copy-link").textContent = "Copied"; },
          function () { byId("copy-link").textContent = absolute; });
      } else {
        byId("copy-link").textContent = absolute;
      }
    };

    renderSpeakerList(speakers, words, articleView);
    showQuotes(articleView, quoteById, fragmentsByQuote, speakers);
    showView("result-view");
    document.title = (job.title ? job.title + " · " : "") + "Who said what · whosaid";
  }

  function renderSpeakerList(speakers, words, articleView) {
    var list = byId("speaker-list");
    var clear = byId("clear-selection");
    list.textContent = "";
    var buttons = [];
    speakers.list.forEach(function (speaker) {
      var item = element("li");
      var button = element("button", "speaker-button sp-" + speaker.palette);
      button.type = "button";
      button.dataset.speaker = speaker.key;
      button.setAttribute("aria-pressed", "false");
      var top = element("span", "speaker-top");
      top.appendChild(element("span", "badge sp-" + speaker.palette, speaker.badge));
      top.appendChild(element("span", "speaker-name" + (speaker.name ? "" : " is-unnamed"), speaker.label));
      var swatch = element("span", "swatch");
      swatch.setAttribute("aria-hidden", "true");
      top.appendChild(swatch);
      button.appendChild(top);
      var others = speaker.descriptions.filter(function (d, index, all) {
        return d !== speaker.label && all.indexOf(d) === index;
      });
      if (others.length) button.appendChild(element("span", "speaker-descriptions", others.join("; ")));
      var share = words.total ? speaker.quotedWords / words.total : 0;
      var percent = Math.round(share * 100);
      button.appendChild(element("span", "speaker-stats",
        (speaker.name ? "" : "unnamed · ") + speaker.quoteCount + (speaker.quoteCount === 1 ? " quote" : " quotes") + " · " + percent + "% of quoted words" +
        (speaker.kind && speaker.kind !== "unknown" && speaker.kind !== "person" ? " · " + speaker.kind : "")));
      var bar = element("span", "share-bar");
      bar.setAttribute("aria-hidden", "true");
      var fill = element("span", "share-fill sp-" + speaker.palette);
      fill.style.width = (share * 100).toFixed(1) + "%";
      bar.appendChild(fill);
      button.appendChild(bar);
      button.addEventListener("click", function () {
        var selecting = button.getAttribute("aria-pressed") !== "true";
        selectSpeaker(selecting ? speaker.key : null);
      });
      item.appendChild(button);
      list.appendChild(item);
      buttons.push(button);
    });

    var note = byId("unattributed-note");
    var unattributed = articleView.querySelectorAll("mark.quote.sp-none.quote-first").length;
    note.hidden = unattributed === 0;
    note.textContent = unattributed ? unattributed + (unattributed === 1 ? " quote has" : " quotes have") + " no speaker (marked “?”)." : "";

    function selectSpeaker(key) {
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.dataset.speaker === key));
      });
      articleView.classList.toggle("has-selection", key !== null);
      articleView.querySelectorAll(".quote, .mention").forEach(function (node) {
        node.classList.toggle("is-selected", key !== null && node.dataset.speaker === key);
      });
      clear.hidden = key === null;
      if (key !== null) bringIntoView(articleView.querySelectorAll("mark.quote.is-selected, .mention.is-selected"));
    }
    clear.onclick = function () { selectSpeaker(null); };
  }

  /* Scroll to the first of `nodes` unless one of them is already on screen. */
  function bringIntoView(nodes) {
    var onScreen = Array.prototype.some.call(nodes, function (node) {
      var rect = node.getBoundingClientRect();
      return rect.bottom > 0 && rect.top < window.innerHeight;
    });
    if (nodes.length && !onScreen) nodes[0].scrollIntoView({ block: "center" });
  }

  /*
   * Hovering or focusing a quote shows its tooltip and outlines the quote, its
   * cue and its mention. Listeners are installed once; `shownQuotes` holds the
   * article currently on the page.
   */
  var shownQuotes = null;
  var activeQuoteId = null;

  function showQuotes(articleView, quoteById, fragmentsByQuote, speakers) {
    deactivateQuote();
    shownQuotes = { view: articleView, quoteById: quoteById, fragmentsByQuote: fragmentsByQuote, speakers: speakers };
  }

  function linkedNodes(quoteId) {
    return Array.from(shownQuotes.view.querySelectorAll(".cue, .mention")).filter(function (node) {
      return node.dataset.quoteIds.split(" ").indexOf(quoteId) >= 0;
    });
  }

  function activateQuote(quoteId) {
    if (!shownQuotes || activeQuoteId === quoteId) return;
    deactivateQuote();
    var quote = shownQuotes.quoteById.get(quoteId);
    var fragments = shownQuotes.fragmentsByQuote.get(quoteId);
    if (!quote || !fragments) return;
    var tip = byId("quote-tip");
    activeQuoteId = quoteId;
    setClass(fragments, "is-active", true);
    setClass(linkedNodes(quoteId), "is-linked", true);
    fillTooltip(tip, quote, shownQuotes.speakers);
    fragments[0].setAttribute("aria-describedby", "quote-tip");
    placeTooltip(tip, fragments[0]);
  }

  function deactivateQuote() {
    if (activeQuoteId === null) return;
    var fragments = shownQuotes.fragmentsByQuote.get(activeQuoteId) || [];
    setClass(fragments, "is-active", false);
    setClass(linkedNodes(activeQuoteId), "is-linked", false);
    if (fragments[0]) fragments[0].removeAttribute("aria-describedby");
    byId("quote-tip").hidden = true;
    activeQuoteId = null;
  }

  function wireQuoteEvents() {
    var articleView = byId("article-text-view");
    function quoteIdAt(target) {
      var node = target && target.closest ? target.closest("mark.quote") : null;
      return node ? node.dataset.quoteId : null;
    }
    /* Off a quote, the tooltip goes back to the focused quote, if any. */
    function settleOnFocus() {
      var focusedId = quoteIdAt(document.activeElement);
      if (focusedId) activateQuote(focusedId);
      else deactivateQuote();
    }
    articleView.addEventListener("mouseover", function (event) {
      var id = quoteIdAt(event.target);
      if (id) activateQuote(id);
      else settleOnFocus();
    });
    articleView.addEventListener("mouseleave", settleOnFocus);
    articleView.addEventListener("focusin", function (event) {
      var id = quoteIdAt(event.target);
      if (id) activateQuote(id);
    });
    articleView.addEventListener("focusout", function (event) {
      if (!articleView.contains(event.relatedTarget)) deactivateQuote();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") deactivateQuote();
    });
    window.addEventListener("resize", function () {
      if (activeQuoteId !== null) placeTooltip(byId("quote-tip"), shownQuotes.fragmentsByQuote.get(activeQuoteId)[0]);
    });
  }

  // ------------------------------------------------------ views and errors

  var VIEWS = ["submit-view", "status-view", "error-view", "result-view"];

  function showView(id, keepSubmit) {
    VIEWS.forEach(function (view) {
      byId(view).hidden = !(view === id || (keepSubmit && view === "submit-view"));
    });
  }

  function showStatus(message) {
    byId("status-text").textContent = message;
    showView("status-view", !document.body.dataset.articleId);
  }

  /* Plain-words explanations of what went wrong, by HTTP status (0: no answer at all). */
  var ERROR_TITLES = {
    0: "The service could not be reached",
    401: "This service needs an API key",
    400: "The article could not be read",
    404: "No result with this address",
    413: "The article is too large",
    415: "The article must be plain text",
    429: "Too many requests right now",
    503: "The service is unavailable right now"
  };
  var ERROR_ADVICE = {
    401: "Enter a key in the API key field and submit again.",
    404: "The link may be mistyped, or the result has expired. Submit the article again to get a fresh result.",
    413: "Try a shorter article or split it into parts.",
    429: "Wait a moment and try again.",
    503: "Its queue or store cannot be reached. Try again in a minute."
  };

  function showProblem(title, detail, keepSubmit) {
    byId("error-title").textContent = title;
    byId("error-detail").textContent = detail;
    showView("error-view", keepSubmit);
  }

  function showError(status, apiMessage, keepSubmit) {
    var title = ERROR_TITLES[status] || (status >= 500 ? "Something went wrong on the server" : "The request was refused");
    showProblem(title, [apiMessage, ERROR_ADVICE[status]].filter(Boolean).join(" "), keepSubmit);
  }

  /* The body parsed as JSON, or null when it is not JSON (a proxy's HTML error page, say). */
  function parseJsonOrNull(raw) {
    try { return raw ? JSON.parse(raw) : null; } catch (ignored) { return null; }
  }

  /* Fetch JSON; resolves to {status, body, retryAfter} and never rejects on HTTP errors. */
  function requestJson(url, options) {
    return fetch(url, options).then(function (response) {
      return response.text().then(function (raw) {
        var retryAfter = parseFloat(response.headers.get("Retry-After"));
        return { status: response.status, body: parseJsonOrNull(raw), retryAfter: isNaN(retryAfter) ? null : retryAfter };
      });
    });
  }

  function apiErrorMessage(body) {
    return body && body.error && body.error.message ? String(body.error.message) : "";
  }

  // ------------------------------------------------- following one article

  var STATUS_MESSAGES = {
    queued: "Queued: waiting for a free worker…",
    processing: "Finding the quotes and their speakers…"
  };

  function textUrl(articleId, links) {
    return (links && links.text) || apiUrl(articleId) + "/text";
  }

  /* The result's offsets index the article text, which the API serves on its own. */
  function loadTextThenRender(articleId, body, keepSubmit) {
    fetch(textUrl(articleId, body.links)).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (raw) {
          showError(response.status, apiErrorMessage(parseJsonOrNull(raw)), keepSubmit);
        });
      }
      return response.text().then(function (text) {
        renderResult(articleId, text, body);
      });
    }, function () {
      showError(0, "Could not reach the whosaid service to load the article text. Try again.", keepSubmit);
    });
  }

  /* Poll the article until it is done or failed, then render it. */
  function follow(articleId, knownText) {
    var started = Date.now();
    var retries = 0;
    var keepSubmit = !document.body.dataset.articleId;
    var waitSeconds = WAIT_SECONDS;
    function poll(wait) {
      var url = apiUrl(articleId) + (wait ? "?wait=" + wait : "");
      var asked = Date.now();
      requestJson(url).then(function (answer) {
        var body = answer.body || {};
        if (answer.status === 200 && body.status === "done") {
          if (knownText !== null) renderResult(articleId, knownText, body);
          else loadTextThenRender(articleId, body, keepSubmit);
          return;
        }
        if (answer.status === 200 && body.status === "failed") {
          var reason = body.error && body.error.message ? body.error.message : "no reason given";
          showProblem("The article could not be processed", "The engine gave up on it: " + reason, keepSubmit);
          return;
        }
        if (answer.status === 200 && STATUS_MESSAGES[body.status]) {
          retries = 0;
          var seconds = Math.round((Date.now() - started) / 1000);
          showStatus(STATUS_MESSAGES[body.status] + (seconds >= 2 ? " (" + seconds + " s)" : ""));
          // A server that answers at once instead of holding the request is not polled in a tight loop.
          window.setTimeout(function () { poll(waitSeconds); }, Math.max(0, MIN_POLL_INTERVAL_MS - (Date.now() - asked)));
          return;
        }
        if (answer.status === 400 && wait && body.error && body.error.code === "invalid_parameter") {
          // This service holds requests for less time than asked: poll without waiting.
          waitSeconds = 0;
          poll(0);
          return;
        }
        if ((answer.status === 503 || answer.status === 429) && retries < MAX_TRANSIENT_RETRIES) {
          retries += 1;
          showStatus("The service is busy or restarting; retrying…");
          var delaySeconds = answer.retryAfter !== null ? answer.retryAfter : retries;
          window.setTimeout(function () { poll(waitSeconds); }, 1000 * delaySeconds);
          return;
        }
        showError(answer.status, apiErrorMessage(answer.body), keepSubmit);
      }, function () {
        if (retries < MAX_TRANSIENT_RETRIES) {
          retries += 1;
          showStatus("Lost contact with the service; retrying…");
          window.setTimeout(function () { poll(waitSeconds); }, 1000 * retries);
          return;
        }
        showError(0, "Could not reach the whosaid service. Check your connection and try again.", keepSubmit);
      });
    }
    showStatus("Loading…");
    poll(0);
  }

  // ------------------------------------------------------------ submitting

  function submitArticle(text, title) {
    var button = byId("submit-button");
    if (!text.trim()) {
      showError(400, "There is no text to analyse: paste an article or choose a file first.", true);
      return;
    }
    button.disabled = true;
    showStatus("Sending the article…");
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    var apiKey = byId("api-key").value.trim();
    if (apiKey) headers.Authorization = "Bearer " + apiKey;
    requestJson(API_ROOT, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(title.trim() ? { text: text, title: title.trim() } : { text: text })
    }).then(function (answer) {
      button.disabled = false;
      var body = answer.body || {};
      if ((answer.status === 200 || answer.status === 202) && body.id) {
        var articleId = String(body.id);
        window.history.pushState({ articleId: articleId }, "", articleUrl(articleId));
        document.body.dataset.articleId = articleId;
        if (answer.status === 200 && body.status === "done" && body.result) {
          renderResult(articleId, text, body);
        } else {
          follow(articleId, text);
        }
        return;
      }
      // A service with API keys refuses anonymous submissions: offer the key field.
      if (answer.status === 401) byId("api-key-row").hidden = false;
      showError(answer.status, apiErrorMessage(answer.body), true);
    }, function () {
      button.disabled = false;
      showError(0, "Could not reach the whosaid service. Check your connection and try again.", true);
    });
  }

  function wireSubmitForm() {
    var form = byId("submit-form");
    var textarea = byId("article-text");
    var fileInput = byId("article-file");
    fileInput.addEventListener("change", function () {
      var file = fileInput.files && fileInput.files[0];
      if (!file) return;
      file.text().then(function (content) {
        textarea.value = content;
        textarea.focus();
      }, function () {
        showError(400, "The file “" + file.name + "” could not be read as text.", true);
      });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitArticle(textarea.value, byId("article-title").value);
    });
  }

  function start() {
    wireSubmitForm();
    wireQuoteEvents();
    window.addEventListener("popstate", function () { window.location.reload(); });
    var articleId = document.body.dataset.articleId;
    if (articleId) follow(articleId, null);
    else showView("submit-view");
  }

  document.addEventListener("DOMContentLoaded", start);
})();
