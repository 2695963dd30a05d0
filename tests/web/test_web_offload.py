"""The heavy-work pool: the event loop stays free, and a full queue answers Busy at once."""

from __future__ import annotations

import asyncio
import threading

import pytest
from support import run_coroutine

from deliberate.errors import Busy
from web.core.offload import CpuPool


def test_a_full_pool_refuses_at_once_and_the_loop_stays_free() -> None:
    release = threading.Event()
    pool = CpuPool(workers=2, queue=1)

    async def scenario() -> list[object]:
        jobs = [asyncio.ensure_future(pool.run(release.wait, 60)) for _ in range(3)]
        while pool.admitted < 3:  # let the three jobs reach the pool (a state, not a clock)
            await asyncio.sleep(0)
        with pytest.raises(Busy) as refused:
            await pool.run(release.wait, 60)
        assert refused.value.retry_after == 2
        # Refused at once: every admitted job is still held by the unset event, so the refusal
        # did not wait for a slot; and the loop still runs other work meanwhile.
        assert not any(job.done() for job in jobs)
        assert await asyncio.wait_for(asyncio.sleep(0, result="loop free"), 60) == "loop free"
        release.set()
        return list(await asyncio.gather(*jobs))

    assert run_coroutine(scenario()) == [True, True, True]
    assert pool.admitted == 0
    pool.shutdown()


def test_errors_come_back_and_free_their_slot() -> None:
    pool = CpuPool(workers=1, queue=0)

    def fail() -> None:
        raise ValueError("kapot")

    async def scenario() -> int:
        with pytest.raises(ValueError, match="kapot"):
            await pool.run(fail)
        return await pool.run(sum, [1, 2, 3])

    assert run_coroutine(scenario()) == 6
    pool.shutdown()


def test_busy_is_a_503_with_retry_after() -> None:
    from starlette.requests import Request

    from web.core.errors import handle_deliberate_error

    request = Request({"type": "http", "method": "GET", "path": "/api/x", "headers": []})
    response = run_coroutine(handle_deliberate_error(request, Busy("vol", retry_after=3)))
    assert response.status_code == 503
    assert response.headers["retry-after"] == "3"
