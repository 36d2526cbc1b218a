"""The garbage collector's thresholds during a build (calcnotes.site.collector): relaxed, then put back."""

from __future__ import annotations

import gc

from calcnotes.site import collector


def test_relax_then_restore_puts_the_thresholds_back():
    before = gc.get_threshold()
    try:
        collector.relax()
        assert gc.get_threshold() == collector.BUILD_THRESHOLDS
        collector.relax()  # a second build's on_config before the first ended: the first saved value stays
        collector.restore()
        assert gc.get_threshold() == before
        collector.restore()  # nothing saved: nothing changes
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)


def test_the_plugin_restores_them_after_a_build_and_after_a_failed_one():
    from calcnotes.site.plugin import CalcnotesPlugin

    before = gc.get_threshold()
    plugin = CalcnotesPlugin()
    try:
        collector.relax()  # what on_config does
        plugin.on_build_error(error=RuntimeError("a page failed"))
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)
