"""Every affiliates test ends with the books balanced, after commissions, payouts and
reversals."""

from tests.books import books_balance  # noqa: F401 (an autouse fixture for this directory)
