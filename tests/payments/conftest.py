"""Every payments test ends with the books balanced, whatever the gateway said."""

from tests.books import books_balance  # noqa: F401 (an autouse fixture for this directory)
