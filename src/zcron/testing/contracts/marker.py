"""zcron.testing.contracts.marker owns the IQueueMarker contract
(``QueueMarkerContract``): mark, unmark, stamp, set_stamp, sites."""
from zcron.testing.contracts.base import DatabaseHook


class QueueMarkerContract(DatabaseHook):
    """The hook: ``self.db`` (see DatabaseHook), and ``make_marker(root)``,
    by default looked up as zcron does (``zcron.components.marker_for``)."""

    def make_marker(self, root):
        from zcron.components import marker_for
        return marker_for(root)

    def test_provides_IQueueMarker(self):
        from zope.interface.verify import verifyObject
        from zcron.interfaces import IQueueMarker
        with self.open_session() as s:
            assert verifyObject(IQueueMarker, self.make_marker(s.root))

    def test_nothing_marked(self):
        with self.open_session() as s:
            marker = self.make_marker(s.root)
            assert list(marker.sites()) == [] and marker.stamp("a") is None
            marker.unmark("a")                       # unknown: nothing to do

    def test_mark_sites_sorted_each_once(self):
        with self.open_session() as s:
            marker = self.make_marker(s.root)
            for site in ("b", "c", "a", "b"):
                marker.mark(site)
            assert list(marker.sites()) == ["a", "b", "c"]
            marker.unmark("b")
            marker.unmark("zzz")
            assert list(marker.sites()) == ["a", "c"]

    def test_stamps_per_site(self):
        with self.open_session() as s:
            marker = self.make_marker(s.root)
            marker.mark("a")
            marker.mark("b")
            marker.set_stamp("a", "one")
            marker.set_stamp("b", ("an", "opaque", 2))
            assert marker.stamp("a") == "one" and marker.stamp("b") == ("an", "opaque", 2)
            marker.set_stamp("a", "two")
            marker.set_stamp("a", "two")
            assert marker.stamp("a") == "two" and marker.stamp("c") is None

    def test_unmark_forgets_the_stamp(self):
        """A site removed then added again must be synchronised afresh."""
        with self.open_session() as s:
            marker = self.make_marker(s.root)
            marker.mark("a")
            marker.set_stamp("a", "one")
            marker.unmark("a")
            assert marker.stamp("a") is None
            marker.mark("a")
            assert marker.stamp("a") is None

    def test_committed_and_aborted(self):
        with self.open_session() as s:
            marker = self.make_marker(s.root)
            marker.mark("a")
            marker.set_stamp("a", "one")
            s.tm.commit()
            marker.mark("b")
            marker.set_stamp("a", "two")
            s.tm.abort()
        with self.open_session() as s:
            marker = self.make_marker(s.root)
            assert list(marker.sites()) == ["a"] and marker.stamp("a") == "one"
