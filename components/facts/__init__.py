"""Facts: what a resource's registered inputs say, read once for cost, the packs and the preview.

``aiscale.facts.tokens`` names every provider type token; ``aiscale.facts.gpu`` the GPU taint
and resource names. Importing this package loads nothing else (no catalog, no provider SDK).
"""
