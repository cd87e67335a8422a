"""One slot per core for a process's CPU-heavy image work.

Drawing (the local renderer), compositing, decoding and marking a model's images, and making
renditions each hold a slot while they work on pixels. They are all CPU work, so more of them
at once than there are cores is no faster; it only holds more images in memory. With one
shared set of slots a worker process holds at most one image's working memory per core,
whatever its thread count and however many provider calls it has in flight (docs/benchmarks.md,
"Worker memory"). Separate slots per stage let each stage run one per core at the same time:
measured, a worker of four threads peaked 15-25 MB higher.

A holder never waits for another slot while it holds one: the sections are leaves (pixels in,
bytes out), and none calls another.
"""

from __future__ import annotations

import os
import threading

image_work = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))
