"""Casting one vote: validated and written in one statement, committed in groups.

The hot path of a large round. A vote is one database statement (:func:`deliberate.store.votes
.cast_vote`: the rules, the upsert and the log row together) inside a transaction shared with
the votes that arrived at the same time (:class:`~deliberate.store.group_commit.GroupCommit`).
The caller is answered after that transaction committed, so an acknowledged vote is on disk.
Only when the statement wrote nothing does a second look find out why (unchanged, or which rule
refused it). :meth:`VotingUseCases.cast_vote_async` is for coroutines: an async web handler
awaits the commit without blocking its event loop, and the writer wakes the loop once per batch.
:meth:`VotingUseCases.submit_vote` returns a thread's future; :meth:`VotingUseCases.cast_vote`
waits.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from deliberate.domain.snapshot import Vote
from deliberate.domain.votes import VoteRecord, parse_vote
from deliberate.errors import (
    AuthenticationRequired,
    IdempotencyConflict,
    InvalidInput,
    NotFound,
    RateLimited,
)
from deliberate.service.base import ServiceBase
from deliberate.service.ratelimit import TokenBuckets
from deliberate.store import Connection, vote_cast
from deliberate.store import statements as statement_rows
from deliberate.store import votes as vote_rows
from deliberate.store.group_commit import GroupCommit, RetryAlone

__all__ = ["MAX_IDEMPOTENCY_KEY_LENGTH", "VotingUseCases"]

MAX_IDEMPOTENCY_KEY_LENGTH = 128


@dataclass(slots=True, eq=False)
class _VoteJob:
    """The writer's job for one vote; :meth:`VotingUseCases._prepare_votes` may write it early.

    ``early`` is the result of the batch statement that already applied this vote on that
    connection: ``(connection, (round_id, at))`` for a change, ``(connection, None)`` for
    nothing written. On any other connection (the job runs alone after a rollback) the vote
    is written again from scratch.
    """

    write: Callable[..., _Cast]
    participant_id: str
    statement_id: str
    vote: Vote
    key: str | None
    consultation_id: str | None
    early: tuple[Connection, tuple[str, datetime] | None] | None = None

    def __call__(self, connection: Connection) -> _Cast:
        early, self.early = self.early, None
        return self.write(
            connection,
            participant_id=self.participant_id,
            statement_id=self.statement_id,
            vote=self.vote,
            key=self.key,
            consultation_id=self.consultation_id,
            early=(early[1],) if early is not None and early[0] is connection else None,
        )


@dataclass(frozen=True, slots=True)
class _Cast:
    """What one vote job returns to the writer: the answer and where to announce it."""

    record: VoteRecord
    consultation_id: str
    replayed: bool = False


class VotingUseCases(ServiceBase):
    """Casting votes one at a time, as participants do."""

    _vote_writer: GroupCommit | None = None
    _vote_buckets: TokenBuckets | None = None

    @property
    def vote_writer(self) -> GroupCommit:
        """The group-commit writer of this service's votes (started on first use)."""
        if self._vote_writer is None:
            self._vote_writer = GroupCommit(
                self.store.write,
                window=self.settings.vote_commit_window_ms / 1000,
                after_commit=self._announce_votes,
                prepare=self._prepare_votes,
            )
        return self._vote_writer

    def cast_vote(
        self,
        participant_id: str,
        statement_id: str,
        value: Vote | int | str,
        *,
        idempotency_key: str | None = None,
        consultation_id: str | None = None,
    ) -> VoteRecord:
        """Set the participant's position on a statement (agree +1, disagree -1, pass 0).

        Casting the same vote again changes nothing and logs nothing. A different value
        replaces the current position and is appended to the vote log. With an
        ``idempotency_key``, a replay with the same payload returns the first result (waiting
        for it when the first request is still being written) and a reuse with a different
        payload raises :class:`IdempotencyConflict`. With ``consultation_id``, a participant or
        statement of another consultation is refused as not found.
        """
        return self.submit_vote(
            participant_id,
            statement_id,
            value,
            idempotency_key=idempotency_key,
            consultation_id=consultation_id,
        ).result()

    def submit_vote(
        self,
        participant_id: str,
        statement_id: str,
        value: Vote | int | str,
        *,
        idempotency_key: str | None = None,
        consultation_id: str | None = None,
    ) -> Future[VoteRecord]:
        """:meth:`cast_vote` without waiting: the future resolves once the vote committed.

        Invalid input and too many votes at once (:class:`RateLimited`) raise at once; every
        other outcome (including errors) comes through the future.
        """
        inner = self.vote_writer.submit(
            self._vote_job(participant_id, statement_id, value, idempotency_key, consultation_id)
        )
        outer: Future[VoteRecord] = Future()
        # Queued means it will be written: a caller that gives up (a client that disconnected)
        # cannot cancel it, so the answer always has somewhere to go.
        outer.set_running_or_notify_cancel()

        def unwrap(done: Future[_Cast]) -> None:
            error = done.exception()
            if error is not None:
                outer.set_exception(error)
            else:
                outer.set_result(done.result().record)

        inner.add_done_callback(unwrap)
        return outer

    async def cast_vote_async(
        self,
        participant_id: str,
        statement_id: str,
        value: Vote | int | str,
        *,
        idempotency_key: str | None = None,
        consultation_id: str | None = None,
    ) -> VoteRecord:
        """:meth:`cast_vote` for a coroutine on an event loop, which it never blocks.

        The writer answers all the votes of one batch waiting on a loop with one wake-up. A
        cancelled caller does not cancel the vote: once queued, it is written.
        """
        job = self._vote_job(participant_id, statement_id, value, idempotency_key, consultation_id)
        cast = await self.vote_writer.submit_async(job)
        return cast.record

    def _vote_job(
        self,
        participant_id: str,
        statement_id: str,
        value: Vote | int | str,
        key: str | None,
        consultation_id: str | None,
    ) -> _VoteJob:
        """The writer's job for one vote; invalid input and :class:`RateLimited` raise here."""
        vote = parse_vote(value)
        self._throttle_votes(participant_id)
        if key is not None and not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
            raise InvalidInput(
                "an idempotency key has 1 to %(max_idempotency_key_length)s characters",
                params={"max_idempotency_key_length": MAX_IDEMPOTENCY_KEY_LENGTH},
            )
        return _VoteJob(self._write_vote, participant_id, statement_id, vote, key, consultation_id)

    def _prepare_votes(self, connection: Connection, runs: Sequence[object]) -> None:
        """On PostgreSQL, apply a batch's votes in one statement (one round trip, not one each).

        Only the first vote of each (participant, statement) pair goes in, and only when it has
        no idempotency key; the others run one by one after it, in their order, as before.
        """
        if connection.dialect.name != "postgresql":
            return
        seen: set[tuple[str, str]] = set()
        bulk: list[_VoteJob] = []
        for run in runs:
            if not isinstance(run, _VoteJob):
                continue
            pair = (run.participant_id, run.statement_id)
            if pair not in seen:
                seen.add(pair)
                if run.key is None:
                    bulk.append(run)
        if len(bulk) < 2:
            return
        now = self._now()
        changed = vote_cast.cast_votes(
            connection,
            [(j.participant_id, j.statement_id, int(j.vote), j.consultation_id) for j in bulk],
            now,
        )
        for job in bulk:
            round_id = changed.get((job.participant_id, job.statement_id))
            job.early = (connection, None if round_id is None else (round_id, now))

    def _throttle_votes(self, participant_id: str) -> None:
        """:class:`RateLimited` past ``votes_burst`` votes at once, then ``votes_per_minute``.

        Every request counts, a repeated vote too: 300 toggles in two seconds used to leave 300
        rows in the vote log and ask for 300 recomputes.
        """
        if self._vote_buckets is None:
            self._vote_buckets = TokenBuckets(
                burst=self.settings.votes_burst, per_minute=self.settings.votes_per_minute
            )
        wait = self._vote_buckets.take(participant_id, now=self._now().timestamp())
        if wait:
            raise RateLimited("too many votes at once; slow down", retry_after=math.ceil(wait))

    def _write_vote(
        self,
        connection: Connection,
        *,
        participant_id: str,
        statement_id: str,
        vote: Vote,
        key: str | None,
        consultation_id: str | None,
        early: tuple[tuple[str, datetime] | None] | None = None,
    ) -> _Cast:
        """The job run by the writer. It raises a domain error only before it wrote.

        ``early`` holds the outcome when the batch statement already applied this vote.
        """
        fingerprint = ""  # of the payload, only needed with a key
        if key is not None:
            fingerprint = hashlib.sha256(f"{statement_id}\x00{int(vote)}".encode()).hexdigest()
            stored = vote_rows.get_idempotency(connection, participant_id, key)
            if stored is not None:
                if stored[0] != fingerprint:
                    raise IdempotencyConflict("this idempotency key was used for another vote")
                replayed = self._replayed(connection, stored[1])
                if consultation_id not in (None, replayed.consultation_id):
                    self._refuse_outsider(connection, consultation_id)
                return replayed
        now = self._now()
        if early is not None:
            written = early[0]
        else:
            written = vote_rows.cast_vote(
                connection,
                participant_id=participant_id,
                statement_id=statement_id,
                value=vote,
                at=now,
                consultation_id=consultation_id,
            )
        if written is None:
            cast = self._unchanged(connection, participant_id, statement_id, vote, consultation_id)
        else:
            record = VoteRecord(participant_id, statement_id, written[0], vote, written[1])
            cast = _Cast(record, consultation_id or self._consultation_of(connection, record))
        if key is not None and not vote_rows.claim_idempotency(
            connection,
            participant_id=participant_id,
            key=key,
            fingerprint=fingerprint,
            result=_record_to_json(cast.record),
            at=now,
        ):
            # Another request with this key committed meanwhile (another worker): start over
            # alone, and the stored answer is found first.
            raise RetryAlone
        return cast

    def _replayed(self, connection: Connection, stored: str) -> _Cast:
        record = _record_from_json(stored)
        return _Cast(record, self._consultation_of(connection, record), replayed=True)

    @staticmethod
    def _consultation_of(connection: Connection, record: VoteRecord) -> str:
        statement = statement_rows.get_statement(connection, record.statement_id)
        if statement is None:  # pragma: no cover - the vote references it
            raise NotFound("this statement does not exist")
        return statement.consultation_id

    def _unchanged(
        self,
        connection: Connection,
        participant_id: str,
        statement_id: str,
        vote: Vote,
        consultation_id: str | None,
    ) -> _Cast:
        """Why the vote statement wrote nothing: a refusal (raised), or no change."""
        if consultation_id is not None:
            self._consultation(connection, consultation_id)  # NotFound first, as the web says
        try:
            participant = self._consenting_participant(connection, participant_id)
        except NotFound:
            if consultation_id is None:
                raise
            raise AuthenticationRequired("join this consultation first") from None
        if consultation_id is not None and participant.consultation_id != consultation_id:
            raise AuthenticationRequired("join this consultation first")
        statement = self._votable_statement(connection, participant.consultation_id, statement_id)
        current = vote_rows.get_vote(connection, participant_id, statement_id)
        updated_at = current.updated_at if current is not None else self._now()
        record = VoteRecord(
            participant_id, statement_id, statement.round_id, vote, updated_at, changed=False
        )
        return _Cast(record, participant.consultation_id)

    def _refuse_outsider(self, connection: Connection, consultation_id: str) -> NoReturn:
        """A participant of another consultation (or an erased one) votes in this one."""
        self._consultation(connection, consultation_id)  # a missing one is NotFound
        raise AuthenticationRequired("join this consultation first")

    def _announce_votes(self, casts: Sequence[_Cast]) -> None:
        """One ``votes`` event per consultation for a committed batch of changes."""
        changes: dict[str, list[list[object]]] = defaultdict(list)
        for cast in casts:
            if isinstance(cast, _Cast) and cast.record.changed and not cast.replayed:
                record = cast.record
                changes[cast.consultation_id].append(
                    [
                        record.participant_id,
                        record.statement_id,
                        int(record.value),
                        record.updated_at.timestamp(),
                    ]
                )
        for consultation_id, items in changes.items():
            self._publish(
                "votes",
                {"consultation_id": consultation_id, "count": len(items), "changes": items},
            )


def _record_to_json(record: VoteRecord) -> str:
    return json.dumps(
        {
            "participant_id": record.participant_id,
            "statement_id": record.statement_id,
            "round_id": record.round_id,
            "value": int(record.value),
            "updated_at": record.updated_at.isoformat(),
            "changed": record.changed,
        }
    )


def _record_from_json(text: str) -> VoteRecord:
    data = json.loads(text)
    return VoteRecord(
        participant_id=data["participant_id"],
        statement_id=data["statement_id"],
        round_id=data["round_id"],
        value=Vote(data["value"]),
        updated_at=datetime.fromisoformat(data["updated_at"]),
        changed=data["changed"],
    )
