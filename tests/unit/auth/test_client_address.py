"""The client's IP: X-Forwarded-For counts only when our own proxy sent it."""

from __future__ import annotations

import pytest

from salonbook.auth.client_address import client_ip, connection_peer

PROXIES = ("10.0.0.0/8", "192.0.2.7", "2001:db8:ffff::/48")

CASES: dict[str, tuple[str | None, str | None, tuple[str, ...], str | None]] = {
    # peer, X-Forwarded-For, trusted proxies -> client
    "no proxy configured": ("203.0.113.9", "198.51.100.1", (), "203.0.113.9"),
    "untrusted peer spoofing xff": ("203.0.113.9", "198.51.100.1", PROXIES, "203.0.113.9"),
    "untrusted peer, xff naming a proxy": ("203.0.113.9", "10.0.0.1", PROXIES, "203.0.113.9"),
    "trusted peer without xff": ("10.1.2.3", None, PROXIES, "10.1.2.3"),
    "trusted peer, empty xff": ("10.1.2.3", "", PROXIES, "10.1.2.3"),
    "trusted peer, one hop": ("10.1.2.3", "198.51.100.1", PROXIES, "198.51.100.1"),
    "trusted single-ip proxy": ("192.0.2.7", "198.51.100.1", PROXIES, "198.51.100.1"),
    "rightmost untrusted wins over a spoofed left": (
        "10.1.2.3", "6.6.6.6, 198.51.100.1, 10.9.9.9", PROXIES, "198.51.100.1"),
    "all hops trusted: leftmost": ("10.1.2.3", "10.0.0.5, 192.0.2.7", PROXIES, "10.0.0.5"),
    "malformed hop stops the walk": (
        "10.1.2.3", "198.51.100.1, garbage, 10.0.0.9", PROXIES, "10.0.0.9"),
    "malformed rightmost hop: the peer": ("10.1.2.3", "198.51.100.1, unknown", PROXIES, "10.1.2.3"),
    "empty hop stops the walk": ("10.1.2.3", "198.51.100.1,,10.0.0.9", PROXIES, "10.0.0.9"),
    "hop with a port is malformed": ("10.1.2.3", "198.51.100.1:443", PROXIES, "10.1.2.3"),
    "ipv6 client behind ipv6 proxy": (
        "2001:db8:ffff::1", "2001:DB8:1::abcd", PROXIES, "2001:db8:1::abcd"),
    "ipv6 peer outside the proxy network": (
        "2001:db8:1::1", "198.51.100.1", PROXIES, "2001:db8:1::1"),
    "ipv4-mapped peer is trusted as ipv4": (
        "::ffff:10.1.2.3", "198.51.100.1", PROXIES, "198.51.100.1"),
    "ipv4-mapped hop is reported as ipv4": (
        "10.1.2.3", "::ffff:198.51.100.1", PROXIES, "198.51.100.1"),
    "unknown peer": (None, "198.51.100.1", PROXIES, None),
    "peer that is not an ip": ("testclient", "198.51.100.1", PROXIES, None),
    "hops joined from several headers": (
        "10.1.2.3", " 198.51.100.1 ,203.0.113.5 , 10.2.2.2", PROXIES, "203.0.113.5"),
}  # fmt: skip


@pytest.mark.parametrize(("peer", "forwarded_for", "trusted", "client"), CASES.values(), ids=CASES)
def test_client_ip(
    peer: str | None, forwarded_for: str | None, trusted: tuple[str, ...], client: str | None
) -> None:
    assert client_ip(peer=peer, forwarded_for=forwarded_for, trusted_proxies=trusted) == client


@pytest.mark.parametrize("entry", ["10.0.0.0/33", "proxy.internal", "10.0.0.1/8/1"])
def test_trusted_proxy_entry_that_is_not_an_ip_or_network_is_refused(entry: str) -> None:
    with pytest.raises(ValueError, match="trusted proxy entry is not an IP or CIDR network"):
        client_ip(peer="10.0.0.1", forwarded_for=None, trusted_proxies=(entry,))


PEERS: dict[str, tuple[tuple[str, int] | None, str | None, str | None]] = {
    # the scope's client, X-Forwarded-For -> the peer believed
    "a real peer without xff": (("203.0.113.9", 51234), None, "203.0.113.9"),
    "a real peer with xff": (("127.0.0.1", 51234), "198.51.100.23", "127.0.0.1"),
    "a real peer named in xff without its port": (("10.0.0.1", 51234), "10.0.0.1", "10.0.0.1"),
    "rewritten from a hop without a port": (("198.51.100.23", 0), "198.51.100.23", None),
    "rewritten from a hop with a port": (("198.51.100.23", 5555), "198.51.100.23:5555", None),
    "rewritten from a signed port": (("198.51.100.23", 5555), "198.51.100.23:+5555", None),
    "rewritten from a zero-padded port": (("198.51.100.23", 5555), " 198.51.100.23:05555", None),
    "rewritten from an underscored port": (("198.51.100.23", 5555), "198.51.100.23:5_555", None),
    "a real peer, another port named": (("192.0.2.1", 5555), "192.0.2.1:5556", "192.0.2.1"),
    "a real peer, another host named": (("192.0.2.1", 5555), "192.0.2.2:5555", "192.0.2.1"),
    "rewritten from a bracketed ipv6 hop": (("2001:db8::1", 443), "[2001:db8::1]:443", None),
    "rewritten from a middle hop": (("10.0.0.1", 0), "10.0.0.1, 127.0.0.1", None),
    "rewritten from a hop that is not an ip": (("not-an-ip", 0), "not-an-ip", None),
    "no client": (None, "198.51.100.23", None),
}  # fmt: skip


@pytest.mark.parametrize(("client", "forwarded_for", "peer"), PEERS.values(), ids=PEERS)
def test_a_client_the_server_took_from_forwarded_for_is_not_the_peer(
    client: tuple[str, int] | None, forwarded_for: str | None, peer: str | None
) -> None:
    assert connection_peer(client, forwarded_for=forwarded_for) == peer
