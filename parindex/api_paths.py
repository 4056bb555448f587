"""Where the open-data API lives (parindex.urls mounts reports.api there). Its answers are JSON
and the same for everyone, which the middlewares that refuse a request or skip the session
need to know from the path alone."""

API_PREFIX = "api/"


def is_api_path(path: str) -> bool:
    return path.startswith("/" + API_PREFIX)
