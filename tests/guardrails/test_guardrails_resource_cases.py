"""Every resource check: a compliant baseline and failing mutations, for every type token it covers."""

from __future__ import annotations

import pytest

from aiscale.guardrails import all_checks, canonical_type, get_check
from tests.guardrails.cases_compute_ml import COMPUTE, ML, WORKLOADS
from tests.guardrails.cases_cost import COST
from tests.guardrails.cases_scanner_classes import SCANNER_CLASSES
from tests.guardrails.cases_storage_k8s import KUBERNETES, STORAGE
from tests.guardrails.helpers import is_na, patch, run

CASES = STORAGE + KUBERNETES + COMPUTE + ML + WORKLOADS + COST + SCANNER_CLASSES
MUTATIONS = [(case, mutation, why) for case in CASES for mutation, why in case.mutations]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_baseline_is_compliant(case):
    outcome = run(case.check, case.type, case.baseline, case.config, case.env)
    assert outcome == [], f"{case.id}: baseline should pass, got {outcome}"


@pytest.mark.parametrize("case,mutation,why", MUTATIONS,
                         ids=[f"{c.id}:{why}" for c, _m, why in MUTATIONS])
def test_mutation_is_a_violation(case, mutation, why):
    outcome = run(case.check, case.type, patch(case.baseline, mutation), case.config, case.env)
    assert not is_na(outcome), f"{case.id} ({why}): not applicable: {outcome}"
    assert outcome and all(isinstance(m, str) and m for m in outcome), f"{case.id} ({why}): no violation"


def test_every_token_of_every_resource_check_has_a_case():
    covered = {(c.check, canonical_type(c.type)) for c in CASES if c.mutations}
    missing = [(check.id, t) for check in all_checks() if check.scope == "resource"
               for t in check.types if (check.id, t) not in covered]
    assert missing == []


def test_cases_name_real_checks_and_tokens():
    for case in CASES:
        assert canonical_type(case.type) in get_check(case.check).types, case.id


@pytest.mark.parametrize("token", ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"])
def test_v6_and_v7_s3_tokens_are_one_resource(token):
    assert run("SEC-STORAGE-003", token, {"acl": "public-read"})
    assert run("SEC-STORAGE-003", token, {"acl": "private"}) == []


def test_a_check_on_another_type_is_not_applicable():
    outcome = run("SEC-STORAGE-004", "aws:s3/bucket:Bucket", {"allowBlobPublicAccess": True})
    assert is_na(outcome)
