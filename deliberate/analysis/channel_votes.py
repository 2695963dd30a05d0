"""The individual votes per channel, kept current from the votes that changed.

:func:`deliberate.analysis.tallies.with_channel_figures` counts every vote of a snapshot per
channel (sessions folded with :func:`~deliberate.domain.sessions.session_of`). At 100,000
participants that is a pass over five million votes and a dictionary of everyone's channel, for
each live update of the map. :class:`ChannelVotes` holds those counts for one vote matrix;
:meth:`ChannelVotes.advance` takes them to the next matrix by subtracting the changed
participants' old votes and adding their new ones, so an update costs in proportion to the
votes that changed. The counts are exact: they equal a fresh count, number for number.

The counts are those of the matrix (quarantined participants are not in it, as the channel
figures leave them out) by the channel of each of its rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deliberate.analysis.matrix import VoteMatrix
from deliberate.domain.sessions import session_of
from deliberate.domain.snapshot import SnapshotParticipant, VoteSnapshot
from deliberate.errors import AnalysisError

__all__ = ["ONLINE", "ChannelVotes", "folded_channels"]

ONLINE = "online"
# Count slot of each vote value + 1: disagree (-1) → 1, pass (0) → 2, agree (+1) → 0.
_SLOT = np.array([1, 2, 0], dtype=np.int64)


def folded_channels(participants: Iterable[SnapshotParticipant]) -> list[str]:
    """The channel of each participant not quarantined, sessions folded (``session_of``).

    ``session_of`` runs once per distinct channel, not once per person.
    """
    sessions: dict[str, str] = {}
    return [
        sessions.get(p.channel) or sessions.setdefault(p.channel, session_of(p.channel))
        for p in participants
        if not p.quarantined
    ]


@dataclass(frozen=True, eq=False)
class ChannelVotes:
    """Agree, disagree and pass counts of a matrix's votes per channel and statement.

    Attributes
    ----------
    channels : tuple of str
        ``"online"`` and every channel of a counted participant, sorted.
    counts : ndarray of shape (len(channels), n_statements, 3)
    matrix : VoteMatrix
        The votes counted.
    participants : sequence of SnapshotParticipant
        The snapshot's participants, quarantined ones included.
    row_channel : ndarray of int64
        The index in ``channels`` of each matrix row.
    """

    channels: tuple[str, ...]
    counts: NDArray[np.int64]
    matrix: VoteMatrix
    participants: Sequence[SnapshotParticipant]
    row_channel: NDArray[np.int64]

    @classmethod
    def count(cls, matrix: VoteMatrix, snapshot: VoteSnapshot) -> ChannelVotes:
        """Count every vote of ``matrix``, the vote matrix of ``snapshot``."""
        names = folded_channels(snapshot.participants)
        channels = tuple(sorted({ONLINE, *names}))
        index = {name: i for i, name in enumerate(channels)}
        row_channel = np.array([index[name] for name in names], dtype=np.int64)
        if row_channel.size != matrix.shape[0]:  # not this snapshot's matrix
            raise AnalysisError("The matrix does not hold the snapshot's participants.")
        counts = matrix.group_tally(row_channel, len(channels))
        return cls(channels, counts, matrix, snapshot.participants, row_channel)

    def advance(
        self,
        matrix: VoteMatrix,
        snapshot: VoteSnapshot,
        changed: Iterable[str],
        row_of: Mapping[str, int] | None = None,
    ) -> ChannelVotes:
        """The counts of ``matrix``, the vote matrix of ``snapshot``.

        ``changed`` names every participant whose votes differ from :attr:`matrix`'s; people
        who joined since count as changed. ``row_of`` maps participant ids to ``matrix``'s rows
        (built when omitted). Where the statements changed, or the participants changed other
        than by joining at the end, everything is counted again.
        """
        before = self.matrix
        n0, n1 = before.shape[0], matrix.shape[0]
        people, known = snapshot.participants, self.participants
        if (
            matrix.statement_ids != before.statement_ids
            or n1 < n0
            or matrix.participant_ids[:n0] != before.participant_ids
            or (people is not known and tuple(people[: len(known)]) != tuple(known))
        ):
            return ChannelVotes.count(matrix, snapshot)
        channels, counts, row_channel = self.channels, self.counts, self.row_channel
        if len(people) > len(known):
            joined = folded_channels(people[len(known) :])
            if len(joined) != n1 - n0:
                return ChannelVotes.count(matrix, snapshot)
            if not set(joined) <= set(channels):  # a new channel: its row goes in sorted
                channels = tuple(sorted({*channels, *joined}))
                index = {name: i for i, name in enumerate(channels)}
                moved = np.array([index[name] for name in self.channels], dtype=np.int64)
                counts = np.zeros((len(channels), *self.counts.shape[1:]), dtype=np.int64)
                counts[moved] = self.counts
                row_channel = moved[row_channel]
            index = {name: i for i, name in enumerate(channels)}
            added = np.array([index[name] for name in joined], dtype=np.int64)
            row_channel = np.concatenate([row_channel, added])
        elif n1 != n0:
            return ChannelVotes.count(matrix, snapshot)
        if row_of is None:
            row_of = {pid: i for i, pid in enumerate(matrix.participant_ids)}
        rows = np.array(
            sorted({row_of[pid] for pid in changed if pid in row_of} | set(range(n0, n1))),
            dtype=np.int64,
        )
        counts = counts.copy()
        old = before.cells(rows[rows < n0])
        np.subtract.at(
            counts,
            (
                row_channel[before.rows[old]],
                before.cols[old],
                _SLOT[before.values[old].astype(np.int64) + 1],
            ),
            1,
        )
        new = matrix.cells(rows)
        np.add.at(
            counts,
            (
                row_channel[matrix.rows[new]],
                matrix.cols[new],
                _SLOT[matrix.values[new].astype(np.int64) + 1],
            ),
            1,
        )
        return ChannelVotes(channels, counts, matrix, people, row_channel)
