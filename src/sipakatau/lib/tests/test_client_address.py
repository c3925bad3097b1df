"""client_address: the visitor's address, the proxy's header believed only from the proxy."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from sipakatau.lib.client_address import client_address, parse_trusted_proxies

PROXY = "10.0.0.5"


def address(remote: str, forwarded: str | None = None) -> str:
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_without_trusted_proxies_it_is_the_connection_address_and_the_header_is_ignored() -> None:
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


@override_settings(SIPAKATAU_TRUSTED_PROXIES=[PROXY])
def test_behind_the_proxy_it_is_the_address_the_proxy_forwards() -> None:
    assert address(PROXY, "203.0.113.7") == "203.0.113.7"


@override_settings(SIPAKATAU_TRUSTED_PROXIES=[PROXY])
def test_a_forged_header_from_a_client_that_bypasses_the_proxy_is_ignored() -> None:
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


@override_settings(SIPAKATAU_TRUSTED_PROXIES=[PROXY])
def test_an_address_the_client_wrote_left_of_the_proxys_is_ignored() -> None:
    # The client sent "X-Forwarded-For: 198.51.100.1"; an appending proxy added its peer.
    assert address(PROXY, "198.51.100.1, 203.0.113.7") == "203.0.113.7"


@override_settings(SIPAKATAU_TRUSTED_PROXIES=["10.0.0.0/24", "192.0.2.1"])
def test_a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop() -> None:
    # client 203.0.113.7 -> 192.0.2.1 -> 10.0.0.9 -> 10.0.0.5 (REMOTE_ADDR)
    assert address(PROXY, "198.51.100.1, 203.0.113.7, 192.0.2.1, 10.0.0.9") == "203.0.113.7"


@override_settings(SIPAKATAU_TRUSTED_PROXIES=[PROXY])
def test_several_headers_joined_by_the_server_read_as_one_chain() -> None:
    assert address(PROXY, "198.51.100.1,203.0.113.7") == "203.0.113.7"


@override_settings(SIPAKATAU_TRUSTED_PROXIES=[PROXY])
def test_without_a_header_it_is_the_proxy() -> None:
    assert address(PROXY) == PROXY
    assert address(PROXY, "") == PROXY


@override_settings(SIPAKATAU_TRUSTED_PROXIES=[PROXY])
@pytest.mark.parametrize(
    "garbage", ["unknown", "not-an-address", "203.0.113", "<script>", "1.2.3.4 5.6.7.8", ","]
)
def test_a_hop_that_is_not_an_address_stops_at_the_proxy_that_passed_it(garbage: str) -> None:
    # A made-up value per request would otherwise escape every limit.
    assert address(PROXY, garbage) == PROXY
    assert address(PROXY, f"203.0.113.7, {garbage}") == PROXY


@override_settings(SIPAKATAU_TRUSTED_PROXIES=["::1", "2001:db8:1::/48"])
def test_ipv6_proxies_and_clients() -> None:
    assert address("::1", "2001:db8:ffff::42") == "2001:db8:ffff::42"
    assert address("::1", "2001:db8:ffff::42, 2001:db8:1::7") == "2001:db8:ffff::42"
    assert address("2001:db8:1::9", "[2001:db8:ffff::42]:51234") == "2001:db8:ffff::42"
    # Written in full, it is still one visitor.
    assert address("::1", "2001:0db8:ffff:0000:0000:0000:0000:0042") == "2001:db8:ffff::42"
    assert address("2001:db8:2::1", "198.51.100.1") == "2001:db8:2::1"


@override_settings(SIPAKATAU_TRUSTED_PROXIES=["127.0.0.1"])
def test_an_ipv4_address_written_the_ipv6_way_is_the_ipv4_address() -> None:
    assert address("::ffff:127.0.0.1", "::ffff:203.0.113.7") == "203.0.113.7"
    assert address("127.0.0.1", "203.0.113.7:4431") == "203.0.113.7"


@override_settings(SIPAKATAU_TRUSTED_PROXIES=[PROXY])
def test_a_missing_or_odd_connection_address_is_kept_as_it_is() -> None:
    assert address("", "203.0.113.7") == ""
    assert address("unix:/run/sock", "203.0.113.7") == "unix:/run/sock"


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"'proxy\.local' is not an IP address"):
        parse_trusted_proxies(["127.0.0.1", "proxy.local"], setting="SIPAKATAU_TRUSTED_PROXIES")
    assert [str(n) for n in parse_trusted_proxies(["10.1.2.3/8", "::1"], setting="x")] == [
        "10.0.0.0/8",
        "::1/128",
    ]


@override_settings(SIPAKATAU_TRUSTED_PROXIES=[PROXY])
def test_axes_reads_the_same_address() -> None:
    from axes.helpers import get_client_ip_address

    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert get_client_ip_address(request) == "203.0.113.7"
