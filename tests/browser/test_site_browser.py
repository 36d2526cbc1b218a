"""The site as a reader meets it: every page in headless Chromium.

Each page loads with no console error, no failed request and no request to any
host but 127.0.0.1; all math is drawn by KaTeX (no raw TeX, no error, no
arithmatex placeholder left); every figure is drawn. Search, the dark palette,
instant navigation and the lab's notebook download work. Screenshots of key
pages in both palettes go to test-artifacts/screenshots/.

Accessibility, in the same load of each page: axe-core finds no violation in
the light palette nor (its colour rules) in the dark one, but math-only table
headers (conftest._allowed; every finding goes to test-artifacts/axe/<page>.json),
and narrowed to a 390 px phone the page does not scroll sideways (a screenshot
of each page at that width goes to test-artifacts/screenshots/phone-390/). A
keyboard walk through a chapter reaches every control, each visibly focused.

Run: ``.venv/bin/python -m pytest tests/browser -q`` (reuses $CALCNOTES_SITE
if set, else builds the site once). Skips when Playwright or /usr/bin/chromium
is missing.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from calcnotes.site.localserver import served

pytestmark = pytest.mark.browser

# Raw TeX a reader must never see (outside code): arithmatex's delimiters and $$.
_RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$")
_FIGURE_TAG = re.compile(r'<figure\b[^>]*\bclass="cn-figure\b')  # also "cn-figure cn-slider"

# Everything a page check needs, measured in the page in one call.
_INSPECT = r"""() => {
  const article = document.querySelector("article") || document.body;
  const copy = article.cloneNode(true);
  copy.querySelectorAll("pre, code, .highlight, .katex, script, style").forEach(e => e.remove());
  const figures = [...document.querySelectorAll("figure.cn-figure")];
  // The reader's view: what shows without a click.
  const shown = e => e.checkVisibility() && !e.closest("details:not([open])");
  const code = [...article.querySelectorAll("pre")].filter(shown);
  const codeText = code.map(e => e.innerText).join("\n");
  const visible = article.innerText;
  return {
    reader: {
      openErrata: document.querySelectorAll("details.erratum[open]").length,
      codeOverflow: code.filter(e => {
        const c = e.querySelector("code") || e;
        return c.scrollWidth > c.clientWidth + 1;
      }).length,
      codeShare: codeText.length / Math.max(1, visible.length),
      asserts: codeText.split("\n").filter(line => /^\s*assert\b/.test(line)).length,
      mentions: (visible.match(/seed \d{3}|the notes/gi) || []).length,
    },
    text: copy.textContent,
    katex: document.querySelectorAll(".katex").length,
    katexErrors: document.querySelectorAll(".katex-error").length,
    arithmatex: document.querySelectorAll(".arithmatex").length,
    katexFont: document.fonts.check("16px KaTeX_Main"),
    figures: figures.map(f => {
      const svg = f.querySelector(".cn-frame:not([hidden]) svg") || f.querySelector("svg");  // a slider shows one frame
      const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
      return {hasSvg: !!svg, width: box.width, height: box.height,
              hidden: !!f.closest("details:not([open])"),
              label: f.getAttribute("aria-label")
                     || (f.querySelector("figcaption")?.textContent || "").trim().slice(0, 80)};
    }),
  };
}"""


def site_pages(site: Path) -> list[str]:
    """Every page of the built site, as a path relative to its root ('' for home)."""
    pages = []
    for index in sorted(site.rglob("index.html")):
        rel = index.parent.relative_to(site).as_posix()
        if rel.startswith(("assets", "search")):
            continue
        pages.append("" if rel == "." else rel + "/")
    return pages


def check_page(tab, url: str, html_file: Path, *, axe=None, phone=None, name: str = "page",
               desktop: tuple[Path, str] | None = None) -> list[str]:
    """Load ``url`` and return what is wrong with it (empty when all is well).

    With ``axe`` and ``phone`` (the fixtures of conftest.py), the same load is then
    checked by axe-core in both palettes, then narrowed to a 390 px phone (its
    screenshot saved as ``name``.png). With ``desktop`` (a folder and a name) and
    ``axe``, the same load is also photographed at desktop width in both palettes
    first, as <folder>/<name>-light.png and -dark.png.
    """
    tab.recorder.clear()
    tab.goto(url, wait_until="load")
    tab.evaluate("document.fonts.ready.then(() => true)")
    info = tab.evaluate(_INSPECT)
    problems = tab.recorder.problems()
    raw = sorted(set(_RAW_TEX.findall(info["text"])))
    if raw:
        snippet = info["text"][_RAW_TEX.search(info["text"]).start():][:80]
        problems.append(f"raw TeX delimiters {raw} left in the text, e.g. {snippet!r}")
    if info["katexErrors"]:
        problems.append(f"{info['katexErrors']} .katex-error element(s)")
    if info["arithmatex"]:
        problems.append(f"{info['arithmatex']} .arithmatex element(s) not replaced by KaTeX")
    source = html_file.read_text(encoding="utf-8")
    expected_katex = source.count('<span class="katex">')
    if info["katex"] != expected_katex:
        problems.append(f"{info['katex']} .katex elements in the page, {expected_katex} in its HTML")
    if info["katex"] and not info["katexFont"]:
        problems.append("KaTeX_Main font not loaded")
    expected_figures = len(_FIGURE_TAG.findall(source))
    if len(info["figures"]) != expected_figures:
        problems.append(f"{len(info['figures'])} figures in the page, {expected_figures} in its HTML")
    reader = info["reader"]
    if reader["openErrata"]:
        problems.append(f"{reader['openErrata']} erratum box(es) open by default")
    if reader["codeOverflow"]:
        problems.append(f"{reader['codeOverflow']} code block(s) scroll sideways at this width")
    if url.rstrip("/").rsplit("/", 2)[-2:-1] in (["calculus"], ["models"]):  # a chapter
        if reader["codeShare"] > 0.25:
            problems.append(f"visible code is {reader['codeShare']:.0%} of the visible text (at most 25%)")
        if reader["asserts"] > 3:
            problems.append(f"{reader['asserts']} visible assert lines (a chapter shows at most 3)")
        if reader["mentions"] > 2:
            problems.append(f"{reader['mentions']} visible mentions of 'seed NNN' / 'the notes' (at most 2)")
    for figure in info["figures"]:
        if not figure["hasSvg"]:
            problems.append(f"figure without an SVG: {figure['label']!r}")
        elif not figure["hidden"] and (figure["width"] <= 0 or figure["height"] <= 0):
            problems.append(f"figure drawn with no size: {figure['label']!r}")
    if axe is not None:
        problems += axe.problems(tab, name)
    if desktop is not None and axe is not None:
        problems += _desktop_screenshots(tab, *desktop, set_scheme=axe.set_scheme)
    if phone is not None:
        problems += phone.problems(tab, name)
    return problems


def _desktop_screenshots(tab, folder: Path, name: str, *, set_scheme) -> list[str]:
    """The page as loaded, at desktop width, in the light palette then the dark one."""
    problems = []
    folder.mkdir(parents=True, exist_ok=True)
    for scheme, palette in (("light", "default"), ("dark", "slate")):
        set_scheme(tab, palette)
        path = folder / f"{name}-{scheme}.png"
        tab.screenshot(path=str(path))
        if path.stat().st_size <= 10_000:
            problems.append(f"the {scheme} screenshot {path.name} is nearly empty ({path.stat().st_size} bytes)")
    set_scheme(tab, "default")
    return problems


# --------------------------------------------------------------- every page

DOCS = Path(__file__).resolve().parents[2] / "docs"


def expected_pages() -> list[str]:
    """The URL path of every page the docs define ('' for home), known before the build."""
    pages = []
    for source in sorted([*DOCS.rglob("*.md"), *(DOCS / "lab").glob("*.py")]):
        rel = source.relative_to(DOCS)
        if rel.parts[0] in {"hooks", "overrides"}:
            continue
        stem = rel.with_suffix("").as_posix()
        pages.append("" if stem == "index" else stem.removesuffix("/index") + "/")
    return pages


PAGES = expected_pages()


def test_every_built_page_is_checked(site_dir):
    assert set(site_pages(site_dir)) == set(PAGES)


def _name(rel: str) -> str:
    return rel.strip("/").replace("/", "-") or "home"


# Pages photographed at desktop width in both palettes (test-artifacts/screenshots/).
KEY_PAGES = {
    "home": "",
    "derivatives": "calculus/derivatives/",
    "linear-regression": "models/linear-regression/",
    "errata": "errata/",
}


@pytest.mark.parametrize("rel", PAGES, ids=lambda rel: rel or "home")
def test_page_loads_clean_with_math_and_figures(tab, base_url, site_dir, rel, axe, phone, screenshots):
    """One load of each page: everything above, axe-core in both palettes, the key pages'
    desktop screenshots, then a phone."""
    key = next((name for name, page in KEY_PAGES.items() if page == rel), None)
    problems = check_page(tab, base_url + rel, site_dir / rel / "index.html",
                          axe=axe, phone=phone, name=_name(rel),
                          desktop=(screenshots, key) if key else None)
    assert not problems, f"{rel or '(home)'}:\n" + "\n".join(problems)


def test_page_check_catches_cdn_script_raw_math_and_bad_figure(tab, tmp_path):
    """The checks above can fail: a page with a CDN script, raw TeX and an empty figure."""
    page = tmp_path / "index.html"
    page.write_text(
        "<!doctype html><html><head>"
        '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script></head>'
        '<body><article><p>Slope <span class="arithmatex">\\(2x\\)</span> and $$x^2$$</p>'
        '<figure class="cn-figure" aria-label="empty"><svg width="0" height="0"></svg></figure>'
        '<img src="missing.png"></article></body></html>',
        encoding="utf-8",
    )
    with served(tmp_path) as url:
        problems = "\n".join(check_page(tab, url, page))
    assert "request to another host: https://cdn.jsdelivr.net/" in problems
    assert "raw TeX delimiters" in problems
    assert ".arithmatex element(s) not replaced" in problems
    assert "figure drawn with no size: 'empty'" in problems
    assert "missing.png (HTTP 404)" in problems


def test_reader_view_check_catches_open_errata_wide_code_and_audit_talk(tab, tmp_path):
    """The reader's-view checks can fail: a chapter with an open erratum, code that scrolls,
    four visible asserts, mostly code, and provenance in every sentence."""
    page = tmp_path / "calculus" / "fake" / "index.html"
    page.parent.mkdir(parents=True)
    wide = "x = " + " + ".join(["1"] * 80)
    asserts = "\n".join(f"assert x == {k}" for k in range(4))
    page.write_text(
        "<!doctype html><html><body><article style='width: 400px'>"
        "<p>The notes say so; seed 003 agrees; the notes again.</p>"
        '<details class="erratum" open><summary>Erratum</summary><p>body</p></details>'
        "<pre style='overflow: auto'><code style='white-space: pre; display: block; overflow: auto'>"
        f"{wide}\n{asserts}</code></pre>"
        "</article></body></html>",
        encoding="utf-8",
    )
    with served(tmp_path) as url:
        problems = "\n".join(check_page(tab, url + "calculus/fake/", page))
    assert "1 erratum box(es) open by default" in problems
    assert "1 code block(s) scroll sideways" in problems
    assert "4 visible assert lines" in problems
    assert "3 visible mentions" in problems
    assert "visible code is" in problems


def test_accessibility_check_catches_violations_in_either_palette_and_a_wide_page(tab, tmp_path, axe, phone):
    """The axe and phone checks can fail: no page language, an image with no text, a
    grey-on-grey line in the dark palette only, an empty table header (one holding only
    math passes), and a table too wide for a phone."""
    page = tmp_path / "index.html"
    page.write_text(
        "<!doctype html><html><head><title>t</title><link rel='icon' href='data:,'>"
        "<style>[data-md-color-scheme=slate] .dim { color: #555; background: #444 }</style>"
        "</head><body data-md-color-scheme='default'><main><article><h1>Title</h1>"
        "<p class='dim'>Readable in the light palette only.</p>"
        "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw=' width='20' height='20'>"
        "<table><thead><tr><th></th><th><span class='katex'><span class='katex-html' aria-hidden='true'>"
        "x</span></span></th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
        "<p>A boxed formula: <span class='katex'><span class='katex-html' aria-hidden='true'>"
        "<span style='background-color: #ff0'>y</span></span></span></p>"
        "<div style='width: 1000px'>A wide table</div></article></main></body></html>",
        encoding="utf-8",
    )
    with served(tmp_path) as url:
        problems = "\n".join(check_page(tab, url, page, axe=axe, phone=phone, name="deliberate-violations"))
    assert "axe (light): html-has-lang [serious]" in problems
    assert "axe (light): image-alt [critical]" in problems
    assert "axe (dark): color-contrast [serious] on 1 element(s)" in problems
    assert "axe (light): color-contrast" not in problems
    assert "axe (light): empty-table-header [minor] on 1 element(s)" in problems
    assert re.search(r"the page scrolls sideways at 390 px: 10\d\d px wide \(e.g. div reaches", problems)
    # axe's grid leaves out KaTeX's HTML (conftest._GRID_SKIPS_MATH), but math with a
    # background of its own: that could stack over text axe checks.
    skipped = tab.evaluate("[...document.querySelectorAll('.katex-html')].map(__cnGridSkipsMath)")
    assert skipped == [2, 1]  # NodeFilter.FILTER_REJECT, FILTER_ACCEPT


# --------------------------------------------------------------- keyboard

# What has keyboard focus now (once transitions end): where it is drawn, and how focus
# shows on it (a hidden radio button, like the palette toggle, shows it on the label
# that follows it).
_FOCUSED = r"""async () => {
  // What the focus set moving (Material opens the search box, say; a link's colour fades
  // in 125 ms) is taken to its end state at once: waiting for it was 3/4 of a walk's time.
  // One that never ends is waited for up to 1 s.
  const endless = [];
  for (const a of document.getAnimations()) {
    try { a.finish(); } catch { endless.push(a.finished.catch(() => null)); }  // throws if endless
  }
  await Promise.race([Promise.all(endless), new Promise(done => setTimeout(done, 1000))]);
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  e.setAttribute("data-cn-reached", "");
  const box = e.getBoundingClientRect();
  const shown = box.width > 0 && box.height > 0 ? e : e.nextElementSibling;
  const style = shown ? getComputedStyle(shown) : null;
  const ring = !!style && ((style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
                           || style.boxShadow !== "none");
  const at = shown ? shown.getBoundingClientRect() : box;
  return {
    what: e.tagName.toLowerCase() + (e.tagName === "INPUT" ? `[${e.type}]` : "")
          + [...e.classList].filter(c => c !== "focus-visible").map(c => "." + c).join("")
          + " " + JSON.stringify((e.getAttribute("aria-label") || e.title || e.textContent).trim().slice(0, 40)),
    ring, inView: at.width > 0 && at.height > 0 && at.bottom > 0 && at.top < innerHeight
                  && at.right > 0 && at.left < innerWidth,
    skip: e.matches("a.md-skip"), inContent: !!e.closest(".md-content"),
  };
}"""

# Every control a reader could reach that the walk did not reach.
_UNREACHED = r"""() => [...document.querySelectorAll(
    "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])")]
  .filter(e => !e.disabled && e.tabIndex >= 0 && !e.hasAttribute("data-cn-reached")
          && e.checkVisibility({visibilityProperty: true, opacityProperty: true}))
  .filter(e => { const b = e.getBoundingClientRect(); return b.width > 0 && b.height > 0; })
  .map(e => e.outerHTML.slice(0, 120))"""


def _slider_page(site: Path) -> str | None:
    """The first page with a slider (an <input type="range">), if any."""
    for rel in site_pages(site):
        if re.search(r'<input\b[^>]*type="range"', (site / rel / "index.html").read_text(encoding="utf-8")):
            return rel
    return None


@pytest.mark.parametrize("which", ["chapter", "slider"])
def test_keyboard_reaches_every_control_of_a_chapter_visibly(browser, base_url, site_dir, screenshots, which):
    """Tab from the top of a chapter to its end: the first stop is the skip link, every
    stop shows where focus is, and every visible control is reached (palette toggle,
    search, copy buttons, collapsed checks and errata, links; a figure's slider)."""
    rel = "calculus/derivatives/" if which == "chapter" else _slider_page(site_dir)
    if rel is None:
        pytest.skip("no page has a slider yet")
    # A context of its own: the walk ends with focus gone to the browser, out of the page.
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    try:
        _walk(ctx.new_page(), base_url + rel, screenshots, which)
    finally:
        ctx.close()


def _walk(tab, url: str, screenshots: Path, which: str) -> None:
    tab.goto(url, wait_until="load")
    tab.evaluate("document.fonts.ready.then(() => true)")
    stops, unseen = [], []
    for _ in range(1500):
        tab.keyboard.press("Tab")
        stop = tab.evaluate(_FOCUSED)
        if stop is None or (stops and stop["skip"]):
            break  # past the last control (focus left the page, or came round again)
        stops.append(stop)
        if not (stop["ring"] and stop["inView"]):
            unseen.append(stop["what"])
            tab.screenshot(path=str(screenshots / f"keyboard-unseen-focus-{which}.png"))
    assert stops and stops[0]["skip"], f"the first Tab stop is not the skip link: {stops[:1]}"
    assert not unseen, f"focus not visible on {len(unseen)} stop(s): {unseen[:10]}"
    whats = "\n".join(stop["what"] for stop in stops)
    expected = ["input[radio].md-option", "input[text].md-search__input", "button.md-code__button",
                "a.headerlink"]
    expected += ['summary "', 'summary "Erratum'] if which == "chapter" else ["input[range]"]
    for control in expected:
        assert control in whats, f"no Tab stop on {control!r}"
    unreached = tab.evaluate(_UNREACHED)
    assert not unreached, f"{len(unreached)} control(s) never reached by Tab: {unreached[:5]}"


# Material fetches its sitemap after the page loads, and from then on its instant
# navigation takes every click on a link into the site: wait for it (the page's requests
# settled), so a test of a link within the page sees what a reader who waited would.
def _open_settled(tab, url: str) -> None:
    tab.goto(url, wait_until="load")
    tab.wait_for_load_state("networkidle")
    tab.bring_to_front()  # keyboard focus goes to the page that has it (the suite shares a context)
    _mark_content(tab)


def _mark_content(tab) -> None:
    """A mark on the page's content as it is now: if the content is ever replaced, it is gone."""
    tab.evaluate("document.querySelector('article').dataset.cnLoaded = '1'")


_SAME_CONTENT = "() => document.querySelector('article')?.dataset.cnLoaded === '1'"


@pytest.mark.parametrize("rel", ["calculus/derivatives/", "lab/backprop-digits/", "errata/"])
def test_skip_link_moves_keyboard_focus_to_the_content(tab, base_url, site_dir, rel):
    if not (site_dir / rel / "index.html").is_file():
        pytest.skip(f"{rel} is not in this site")
    _open_settled(tab, base_url + rel)
    assert tab.evaluate("document.documentElement.lang") == "en"
    tab.keyboard.press("Tab")
    stop = tab.evaluate(_FOCUSED)
    assert stop and stop["skip"] and stop["inView"] and stop["ring"], stop
    target = tab.evaluate("document.activeElement.hash")
    assert target and tab.evaluate("id => !!document.getElementById(id)", target[1:]), target
    tab.keyboard.press("Enter")
    tab.wait_for_function("hash => location.hash === hash", arg=target)
    # The focus navigation starting point moves with the fragment's scroll: let a loaded
    # machine finish it (two frames) before the next Tab.
    tab.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    # Material's instant navigation fetched the page again and replaced its content on
    # the first such click, taking the focus starting point with it (Tab then led into
    # the sidebar, or out of the page): docs/overrides/main.html keeps the click.
    assert tab.evaluate(_SAME_CONTENT), "the skip link reloaded the page's content"
    tab.keyboard.press("Tab")
    stop = tab.evaluate(_FOCUSED)
    where = tab.evaluate("() => [location.href, document.activeElement?.outerHTML.slice(0, 80),"
                         " document.hasFocus()].join(' | ')")
    assert stop and stop["inContent"], f"after the skip link, Tab went to {stop} ({where})"


_IN_VIEW = """id => { const box = document.getElementById(id).getBoundingClientRect();
                      return box.top >= 0 && box.top < innerHeight; }"""


def _follow_toc_entry(tab, n: int) -> str:
    """Click the page's n-th table-of-contents entry; wait until its heading is in the
    address and in view. Returns the heading's id."""
    entry = tab.locator(".md-sidebar--secondary a.md-nav__link").nth(n)
    target = entry.evaluate("a => new URL(a.href).hash.slice(1)")
    entry.click()
    tab.wait_for_function("id => location.hash === '#' + id", arg=target)
    tab.wait_for_function(_IN_VIEW, arg=target)
    return target


def test_a_link_within_the_page_keeps_the_page(tab, base_url, site_dir):
    """A table-of-contents entry moves the reader down the page they are reading: no
    fetch, nothing they opened closes, Back returns to where they were. Then, after an
    instant navigation to the next chapter, the same holds there (Material's own handling)."""
    rel = "calculus/derivatives/"
    page = base_url + rel
    fetched, reading = [], [page]  # requests for the page being read
    tab.on("request", lambda r: r.url.split("#")[0] == reading[0] and fetched.append(r.url))
    _open_settled(tab, page)
    fetched.clear()
    erratum = tab.locator("article details.erratum").first
    erratum.locator("summary").click()  # the reader opens an erratum
    assert erratum.evaluate("d => d.open")
    assert tab.locator(".md-sidebar--secondary a.md-nav__link").count() >= 3, "no table of contents"
    was = tab.evaluate("scrollY")
    _follow_toc_entry(tab, 2)
    assert abs(tab.evaluate("scrollY") - was) > 100, "the link did not move the reader"
    assert tab.evaluate(_SAME_CONTENT), "following a link within the page reloaded its content"
    assert erratum.evaluate("d => d.open"), "the erratum the reader opened closed"
    tab.go_back()
    tab.wait_for_function("() => location.hash === ''")
    tab.wait_for_function("was => Math.abs(scrollY - was) < 5", arg=was)  # back where they were
    assert tab.evaluate(_SAME_CONTENT) and erratum.evaluate("d => d.open")
    assert not fetched, f"the page was fetched again: {fetched}"

    # After an instant navigation Material knows the page, and handles it itself.
    reading[0] = _go_to_next_chapter(tab)
    # The next chapter's content is in (it has no mark), and the page was not reloaded.
    tab.wait_for_function("() => document.querySelector('article') && "
                          "!document.querySelector('article').dataset.cnLoaded")
    assert tab.evaluate(_NOT_RELOADED), "the click reloaded the whole page"
    _mark_content(tab)
    fetched.clear()
    _follow_toc_entry(tab, min(2, tab.locator(".md-sidebar--secondary a.md-nav__link").count() - 1))
    assert tab.evaluate(_SAME_CONTENT) and not fetched, fetched


# --------------------------------------------------------------- search

def _word_only_on(site: Path, page_prefix: str) -> str:
    """A distinctive word of a page's body that no other page's body contains."""
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]

    def words(text: str) -> set[str]:
        return {w.lower() for w in re.findall(r"\b[a-zA-Z]{8,}\b", re.sub(r"<[^>]+>", " ", text))}

    mine, others = Counter(), set()
    for doc in docs:
        if doc["location"].startswith(page_prefix):
            mine.update(words(doc["text"]))
        else:
            others |= words(doc["text"]) | words(doc.get("title", ""))
    candidates = [w for w, _ in mine.most_common() if w not in others]
    if not candidates:
        pytest.skip(f"no word is unique to {page_prefix} yet (chapter still a stub?)")
    return candidates[0]


def test_search_finds_a_chapter_by_a_word_in_its_body(tab, base_url, site_dir):
    target = "calculus/derivatives/"
    word = _word_only_on(site_dir, target)
    tab.goto(base_url, wait_until="load")
    search = tab.locator("input.md-search__input")
    search.click()
    # The search worker first builds its index (690 kB on this site: seconds on a
    # busy 2-core machine); Material says "Initializing search" until it is ready.
    tab.wait_for_function(
        "() => !/Initializing/.test(document.querySelector('.md-search-result__meta')?.textContent || 'Initializing')",
        timeout=60_000,
    )
    search.press_sequentially(word)  # key events, as a reader types (fill() sends none)
    result = tab.locator(f".md-search-result__link[href*='{target}']").first
    result.wait_for(state="visible", timeout=10_000)
    result.click()
    tab.wait_for_url(re.compile(re.escape(base_url + target)))
    assert not tab.recorder.problems(), tab.recorder.problems()


# --------------------------------------------------------------- dark palette

def _luminance(css_color: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css_color)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


_COLORS = """() => {
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      if (c && c !== "rgba(0, 0, 0, 0)" && c !== "transparent") return c;
    }
    return "rgb(255, 255, 255)";
  };
  const katex = document.querySelector("article .katex");
  const svg = document.querySelector("figure.cn-figure svg");
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    katexColor: katex && getComputedStyle(katex).color,
    katexBackground: katex && background(katex),
    textColor: getComputedStyle(document.querySelector("article")).color,
    textBackground: background(document.querySelector("article")),
    svgFilter: svg && getComputedStyle(svg).filter,
  };
}"""


def _figure_page(site: Path) -> str:
    for rel in site_pages(site):
        text = (site / rel / "index.html").read_text(encoding="utf-8")
        if _FIGURE_TAG.search(text) and '<span class="katex">' in text:
            return rel
    pytest.skip("no page has both math and a figure yet")


def test_dark_palette_keeps_math_and_figures_readable(browser, base_url, site_dir, screenshots):
    rel = _figure_page(site_dir)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    try:
        page = ctx.new_page()
        page.goto(base_url + rel, wait_until="load")
        light = page.evaluate(_COLORS)
        assert light["scheme"] == "default"
        assert light["svgFilter"] in (None, "none")
        page.locator("label[title='Switch to dark mode']").first.click()
        page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
        dark = page.evaluate(_COLORS)
        assert _luminance(dark["textBackground"]) < 0.1, dark  # the page really went dark
        for mode in (light, dark):
            assert contrast(mode["katexColor"], mode["katexBackground"]) >= 4.5, mode
            assert contrast(mode["textColor"], mode["textBackground"]) >= 4.5, mode
        assert "invert" in dark["svgFilter"], dark  # figures drawn dark-on-transparent are inverted
        # The choice sticks: the next page opens dark.
        page.goto(base_url, wait_until="load")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    finally:
        ctx.close()


# --------------------------------------------------------------- instant navigation

_NOT_RELOADED = "window.__calcnotes_no_reload === true"


def _go_to_next_chapter(tab) -> str:
    """Follow the footer's link to the next chapter, marking the window first (a full
    reload would lose the mark: see _NOT_RELOADED). Returns the link's URL, once there."""
    tab.evaluate("window.__calcnotes_no_reload = true")
    link = tab.locator("a.md-footer__link--next")
    url = link.evaluate("a => a.href")
    link.click()
    tab.wait_for_url(url)
    return url


def test_instant_navigation_to_the_next_chapter_keeps_math(tab, base_url, site_dir):
    start = "calculus/derivatives/"
    tab.goto(base_url + start, wait_until="load")
    url = _go_to_next_chapter(tab)
    assert url.startswith(base_url), url
    target = url[len(base_url):]
    page_html = (site_dir / target / "index.html").read_text(encoding="utf-8")
    title = html.unescape(re.search(r"<title>(.*?)</title>", page_html, re.S)[1])
    tab.wait_for_function("title => document.title === title", arg=title)  # the new page is in
    assert tab.evaluate(_NOT_RELOADED), "the click reloaded the whole page"
    expected = page_html.count('<span class="katex">')
    info = tab.evaluate(_INSPECT)
    assert info["katex"] == expected and info["arithmatex"] == 0 and info["katexErrors"] == 0, info
    assert not _RAW_TEX.search(info["text"])
    assert not tab.recorder.problems(), tab.recorder.problems()


# --------------------------------------------------------------- the lab

def test_lab_offers_the_executed_notebook_for_download(tab, base_url, site_dir):
    lab = "lab/backprop-digits/"
    if not (site_dir / lab / "index.html").is_file():
        pytest.skip("the lab is not in this site")
    tab.goto(base_url + lab, wait_until="load")
    with tab.expect_download() as download_info:
        tab.locator(".cn-downloads a[href$='.ipynb']").click()
    download = download_info.value
    assert download.suggested_filename == "backprop-digits.ipynb"
    notebook = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code and all(c["execution_count"] for c in code), "the download is the executed notebook"
    outputs = "".join("".join(o.get("text", "")) for c in code for o in c["outputs"])
    assert "test accuracy" in outputs
    assert tab.locator(".jupyter-wrapper .katex").count() > 0  # the notebook's own math, drawn
    assert not tab.recorder.problems(), tab.recorder.problems()


# --------------------------------------------------------------- screenshots

def test_key_pages_are_photographed_in_both_palettes():
    assert set(KEY_PAGES.values()) <= set(PAGES)  # each is photographed during its page check


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_site_opens_in_the_readers_palette(browser, base_url, scheme):
    """A reader whose system prefers the dark palette gets it on the first page, else the light one."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = ctx.new_page()
        page.goto(base_url, wait_until="load")
        expected = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
    finally:
        ctx.close()


# --------------------------------------------------------------- interactive figures

def test_slider_shows_the_frame_it_points_at(tab, tmp_path):
    """A slider page made with calcnotes.site.slider and the site's own slider.js: moving the
    slider (keyboard) changes the frame and its label, and the page makes no request elsewhere."""
    import shutil

    from calcnotes.site.figures import new_figure
    from calcnotes.site.slider import slider_html

    frames = []
    for rate in (0.1, 0.5, 0.9):
        fig, ax = new_figure()
        ax.plot([0, 1], [0, rate])
        frames.append((f"rate {rate}", fig))
    shutil.copy(DOCS / "assets" / "slider.js", tmp_path / "slider.js")
    (tmp_path / "index.html").write_text(
        '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><article>'
        + slider_html("t", frames, caption="Three rates.", label="Learning rate")
        + '</article><script src="slider.js"></script></body></html>', encoding="utf-8")
    with served(tmp_path) as url:
        tab.recorder.clear()
        tab.goto(url, wait_until="load")
        visible = "() => [...document.querySelectorAll('.cn-frame')].map(f => !f.hidden)"
        assert tab.evaluate(visible) == [True, False, False]
        tab.focus("input[type=range]")
        tab.keyboard.press("ArrowRight")
        assert tab.evaluate(visible) == [False, True, False]
        assert tab.inner_text("output") == "rate 0.5"
        assert not tab.recorder.problems()
