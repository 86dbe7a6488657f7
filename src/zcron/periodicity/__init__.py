"""When crons fire: stateless periodicities, handed ``after`` instead of a clock."""
from zcron.periodicity.cron import CronPeriodicity, get_periodicity

__all__ = ["CronPeriodicity", "get_periodicity"]
