"""One error shape for every domain: `DomainError(code, **params)`.

Each app's `errors.py` lists its codes (a `StrEnum`) and a translatable message per code, and
subclasses `DomainError` with them. The API maps codes to the protocol's exact strings in one
table (`api/errors.py`); the web shows `message`, in the reader's language. Nothing matches on
message text. Raised before anything is written, or inside the transaction that it rolls back.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar

from django.utils.functional import Promise


class DomainError(Exception):
    """A refused domain operation: `code` says what, `params` fill the message's blanks."""

    # Keys: the subclass's own code enum (a Mapping is invariant in its keys, hence Any).
    messages: ClassVar[Mapping[Any, str | Promise]] = {}

    def __init__(self, code: StrEnum, **params: object):
        self.code = code
        self.params = params
        super().__init__(code, params)

    @property
    def message(self) -> str:
        """The message in the active language, its blanks filled."""
        return str(self.messages[self.code]).format(**self.params)

    def __str__(self) -> str:
        return self.message
