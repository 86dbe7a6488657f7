"""zcron.web.formatting: times, relative times, durations and status classes
as the dashboard shows them.
"""
from datetime import timedelta

import pytest

from zcron.model import FOREVER
from zcron.web import formatting

from web_support import NOW, components  # noqa: F401


class TestFormatting:
    def test_when(self):
        t = formatting.when(NOW, "Europe/Zurich", NOW + timedelta(minutes=3))
        assert t.text == "2026-03-02 10:00:00 CET +01:00"
        assert t.utc == "2026-03-02 09:00:00 UTC"
        assert t.iso == "2026-03-02T09:00:00+00:00"
        assert t.relative == "3 min ago" and str(t) == t.text
        assert formatting.when(None) is None
        assert formatting.when(NOW).text == "2026-03-02 09:00:00 UTC"
        assert formatting.when(NOW, "Asia/Dubai").text == "2026-03-02 13:00:00 +04:00"
        assert formatting.when(NOW, "Nowhere/Zone").text.endswith("UTC")
        assert formatting.when(NOW, None).relative == ""
        assert formatting.when(FOREVER, "Asia/Kolkata").text.startswith("9999-12-31 23:59:59")

    def test_relative(self):
        assert formatting.relative(NOW, NOW) == "now"
        assert formatting.relative(NOW + timedelta(seconds=90), NOW) == "in 1 min"
        assert formatting.relative(NOW - timedelta(seconds=5), NOW) == "5 s ago"

    @pytest.mark.parametrize("seconds, text", [
        (None, ""), (0.123, "0.12 s"), (12.4, "12 s"), (60, "1 min"), (61, "1 min 1 s"),
        (3600, "1 h"), (3660, "1 h 1 min"), (86400, "1 d"), (90000, "1 d 1 h")])
    def test_duration(self, seconds, text):
        assert formatting.duration(seconds) == text

    def test_duration_not_precise(self):
        assert formatting.duration(3.3, precise=False) == "3 s"
        assert formatting.duration(61, precise=False) == "1 min"

    def test_status_class(self):
        assert formatting.status_class("FAILURE") == "st-failure"
        assert formatting.status_class(None) == "st-none"
