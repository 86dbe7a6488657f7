"""The book of claims in flight."""
from zcron.queue.base import Job


def _book(*jobs, successors=None):
    from zcron.worker.book import ClaimBook
    book = ClaimBook()
    book.claimed(jobs, successors or {})
    return book


A, B, C = (Job("default", uid, 10) for uid in "abc")
NEXT = Job("default", "a", 20)


class TestClaimBook:
    def test_claims_are_in_flight_until_forgotten(self):
        book = _book(A, B, successors={A.claim_key: NEXT})
        assert len(book) == 2 and book.successor_of(A) == NEXT
        assert book.successor_of(B) is None
        book.forget([A])
        assert len(book) == 1 and book.successor_of(A) is None

    def test_finished_runs_wait_to_be_settled(self):
        book = _book(A, B)
        assert not book.has_finished
        book.finished([A])
        assert book.has_finished and book.finished_jobs() == [A]
        assert len(book) == 2               # still claimed until settled
        book.forget([A])
        assert not book.has_finished and book.finished_jobs() == []

    def test_orphans_carry_their_reason(self):
        book = _book(A, B)
        book.orphaned([B], "interrupted: OSError: gone")
        assert book.has_orphans and book.orphans() == [(B, "interrupted: OSError: gone")]
        book.forget([B])
        assert not book.has_orphans

    def test_all_among(self):
        book = _book(A, B)
        assert book.all_among([A, B, C]) and not book.all_among([A])
        assert _book().all_among([])
