"""What the Pulumi engine sends a policy pack and how it reads the answers, without the CLI.

Three jobs of the engine's analyzer plugin, done the same way here:

- resource records -> ``AnalyzeRequest`` / ``AnalyzerResource`` messages (properties as a
  protobuf Struct with unknowns as the engine's unknown sentinel and secrets in the engine's
  secret envelope, options, provider, parent and dependencies);
- the policy configuration: each policy's enforcement level and schema defaults, then the
  pack's initial config, then the user's config (``all`` first, then per policy), validated
  against each policy's schema (``ReconcilePolicyPackConfig`` in the Pulumi CLI);
- diagnostics -> enforcement level and severity names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from aiscale.preview.records import UNKNOWN, ResourceRecord

SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
"""The key marking a special value in a serialised property map (Pulumi's ``sig`` key)."""
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
"""The signature of a secret value: ``{SECRET_SIG_KEY: SECRET_SIG, "value": ...}``."""
UNKNOWN_SENTINEL = UNKNOWN
"""How the engine serialises an unknown (computed) input for an analyzer: the string sentinel."""

LEVELS = {"advisory": analyzer_pb2.ADVISORY, "mandatory": analyzer_pb2.MANDATORY,
          "remediate": analyzer_pb2.REMEDIATE, "disabled": analyzer_pb2.DISABLED}
"""Enforcement level name -> protobuf value."""
LEVEL_NAMES = {value: name for name, value in LEVELS.items()}
"""Protobuf enforcement level -> name."""
SEVERITY_NAMES = {analyzer_pb2.POLICY_SEVERITY_LOW: "low",
                  analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
                  analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
                  analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical"}
"""Protobuf severity -> name (unspecified has no entry)."""
UNSPECIFIED_SEVERITY = "unspecified"
"""The severity of a violation whose policy declares none."""

class PolicyConfigError(ValueError):
    """The policy configuration is invalid; `str(error)` lists every problem."""

    def __init__(self, problems: Sequence[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        """One sentence per invalid value: the policy, the path, the value and what is valid."""
        super().__init__("invalid policy configuration: " + "; ".join(self.problems))


def config_error_text(error: PolicyConfigError, config_file: Optional[Path]) -> str:
    """`error`'s message, naming the policy config file the values came from (if a file)."""
    where = f" in {config_file}" if config_file is not None else ""
    return f"invalid policy configuration{where}: " + "; ".join(error.problems)


# -- properties ---------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """`value` as Struct-compatible JSON data (unknowns stay the sentinel string)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def properties_struct(values: Mapping[str, Any], secret_keys: tuple[str, ...] = ()) -> struct_pb2.Struct:
    """Inputs as the engine marshals them for an analyzer: internal ``__`` keys skipped,
    unknowns kept as the unknown sentinel, top-level secrets in the secret envelope."""
    plain = {}
    for key, value in values.items():
        if key.startswith("__"):
            continue
        value = _plain(value)
        plain[key] = {SECRET_SIG_KEY: SECRET_SIG, "value": value} if key in secret_keys else value
    struct = struct_pb2.Struct()
    struct.update(plain)
    return struct


def resource_options(record: ResourceRecord) -> analyzer_pb2.AnalyzerResourceOptions:
    """The options the engine reports for a resource (what the preview records know)."""
    return analyzer_pb2.AnalyzerResourceOptions(protect=record.protect, parent=record.parent or "")


def _package(type_token: str) -> str:
    return type_token.split(":", 1)[0]


def provider_message(record: ResourceRecord, by_urn: Mapping[str, ResourceRecord], *,
                     project: str, stack: str, stack_config: Mapping[str, str]
                     ) -> Optional[analyzer_pb2.AnalyzerProviderResource]:
    """The provider of a custom resource as the engine describes it, or None.

    An explicit provider resource in the preview gives its type, URN, name and inputs. A
    resource on a default provider (the preview registers none) gets the engine's default
    provider: ``pulumi:providers:<package>`` named ``default`` whose inputs are the stack's
    ``<package>:*`` configuration keys.
    """
    if not record.custom or record.type.startswith("pulumi:providers:"):
        return None
    package = _package(record.type)
    if package == "pulumi":
        return None
    provider_urn = record.provider.rsplit("::", 1)[0] if record.provider else None
    found = by_urn.get(provider_urn) if provider_urn else None
    if found is not None:
        return analyzer_pb2.AnalyzerProviderResource(
            type=found.type, urn=found.urn, name=found.name,
            properties=properties_struct(found.inputs, tuple(found.secret_paths)))
    provider_type = f"pulumi:providers:{package}"
    urn = provider_urn or f"urn:pulumi:{stack}::{project}::{provider_type}::default"
    prefix = f"{package}:"
    inputs = {key[len(prefix):]: value for key, value in stack_config.items()
              if key.startswith(prefix)}
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider_type, urn=urn, name=urn.rsplit("::", 1)[-1],
        properties=properties_struct(inputs))


def analyze_request(record: ResourceRecord, properties: struct_pb2.Struct,
                    provider: Optional[analyzer_pb2.AnalyzerProviderResource]
                    ) -> analyzer_pb2.AnalyzeRequest:
    """The per-resource ``Analyze`` (and ``Remediate``) request."""
    request = analyzer_pb2.AnalyzeRequest(type=record.type, urn=record.urn, name=record.name,
                                          properties=properties,
                                          options=resource_options(record))
    if provider is not None:
        request.provider.CopyFrom(provider)
    return request


def stack_resource(record: ResourceRecord, properties: struct_pb2.Struct,
                   provider: Optional[analyzer_pb2.AnalyzerProviderResource]
                   ) -> analyzer_pb2.AnalyzerResource:
    """One resource of the ``AnalyzeStack`` request, with parent and dependencies."""
    resource = analyzer_pb2.AnalyzerResource(
        type=record.type, urn=record.urn, name=record.name, properties=properties,
        options=resource_options(record), parent=record.parent or "",
        dependencies=list(record.dependencies),
        propertyDependencies={key: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(urns))
                              for key, urns in record.property_dependencies.items()})
    if provider is not None:
        resource.provider.CopyFrom(provider)
    return resource


def stack_properties(record: ResourceRecord) -> dict[str, Any]:
    """What stack policies see of a resource: the engine passes its state (outputs); during a
    preview a custom resource's state is its inputs plus whatever outputs are known."""
    if record.custom:
        return {**record.inputs, **record.outputs}
    return dict(record.outputs)


def remediated_state(record: ResourceRecord, remediated: struct_pb2.Struct) -> struct_pb2.Struct:
    """The state stack policies see of a remediated resource: the remediated inputs plus the
    outputs that are not inputs (the fake cloud echoes inputs, which must not undo the fix)."""
    state = struct_pb2.Struct()
    state.CopyFrom(remediated)
    computed = {k: v for k, v in record.outputs.items() if k not in record.inputs}
    state.update(json_format.MessageToDict(properties_struct(computed, tuple(record.secret_paths))))
    return state


# -- configuration ------------------------------------------------------------------------------

def _split(policy: str, given: Any) -> tuple[Optional[str], dict[str, Any]]:
    """(enforcement level, properties) of one config entry: a level name or an object."""
    if isinstance(given, str):
        level, properties = given, {}
    elif isinstance(given, Mapping):
        properties = dict(given)
        level = properties.pop("enforcementLevel", None)
    else:
        raise PolicyConfigError(f"config[{policy!r}] is {given!r}; valid: an enforcement level "
                                f"({', '.join(LEVELS)}) or an object")
    if level is not None and level not in LEVELS:
        raise PolicyConfigError(f"config[{policy!r}].enforcementLevel is {level!r}; valid: "
                                f"{', '.join(LEVELS)}")
    return level, properties


def _path(policy: str, parts: Sequence[Any]) -> str:
    """``policy: name[0].key``: where a value sits in a policy's config."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"{policy}: {text}"


def _valid(error: Any) -> str:
    """What the schema keyword that `error` broke accepts, in words."""
    rule = error.validator_value
    if error.validator == "type":
        return " or ".join(rule) if isinstance(rule, list) else str(rule)
    if error.validator == "enum":
        return ", ".join(map(repr, rule))
    bound = _BOUNDS.get(error.validator)
    return bound.format(rule) if bound else error.message


_BOUNDS = {"minimum": "a number >= {:g}", "exclusiveMinimum": "a number > {:g}",
           "maximum": "a number <= {:g}", "exclusiveMaximum": "a number < {:g}",
           "minItems": "at least {} items", "maxItems": "at most {} items",
           "minLength": "at least {} characters", "maxLength": "at most {} characters",
           "pattern": "a string matching {}", "const": "exactly {!r}"}
"""JSON-schema keyword -> what it accepts (``{}`` is the keyword's value)."""


def _schema_errors(policy: str, schema: Mapping[str, Any], required: Sequence[str],
                   properties: Mapping[str, Any]) -> list[str]:
    """Problems of one policy's properties against its config schema, checked as the Pulumi CLI
    checks them: the JSON schema ``{"type": "object", "properties": ..., "required": ...}``
    (every keyword: type, enum, minimum, maximum, items...), one message per problem naming
    the policy, the path, the value and what is valid."""
    from jsonschema import Draft7Validator
    from jsonschema.exceptions import SchemaError

    document: dict[str, Any] = {"type": "object", "properties": dict(schema)}
    if required:
        document["required"] = list(required)
    try:
        Draft7Validator.check_schema(document)
    except SchemaError as error:
        return [f"{policy}: the pack declares an invalid config schema ({error.message})"]
    problems = []
    for error in sorted(Draft7Validator(document).iter_errors(dict(properties)),
                        key=lambda e: [str(part) for part in e.absolute_path]):
        where = list(error.absolute_path)
        if error.validator == "required":
            problems += [f"{_path(policy, where + [name])} is required"
                         for name in error.validator_value if name not in error.instance]
        else:
            problems.append(f"{_path(policy, where)} is {error.instance!r}; valid: {_valid(error)}")
    return problems


def reconcile_config(info: analyzer_pb2.AnalyzerInfo, config: Optional[Mapping[str, Any]]
                     ) -> dict[str, analyzer_pb2.PolicyConfig]:
    """The ``Configure`` request's policy config, reconciled as the Pulumi CLI does.

    For every policy of the pack: its enforcement level and its schema's defaults, then the
    pack's initial config, then `config` (the ``all`` entry's level first, then the entry
    named after the policy: a level name or ``{"enforcementLevel": ..., <property>: ...}``).
    Entries naming policies the pack lacks are ignored (one config may serve several packs).
    Each policy's resulting properties are validated against its config schema with
    ``jsonschema``, as the CLI validates them (:func:`_schema_errors`). Raises PolicyConfigError
    listing every invalid value.
    """
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    schemas: dict[str, tuple[dict, list]] = {}
    for policy in info.policies:
        schema = json_format.MessageToDict(policy.configSchema.properties)
        defaults = {k: v["default"] for k, v in schema.items()
                    if isinstance(v, dict) and "default" in v}
        result[policy.name] = (LEVEL_NAMES.get(policy.enforcementLevel, "advisory"), defaults)
        schemas[policy.name] = (schema, list(policy.configSchema.required))
    initial = {name: {**({"enforcementLevel": LEVEL_NAMES[c.enforcementLevel]}
                         if c.enforcementLevel in LEVEL_NAMES and c.enforcementLevel else {}),
                      **json_format.MessageToDict(c.properties)}
               for name, c in info.initialConfig.items()}
    for layer in (initial, dict(config or {})):
        if "all" in layer:
            level, _ = _split("all", layer["all"])
            if level:
                result = {name: (level, props) for name, (_, props) in result.items()}
        for name, given in layer.items():
            if name == "all" or name not in result:
                continue
            level, properties = _split(name, given)
            old_level, old_properties = result[name]
            result[name] = (level or old_level, {**old_properties, **properties})
    errors = [e for name, (_, props) in result.items()
              for e in _schema_errors(name, *schemas[name], props)]
    if errors:
        raise PolicyConfigError(errors)
    configured = {}
    for name, (level, properties) in result.items():
        message = analyzer_pb2.PolicyConfig(enforcementLevel=LEVELS[level])
        message.properties.update(_plain(properties))
        configured[name] = message
    return configured
