"""The exceptions fanline raises: one base, ``FanlineError``, and one subclass per family.

Every exception carries the core's stable ``code`` (e.g. ``"CALL_COOLDOWN"``), the suggested
HTTP ``status`` and, for limits, ``retry_after`` in whole seconds (else ``None``). Messages are
written for people and never hold a secret, a token or an internal detail.
"""

from typing import Optional

__all__ = [
    "FanlineError",
    "InvalidInputError",
    "ConfigError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "ExpiredError",
    "InsufficientTokensError",
    "RateLimitError",
    "StoreUnavailableError",
    "StoreIncompatibleError",
    "InternalError",
]


class FanlineError(Exception):
    """Base of every fanline error."""

    code: str
    status: int
    retry_after: Optional[int]

    def __init__(
        self,
        message: str,
        code: str = "INTERNAL",
        status: int = 500,
        retry_after: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"


class InvalidInputError(FanlineError, ValueError):
    """``INVALID_INPUT`` (400): a value outside the accepted domain. Also a ``ValueError``."""


class ConfigError(FanlineError):
    """``INVALID_CONFIG`` (500): unusable configuration, raised at construction."""


class PermissionDeniedError(FanlineError):
    """The 403 family: ``NOT_CREATOR``, ``FEATURE_DISABLED``, ``BLOCKED``,
    ``PROFILE_PRIVATE``, ``DM_NOT_ALLOWED``, ``CALL_NOT_ALLOWED``."""


class NotFoundError(FanlineError):
    """``NOT_FOUND`` (404), also for dead or forged share links."""


class ConflictError(FanlineError):
    """The 409 family: ``INVALID_STATE``, ``BUSY``, ``PRICE_CHANGED`` (the call costs more
    than the ``max_rate_per_minute`` the fan accepted with) and ``CONFLICT`` (an idempotency
    reference reused for a different request)."""


class ExpiredError(FanlineError):
    """``INVITATION_EXPIRED`` (410)."""


class InsufficientTokensError(FanlineError):
    """``INSUFFICIENT_TOKENS`` (402)."""


class RateLimitError(FanlineError):
    """The 429 family: ``CALL_COOLDOWN`` and ``RATE_LIMITED``; see ``retry_after``."""


class StoreUnavailableError(FanlineError):
    """``STORE_UNAVAILABLE`` (503): nothing was applied; retry."""


class StoreIncompatibleError(FanlineError):
    """``STORE_INCOMPATIBLE`` (500): the store can never be used as it is (a schema newer than
    this library, a file that is not a fanline database, a corrupt file, a refused login);
    retrying cannot help. The message says which, never a password."""


class InternalError(FanlineError):
    """``INTERNAL`` (500): a bug or an unexpected condition."""
