"""Facts: what a resource's registered inputs say, read once for cost, the packs and the preview.

- ``aiscale.facts.tokens``: every provider type token, its canonical form and its cloud;
- ``aiscale.facts.gpu``: the GPU taint and resource names;
- ``aiscale.facts.values``: one input at one path (unknown values, lenient and strict reading);
- ``aiscale.facts.model``: the facts as frozen dataclasses (node pools, VMs, VM groups,
  buckets, model endpoints);
- ``aiscale.facts.reader``: type token + inputs -> facts, dispatched to one module per cloud
  (``aws``, ``azure``, ``gcp``, ``kubernetes``);
- ``aiscale.facts.references``: the one reference follower (which resource of the stack another
  one names), for cost and every pack.

Importing this package loads nothing else (no catalog, no provider SDK).
"""
