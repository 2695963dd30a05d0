"""The service layer: the use cases of deliberate and the only code that writes to the store.

>>> from deliberate.service import Service, open_service  # doctest: +SKIP
"""

from __future__ import annotations

from deliberate.service.base import Clock, utc_now
from deliberate.service.brigades import BrigadeReport, SuspectCluster
from deliberate.service.events import EventSink, NullEventSink, RecordingEventSink
from deliberate.service.facade import Service, open_service
from deliberate.service.records import CONSULTATION_EXPORT_SCHEMA, PARTICIPANT_EXPORT_SCHEMA
from deliberate.service.retention import ConsultationPurge, PurgeCounts, PurgeReport, PurgeStatus
from deliberate.store.statements import ModerationEntry

__all__ = [
    "CONSULTATION_EXPORT_SCHEMA",
    "PARTICIPANT_EXPORT_SCHEMA",
    "BrigadeReport",
    "Clock",
    "ConsultationPurge",
    "EventSink",
    "ModerationEntry",
    "NullEventSink",
    "PurgeCounts",
    "PurgeReport",
    "PurgeStatus",
    "RecordingEventSink",
    "Service",
    "SuspectCluster",
    "open_service",
    "utc_now",
]
