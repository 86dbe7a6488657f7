"""zcron.testing.contracts owns the conformance mixins, one per swappable
component and capability; see ``zcron.testing`` for how a host uses them."""
from zcron.testing.contracts.claims import ClaimsContract, WorkersContract
from zcron.testing.contracts.clock import (ClockContract, FakeClockContract,
                                           RealClockContract)
from zcron.testing.contracts.marker import QueueMarkerContract
from zcron.testing.contracts.periodicity import PeriodicityContract
from zcron.testing.contracts.queue import PendingJobsContract, QueueManagerContract
from zcron.testing.contracts.registry import (ReadableRegistryContract,
                                              ReadOnlyRegistryContract,
                                              WritableRegistryContract)

__all__ = [
    "ClaimsContract", "ClockContract", "FakeClockContract", "PendingJobsContract",
    "PeriodicityContract", "QueueManagerContract", "QueueMarkerContract",
    "ReadOnlyRegistryContract", "ReadableRegistryContract", "RealClockContract",
    "WorkersContract", "WritableRegistryContract",
]
