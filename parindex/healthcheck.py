"""`python -m parindex.healthcheck`: docker-compose's check that the portal in this container
answers. It asks /healthz on 127.0.0.1 as the proxy would: with a Host the portal serves (the
first of ALLOWED_HOSTS) and X-Forwarded-Proto: https. Without them Django refuses the request
(400, DisallowedHost) or sends it to https (301); no check is turned off for it.

Nothing here imports Django: the check must be cheap and must not load the settings."""

import os
import sys
import urllib.request

HEALTHZ_URL = "http://127.0.0.1:8000/healthz"


def healthcheck_host(allowed_hosts: str) -> str:
    """A host name the portal accepts, from ALLOWED_HOSTS as written in the environment:
    ".example.gov.vn" (the domain and its subdomains) gives example.gov.vn; "*" any name."""
    for host in (item.strip() for item in allowed_hosts.split(",")):
        if host and host != "*":
            return host.lstrip(".")
    return "localhost"


def healthcheck_headers(allowed_hosts: str) -> dict[str, str]:
    return {"Host": healthcheck_host(allowed_hosts), "X-Forwarded-Proto": "https"}


def main() -> int:
    url = os.environ.get("PARINDEX_HEALTHZ_URL", HEALTHZ_URL)
    request = urllib.request.Request(
        url, headers=healthcheck_headers(os.environ.get("ALLOWED_HOSTS", ""))
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
    except OSError as exc:  # URLError and HTTPError are OSErrors: refused, 4xx/5xx, time-out
        print(f"healthz: {exc}", file=sys.stderr)
        return 1
    if response.status != 200 or body != b"ok":
        print(f"healthz: {response.status} {body[:200]!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
