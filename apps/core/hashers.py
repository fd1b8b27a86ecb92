"""A fast hasher for generated initial passwords only (bulk union accounts, a county's reset).

Why a weak-looking hash is safe here: the passwords it stores are never chosen by a person.
Each is ``secrets.token_urlsafe(9)``, 72 random bits; guessing one from its salted SHA-256
takes about 2^71 hashes, centuries even for a GPU farm, so the slow PBKDF2 work factor buys
nothing for them. And they are short-lived: the account must change the password at its first
login (``User.must_change_password``), and Django re-hashes the password with the preferred
(PBKDF2) hasher on the first successful check anyway (``check_password`` upgrades a hash whose
algorithm is not the preferred one). What it saves is
time: PBKDF2 with Django's million iterations costs ~0.3 s a password, minutes for the 1,000
accounts of one county; this one costs microseconds.

It is registered in ``PASSWORD_HASHERS`` after the default, so ``make_password`` never picks it
for a password a user chooses; only ``union_accounts.initial_password_hash`` asks for it by name.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_noop


class InitialPasswordHasher(BasePasswordHasher):
    """Salted SHA-256 of a generated high-entropy initial password (see the module docstring)."""

    algorithm = "initial_sha256"

    def encode(self, password: str, salt: str) -> str:
        self._check_encode_args(password, salt)
        digest = hashlib.sha256((salt + password).encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict:
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {
            gettext_noop("algorithm"): decoded["algorithm"],
            gettext_noop("salt"): mask_hash(decoded["salt"], show=2),
            gettext_noop("hash"): mask_hash(decoded["hash"]),
        }

    def must_update(self, encoded: str) -> bool:
        # Never kept once the user has typed it, even were this hasher made the preferred one.
        return True

    def harden_runtime(self, password: str, encoded: str) -> None:
        return None
