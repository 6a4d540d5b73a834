"""Tell Streamlit's front end where the server is, so a page address opens without a failed try.

Opened at a page's own address (``/funding``, a bookmark, a reload, every link of the app),
Streamlit's front end first guesses that the app lives under that path: it asks
``/funding/_stcore/health``, gets a 404, waits and asks ``/_stcore/health`` (streamlit/streamlit
#7074). The wait is 0.1–0.15 s of every visit that is not of the landing page (bench/run.py
--only browser: a quarter of the time a bare Streamlit page takes to draw). The front end skips
the guess when the page defines ``window.__streamlit.BACKEND_BASE_URL``; this middleware writes
that one line into the HTML page Streamlit serves, with the server's own base path.
"""

from __future__ import annotations

from streamlit import config

# Paths that never answer with the HTML page: Streamlit's own endpoints and files.
_NOT_HTML = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/", "/auth/", "/oauth2callback")


def _script(base_path: str) -> bytes:
    base = f"/{base_path.strip('/')}/" if base_path.strip("/") else "/"
    # Object.assign keeps anything a host page set before; location.origin keeps the scheme and
    # host the reader used (a proxy in front of the server included).
    return (f'<script>window.__streamlit=Object.assign({{BACKEND_BASE_URL:location.origin+"{base}"}},'
            'window.__streamlit||{})</script>').encode()


class BackendBaseUrl:
    """ASGI middleware: the HTML page Streamlit serves gets the script above in its <head>."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        last = path.rsplit("/", 1)[-1]
        if scope["type"] != "http" or scope.get("method") != "GET" or "." in last \
                or any(part in path for part in _NOT_HTML):
            await self.app(scope, receive, send)
            return
        # the page is small: read it uncompressed so that it can be changed
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]}
        start: dict = {}
        body = bytearray()

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            headers = list(start.get("headers", []))
            content = bytes(body)
            is_html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
            if is_html and b"<head>" in content:
                script = _script(config.get_option("server.baseUrlPath"))
                content = content.replace(b"<head>", b"<head>" + script, 1)
                headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(content)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": content})

        await self.app(scope, receive, capture)
