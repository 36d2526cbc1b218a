"""Canary: the private internals of markdown-exec and mkdocs-jupyter the plugin relies on.

``calcnotes.site.adapters`` is the only module that touches them. When an
upgrade moves one, this test names it, instead of the build failing strangely.
"""

from __future__ import annotations

from calcnotes.site import adapters


def test_private_internals_are_where_the_adapter_expects_them():
    assert adapters.check_internals() == [], (
        "an upgrade of markdown-exec or mkdocs-jupyter moved what calcnotes.site.adapters uses; "
        "adapt that module (and only it)"
    )


def test_runner_installs_once_and_wraps_the_original():
    import markdown_exec._internal.formatters.python as mx

    calls = []

    def wrap(original):
        def run(code, **kw):
            calls.append(code)
            return original(code, **kw)

        return run

    adapters.install_runner(wrap)
    adapters.install_runner(wrap)  # a second build in the same process: still one layer
    assert mx._run_python.calcnotes_original is not mx._run_python
    output = mx._run_python("print(6 * 7)", returncode=None, session="canary", id="c1")
    assert "42" in output and calls == ["print(6 * 7)"]
    assert adapters.session_globals("canary") != {}
    adapters.clear_sessions()
    assert adapters.session_globals("canary") == {}
