#!/usr/bin/env python3
"""Wall time of `gatehouse lint` over the corpus, two builds measured in the same run.

Usage: bench/paired_cli.py BASE_BINARY HEAD_BINARY [RUNS]

Runs the two binaries alternately (which goes first swaps every round, so drift on a noisy
machine falls on both), RUNS times each (default 40), from the repository root over
../shared/corpus/toolkit and ../shared/corpus/snippets, and prints the medians and the
ratio HEAD/BASE. This is the acceptance measure of issue 4 (the whole corpus, release,
wall time, process start included); `cargo bench -p gatehouse-lint` measures the linting
alone.
"""
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    base, head = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    root = Path(__file__).resolve().parent.parent
    args = ["lint", "../shared/corpus/toolkit", "../shared/corpus/snippets"]
    times = {base: [], head: []}
    for round_ in range(runs):
        order = (base, head) if round_ % 2 == 0 else (head, base)
        for binary in order:
            start = time.perf_counter()
            subprocess.run([binary, *args], cwd=root, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
            times[binary].append((time.perf_counter() - start) * 1000)
    median_base = statistics.median(times[base])
    median_head = statistics.median(times[head])
    paired = statistics.median(h / b for h, b in zip(times[head], times[base]))
    print(f"{runs} runs each: median base {median_base:.1f} ms, head {median_head:.1f} ms; "
          f"ratio of medians {median_head / median_base:.3f}; median paired ratio {paired:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
