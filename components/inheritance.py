"""What a component's own ``ResourceOptions`` pass on to the children it declares.

Pulumi's SDK gives a child with ``parent=self`` its parent's providers and, when the child sets
no ``protect`` of its own, its parent's ``protect``; the engine derives a child's aliases from
its parent's. It does not pass on ``retain_on_delete`` or ``depends_on``, and a child that sets
``protect=False`` explicitly (a bucket in dev) is not protected by a protected parent. So every
aiscale component reads its options once, into a :class:`ChildOptions`, and its builders
declare each data-holding child (bucket, key, key ring, vault, storage account, cluster) with
:meth:`ChildOptions.stateful`, which applies all three. ``protect`` in prod is derived here and
nowhere else (:meth:`ChildOptions.for_environment`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import pulumi

#: Environments whose stateful resources are protected and retained on delete.
PROTECTED_ENVIRONMENTS = frozenset({"prod"})


def _resources(depends_on: Any) -> tuple[Any, ...]:
    """``ResourceOptions.depends_on`` (one resource, a list, or None) as a tuple."""
    if depends_on is None:
        return ()
    if isinstance(depends_on, (list, tuple)):
        return tuple(depends_on)
    return (depends_on,)


@dataclass(frozen=True)
class ChildOptions:
    """The options a component's data-holding children get from the component."""

    protect: bool = False
    """Stateful children refuse deletion (``protect``)."""
    retain_on_delete: bool = False
    """Stateful children stay in the cloud when they leave the program (``retain_on_delete``)."""
    depends_on: tuple[Any, ...] = ()
    """Resources the stateful children wait for (the component's own ``depends_on``)."""

    @classmethod
    def for_environment(cls, environment: str) -> "ChildOptions":
        """The environment's default: protected and retained in prod, neither elsewhere."""
        protected = environment in PROTECTED_ENVIRONMENTS
        return cls(protect=protected, retain_on_delete=protected)

    def with_options(self, opts: Optional[pulumi.ResourceOptions]) -> "ChildOptions":
        """These options strengthened by a component's own ``opts``: ``protect=True`` or
        ``retain_on_delete=True`` there turns them on (never off), ``depends_on`` adds."""
        if opts is None:
            return self
        return ChildOptions(protect=self.protect or bool(opts.protect),
                            retain_on_delete=self.retain_on_delete or bool(opts.retain_on_delete),
                            depends_on=self.depends_on + _resources(opts.depends_on))

    def stateful(self, parent: pulumi.Resource, **extra: Any) -> pulumi.ResourceOptions:
        """Options for a data-holding child of ``parent``: protected, retained and waiting as
        these options say (``extra`` may add its own ``depends_on``)."""
        depends_on = list(self.depends_on) + list(_resources(extra.pop("depends_on", None)))
        if depends_on:
            extra["depends_on"] = depends_on
        return pulumi.ResourceOptions(parent=parent, protect=self.protect,
                                      retain_on_delete=self.retain_on_delete, **extra)

    def child(self, parent: pulumi.Resource, **extra: Any) -> pulumi.ResourceOptions:
        """Options for any other child: ``retain_on_delete`` and ``depends_on`` when the
        component asked for them (``protect`` already reaches it through ``parent``)."""
        depends_on = list(self.depends_on) + list(_resources(extra.pop("depends_on", None)))
        if depends_on:
            extra["depends_on"] = depends_on
        if self.retain_on_delete and "retain_on_delete" not in extra:
            extra["retain_on_delete"] = True
        return pulumi.ResourceOptions(parent=parent, **extra)


def provider_options(parent: pulumi.Resource, inherited: Optional[ChildOptions],
                     aliases: Optional[list] = None) -> pulumi.ResourceOptions:
    """Options of a cloud's explicit provider: every resource on the cloud waits for it, so the
    component's ``depends_on`` placed here holds them all back."""
    extra: dict[str, Any] = {}
    if inherited is not None and inherited.depends_on:
        extra["depends_on"] = list(inherited.depends_on)
    if aliases:
        extra["aliases"] = aliases
    return pulumi.ResourceOptions(parent=parent, **extra)
