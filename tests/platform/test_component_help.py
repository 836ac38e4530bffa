"""``help(aiscale.X)`` shows each component's own documentation and arguments."""

from __future__ import annotations

import pydoc

import pulumi
import pytest

import aiscale

COMPONENTS = [name for name in aiscale.__all__
              if isinstance(getattr(aiscale, name), type)
              and issubclass(getattr(aiscale, name), pulumi.ComponentResource)]


def test_every_public_component_is_checked():
    assert {"AiPlatform", "GpuNodePool", "ObjectStore", "ModelEndpoint", "Network",
            "KubernetesCluster", "AutoscalingGroup", "Operations", "AccessLogBucket"} <= set(COMPONENTS)


@pytest.mark.parametrize("name", COMPONENTS)
def test_help_documents_the_components_own_arguments(name):
    component = getattr(aiscale, name)
    args_type = getattr(aiscale, f"{name}Args", None) or component.__init__.__annotations__["args"]
    if isinstance(args_type, str):  # postponed annotations
        args_type = getattr(aiscale, args_type)
    text = pydoc.render_doc(component, renderer=pydoc.plaintext)
    fields = set(args_type.__required_keys__) | set(args_type.__optional_keys__)
    assert fields, name
    for field in fields:
        assert f"``{field}``" in text, f"{name}: {field} is not in help()"
    assert "props: Optional" not in component.__init__.__doc__ and ":param str t:" not in text.split("Methods inherited")[0]


def test_help_shows_each_argument_type_and_the_model_choices_as_literals():
    import pydoc

    import aiscale

    store = pydoc.render_doc(aiscale.ObjectStore, renderer=pydoc.plaintext)
    assert "``cloud``: Literal['aws', 'azure', 'gcp']" in store
    assert "``encryption``: Literal['customer-managed', 'provider-managed']" in store
    assert "``resource_group_name``: Optional[Input[str]]" in store
    pool = pydoc.render_doc(aiscale.GpuNodePool, renderer=pydoc.plaintext)
    assert "``capacity``: Literal['on-demand', 'spot']" in pool
    assert "``gpus_per_node``: int" in pool
