"""Provider URLs: http(s) only; private, loopback and link-local hosts only when allowed."""

import ipaddress
import socket

import pytest
from django.test import override_settings

from smmpanel.netpolicy import ProviderUrlError, check_provider_url, is_public


@pytest.mark.parametrize(
    "url",
    [
        "ftp://panel.example/api/v2",
        "file:///etc/passwd",
        "gopher://8.8.8.8/",
        "javascript:alert(1)",
        "//8.8.8.8/api/v2",
        "https://",
        "https://user:pw@8.8.8.8/api/v2",
        "http://[::1",
    ],
)
def test_only_plain_http_and_https_urls_are_accepted(url):
    with pytest.raises(ProviderUrlError):
        check_provider_url(url, allow_private=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/api/v2",
        "http://localhost/api/v2",
        "http://10.1.2.3/api/v2",
        "https://192.168.0.10/api/v2",
        "http://172.16.5.5/api",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/api/v2",
        "http://[fe80::1]/api",
        "http://[fd00::1]/api",
        "http://[::ffff:127.0.0.1]/api",
        "http://0.0.0.0/api",
        "http://100.64.0.1/api",
        "http://2130706433/api",
        # IPv6 forms that carry a private IPv4 address: NAT64, 6to4, IPv4-compatible, SIIT.
        "http://[64:ff9b::7f00:1]/api",
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
        "http://[2002:7f00:1::]/api",
        "http://[2002:a00:1::1]/api",
        "http://[::7f00:1]/api",
        "http://[::ffff:0:7f00:1]/api",
        "http://[::ffff:0:a9fe:a9fe]/api",
        # IPv6 whose destination can not be judged, or that is not global: local-use NAT64,
        # Teredo, site-local, RFC 9637 documentation, a multicast group.
        "http://[64:ff9b:1::808:808]/api",
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/api",
        "http://[fec0::1]/api",
        "http://[3fff::1]/api",
        "http://[ff0e::1]/api",
    ],
)
def test_private_loopback_and_link_local_hosts_are_refused(url):
    with pytest.raises(ProviderUrlError, match="SMMPANEL_ALLOW_PRIVATE_PROVIDERS"):
        check_provider_url(url, allow_private=False)


def test_public_addresses_are_accepted():
    assert check_provider_url(" https://8.8.8.8/api/v2 ", allow_private=False) == (
        "https://8.8.8.8/api/v2"
    )
    assert check_provider_url("HTTP://[2001:4860:4860::8888]/api", allow_private=False)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8: how an IPv6-only host reaches it
        ("2002:808:808::1", True),
        ("::ffff:8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("64:ff9b::7f00:1", False),
        ("64:ff9b::a00:1", False),
        ("2002:c0a8:1::", False),
        ("::7f00:1", False),
        ("::ffff:0:7f00:1", False),
        ("::", False),
        ("::1", False),
    ],
)
def test_an_ipv6_address_carrying_an_ipv4_one_is_judged_by_it(address, public):
    assert is_public(ipaddress.ip_address(address)) is public


def test_a_name_is_judged_by_every_address_it_resolves_to(monkeypatch):
    def resolve(host, port, **kwargs):
        addresses = {"mixed.example": ["8.8.8.8", "10.0.0.1"], "public.example": ["8.8.4.4"]}
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses[host]]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    assert check_provider_url("https://public.example/api/v2", allow_private=False)
    with pytest.raises(ProviderUrlError, match="10.0.0.1"):
        check_provider_url("https://mixed.example/api/v2", allow_private=False)


def test_an_unresolvable_host_is_refused(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror("no such host")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(ProviderUrlError, match="can not be resolved"):
        check_provider_url("https://nowhere.invalid/api/v2", allow_private=False)


def test_the_operator_may_allow_private_addresses():
    with override_settings(ALLOW_PRIVATE_PROVIDERS=True):
        assert check_provider_url("http://127.0.0.1:9000/api/v2")
    with override_settings(ALLOW_PRIVATE_PROVIDERS=False), pytest.raises(ProviderUrlError):
        check_provider_url("http://127.0.0.1:9000/api/v2")
