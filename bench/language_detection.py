"""Benchmark: how long detecting an emailed letter's language takes (py3langid), first call and after.

Run: .venv/bin/python bench/language_detection.py [--repeats 200]
Prints the model's load time and the per-letter time on the starter templates (30 texts, ten languages)
and how many were detected as the language they are written in; figures are recorded in
docs/benchmarks.md. Not a test: nothing here asserts a time.
"""

import argparse
import importlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")


def main() -> None:
    """Time the model load once, then every starter template REPEATS times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    repeats = parser.parse_args().repeats
    import django

    django.setup()
    from letters.languages import _identifier, detect_language

    starter = importlib.import_module("letters.migrations.0004_starter_reply_templates")
    texts = [
        (language, body.format(name="Lena", persona="PamElfa"))
        for language, templates in starter.TEMPLATES.items()
        for body in templates.values()
    ]
    started = time.perf_counter()
    _identifier()
    print(f"model load: {time.perf_counter() - started:.2f} s (once per process)")
    right = sum(detect_language(text) == language for language, text in texts)
    print(f"detected as written: {right} of {len(texts)}")
    timings = []
    for _ in range(repeats):
        for _, text in texts:
            started = time.perf_counter()
            detect_language(text)
            timings.append(time.perf_counter() - started)
    median, worst = statistics.median(timings) * 1000, max(timings) * 1000
    print(f"per letter ({len(timings)} calls, {min(len(t) for _, t in texts)}-{max(len(t) for _, t in texts)} chars):")
    print(f"  median {median:.2f} ms, worst {worst:.2f} ms")


if __name__ == "__main__":
    main()
