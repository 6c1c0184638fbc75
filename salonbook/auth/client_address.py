"""The caller's IP address, trusting X-Forwarded-For only when it comes from our own proxies."""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def _networks(trusted_proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """Trusted proxies as networks; a bare IP is a network of one address."""
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted_proxies)
    except ValueError as error:
        raise ValueError(f"trusted proxy entry is not an IP or CIDR network: {error}") from None


@lru_cache(maxsize=1024)  # a client's address comes with each of its requests
def _address(text: str | None) -> IPAddress | None:
    """An IP address, or None when the text is not one; IPv4-mapped IPv6 becomes IPv4."""
    if text is None:
        return None
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(
    *, peer: str | None, forwarded_for: str | None, trusted_proxies: tuple[str, ...]
) -> str | None:
    """The address of the client: the peer, or the hop a trusted proxy says it forwarded for.

    `forwarded_for` is the X-Forwarded-For value (several headers joined with ","); it counts
    only when the peer itself is a trusted proxy. Walking it from the right, trusted hops are
    skipped and the first untrusted one is the client; a malformed entry ends the walk at the
    last good hop. None when the peer is unknown or not an IP address.
    """
    peer_address = _address(peer)
    if peer_address is None:
        return None
    networks = _networks(trusted_proxies)
    client = peer_address
    if not _is_trusted(client, networks) or not forwarded_for:
        return str(client)
    for hop_text in reversed(forwarded_for.split(",")):
        hop = _address(hop_text)
        if hop is None:
            break
        client = hop
        if not _is_trusted(hop, networks):
            break
    return str(client)


_log = logging.getLogger("salonbook.client_address")
_warned = False


def connection_peer(client: tuple[str, int] | None, *, forwarded_for: str | None) -> str | None:
    """The peer of the connection as the ASGI server reports it, or None when the server has
    already replaced it with a hop of X-Forwarded-For.

    Plain `uvicorn --factory` (without `--no-proxy-headers`) wraps the app in its
    ProxyHeadersMiddleware, which believes X-Forwarded-For from loopback (or whatever
    FORWARDED_ALLOW_IPS names) and overwrites the scope's client before the app runs, so
    SALONBOOK_TRUSTED_PROXIES would be judging an address the client chose. The original peer
    cannot be read back from the scope, so a rewritten one is detected from what the rewrite
    leaves behind and disbelieved: uvicorn gives a hop without a port the port 0, which no TCP
    peer has, and a hop `host:port` exactly that pair, which a real peer could only match by
    naming its own ephemeral port. Both are recognisable without uvicorn's internals (the
    header is still there), and the audit then records no address rather than a forged one.
    `salonbook serve` runs uvicorn with proxy headers off, so this never fires there.
    """
    if client is None:
        return None
    host, port = client[0], client[1]
    if forwarded_for and _taken_from_forwarded_for(host, port, forwarded_for):
        _warn_once()
        return None
    return host


def _taken_from_forwarded_for(host: str, port: int, forwarded_for: str) -> bool:
    if port == 0:
        return True
    return any(_names(hop.strip(), host, port) for hop in forwarded_for.split(","))


def _names(hop: str, host: str, port: int) -> bool:
    """Whether the hop is `host:port` (or `[host]:port`), its port read with int() as the
    server reads it: `+5555`, `05555` and `5_555` are all 5555."""
    if hop.startswith("["):
        hop_host, _, rest = hop[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif hop.count(":") == 1:
        hop_host, _, port_text = hop.partition(":")
    else:
        return False
    if hop_host != host:
        return False
    try:
        return int(port_text) == port
    except ValueError:
        return False


def _warn_once() -> None:
    global _warned
    if not _warned:
        _warned = True
        _log.warning(
            "the server in front rewrote the client address from X-Forwarded-For, so client "
            "addresses are not recorded; run uvicorn with --no-proxy-headers (salonbook serve "
            "does) and name your proxies in SALONBOOK_TRUSTED_PROXIES"
        )
