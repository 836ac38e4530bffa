"""An SSH public key whose private key nobody holds, for scale sets that need no SSH login.

Azure requires every Linux VM to have an admin password or an SSH public key. A GPU fleet that
runs batch work needs neither, and the model has no key to give. Generating a throwaway key at
deploy time would change on every run and put randomness into previews. Instead the admin
account gets an RSA public key whose modulus is RSA-2048, the largest number of the RSA
Factoring Challenge (1991): a published 2048-bit product of two primes whose factors RSA
Laboratories did not keep and nobody has found. Without the factors there is no private key, so
nobody can log in with it. People log in with Microsoft Entra ID instead (the scale set installs
the ``AADSSHLoginForLinux`` extension), and a team that wants key login passes its own key.
"""

from __future__ import annotations

import base64
import struct

RSA_2048_CHALLENGE = int(
    "25195908475657893494027183240048398571429282126204032027777137836043662020707595556264"
    "01852588078440691829064124951508218929855914917618450280848912007284499268739280728777"
    "67359714183472702618963750149718246911650776133798590957000973304597488084284017974291"
    "00642458691817195118746121515172654632282216869987549182422433637259085141865462043576"
    "79842338718477444792073993423658482382428119816381501067481045166037730605620161967625"
    "61338441436038339044149526344321901146575444541784240209246165157233507787077498171257"
    "72467962926386356373289912154831438167899885040445364023527381951378636564391212010397"
    "122822120720357"
)
"""RSA-2048 from the RSA Factoring Challenge: 617 decimal digits, 2048 bits, unfactored."""
PUBLIC_EXPONENT = 65537
"""The usual RSA public exponent."""


def _ssh_string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _ssh_mpint(value: int) -> bytes:
    raw = value.to_bytes((value.bit_length() + 8) // 8, "big")  # a leading 0 keeps it positive
    return _ssh_string(raw)


def ssh_rsa_public_key(modulus: int, exponent: int = PUBLIC_EXPONENT, comment: str = "") -> str:
    """An OpenSSH ``ssh-rsa`` public key line for (``modulus``, ``exponent``)."""
    blob = _ssh_string(b"ssh-rsa") + _ssh_mpint(exponent) + _ssh_mpint(modulus)
    line = f"ssh-rsa {base64.b64encode(blob).decode('ascii')}"
    return f"{line} {comment}" if comment else line


def unusable_public_key() -> str:
    """The ssh-rsa public key with the RSA-2048 challenge modulus (no private key exists)."""
    return ssh_rsa_public_key(RSA_2048_CHALLENGE, comment="no-private-key-rsa-2048-challenge")
