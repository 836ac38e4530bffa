"""The preview lets a program's outputs settle in a few large waits before Pulumi's own
end-of-run wait (``aiscale.preview.settle``), without changing what a run reports or raises."""

from __future__ import annotations

import asyncio
import sys
import threading

import pulumi
import pulumi.runtime.stack as runtime_stack
import pytest

from aiscale.preview import engine
from aiscale.preview.engine import PreviewError, run_inline
from aiscale.preview.redaction import secret_texts
from aiscale.preview.settle import TrackedOutputs, settle


def _run(coroutine_factory):
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine_factory())
    finally:
        loop.close()


def test_outputs_finishing_over_many_loop_steps_settle_in_one_wait():
    async def scenario():
        outputs: set = set()

        async def chain(depth: int) -> int:
            for _ in range(depth):
                await asyncio.sleep(0)
            return depth

        for depth in range(50):
            outputs.add(asyncio.ensure_future(chain(depth)))
        waits = await settle(outputs, threading.Lock())
        return waits, outputs

    waits, outputs = _run(scenario)
    assert waits == 1
    assert all(future.done() for future in outputs)


def test_outputs_created_while_waiting_are_waited_for_too():
    async def scenario():
        outputs: set = set()
        late: list = []

        async def spawn() -> None:
            await asyncio.sleep(0)
            child = asyncio.ensure_future(asyncio.sleep(0.01))
            outputs.add(child)
            late.append(child)

        outputs.add(asyncio.ensure_future(spawn()))
        waits = await settle(outputs, threading.Lock())
        return waits, late

    waits, late = _run(scenario)
    assert waits == 2
    assert late and late[0].done()


def test_a_failed_output_hands_back_at_once_with_its_error_left_for_the_runtime():
    async def scenario():
        never = asyncio.get_running_loop().create_future()

        async def fail() -> None:
            await asyncio.sleep(0)
            raise ValueError("boom")

        failing = asyncio.ensure_future(fail())
        outputs = {never, failing}
        waits = await settle(outputs, threading.Lock(), idle_seconds=60)
        still_pending = not never.done()
        never.cancel()
        return waits, failing, still_pending

    waits, failing, still_pending = _run(scenario)
    assert waits == 1 and still_pending
    with pytest.raises(ValueError, match="boom"):
        failing.result()


def test_an_output_that_never_finishes_hands_back_after_the_idle_time():
    async def scenario():
        never = asyncio.get_running_loop().create_future()
        waits = await settle({never}, threading.Lock(), idle_seconds=0.05)
        pending = not never.done()
        never.cancel()
        return waits, pending

    waits, pending = _run(scenario)
    assert waits == 1 and pending


def _chained_program() -> None:
    import pulumi_aws as aws

    previous = aws.s3.Bucket("b0")
    for index in range(1, 8):
        name = previous.bucket.apply(lambda value, index=index: f"{value}-{index}")
        previous = aws.s3.Bucket(f"b{index}", tags={"previous": name})


def test_the_runtimes_own_end_of_run_wait_finds_a_chained_programs_outputs_finished(monkeypatch):
    """The runtime's ``wait_for_rpcs`` waits (``asyncio.wait``) on whatever outputs are still
    pending when the program returns. With the settle step none is pending by then; without it
    (the control run), this program leaves hundreds pending."""
    pending_seen: list[int] = []
    real_wait = asyncio.wait

    async def counting_wait(futures, *args, **kwargs):
        futures = list(futures)
        if sys._getframe(1).f_code is runtime_stack.wait_for_rpcs.__code__:
            pending_seen.append(sum(1 for future in futures if not future.done()))
        return await real_wait(futures, *args, **kwargs)

    monkeypatch.setattr(runtime_stack.asyncio, "wait", counting_wait)

    result = run_inline(_chained_program)
    assert len([record for record in result.resources if record.type == "aws:s3/bucket:Bucket"]) == 8
    assert sum(pending_seen) == 0, pending_seen

    monkeypatch.setattr(engine, "settled", lambda program, outputs, lock: program)
    control = run_inline(_chained_program)
    assert sum(pending_seen) > 0
    assert [record.urn for record in control.resources] == [record.urn for record in result.resources]


def test_an_error_in_an_apply_is_still_the_runs_error():
    def program() -> None:
        import pulumi_aws as aws

        bucket = aws.s3.Bucket("b")
        pulumi.Output.all(bucket.arn, bucket.id).apply(lambda values: 1 / 0)
        aws.s3.Bucket("after", tags={"arn": bucket.arn})

    with pytest.raises(PreviewError, match="ZeroDivisionError"):
        run_inline(program)


def test_the_tracked_outputs_remember_every_future_the_runtime_added_after_it_removed_them():
    tracked = TrackedOutputs()
    first, second = object(), object()
    tracked.add(first)
    tracked.add(second)
    tracked.discard(first)
    tracked.remove(second)
    assert not tracked
    assert tracked.every == [first, second]


def test_secret_texts_read_the_runs_tracked_outputs():
    """A secret the program resolved but never registered is found among the run's tracked
    outputs; an output outside them is not searched for (no walk of the heap)."""

    async def scenario():
        tracked = TrackedOutputs()
        lock = threading.Lock()
        registered = pulumi.Output.secret("tracked-secret-value")
        tracked.add(registered._data)
        elsewhere = pulumi.Output.secret("untracked-secret-value")
        await settle({registered._data, elsewhere._data}, lock)
        return tracked, elsewhere

    tracked, elsewhere = _run(scenario)
    found = secret_texts([], program_outputs=tracked.every)
    assert "tracked-secret-value" in found
    assert "untracked-secret-value" not in found
    assert secret_texts([]) == []
    del elsewhere


def test_a_warning_quoting_a_secret_the_program_never_registered_is_masked():
    def program() -> None:
        secret = pulumi.Output.secret("never-registered-secret")
        secret.apply(lambda value: pulumi.log.warn(f"the value is {value}"))

    result = run_inline(program)
    assert result.warnings == ["the value is [secret]"]
