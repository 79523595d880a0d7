"""The HTTP server: standard library ThreadingHTTPServer, HTTP/1.1 with keep-alive."""

from __future__ import annotations

import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from accurate_sandbox.app import handle
from accurate_sandbox.config import SandboxConfig
from accurate_sandbox.http import Request, Response, json_response
from accurate_sandbox.state import Sandbox

MAX_BODY = 50 * 1024 * 1024


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sandbox: Sandbox


class SandboxHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SandboxHTTPServer

    def do_GET(self) -> None:
        self.serve()

    def do_POST(self) -> None:
        self.serve()

    def do_DELETE(self) -> None:
        self.serve()

    def do_PUT(self) -> None:
        self.serve()

    def parse_request(self) -> bool:
        # Called right after the request line is read: the moment the request arrived.
        self.arrived = time.monotonic()
        return super().parse_request()

    def read_request(self) -> Request:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("body too large")
        body = self.rfile.read(length) if length > 0 else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        query = parse_qs(url.query, keep_blank_values=True)
        return Request(self.command, url.path, query, headers, body, arrived=self.arrived)

    def serve(self) -> None:
        try:
            request = self.read_request()
        except ValueError as error:
            self.close_connection = True
            self.send(json_response({"error": str(error)}, 400))
            return
        try:
            response = handle(self.server.sandbox, request)
        except Exception as error:  # a sandbox bug must show as a 500, not as a hung connection
            self.log_error("unhandled error: %r", error)
            response = json_response({"s": False, "d": [f"Internal error: {error!r}"]}, 500)
        if response.drop:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send(response)

    def send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.sandbox.config.quiet:
            super().log_message(format, *args)


def make_server(config: SandboxConfig) -> SandboxHTTPServer:
    """Bind (port 0 picks a free one) and build the sandbox with its real base URL."""
    server = SandboxHTTPServer((config.host, config.port), SandboxHandler)
    host, port = server.server_address[:2]
    shown = "127.0.0.1" if host in {"0.0.0.0", ""} else str(host)
    server.sandbox = Sandbox.create(config, f"http://{shown}:{port}")
    return server


def serve(config: SandboxConfig) -> None:
    # Threads that only wait to read a request line get the interpreter sooner while another thread
    # saves a large bulk call (5 ms by default): arrivals are timed closer to when they came.
    sys.setswitchinterval(0.001)
    server = make_server(config)
    print(f"Accurate sandbox listening on {server.sandbox.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Accurate sandbox stopped", file=sys.stderr)
    finally:
        server.server_close()
        server.sandbox.storage.close()
