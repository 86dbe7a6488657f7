"""The audit trail: who changed which cron, when, how and why, kept per
site and undoable. Recording happens where the model changes a cron
(``zcron.audit.record``); callers only say who acts (``acting``)."""
from zcron.audit.context import SYNC, WORKER, acting, current

__all__ = ["SYNC", "WORKER", "acting", "current"]
