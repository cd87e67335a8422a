"""Upload memory: how much the web server's resident memory grows while it refuses a 400 MB
upload and while it takes ten uploads of images at the caps at once.

Starts gunicorn (`config.wsgi`, gthread workers: 2 processes x 5 threads by default, so ten
requests run at once) on a free 127.0.0.1 port, with SQLite, files on disk and the in-process
queue under a temporary ATELIER_VAR_DIR (no other service needed), makes a tenant and an API
key, then for each case starts a fresh server, warms it up (ten small uploads at once, five
times), resets each worker process's peak RSS (VmHWM, by writing 5 to /proc/<pid>/clear_refs;
where that is refused, VmRSS is sampled every 2 ms instead) and reads it after the case:

- baseline: ten small uploads at once (a 64x48 PNG each): the noise floor of the same run;
- a 400 MB upload announced by Content-Length (multipart, the body streamed from a generator,
  never built in memory): refused (413) before its body is read;
- a 400 MB chunked upload (no Content-Length): spooled, cut off at the body limit, 413;
- ten uploads at once of images at the caps (7744x5164 = 40 MP, just under 10 MiB): baseline
  JPEGs (decoded at 1/8), PNGs (checked a piece at a time), progressive JPEGs and WebPs (which
  can only be decoded whole: they share a per-process pixel budget), each of the last two
  also alone, for the per-process bound.

Growth = the sum over the worker processes of (peak RSS during the case - RSS before it): an
upper bound, since the processes' peaks need not coincide.

Targets: a 400 MB upload (either way) grows the server by at most 16 MB (none of the body may
be held: 64 KiB at a time, the allocator's noise on top); ten JPEGs or ten PNGs at the caps by
at most 100 MB together (the image stays in its temporary file; a 40 MP image decoded whole is
120-160 MB, ten of them well over 1 GB); ten progressive JPEGs or WebPs by at most what one
costs per worker process, +25 % (one whole decode at a time per process).

    .venv/bin/python benchmarks/upload_memory.py [--workers 2 --threads 5 --clients 10]

Everything it starts is stopped, and its directory removed, even on Ctrl-C.
"""

from __future__ import annotations

import argparse
import io
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import (  # noqa: E402
    HOST,
    add_json_out,
    children,
    emit,
    free_port,
    row,
    server_environment,
    status_mb,
)

NAME = "upload memory"
BIG_BYTES = 400 * 1024 * 1024
PIECE = 64 * 1024  # what the client sends at a time
CAP_BYTES = 10 * 1024 * 1024  # ATELIER_UPLOAD_MAX_BYTES
CAP_SIZE = (7744, 5164)  # 39,990,016 pixels: just under ATELIER_UPLOAD_MAX_PIXELS
BIG_TARGET_MB = 16.0
CAP_TARGET_MB = 100.0
BOUNDARY = "atelierbenchboundary"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=5, help="threads per gthread worker")
    parser.add_argument("--clients", type=int, default=10, help="uploads at once")
    add_json_out(parser)
    return parser.parse_args()


# --- the server ---------------------------------------------------------------------------------

@contextmanager
def gunicorn(args: argparse.Namespace, env: dict[str, str], port: int, log: Path
             ) -> Iterator[list[int]]:
    """gunicorn in its own process group; its worker processes' pids once all answer."""
    command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
               "--bind", f"{HOST}:{port}", "--workers", str(args.workers),
               "--worker-class", "gthread", "--threads", str(args.threads),
               "--keep-alive", "30", "--log-level", "warning", "--timeout", "120"]
    with log.open("ab") as handle:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(children(process.pid)) < args.workers or not answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log}")
            time.sleep(0.2)
        yield children(process.pid)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def answers(port: int) -> bool:
    with suppress(OSError), socket.create_connection((HOST, port), timeout=2) as sock:
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"
                     .encode())
        return sock.recv(64).startswith(b"HTTP/1.1 200")
    return False


class Peaks:
    """Each worker's peak RSS over a stretch of time, from the kernel's high-water mark reset
    at the start (or, where that is refused, VmRSS sampled every 2 ms)."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.before = {pid: status_mb(pid, "VmRSS") for pid in pids}
        self.sampled = dict(self.before)
        self.reset = True
        for pid in pids:
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                self.reset = False
        self.stopping = threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()

    def _sample(self) -> None:
        while not self.stopping.wait(0.002):
            for pid in self.pids:
                with suppress(OSError):
                    self.sampled[pid] = max(self.sampled[pid], status_mb(pid, "VmRSS"))

    def growth(self) -> float:
        self.stopping.set()
        self.sampler.join()
        total = 0.0
        for pid in self.pids:
            peak = self.sampled[pid]
            if self.reset:
                peak = max(peak, status_mb(pid, "VmHWM"))
            total += max(0.0, peak - self.before[pid])
        return total


# --- the client -----------------------------------------------------------------------------

def multipart(data: Iterable[bytes], name: str, content_type: str) -> Iterator[bytes]:
    yield (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
           f"filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n").encode()
    yield from data
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def multipart_length(file_bytes: int, name: str, content_type: str) -> int:
    return sum(map(len, multipart([], name, content_type))) + file_bytes


def zeros(total: int) -> Iterator[bytes]:
    """`total` bytes in PIECE-sized pieces (one buffer, sent again and again)."""
    piece = bytes(PIECE)
    for start in range(0, total, PIECE):
        yield piece[:min(PIECE, total - start)]


def pieces(data: bytes) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(data), PIECE):
        yield bytes(view[start:start + PIECE])


@dataclass
class Sent:
    status: int  # 0: no answer (the connection was reset before one came)
    body_bytes: int  # how much of the body went out before the answer


def post(port: int, secret: str, body: Iterable[bytes], length: int | None) -> Sent:
    """POST /api/v1/uploads with `body` (Content-Length `length`, or chunked if None),
    stopping as soon as the server answers (a refusal may come before the body)."""
    sock = socket.create_connection((HOST, port), timeout=120)
    framing = (f"Content-Length: {length}" if length is not None
               else "Transfer-Encoding: chunked")
    sock.sendall((f"POST /api/v1/uploads HTTP/1.1\r\nHost: {HOST}\r\n"
                  f"Authorization: Bearer {secret}\r\nConnection: close\r\n"
                  f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                  f"{framing}\r\n\r\n").encode())
    sent = 0
    try:
        for piece in body:
            if select.select([sock], [], [], 0)[0]:
                break  # answered: stop sending
            sock.sendall(piece if length is not None
                         else b"%x\r\n%s\r\n" % (len(piece), piece))
            sent += len(piece)
        else:
            if length is None:
                sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        head = sock.recv(64)
    except (ConnectionResetError, TimeoutError):
        head = b""
    finally:
        sock.close()
    parts = head.split(b" ", 2)
    return Sent(int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0, sent)


def at_once(count: int, send: Callable[[int], Sent]) -> list[Sent]:
    results: list[Sent | None] = [None] * count
    start = threading.Barrier(count)

    def run(index: int) -> None:
        start.wait()
        results[index] = send(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [result or Sent(0, 0) for result in results]


# --- images ---------------------------------------------------------------------------------

def small_png(index: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (index, 20, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def capped_images(fmt: str, count: int, **options: Any) -> list[bytes]:
    """`count` images of CAP_SIZE pixels, each just under CAP_BYTES as `fmt`: gradients with
    as much noise as the size allows, each with bytes of its own (uploads are deduplicated by
    hash): a JPEG comment, a PNG text chunk read with the header, a WebP encoded again."""
    from PIL import Image

    width, height = CAP_SIZE
    ramp = Image.linear_gradient("L").resize(CAP_SIZE)
    base = Image.merge("RGB", (ramp, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                               ramp.transpose(Image.Transpose.FLIP_TOP_BOTTOM)))
    if fmt in ("JPEG", "WEBP"):
        photo = Image.blend(base, Image.effect_noise(CAP_SIZE, 20).convert("RGB"), 0.3)
        quality, data = 95, b""
        for quality in range(95, 40, -3):
            try:
                data = encode(photo, fmt, quality=quality, **options)
            except ValueError:  # libwebp: the first partition is over 512 KiB at this quality
                continue
            if len(data) <= CAP_BYTES - 64:
                break
        if fmt == "WEBP":
            found = [data]
            for index in range(1, count):
                photo.putpixel((index, 0), (index, index, index))
                found.append(encode(photo, fmt, quality=quality, **options))
            return found
        return [data[:2] + b"\xff\xfe" + struct.pack(">H", 2 + 8) + b"copy%04d" % index
                + data[2:] for index in range(count)]  # a COM segment after SOI
    rows, data = 400, b""
    for _ in range(8):  # as many noisy rows as fit under the cap
        image = base.copy()
        image.paste(Image.effect_noise((width, rows), 50).convert("RGB"), (0, 0))
        data = encode(image, "PNG")
        if CAP_BYTES * 0.93 <= len(data) <= CAP_BYTES - 64 or rows >= height:
            break
        rows = min(height, int(rows * CAP_BYTES * 0.96 / len(data)))
    while len(data) > CAP_BYTES - 64:
        rows -= 20
        image = base.copy()
        image.paste(Image.effect_noise((width, rows), 50).convert("RGB"), (0, 0))
        data = encode(image, "PNG")
    return [data[:33] + png_chunk(b"tEXt", b"Comment\x00copy%04d" % index) + data[33:]
            for index in range(count)]  # a text chunk after IHDR, read with the header


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))


def encode(image: Any, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


# --- the cases ----------------------------------------------------------------------------------

@dataclass
class Case:
    """One measured case: what it sends, the answer every request must get, and its target
    (MB of growth, given every case's growth by name; None: measured, no target)."""

    name: str
    run: Callable[[int, str], list[Sent]]
    status: int
    target: Callable[[dict[str, float]], float] | None = None
    why: str = ""
    results: list[Sent] = field(default_factory=list)
    growth_mb: float = 0.0

    def codes(self) -> str:
        counts: dict[int, int] = {}
        for sent in self.results:
            counts[sent.status] = counts.get(sent.status, 0) + 1
        return ", ".join(f"{n} x {code}" if n > 1 else str(code)
                         for code, n in sorted(counts.items()))


def small(count: int) -> Callable[[int, str], list[Sent]]:
    def run(port: int, secret: str) -> list[Sent]:
        def send(index: int) -> Sent:
            data = small_png(index)
            return post(port, secret, multipart([data], "small.png", "image/png"),
                        multipart_length(len(data), "small.png", "image/png"))
        return at_once(count, send)
    return run


def big(announced: bool) -> Callable[[int, str], list[Sent]]:
    def run(port: int, secret: str) -> list[Sent]:
        body = multipart(zeros(BIG_BYTES), "big.png", "image/png")
        length = multipart_length(BIG_BYTES, "big.png", "image/png") if announced else None
        return [post(port, secret, body, length)]
    return run


def capped(images: list[bytes], content_type: str) -> Callable[[int, str], list[Sent]]:
    def run(port: int, secret: str) -> list[Sent]:
        def send(index: int) -> Sent:
            data = images[index]
            return post(port, secret, multipart(pieces(data), "capped", content_type),
                        multipart_length(len(data), "capped", content_type))
        return at_once(len(images), send)
    return run


def cases(args: argparse.Namespace) -> list[Case]:
    count = args.clients
    print("making the images at the caps ...", flush=True)
    jpegs = capped_images("JPEG", count)
    progressive = capped_images("JPEG", count, progressive=True)
    pngs = capped_images("PNG", count)
    webps = capped_images("WEBP", count, method=0)
    print(f"{CAP_SIZE[0]}x{CAP_SIZE[1]} pixels: JPEG {len(jpegs[0]):,} bytes, progressive "
          f"{len(progressive[0]):,}, PNG {len(pngs[0]):,}, WebP {len(webps[0]):,}; gunicorn "
          f"{args.workers} x {args.threads} threads", flush=True)
    whole = (f"at most one whole decode at a time per process: {args.workers} x the one "
             "above, +25 %")
    return [
        Case(f"{count} small uploads at once (baseline)", small(count), 201),
        Case("400 MB upload, Content-Length", big(announced=True), 413,
             lambda _: BIG_TARGET_MB, "none of the body in memory"),
        Case("400 MB upload, chunked", big(announced=False), 413,
             lambda _: BIG_TARGET_MB, "none of the body in memory"),
        Case(f"{count} JPEGs at the caps at once", capped(jpegs, "image/jpeg"), 201,
             lambda _: CAP_TARGET_MB, "decoded at 1/8"),
        Case(f"{count} PNGs at the caps at once", capped(pngs, "image/png"), 201,
             lambda _: CAP_TARGET_MB, "checked a piece at a time"),
        Case("1 progressive JPEG at the caps", capped(progressive[:1], "image/jpeg"), 201),
        Case(f"{count} progressive JPEGs at the caps at once",
             capped(progressive, "image/jpeg"), 201,
             lambda got: args.workers * got["1 progressive JPEG at the caps"] * 1.25, whole),
        Case("1 WebP at the caps", capped(webps[:1], "image/webp"), 201),
        Case(f"{count} WebPs at the caps at once", capped(webps, "image/webp"), 201,
             lambda got: args.workers * got["1 WebP at the caps"] * 1.25, whole),
    ]


def measure(args: argparse.Namespace, env: dict[str, str], log: Path, secret: str,
            case: Case) -> None:
    port = free_port()
    with gunicorn(args, env, port, log) as workers:
        warm = small(args.clients)
        for _ in range(5):  # until every thread of every worker has served uploads
            warm(port, secret)
        peaks = Peaks(workers)
        case.results = case.run(port, secret)
        case.growth_mb = peaks.growth()
        how = "VmHWM" if peaks.reset else "VmRSS sampled"
    print(f"{case.name:<44} {case.growth_mb:>8.1f} MB  ({how})  answers: {case.codes()}",
          flush=True)


def main() -> int:
    args = arguments()
    var_dir = tempfile.mkdtemp(prefix="atelier-bench-")
    env = server_environment(var_dir)
    log = Path(var_dir) / "gunicorn.log"
    try:
        done = subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode:
            raise RuntimeError(f"migrate failed:\n{done.stdout}\n{done.stderr}")
        os.environ.update(env)
        import django

        django.setup()
        from tenants.services import create_tenant

        made = create_tenant(f"bench-{uuid.uuid4().hex[:8]}", name="Upload memory benchmark")
        made.key.api_key.rate_limit_per_minute = 10_000_000
        made.key.api_key.save(update_fields=["rate_limit_per_minute"])
        measured = cases(args)
        print(f"{'case':<44} {'RSS growth':>11}", flush=True)
        for case in measured:
            measure(args, env, log, made.key.secret, case)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    growth = {case.name: case.growth_mb for case in measured}
    rows, met_all = [], True
    for case in measured:
        answered = all(sent.status == case.status for sent in case.results)
        met_all = met_all and answered
        label = f"{case.name}, peak RSS growth (answers: {case.codes()})"
        if case.target is None:
            rows.append(row(NAME, label, case.growth_mb, "MB", f"all {case.status}",
                            None if answered else False))
        else:
            target = case.target(growth)
            met = case.growth_mb <= target and answered
            met_all = met_all and met
            rows.append(row(NAME, label, case.growth_mb, "MB",
                            f"<= {target:.0f} MB ({case.why}), all {case.status}", met))
    print(f"(body bytes sent before the 413: {measured[1].results[0].body_bytes:,} with a "
          f"Content-Length, {measured[2].results[0].body_bytes:,} chunked)")
    emit(args.json_out, rows)
    return 0 if met_all else 1


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
