"""A TCP proxy on loopback that forwards, refuses or hangs, to put a real server through an outage in tests."""

import select
import socket
import struct
import threading
import time

from tests.processes import free_port


class TcpProxy:
    """Forwards 127.0.0.1:`port` to a target port until told to refuse connections or to hang them.

    refuse(): the port stops listening (new connections are refused) and open connections are reset.
    hang(): connections are accepted and kept, but no byte moves in either direction: a server that stalls.
    forward(): back to normal; connections held during a hang carry on where they were.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.mode = "forward"
        self.accepted = 0
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> "TcpProxy":
        """Start listening and forwarding."""
        self._listen()
        return self

    def forward(self) -> None:
        """Forward again, listening if refuse() stopped it."""
        self.mode = "forward"
        if self._listener is None:
            self._listen()

    def hang(self) -> None:
        """Keep every connection, old and new, open and silent."""
        self.mode = "hang"
        if self._listener is None:
            self._listen()

    def refuse(self) -> None:
        """Refuse new connections and reset the open ones, as a database that went down does."""
        self.mode = "refuse"
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self._reset_all()

    def close(self) -> None:
        """Stop everything."""
        self._closed = True
        self.refuse()

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # While refusing, a client retrying a connection to this loopback port can be given the port itself as
        # its own (TCP's self-connect) and hold it until it gives up: wait for it, boundedly.
        deadline = time.monotonic() + 10
        while True:
            try:
                listener.bind(("127.0.0.1", self.port))
                break
            except OSError:
                if time.monotonic() > deadline:
                    listener.close()
                    raise
                time.sleep(0.1)
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while not self._closed:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            self.accepted += 1
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        """Move bytes both ways while forwarding; while hanging, read nothing and send nothing."""
        peers = {client: upstream, upstream: client}
        try:
            while not self._closed:
                if self.mode == "hang":
                    time.sleep(0.05)
                    continue
                if self.mode == "refuse":
                    return
                readable, _writable, _errors = select.select(list(peers), [], [], 0.1)
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    peers[source].sendall(data)
        except OSError:
            return
        finally:
            for sock in peers:
                sock.close()

    def _reset_all(self) -> None:
        with self._lock:
            open_sockets, self._open = self._open, []
        for sock in open_sockets:
            try:
                # Linger 0: close with a reset, as when the server's host goes away.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()
            except OSError:
                pass
