"""The seam against real local sockets: what a timeout or a dropped connection means."""

import socket
import threading

import pytest

from accurate import AccurateError, ErrorKind, HttpSeam


class SilentServer:
    """Accepts connections and reads the request; then answers, waits, or closes without a word."""

    def __init__(self, behaviour: str):
        self.behaviour = behaviour
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received: list[bytes] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/accurate/api/sales-invoice/save.do"

    def serve(self):
        connection, _ = self.listener.accept()
        with connection:
            connection.settimeout(2)
            data = b""
            while b"\r\n\r\n" not in data:
                data += connection.recv(65536)
            self.received.append(data)
            if self.behaviour == "answer":
                body = b'{"s": true}'
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            elif self.behaviour == "wait":
                self.done.wait(3)
            # "close": leave the with-block, closing the connection without an answer

    def close(self):
        self.done.set()
        self.listener.close()


@pytest.fixture
def server(request):
    s = SilentServer(request.param)
    yield s
    s.close()


@pytest.mark.parametrize("server", ["close"], indirect=True)
def test_a_post_dropped_after_sending_is_unclear(server):
    with pytest.raises(AccurateError) as caught:
        HttpSeam(read_timeout=2).send("POST", server.url, data={"number": "N1"})

    assert (caught.value.kind, caught.value.retryable) == (ErrorKind.unclear, True)
    assert b"POST /accurate/api/sales-invoice/save.do" in server.received[0]


@pytest.mark.parametrize("server", ["wait"], indirect=True)
def test_a_post_without_an_answer_in_time_is_unclear(server):
    with pytest.raises(AccurateError) as caught:
        HttpSeam(read_timeout=0.3).send("POST", server.url, data={"number": "N1"})

    assert caught.value.kind is ErrorKind.unclear


@pytest.mark.parametrize("server", ["wait"], indirect=True)
def test_a_get_without_an_answer_in_time_is_unavailable(server):
    with pytest.raises(AccurateError) as caught:
        HttpSeam(read_timeout=0.3).send("GET", server.url)

    assert caught.value.kind is ErrorKind.unavailable


@pytest.mark.parametrize("server", ["answer"], indirect=True)
def test_an_answer_comes_back_as_status_headers_and_text(server):
    got = HttpSeam().send("POST", server.url, data=[("a", "1")], headers={"X-Session-ID": "s"})

    assert (got.status, got.text, got.headers["Content-Length"]) == (200, '{"s": true}', "11")
    assert b"X-Session-ID: s" in server.received[0]


def test_a_post_that_could_not_connect_is_unavailable_not_unclear():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    # Nothing listens on the port any more: the connection is refused before anything is sent.

    with pytest.raises(AccurateError) as caught:
        HttpSeam(connect_timeout=1).send("POST", f"http://127.0.0.1:{port}/x")

    assert (caught.value.kind, caught.value.retryable) == (ErrorKind.unavailable, True)


def test_the_seam_wants_real_timeouts():
    with pytest.raises(ValueError):
        HttpSeam(read_timeout=0)


@pytest.mark.parametrize("server", ["close"], indirect=True)
def test_a_failure_is_logged_without_the_token_or_the_session(server, caplog):
    caplog.set_level("DEBUG", logger="accurate")

    with pytest.raises(AccurateError):
        HttpSeam().send(
            "POST", server.url + "?session=secret-session", headers={"Authorization": "Bearer secret-token"}
        )

    assert "save.do" in caplog.text
    assert "secret" not in caplog.text
