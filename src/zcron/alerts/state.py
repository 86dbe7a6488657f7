"""What the alert checks have fired, kept in the database: the overdue
episodes open (per cron) and the runs already said to run long (per
execution id). Two workers deciding to fire the same alert both write the
same key, so their transactions conflict and only one commits: each alert
is fired once, however many workers check."""
from BTrees.OOBTree import OOBTree
from persistent import Persistent

KEY = "alerts"


class AlertBook(Persistent):
    def __init__(self):
        self.overdue = OOBTree()     # (site, uid) -> what the episode counts from
        self.running = OOBTree()     # execution id -> (site, uid)


def alert_book(root):
    return root.component_data(KEY, AlertBook)


def open_episode(book, site, uid, since):
    book.overdue[(site, uid)] = since


def close_episode(book, site, uid):
    """The episode's start, None if none was open."""
    return book.overdue.pop((site, uid), None)


def episode(book, site, uid):
    return book.overdue.get((site, uid))
