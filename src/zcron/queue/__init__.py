"""Queue managers: where jobs wait for their due time (ZODB by default)."""
from zcron.queue.base import Claim, Job, WorkerInfo
from zcron.queue.zodb import ZODBQueueManager, ZODBQueueMarker

__all__ = ["Claim", "Job", "WorkerInfo", "ZODBQueueManager", "ZODBQueueMarker"]
