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


def floor_rate(provider_service: ProviderService) -> Decimal:
    """The least the service may sell for: cost × (1 + the provider's minimum margin%)."""
    margin = Decimal(provider_service.provider.min_margin)
    return quantize_up(cost(provider_service) * (1 + margin / 100))


def guarded_rate(provider_service: ProviderService, markup: Decimal) -> Decimal:
    """The resale rate with `markup`, never below the provider's floor (`floor_rate`)."""
    return max(resale_rate(provider_service, markup), floor_rate(provider_service))


def rose_too_much(provider_service: ProviderService, old_rate: Decimal | None) -> bool:
    """Whether the provider's rate rose from `old_rate` by more than its `rise_limit` percent
    (never when it sets none)."""
    limit = provider_service.provider.rise_limit
    if limit is None or old_rate is None or old_rate <= 0:
        return False
    return provider_service.rate > old_rate * (1 + Decimal(limit) / 100)
