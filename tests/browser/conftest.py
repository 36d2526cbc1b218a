"""Fixtures for the browser tests: the built site on 127.0.0.1, and Debian's Chromium.

The site is the one strict build of the test session (``built_site`` from
tests/conftest.py, which honours $CALCNOTES_SITE) or, if that fixture is not
there, a build of our own. It is served by http.server in a thread on a free
port. Playwright drives /usr/bin/chromium: never a browser it downloads.
Every request to a host other than 127.0.0.1 is recorded, and fails to
resolve, so a test can report it without anything leaving the machine.

The accessibility check is here too (``axe``): Deque's axe-core, pinned in
package.json and installed by ``make setup`` (npm ci), is injected from
node_modules into a loaded page (no request), run in the light palette, then
(its colour rules) in the dark one within the same load; any violation is a
problem, but a table header that holds only math (see ``_allowed``). ``phone``
narrows the same page to a 390 px wide phone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from calcnotes.site.localserver import LOCAL_HOST, served

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CALCNOTES_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    # Nothing leaves the machine: every host but 127.0.0.1 fails to resolve
    # (the tests still see and report the request).
    f"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE {LOCAL_HOST}",
]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
AXE_REPORTS = ROOT / "test-artifacts" / "axe"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.js"  # the readable build: _fast_axe patches it by name
PHONE_WIDTH = 390


# The longest browser tests go first among them (longest-first keeps two workers busy to
# the end): left to their file order, the book's print (about a minute) could start last
# and run alone. tryfirst: before tests/conftest.py's stable sort puts the site's tests
# after the others, which keeps this order among them.
_LONGEST = ("test_book_pdf.py::", "test_keyboard_reaches_every_control", "[errata/]")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not any(mark in item.nodeid for mark in _LONGEST))


def _require_browser() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("browser tests need Playwright for Python: pip install -e '.[test]'")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM}: apt-get install -y chromium")


@pytest.fixture(scope="session")
def site_dir(request, tmp_path_factory) -> Path:
    """The strictly built site (shared with the other tests of the session)."""
    _require_browser()
    given = os.environ.get("CALCNOTES_SITE")
    if given:
        return Path(given)
    try:
        return Path(request.getfixturevalue("built_site"))
    except pytest.FixtureLookupError:
        site = tmp_path_factory.mktemp("browser-site")
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
            cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            capture_output=True, text=True, timeout=600,
        )
        assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
        return site


@pytest.fixture(scope="session")
def base_url(site_dir) -> str:
    site_url = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")).get("site_url")
    with served(site_dir, site_url=site_url) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Recorder:
    """What a page did: console errors, failed requests, requests to other hosts."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.foreign: list[str] = []

    def clear(self) -> None:
        self.console_errors.clear()
        self.failed.clear()
        self.foreign.clear()

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"failed request: {m}" for m in self.failed]
            + [f"request to another host: {m}" for m in self.foreign]
        )


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname == LOCAL_HOST


def _watch(recorder: Recorder, page) -> None:
    page.on("request", lambda r: _is_local(r.url) or recorder.foreign.append(r.url))
    page.on("console", lambda m: m.type == "error"
            and recorder.console_errors.append(f"{m.text} ({m.location.get('url', '')})"))
    page.on("pageerror", lambda e: recorder.console_errors.append(f"uncaught: {e}"))
    # ERR_ABORTED: the page navigated away first (e.g. the search worker still loading);
    # a missing file shows as an HTTP error below.
    page.on("requestfailed", lambda r: _is_local(r.url) and r.failure != "net::ERR_ABORTED"
            and recorder.failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and recorder.failed.append(f"{r.url} (HTTP {r.status})"))


@pytest.fixture(scope="session")
def context(browser):
    """One light-palette desktop context for the whole suite (its own cookie/storage jar)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light",
                              accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture
def tab(context):
    """A fresh page with a Recorder attached (``tab.recorder``)."""
    recorder = Recorder()
    page = context.new_page()
    _watch(recorder, page)
    page.recorder = recorder
    yield page
    page.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    # No clean-up first: under pytest-xdist two workers share the folder (files are overwritten).
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# --------------------------------------------------------------- accessibility (axe-core)

# Every violation fails a page, whatever its impact (axe: critical, serious, moderate,
# minor), but one kind: a table header cell that holds only math. axe-core reads no
# MathML as text (dequelabs/axe-core#3285), so KaTeX's header looks empty to it
# (empty-table-header, minor) while a screen reader reads the math. A header cell
# with nothing in it still fails.
def _allowed(rule: str, node: dict) -> bool:
    return rule == "empty-table-header" and node["math"]


# The dark palette changes colours only: its pass runs the rules that look at colour.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# KaTeX's HTML rendering: out of axe's context, and out of its grid (_GRID_SKIPS_MATH).
MATH_HTML = ".katex-html"

_AXE_RUN = r"""async rules => {
  const holdsMath = target => {
    try { return !!document.querySelector(target[0])?.querySelector(".katex"); }
    catch { return false; }
  };
  const options = {resultTypes: ["violations"]};
  if (rules) options.runOnly = rules;
  // KaTeX's HTML rendering is aria-hidden (screen readers get its MathML twin): thousands of
  // spans per page that axe would otherwise walk, for no finding a reader could meet.
  const result = await axe.run({exclude: [MATH_HTML]}, options);
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), impact: n.impact,
                               html: n.html.slice(0, 200), math: holdsMath(n.target),
                               data: [...n.any, ...n.all, ...n.none].map(c => c.data).find(d => d) || null})),
  }));
}""".replace("MATH_HTML", json.dumps(MATH_HTML))

# Material's own palette switch, minus the localStorage write (the suite shares one
# context: the next page must still open light): the scheme on <body>, with transitions
# off while it changes (data-md-color-switching), then two frames for styles to apply.
# Already in that scheme (a page opens light), nothing changes: what is moving is taken to
# its end state (the switch restyled the whole page three times: up to 1.7 s a page).
_SET_SCHEME = r"""async scheme => {
  const body = document.body;
  if (body.getAttribute("data-md-color-scheme") === scheme) {
    for (const a of document.getAnimations()) { try { a.finish(); } catch {} }
    return scheme;
  }
  body.setAttribute("data-md-color-switching", "");
  body.setAttribute("data-md-color-scheme", scheme);
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  body.removeAttribute("data-md-color-switching");
  await new Promise(done => requestAnimationFrame(done));
  return body.getAttribute("data-md-color-scheme");
}"""

_PAGE_WIDTH = r"""async width => {
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const root = document.documentElement;
  if (root.scrollWidth <= width) return {scrollWidth: root.scrollWidth, widest: null, right: root.clientWidth};
  // The widest element sticking out of the viewport, to name in a failure.
  let widest = null, right = root.clientWidth;
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.right > right + 1 && e.checkVisibility()) { right = r.right; widest = e; }
  }
  const name = e => e && (e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                          + [...e.classList].map(c => "." + c).join(""));
  return {scrollWidth: root.scrollWidth, widest: name(widest), right: Math.round(right)};
}"""


# axe-core tells whether an element is in the context by testing it against every element
# of the context's exclude list (``exclude.filter(c => contains(c, node))``), for every
# element each rule's selector matches: with KaTeX's 400-1000 .katex-html spans excluded,
# that loop was half of a run on the longest pages (measured: errata 20 s -> 8.6 s, and
# the same violations). The same list -- the excluded elements that are the element or
# its ancestors, in document order -- is found here by walking up from the element through
# a Map of the excluded ones; in shadow DOM it is axe's own loop.
_AXE_EXCLUDE_LOOP = """      var filterExcluded = exclude.filter(function(candidate) {
        return _contains(candidate, node);
      });"""
_AXE_EXCLUDE_FAST = "      var filterExcluded = __cnExcludedAround(exclude, node, _contains);"
_EXCLUDED_AROUND = r"""var __cnExcludedAround = (() => {
  const maps = new WeakMap();  // one per context's exclude list
  return (exclude, node, contains) => {
    const loop = () => exclude.filter(candidate => contains(candidate, node));
    if (node.shadowId || !node.actualNode) return loop();
    let map = maps.get(exclude);
    if (map === undefined) {
      map = exclude.every(c => !c.shadowId && c.actualNode) ? new Map(exclude.map(c => [c.actualNode, c])) : null;
      maps.set(exclude, map);
    }
    if (map === null) return loop();
    const found = [];
    for (let e = node.actualNode; e; e = e.parentNode) {
      if (map.has(e)) found.unshift(map.get(e));
    }
    return found;
  };
})();
"""


# axe-core's grid of every visible element on the page (``_createGrid``: colour contrast
# and target size find what is stacked at a point with it) was about 40% of a run: most
# of those elements are KaTeX's HTML, which the context excludes already. The grid's walk
# skips a .katex-html subtree -- when nothing in it could stack over what axe checks, no
# link and no background (\href, \colorbox: none in the book today; the walk looks for
# them itself). Measured over the 55 pages: 15% of axe's time (22% on the heaviest), the
# same findings on every page.
_AXE_GRID_WALK = ("      var treeWalker = document.createTreeWalker(root, "
                  "window.NodeFilter.SHOW_ELEMENT, null, false);")
_AXE_GRID_WALK_FAST = ("      var treeWalker = document.createTreeWalker(root, "
                       "window.NodeFilter.SHOW_ELEMENT, {acceptNode: __cnGridSkipsMath}, false);")
_GRID_SKIPS_MATH = r"""var __cnGridSkipsMath = node => (
  node.matches(MATH_HTML)
  && !node.querySelector("a, [style*=background]")) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
""".replace("MATH_HTML", json.dumps(MATH_HTML))

# Each patch: what axe-core's readable build says, what replaces it, the code it needs.
_AXE_PATCHES = {
    "exclude loop": (_AXE_EXCLUDE_LOOP, _AXE_EXCLUDE_FAST, _EXCLUDED_AROUND),
    "grid walk": (_AXE_GRID_WALK, _AXE_GRID_WALK_FAST, _GRID_SKIPS_MATH),
}


def _fast_axe(source: str) -> str:
    """axe-core's source with the patches above (fails loudly if axe changed their places)."""
    preamble = []
    for name, (old, new, helper) in _AXE_PATCHES.items():
        if source.count(old) != 1:
            pytest.fail(f"{AXE_JS}: axe-core's {name} is not where tests/browser/conftest.py "
                        "expects it (new axe-core version?): update _AXE_PATCHES")
        source = source.replace(old, new)
        preamble.append(helper)
    return "".join(preamble) + source


class Axe:
    """axe-core in a loaded page: ``problems(page, name)`` checks both palettes."""

    def __init__(self, reports: Path | None = None) -> None:
        self.reports = reports
        self.source = _fast_axe(AXE_JS.read_text(encoding="utf-8")) + f"\n//# sourceURL={AXE_JS.name}"

    def run(self, page, rules: list[str] | None = None) -> list[dict]:
        """Every violation axe finds in the page as it is now (all rules, or ``rules``)."""
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.add_script_tag(content=self.source)  # inline from node_modules: no request
        return page.evaluate(_AXE_RUN, rules)

    @staticmethod
    def set_scheme(page, scheme: str) -> None:
        assert page.evaluate(_SET_SCHEME, scheme) == scheme

    @staticmethod
    def describe(violations: list[dict], palette: str) -> list[str]:
        """One line per violation (but the allowed elements), with its first elements."""
        lines = []
        for v in violations:
            nodes = [n for n in v["nodes"] if not _allowed(v["id"], n)]
            if not nodes:
                continue
            where = "; ".join(n["target"] for n in nodes[:3])
            more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
            lines.append(f"axe ({palette}): {v['id']} [{v['impact']}] on {len(nodes)} "
                         f"element(s): {v['help']}: {where}{more}")
        return lines

    def problems(self, page, name: str) -> list[str]:
        """Run axe in the light palette, then the colour rules in the dark one (same load)."""
        self.set_scheme(page, "default")
        report = {"light": self.run(page)}
        self.set_scheme(page, "slate")
        report["dark"] = self.run(page, COLOUR_RULES)
        self.set_scheme(page, "default")
        if self.reports:
            self.reports.mkdir(parents=True, exist_ok=True)
            (self.reports / f"{name}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
        return self.describe(report["light"], "light") + self.describe(report["dark"], "dark")


@pytest.fixture(scope="session")
def axe() -> Axe:
    """The axe-core check; every violation of a page goes to test-artifacts/axe/<page>.json."""
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is not installed ({AXE_JS} missing): run `make setup` (npm ci)")
    return Axe(AXE_REPORTS)


_SHOW_SCROLLER = r"""async () => {
  document.querySelector("[data-cn-scroll]")?.scrollIntoView({block: "center"});
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  // Material swaps the header's title as the page scrolls: take that to its end state at
  // once (waiting for it took up to 1 s a page); one that never ends is waited for up to 1 s.
  const endless = [];
  for (const a of document.getAnimations()) {
    try { a.finish(); } catch { endless.push(a.finished.catch(() => null)); }  // throws if endless
  }
  await Promise.race([Promise.all(endless), new Promise(done => setTimeout(done, 1000))]);
}"""


class Phone:
    """A loaded page narrowed to a phone (390 px wide): nothing may make it scroll sideways."""

    def __init__(self, screenshots: Path | None = None) -> None:
        self.screenshots = screenshots

    def problems(self, page, name: str) -> list[str]:
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
        info = page.evaluate(_PAGE_WIDTH, PHONE_WIDTH)
        if self.screenshots:
            # The first formula or table that scrolls in its own box, if any (the site's
            # script marks it), else the top of the page.
            page.evaluate(_SHOW_SCROLLER)
            self.screenshots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(self.screenshots / f"{name}.png"))
        if info["scrollWidth"] > PHONE_WIDTH:
            return [f"the page scrolls sideways at {PHONE_WIDTH} px: {info['scrollWidth']} px wide "
                    f"(e.g. {info['widest']} reaches {info['right']} px)"]
        return []


@pytest.fixture(scope="session")
def phone(screenshots) -> Phone:
    """The phone check; its screenshots go to test-artifacts/screenshots/phone-390/."""
    return Phone(screenshots / f"phone-{PHONE_WIDTH}")
