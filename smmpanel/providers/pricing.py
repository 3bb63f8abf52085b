"""What a provider's service costs in the panel's currency, and what it sells for."""

from decimal import Decimal, InvalidOperation

from smmpanel.money import quantize_up
from smmpanel.providers.errors import ProviderError, ProviderErrorCode
from smmpanel.providers.models import ProviderService

MAX_MARKUP = Decimal(100_000)


def parse_markup(text: str) -> Decimal:
    """`30%` or `30` -> Decimal("30") (percent over the cost); never negative."""
    raw = text.strip().removesuffix("%").strip()
    try:
        markup = Decimal(raw)
    except InvalidOperation:
        raise ProviderError(ProviderErrorCode.NOT_A_MARKUP, text=text) from None
    if not markup.is_finite() or not 0 <= markup <= MAX_MARKUP:
        raise ProviderError(ProviderErrorCode.INVALID_MARKUP)
    return markup


def cost(provider_service: ProviderService) -> Decimal:
    """The provider's rate in the panel's currency (unrounded)."""
    return provider_service.rate * provider_service.provider.exchange_rate


def resale_rate(provider_service: ProviderService, markup: Decimal) -> Decimal:
    """cost × (1 + markup%), rounded up to the money scale: never below the cost."""
    return quantize_up(cost(provider_service) * (1 + markup / 100))
