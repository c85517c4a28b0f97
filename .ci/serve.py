#!/usr/bin/env python3
"""A tiny static server for the quality checks: serves a folder on 127.0.0.1 like a static host
would (index.html for folders, the site's 404.html for misses, gzip when the client accepts it)."""
import gzip
import http.server
import mimetypes
import os
import sys

ROOT = os.path.abspath(sys.argv[1])
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".json": "application/json",
         ".xml": "application/xml; charset=utf-8", ".svg": "image/svg+xml",
         ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8", ".webp": "image/webp",
         ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".pdf": "application/pdf"}
COMPRESS = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def resolve(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        from urllib.parse import unquote
        rel = os.path.normpath(unquote(path)).lstrip("/")
        full = os.path.join(ROOT, rel)
        if not os.path.abspath(full).startswith(ROOT):
            return None
        if os.path.isdir(full):
            if not path.endswith("/"):
                return ("redirect", path + "/")
            full = os.path.join(full, "index.html")
        return full if os.path.isfile(full) else None

    def do_GET(self, head=False):
        target = self.resolve()
        if isinstance(target, tuple):
            self.send_response(301)
            self.send_header("Location", target[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 200
        if target is None:
            status, target = 404, os.path.join(ROOT, "404.html")
            if not os.path.isfile(target):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        with open(target, "rb") as f:
            body = f.read()
        ext = os.path.splitext(target)[1].lower()
        self.send_response(status)
        self.send_header("Content-Type", TYPES.get(ext) or mimetypes.guess_type(target)[0] or "application/octet-stream")
        if ext in COMPRESS and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, 6, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        # Fingerprinted assets may be cached for good, as a host would configure them.
        name = os.path.basename(target)
        if ext != ".html" and len(name.split(".")) >= 3:
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET(head=True)


http.server.ThreadingHTTPServer.allow_reuse_address = True
http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
