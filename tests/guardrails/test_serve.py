"""The served pack decodes each resource once per Analyze call, with identical results."""

from __future__ import annotations

from aiscale.guardrails.serve import _CallCache


def test_a_value_is_decoded_once_per_call_and_again_in_the_next_call():
    cache = _CallCache()
    calls = []

    def decode(value):
        calls.append(value)
        return {"decoded": value["x"]}

    memo = cache.memoised(decode)
    message = {"x": 1}
    other = {"x": 1}  # equal but not the same message: decoded on its own
    first, again, third = memo(message), memo(message), memo(other)
    assert first is again and first == third and third is not first
    assert len(calls) == 2

    @cache.clearing
    def call():
        return memo(message)

    call()
    assert cache.entries == {}, "the cache lives only as long as one call"


def test_two_decoders_of_the_same_message_do_not_share_entries():
    cache = _CallCache()
    message = object()
    options, provider = cache.memoised(lambda m: "options"), cache.memoised(lambda m: "provider")
    assert (options(message), provider(message)) == ("options", "provider")
    assert (options(message), provider(message)) == ("options", "provider")
