"""The translation dashboard: one self-contained HTML page, a pure function of data.

Progress per locale, a sortable and filterable page table, the ``check`` findings, and
every fuzzy entry with a word-level diff of the English it was translated from against
the English now. Inline CSS and JavaScript only, and a Content-Security-Policy that forbids
loading anything, so the file works opened from disk, offline, and leaks nothing. Output is
deterministic: no clock, no randomness, rows in a fixed order.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from pipeline.model import Finding, FuzzyEntry
from pipeline.stages.worddiff import Op, word_diff
from pipeline.status.rows import STATE_ORDER, PageStatus, totals
from pipeline.status.view import percent, state, words_left


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything the page shows."""

    title: str
    rows: tuple[PageStatus, ...]
    findings: tuple[Finding, ...] = ()
    fuzzy: tuple[FuzzyEntry, ...] = ()
    last_change: Mapping[str, str] = field(default_factory=dict)
    """Page name -> date of the last commit that changed its English (``YYYY-MM-DD``)."""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _num(n: int) -> str:
    return f"{n:,}"


def _pct(part: int, whole: int) -> str:
    return "0" if whole == 0 else f"{100 * part / whole:.3f}".rstrip("0").rstrip(".")


def diff_html(old: str, new: str) -> str:
    """The word diff of two English texts as ``<del>``/``<ins>`` markup (text escaped)."""
    out: list[str] = []
    for op, text in word_diff(old, new):
        if op is Op.DELETE:
            out.append(f"<del>{_e(text)}</del>")
        elif op is Op.INSERT:
            out.append(f"<ins>{_e(text)}</ins>")
        else:
            out.append(_e(text))
    return "".join(out)


def render(data: Dashboard) -> str:
    """The whole HTML document."""
    locales = list(dict.fromkeys(r.locale for r in data.rows))
    pages = len({r.page for r in data.rows})
    parts = [
        _HEAD.replace("{title}", _e(data.title)),
        "<header><h1>",
        _e(data.title),
        "</h1><p class='sub'>",
        f"{pages} pages · {len(locales)} locales · {len(data.fuzzy)} fuzzy entries · {len(data.findings)} findings",
        "</p></header><main>",
        _progress(data),
        _filters(locales),
        _table(data),
        _findings(data.findings),
        _fuzzy(data.fuzzy),
        "</main><footer>Made by <code>pipeline report</code> from the PO files in the repository.</footer>",
        "<script>",
        _SCRIPT,
        "</script></body></html>\n",
    ]
    return "".join(parts)


def _progress(data: Dashboard) -> str:
    cards: list[str] = []
    for t in totals(data.rows):
        c = t.counts
        total = c.total_words
        bar = (
            f"<div class='bar' role='img' aria-label='{_e(percent(c))} of words translated'>"
            f"<span class='t' style='width:{_pct(c.translated_words, total)}%'></span>"
            f"<span class='f' style='width:{_pct(c.fuzzy_words, total)}%'></span></div>"
        )
        cards.append(
            f"<article class='locale' data-locale='{_e(t.locale)}'>"
            f"<h3>{_e(t.locale)}</h3><p class='share'>{_e(percent(c))}</p>{bar}"
            f"<p class='words'><b class='words-translated'>{_num(c.translated_words)}</b> of "
            f"<b class='words-total'>{_num(total)}</b> words translated</p>"
            f"<p class='counts'><b class='fuzzy'>{_num(c.fuzzy)}</b> fuzzy"
            + (f" (<b class='machine'>{_num(c.machine)}</b> machine, unreviewed)" if c.machine else "")
            + " · "
            f"<b class='untranslated'>{_num(c.untranslated)}</b> untranslated entries · "
            f"<b class='pages-done'>{t.done}/{t.pages}</b> pages done</p>"
            "</article>"
        )
    legend = (
        "<p class='legend'><span class='key t'></span>translated <span class='key f'></span>fuzzy "
        "<span class='key u'></span>untranslated (share of English words)</p>"
    )
    return f"<section id='progress'><h2>Progress</h2><div class='locales'>{''.join(cards)}</div>{legend}</section>"


def _filters(locales: Sequence[str]) -> str:
    buttons = "".join(
        f"<button type='button' data-filter='{_e(x)}' aria-pressed='false'>{_e(x)}</button>" for x in locales
    )
    return (
        "<nav class='filters' aria-label='Filter'>"
        "<button type='button' data-filter='' aria-pressed='true'>all locales</button>"
        f"{buttons}<input type='search' id='search' placeholder='Filter pages…' aria-label='Filter pages'></nav>"
    )


_COLUMNS = (
    ("page", "Page", "text", ""),
    ("locale", "Locale", "text", ""),
    ("state", "State", "num", ""),
    ("share", "Translated", "num", ""),
    ("fuzzy", "Fuzzy", "num", "opt"),
    ("untranslated", "Untranslated", "num", "opt"),
    ("left", "Words left", "num", ""),
    ("changed", "Last English change", "text", ""),
)


def _table(data: Dashboard) -> str:
    head = "".join(
        f"<th scope='col' class='{cls}' data-key='{key}' data-type='{kind}' aria-sort='none'>"
        f"<button type='button'>{label}</button></th>"
        for key, label, kind, cls in _COLUMNS
    )
    body: list[str] = []
    for r in sorted(data.rows, key=lambda r: (r.page, r.locale)):
        c = r.counts
        st = state(r)
        share = 1.0 if c.total_words == 0 else c.translated_words / c.total_words
        changed = data.last_change.get(r.page, "")
        cells = (
            ("page", r.page, _e(r.page).replace("/", "/<wbr>"), ""),
            ("locale", r.locale, _e(r.locale), ""),
            ("state", STATE_ORDER[st], f"<span class='state s{STATE_ORDER[st]}'>{_e(st.value)}</span>", ""),
            ("share", f"{share:.6f}", _e(percent(c)), ""),
            ("fuzzy", c.fuzzy, _num(c.fuzzy), "opt"),
            ("untranslated", c.untranslated, _num(c.untranslated), "opt"),
            ("left", words_left(c), _num(words_left(c)), ""),
            ("changed", changed, _e(changed or "–"), ""),
        )
        tds = "".join(
            f"<td class='{cls}' data-key='{key}' data-value='{_e(value)}'>{shown}</td>"
            for key, value, shown, cls in cells
        )
        body.append(f"<tr data-locale='{_e(r.locale)}' data-page='{_e(r.page)}'>{tds}</tr>")
    return (
        "<section id='pages'><h2>Pages</h2><p class='hint'>Click a column title to sort.</p>"
        f"<div class='wrap'><table id='page-table'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div></section>"
    )


def _findings(findings: Sequence[Finding]) -> str:
    if not findings:
        return "<section id='findings'><h2>Findings</h2><p class='none'>No findings.</p></section>"
    rows: list[str] = []
    for f in sorted(findings, key=lambda f: (f.group, f)):  # upstream English last, as check prints it
        where = f.path + (f":{f.line}" if f.line else "") + (f":{f.col}" if f.line and f.col else "")
        sev = f.severity.value
        hint = f"<div class='hint'>{_e(f.hint)}</div>" if f.hint else ""
        if f.group:
            hint += "<div class='hint'>upstream English</div>"
        rows.append(
            f"<tr class='{sev}'><td><span class='sev {sev}'>{sev}</span></td><td><code>{_e(f.code)}</code></td>"
            f"<td><code>{_e(where)}</code></td><td>{_e(f.message)}{hint}</td></tr>"
        )
    return (
        f"<section id='findings'><h2>Findings ({len(findings)})</h2><div class='wrap'><table id='finding-table'>"
        "<thead><tr><th scope='col'>Severity</th><th scope='col'>Code</th><th scope='col'>Where</th>"
        f"<th scope='col'>Message</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _fuzzy(entries: Sequence[FuzzyEntry]) -> str:
    if not entries:
        return "<section id='fuzzy'><h2>Fuzzy entries</h2><p class='none'>No fuzzy entries.</p></section>"
    ordered = sorted(entries, key=lambda x: (x.locale, x.page, x.line))
    groups: list[str] = []
    for (locale, page), group in groupby(ordered, key=lambda x: (x.locale, x.page)):
        items = list(group)
        cards = "".join(_fuzzy_card(x) for x in items)
        groups.append(
            f"<details open class='group' data-locale='{_e(locale)}' data-page='{_e(page)}'>"
            f"<summary>{_e(locale)} · {_e(page)} <span class='count'>({len(items)})</span></summary>{cards}</details>"
        )
    return (
        f"<section id='fuzzy'><h2>Fuzzy entries ({len(entries)})</h2>"
        "<p class='hint'>What changed in the English since the translation was made: "
        "<del>deleted</del> and <ins>inserted</ins> words. Fix the translation, then remove the "
        "<code>fuzzy</code> flag.</p>"
        f"{''.join(groups)}</section>"
    )


def _fuzzy_card(x: FuzzyEntry) -> str:
    where = f"{x.po_path}:{x.line}" if x.line else x.po_path
    ctx = f" <span class='ctx'>context: {_e(x.msgctxt)}</span>" if x.msgctxt else ""
    diff = diff_html(x.previous, x.current) if x.previous else _e(x.current)
    return (
        f"<article class='fuzzy' data-locale='{_e(x.locale)}' data-page='{_e(x.page)}'>"
        f"<p class='where'><code>{_e(where)}</code>{ctx}</p>"
        f"<p class='label'>English changes</p><p class='diff' lang='en'>{diff}</p>"
        f"<p class='label'>Translation (of the previous English)</p>"
        f"<p class='translation' lang='{_e(x.locale)}'>{_e(x.translation)}</p></article>"
    )


_HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; \
script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="pipeline report">
<title>{title}</title>
<style>
:root{--t:#2f9e44;--f:#f08c00;--u:#dee2e6;--fg:#212529;--muted:#6c757d;--bg:#fff;--line:#e9ecef;--accent:#1c7ed6}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 16px}
header{padding-top:20px}
h1{font-size:1.6rem;margin:0 0 4px}
h2{font-size:1.2rem;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{margin:0;font-size:1rem}
.sub,.hint,.legend,footer{color:var(--muted);font-size:.9rem}
footer{padding:24px 16px}
.locales{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:12px}
.locale{border:1px solid var(--line);border-radius:8px;padding:12px}
.share{font-size:2rem;font-weight:700;margin:2px 0 6px}
.bar{display:flex;height:12px;border-radius:6px;background:var(--u);overflow:hidden}
.bar .t{background:var(--t)}.bar .f{background:var(--f)}
.key{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px}
.key.t{background:var(--t)}.key.f{background:var(--f)}.key.u{background:var(--u)}
.words,.counts{margin:8px 0 0;font-size:.9rem;color:var(--muted)}.words b,.counts b{color:var(--fg)}
.filters{display:flex;flex-wrap:wrap;gap:6px;margin:24px 0 0;align-items:center}
.filters button{border:1px solid var(--line);background:#f8f9fa;border-radius:16px;padding:4px 12px;cursor:pointer;
font:inherit}
.filters button[aria-pressed=true]{background:var(--accent);border-color:var(--accent);color:#fff}
#search{flex:1 1 160px;min-width:0;padding:5px 10px;border:1px solid #ced4da;border-radius:16px;font:inherit}
.wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td[data-key=share],td[data-key=fuzzy],td[data-key=untranslated],td[data-key=left]{text-align:right;
font-variant-numeric:tabular-nums}
th button{all:unset;cursor:pointer;font-weight:600;white-space:nowrap}
th button:focus-visible{outline:2px solid var(--accent)}
th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
.state{border-radius:10px;padding:1px 8px;font-size:.82rem;white-space:nowrap}
.s0,.s1{background:#ffe3e3}.s2{background:#fff3bf}.s3{background:#e7f5ff}.s4{background:#d3f9d8}
.sev{border-radius:10px;padding:1px 8px;font-size:.82rem}.sev.error{background:#ffe3e3}.sev.warning{background:#fff3bf}
.sev.notice{background:#e7f5ff}
td .hint{margin-top:2px}
details.group{border:1px solid var(--line);border-radius:8px;margin:8px 0;padding:4px 12px}
summary{cursor:pointer;font-weight:600;padding:4px 0}
.fuzzy{border-top:1px solid var(--line);padding:6px 0}
.fuzzy p{margin:2px 0;overflow-wrap:anywhere}
.label{color:var(--muted);font-size:.8rem;text-transform:uppercase;letter-spacing:.03em}
.ctx{color:var(--muted);margin-left:8px}
del{background:#ffe3e3;color:#c92a2a}del+ins{margin-left:2px}ins{background:#d3f9d8;color:#2b8a3e;text-decoration:none}
code{font:.85em ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
.none{color:var(--muted)}
[hidden]{display:none!important}
@media (max-width:640px){body{font-size:14px}.opt{display:none}th,td{padding:5px 4px}.share{font-size:1.6rem}
td[data-key=page]{min-width:7em}th[data-key=changed] button{white-space:normal}}
</style></head><body>
"""

_SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("page-table");
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  function value(row, key, type) {
    var cell = row.querySelector("td[data-key='" + key + "']");
    var v = cell ? cell.getAttribute("data-value") : "";
    return type === "num" ? parseFloat(v) || 0 : v;
  }
  Array.prototype.forEach.call(heads, function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var key = th.getAttribute("data-key"), type = th.getAttribute("data-type");
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      if (th.getAttribute("aria-sort") === "none" && type === "num") { dir = "descending"; }
      Array.prototype.forEach.call(heads, function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", dir);
      var sign = dir === "ascending" ? 1 : -1;
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = value(a, key, type), y = value(b, key, type);
        var c = type === "num" ? x - y : String(x).localeCompare(String(y));
        if (c === 0) { c = value(a, "page", "text").localeCompare(value(b, "page", "text")); }
        return sign * c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  var locale = "", query = "";
  function apply() {
    Array.prototype.forEach.call(body.rows, function (r) {
      var ok = (!locale || r.getAttribute("data-locale") === locale) &&
        (!query || r.getAttribute("data-page").toLowerCase().indexOf(query) >= 0);
      r.hidden = !ok;
    });
    document.querySelectorAll("#progress .locale, #fuzzy .group").forEach(function (el) {
      var page = el.getAttribute("data-page");
      el.hidden = (locale && el.getAttribute("data-locale") !== locale) ||
        (query && page !== null && page.toLowerCase().indexOf(query) < 0);
    });
  }
  document.querySelectorAll(".filters button").forEach(function (b) {
    b.addEventListener("click", function () {
      locale = b.getAttribute("data-filter");
      document.querySelectorAll(".filters button").forEach(function (o) {
        o.setAttribute("aria-pressed", String(o === b));
      });
      apply();
    });
  });
  document.getElementById("search").addEventListener("input", function (e) {
    query = e.target.value.trim().toLowerCase();
    apply();
  });
})();
"""
