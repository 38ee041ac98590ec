"""Benchmark: peak memory of one email intake for hostile messages of about 10 MB (the size limit).

Run: .venv/bin/python bench/mail_memory.py
Each message is taken by ingest_message in a fresh process (on a throwaway SQLite database), which reports
its peak resident memory (getrusage ru_maxrss), how much of that the intake added, and the peak of Python
allocations during the intake (tracemalloc, in a second run). Figures go in docs/benchmarks.md; nothing
here asserts a number.
"""

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LIMIT = 10 * 1024 * 1024 - 4096  # just under LETTERS_MAX_EMAIL_BYTES' default
HEAD = "From: Kid <kid@example.org>\r\nTo: santa@example.net\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n"


def encoded_words_subject() -> bytes:
    """One Subject of RFC 2047 encoded words filling the message (the 2.7 GB case, 36 times bigger)."""
    words = " ".join(["=?utf-8?q?a?="] * (LIMIT // 14))
    return f"{HEAD}Subject: {words}\r\nMessage-ID: <ew@example.org>\r\n\r\nx\r\n".encode()


def folded_encoded_words() -> bytes:
    """The same, folded over many lines, each line short."""
    words = "\r\n ".join(["=?utf-8?q?a?="] * (LIMIT // 16))
    return f"{HEAD}Subject: {words}\r\nMessage-ID: <fold@example.org>\r\n\r\nx\r\n".encode()


def many_headers() -> bytes:
    """Hundreds of thousands of short headers."""
    headers = "".join(f"X-H{n}: v\r\n" for n in range(LIMIT // 14))
    return f"{HEAD}{headers}Subject: many\r\nMessage-ID: <many@example.org>\r\n\r\nhello\r\n".encode()


def deep_nesting() -> bytes:
    """3,000 nested multiparts around a text part padded to the limit (RecursionError before the bounds)."""
    part = "Content-Type: text/plain\r\n\r\n" + ("deep text " * 7 + "\r\n") * ((LIMIT - 250_000) // 72)
    for level in range(3000):
        part = f"Content-Type: multipart/mixed; boundary=b{level}\r\n\r\n--b{level}\r\n{part}\r\n--b{level}--\r\n"
    return f"{HEAD}Subject: deep\r\nMessage-ID: <deep@example.org>\r\n{part}".encode()


def many_parts() -> bytes:
    """Tens of thousands of small MIME parts in one multipart."""
    part = "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDear Santa, part.\r\n"
    count = (LIMIT - 500) // len(part)
    body = part * count + "--B--\r\n"
    head = f'{HEAD}Subject: parts\r\nMessage-ID: <parts@example.org>\r\nContent-Type: multipart/mixed; boundary="B"'
    return f"{head}\r\n\r\n{body}".encode()


def headers_at_the_limits() -> bytes:
    """200 headers each with 100 encoded words (every bound just met), then a 9 MB letter."""
    words = " ".join(["=?utf-8?q?a=C3=A9?="] * 100)
    headers = "".join(f"X-Words{n}: {words}\r\n" for n in range(190))
    text = ("Dear Santa, I would like a sledge. " * 2 + "\r\n") * ((LIMIT - 600_000) // 72)
    return f"{HEAD}{headers}Subject: {words}\r\nMessage-ID: <limits@example.org>\r\n\r\n{text}".encode()


def big_letter() -> bytes:
    """A 10 MB plain-text letter in windows-1252 mislabelled us-ascii: taken, text and original stored."""
    line = "Cher Père Noël, je voudrais un traîneau rouge \u2013 merci ! ".encode("cp1252") + b"\r\n"
    body = line * ((LIMIT - 400) // len(line))
    head = f"{HEAD}Subject: big\r\nMessage-ID: <big@example.org>\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
    return head.encode() + body


def base64_attachment() -> bytes:
    """A short letter with a 7.6 MB attachment in base64."""
    import base64

    # Base64 lines carry 57 bytes in 78 characters.
    data = base64.encodebytes(os.urandom(LIMIT * 57 // 78 - 4000)).replace(b"\n", b"\r\n")
    return (
        (
            f"{HEAD}Subject: video\r\nMessage-ID: <video@example.org>\r\n"
            'Content-Type: multipart/mixed; boundary="B"\r\n'
            "\r\n--B\r\nContent-Type: text/plain\r\n\r\nOur school play!\r\n--B\r\nContent-Type: video/mp4\r\n"
            'Content-Disposition: attachment; filename="play.mp4"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        ).encode()
        + data
        + b"\r\n--B--\r\n"
    )


MESSAGES: dict[str, Callable[[], bytes]] = {
    "750,000 encoded words in one Subject": encoded_words_subject,
    "the same folded over 650,000 lines": folded_encoded_words,
    "740,000 short headers": many_headers,
    "3,000 nested multiparts": deep_nesting,
    "190,000 small parts": many_parts,
    "every bound just met, 9 MB letter": headers_at_the_limits,
    "10 MB letter, mislabelled charset": big_letter,
    "7.6 MB attachment in base64": base64_attachment,
}

CHILD = """
import json, resource, sys, time, tracemalloc
import django
django.setup()
from letters.intake import ingest_message
raw = open(sys.argv[1], "rb").read()
trace = sys.argv[2] == "trace"
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if trace:
    tracemalloc.start()
start = time.perf_counter()
intake = ingest_message(raw, origin="bench")
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
traced = tracemalloc.get_traced_memory()[1] if trace else 0
print(json.dumps({"outcome": intake.outcome, "reason": intake.reason[:90], "before_kb": before, "peak_kb": peak,
                  "traced": traced, "seconds": seconds}))
"""


def run(path: Path, database: str, mode: str) -> dict:
    """One intake of the message at PATH in a fresh process, on an emptied database (so it is new)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": database,
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run([sys.executable, "manage.py", "flush", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), mode], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{folder}/bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": database}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
        print(f"{'message':40} {'bytes':>10} {'outcome':>11} {'peak RSS':>9} {'intake':>8} {'traced':>8} {'time':>6}")
        for name, make in MESSAGES.items():
            path = Path(folder) / "message.eml"
            raw = make()
            path.write_bytes(raw)
            plain = run(path, database, "plain")
            traced = run(path, database, "trace")
            print(
                f"{name:40} {len(raw):>10,} {plain['outcome']:>11} {plain['peak_kb'] / 1024:>7.0f}MB "
                f"{(plain['peak_kb'] - plain['before_kb']) / 1024:>6.0f}MB {traced['traced'] / 2**20:>6.0f}MB "
                f"{plain['seconds']:>5.1f}s"
            )
            if plain["reason"]:
                print(f"    {plain['reason']}")


if __name__ == "__main__":
    main()
