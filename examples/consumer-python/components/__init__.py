"""This repository's own building blocks.

Named ``components`` on purpose: aiscale's source folder has the same name, and installing
aiscale must not shadow (or be shadowed by) a consumer's package of that name.
"""
