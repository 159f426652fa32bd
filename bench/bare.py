"""The floor the public addresses are measured against: a bare Litestar app, one route
that answers a small JSON, served by the same server with the same settings and worker
count as the app (`python -m bench.bare`, with SERVER, HOST, PORT and WORKERS)."""

from __future__ import annotations

from litestar import Litestar, get

TARGET = "bench.bare:create_app"


@get("/hello")
async def hello() -> dict[str, str]:
    """A small JSON answer, worked out from nothing."""
    return {"hello": "world"}


def create_app() -> Litestar:
    return Litestar(route_handlers=[hello])


def main() -> None:
    from server.serving import serve
    from server.settings import get_settings

    serve(get_settings(), TARGET)


if __name__ == "__main__":
    main()
