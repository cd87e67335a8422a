"""The container image, booted: every role of deploy/entrypoint.sh run from the built image
against the PostgreSQL, Redis and S3 that CI provides, with a full production configuration.

ATELIER_IMAGE names the image (`scripts/image.sh build` makes localhost/atelier:dev; .ci/run
builds it and sets the variable). Without it the module skips on a developer's machine and
fails when CI=true.

The image is not started by a container runtime. Its file system is mounted with
`podman image mount` (read-only, like a container with a read-only root file system) and its
ENTRYPOINT runs in a chroot as the image's USER, with its ENV, /proc, /dev and /sys bound in,
a fresh writable /tmp, and the host's loopback network, so the services on 127.0.0.1 and the
Bedrock double started here answer. That needs root; the mounts are always undone at the end.
One run at a time per machine (a lock file): it mounts the image and flushes a Redis database.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import IN_CI, _require

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.s3]

LOCK_FILE = Path("/tmp/atelier-container-image-test.lock")
GRACEFUL_TIMEOUT = 10  # seconds the web role gets to finish in-flight requests on SIGTERM
BUILD_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")  # scripts/image.sh's default
GUARDRAIL = "atelierimagetest"  # a guardrail the Bedrock double serves
MODEL = "stable-image-core"  # an active Bedrock model the double serves over InvokeModel


def _unavailable(message: str) -> None:
    if IN_CI:
        pytest.fail(f"{message} (CI=true: this test must run, not skip)")
    pytest.skip(message)


def _run(*command: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the image, mounted and ready to chroot into ---------------------------------------------

class Role:
    """One process of the image (a role), its output in files on the host."""

    def __init__(self, name: str, process: subprocess.Popen[bytes], log_dir: Path) -> None:
        self.name, self.process, self.log_dir = name, process, log_dir

    @property
    def stdout(self) -> str:
        return (self.log_dir / f"{self.name}.out").read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return (self.log_dir / f"{self.name}.err").read_text(errors="replace")

    def output(self) -> str:
        return f"--- {self.name} stdout ---\n{self.stdout[-6000:]}\n" \
               f"--- {self.name} stderr ---\n{self.stderr[-6000:]}"

    def running(self) -> bool:
        return self.process.poll() is None

    def terminate(self, timeout: float) -> tuple[int | None, float]:
        """SIGTERM (to tini, which hands it on), then how it exited and after how long."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            code = None
        return code, time.monotonic() - started

    def kill(self) -> None:
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


class MountedImage:
    """The image's file system under `path`, with /proc, /dev, /sys and a writable /tmp."""

    def __init__(self, image: str, tmp: Path, logs: Path) -> None:
        self.image, self.tmp, self.logs = image, tmp, logs
        config = json.loads(_run("podman", "image", "inspect", image).stdout)[0]["Config"]
        self.config = config
        self.entrypoint: list[str] = list(config.get("Entrypoint") or [])
        self.image_env = dict(item.split("=", 1) for item in config.get("Env") or [])
        self.user = config.get("User") or "0:0"
        self.path: Path | None = None
        self.mounts: list[Path] = []
        self.roles: list[Role] = []

    def __enter__(self) -> MountedImage:
        try:
            self.path = Path(_run("podman", "image", "mount", self.image).stdout.strip())
            for name in ("tmp", "dev", "sys", "proc"):  # left by a run that was killed
                if os.path.ismount(self.path / name):
                    subprocess.run(["umount", "-R", "-l", str(self.path / name)], check=True)
            for name in ("proc", "sys", "dev"):  # recursive: /dev/shm and /dev/pts come along
                self._mount("--rbind", f"/{name}", self.path / name)
                # Unmounting the copy must never propagate to the host's own mounts.
                _run("mount", "--make-rslave", str(self.path / name))
            self.tmp.chmod(0o1777)
            self._mount("--bind", str(self.tmp), self.path / "tmp")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _mount(self, how: str, source: str, target: Path) -> None:
        _run("mount", how, source, str(target))
        self.mounts.append(target)

    def close(self) -> None:
        for role in self.roles:
            role.kill()
        for target in reversed(self.mounts):
            subprocess.run(["umount", "-R", "-l", str(target)], capture_output=True)
        self.mounts.clear()
        if self.path is not None:
            subprocess.run(["podman", "image", "unmount", self.image], capture_output=True)
            self.path = None

    def userspec(self) -> str:
        user, _, group = self.user.partition(":")
        if user.isdigit() and (group.isdigit() or not group):
            return f"{user}:{group or user}"
        assert self.path is not None
        for line in (self.path / "etc" / "passwd").read_text().splitlines():
            fields = line.split(":")
            if fields[0] == user or fields[2] == user:
                return f"{fields[2]}:{group if group.isdigit() else fields[3]}"
        raise AssertionError(f"the image's USER {self.user!r} is not in its /etc/passwd")

    def command(self, *args: str, entrypoint: list[str] | None = None) -> list[str]:
        assert self.path is not None
        return ["chroot", f"--userspec={self.userspec()}", str(self.path),
                *(self.entrypoint if entrypoint is None else entrypoint), *args]

    def environment(self, env: dict[str, str]) -> dict[str, str]:
        # Only the image's ENV and what a deployment would set: nothing from this machine.
        return {**self.image_env, "TINI_SUBREAPER": "1", **env}

    def run(self, *args: str, env: dict[str, str], timeout: float = 180,
            entrypoint: list[str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(*args, entrypoint=entrypoint),
                              env=self.environment(env), capture_output=True, text=True,
                              timeout=timeout, cwd="/")

    def start(self, name: str, *args: str, env: dict[str, str]) -> Role:
        out = (self.logs / f"{name}.out").open("wb")
        err = (self.logs / f"{name}.err").open("wb")
        process = subprocess.Popen(self.command(*args), env=self.environment(env), stdout=out,
                                   stderr=err, cwd="/", start_new_session=True)
        out.close()
        err.close()
        role = Role(name, process, self.logs)
        self.roles.append(role)
        return role


@pytest.fixture(scope="module")
def image() -> str:
    name = _require("ATELIER_IMAGE", "The container image")
    if os.geteuid() != 0:
        _unavailable("booting the image needs root (mount, chroot)")
    for tool in ("podman", "chroot", "mount", "umount"):
        if shutil.which(tool) is None:
            _unavailable(f"{tool} is not installed")
    if subprocess.run(["podman", "image", "exists", name]).returncode != 0:
        pytest.fail(f"ATELIER_IMAGE={name} is not a local image (scripts/image.sh build)")
    return name


@pytest.fixture(scope="module")
def one_at_a_time() -> Iterator[None]:
    with LOCK_FILE.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="module")
def mounted(image: str, one_at_a_time: None,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[MountedImage]:
    logs = tmp_path_factory.mktemp("image-logs")
    with MountedImage(image, tmp_path_factory.mktemp("image-tmp"), logs) as root:
        yield root
        for role in root.roles:  # what each process said, for a failing run's report
            print(role.output())


# --- the services: a database, a Redis database, a bucket and the Bedrock double -------------

@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A database of its own, made and dropped with DATABASE_URL's credentials."""
    import psycopg

    url = _require("DATABASE_URL", "PostgreSQL")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        _unavailable(f"DATABASE_URL is not PostgreSQL ({parts.scheme})")
    name = f"atelier_image_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def redis_database() -> Iterator[str]:
    """REDIS_URL's server, another database number (the cache's keys are not namespaced)."""
    import redis

    url = _require("REDIS_URL", "Redis")
    parts = urlsplit(url)
    number = 13 if parts.path.strip("/") == "14" else 14
    own = urlunsplit(parts._replace(path=f"/{number}"))
    client = redis.Redis.from_url(own)
    client.flushdb()
    yield own
    client.flushdb()


@pytest.fixture(scope="module")
def bucket() -> Iterator[str]:
    from tests.helpers import temporary_bucket

    _require("AWS_ENDPOINT_URL_S3", "S3")
    with temporary_bucket("atelier-image") as name:
        yield name


@pytest.fixture(scope="module")
def bedrock_runtime() -> Iterator[Any]:
    from tests.fakes.bedrock import BedrockDouble

    double = BedrockDouble().start()
    double.guardrails.add(GUARDRAIL)  # output moderation: production refuses to run without
    try:
        yield double
    finally:
        double.stop()


@pytest.fixture(scope="module")
def production(mounted: MountedImage, database: str, redis_database: str, bucket: str,
               bedrock_runtime: Any) -> dict[str, str]:
    """A full production configuration, as a deployment would inject it."""
    from provenance.dev_ca import mint_signing_identity

    assert mounted.path is not None
    uid, gid = (int(part) for part in mounted.userspec().split(":"))
    c2pa = mounted.tmp / "c2pa"  # /tmp/c2pa inside the image
    chain, key = mint_signing_identity(c2pa)
    for path in (c2pa, chain, key):
        os.chown(path, uid, gid)
    return {
        "ATELIER_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database,
        "REDIS_URL": redis_database,
        "ATELIER_QUEUE_NAMESPACE": f"atelier-image-{uuid.uuid4().hex[:8]}",
        "ATELIER_BUCKET": bucket,
        "AWS_ENDPOINT_URL_S3": os.environ["AWS_ENDPOINT_URL_S3"],
        "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "ATELIER_PROVIDER": "bedrock",
        # The double checks the SigV4 scope, not the signature: S3's keys sign for it too.
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": bedrock_runtime.url,
        "ATELIER_GUARDRAIL_ID": GUARDRAIL,
        "ATELIER_GUARDRAIL_VERSION": "1",
        "ATELIER_C2PA_CERT_FILE": f"/tmp/c2pa/{chain.name}",
        "ATELIER_C2PA_KEY_FILE": f"/tmp/c2pa/{key.name}",
        # HTTPS hardening stays on: TLS ends at the load balancer, which says so in
        # X-Forwarded-Proto (the requests below send it, as the load balancer would).
        "ATELIER_BEHIND_PROXY": "true",
        "ALLOWED_HOSTS": "atelier.test",
        "CSRF_TRUSTED_ORIGINS": "https://atelier.test",
        "ATELIER_PUBLIC_URL": "https://atelier.test",
        "ATELIER_METRICS_TOKEN": secrets.token_urlsafe(24),
        "PORT": str(free_port()),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "GUNICORN_GRACEFUL_TIMEOUT": str(GRACEFUL_TIMEOUT),
        "ATELIER_WORKER_PROCESSES": "1",
        "ATELIER_WORKER_THREADS": "2",
        "dramatiq_prom_port": str(free_port()),
        "ATELIER_METRICS_PORT": str(free_port()),
        "LOG_LEVEL": "INFO",
    }


# --- HTTP to the web role, as the load balancer forwards it ------------------------------------

def request(port: int, method: str, path: str, body: Any = None,
            headers: dict[str, str] | None = None, timeout: float = 15
            ) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    sent = {"Host": "atelier.test", "X-Forwarded-Proto": "https", **(headers or {})}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def wait_for(predicate: Any, timeout: float, what: str, role: Role | None = None) -> float:
    """Seconds until `predicate()` is true; fails (with the role's output) after `timeout`."""
    started = time.monotonic()
    while True:
        try:
            if predicate():
                return time.monotonic() - started
        except (OSError, http.client.HTTPException):
            pass
        if role is not None and not role.running():
            pytest.fail(f"{role.name} exited ({role.process.returncode}) while waiting for "
                        f"{what}\n{role.output()}")
        if time.monotonic() - started > timeout:
            pytest.fail(f"timed out after {timeout} s waiting for {what}"
                        + (f"\n{role.output()}" if role else ""))
        time.sleep(0.2)


def json_lines(text: str) -> list[dict[str, Any]]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                lines.append(json.loads(line))
    return lines


# --- the roles ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def migrated(mounted: MountedImage, production: dict[str, str]) -> subprocess.CompletedProcess:
    return mounted.run("migrate", env=production, timeout=300)


@pytest.fixture(scope="module")
def web(mounted: MountedImage, production: dict[str, str], migrated: Any
        ) -> Iterator[dict[str, Any]]:
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    port = int(production["PORT"])
    role = mounted.start("web", "web", env=production)
    healthy = wait_for(lambda: request(port, "GET", "/healthz", timeout=2)[0] == 200, 90,
                       "/healthz", role)
    ready = wait_for(lambda: request(port, "GET", "/readyz", timeout=5)[0] == 200, 60,
                     "/readyz", role)
    print(f"web: /healthz answered {healthy:.1f} s after start, /readyz 200 after "
          f"{healthy + ready:.1f} s")
    yield {"role": role, "port": port, "ready_seconds": healthy + ready}
    role.kill()  # before its database, Redis and bucket go


@pytest.fixture(scope="module")
def worker(mounted: MountedImage, production: dict[str, str], migrated: Any) -> Iterator[Role]:
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    role = mounted.start("worker", "worker", env=production)
    yield role
    role.kill()


@pytest.fixture(scope="module")
def api_key(mounted: MountedImage, production: dict[str, str], migrated: Any) -> str:
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    result = mounted.run("manage", "create_tenant", "imagetest", "--name", "Image test",
                         env=production)
    assert result.returncode == 0, result.stdout + result.stderr
    for line in result.stdout.splitlines():
        if line.startswith("api key:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no API key in the output of create_tenant:\n{result.stdout}")


def test_the_image_runs_as_a_non_root_user_under_tini_with_its_state_under_tmp(
        mounted: MountedImage) -> None:
    assert mounted.userspec().split(":")[0] != "0", "the image's USER is root"
    assert mounted.entrypoint[:2] == ["/usr/bin/tini", "--"], mounted.entrypoint
    assert mounted.entrypoint[2:] == ["/app/deploy/entrypoint.sh"], mounted.entrypoint
    assert mounted.config.get("Cmd") == ["web"]
    assert mounted.image_env["ATELIER_VAR_DIR"].startswith("/tmp/")
    assert "SECRET_KEY" not in mounted.image_env, "a key baked into the image"
    assert mounted.path is not None
    assert not os.access(mounted.path / "app", os.W_OK), "the root file system is writable"
    for tool in ("gcc", "cc", "c++", "make", "pip", "pip3"):
        found = [d for d in ("usr/bin", "usr/local/bin", "opt/venv/bin")
                 if (mounted.path / d / tool).exists()]
        assert not found, f"{tool} is in the runtime image ({found})"
    for left_out in (".env", ".git", ".venv", "var", "tests", "node_modules"):
        assert not (mounted.path / "app" / left_out).exists(), f"/app/{left_out} is in the image"


def _certificates(path: Path) -> set[str]:
    text = path.read_text(errors="replace") if path.is_file() else ""
    return set(re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", text,
                          re.S))


def test_the_build_ca_bundle_is_not_in_the_image(mounted: MountedImage) -> None:
    """The CA bundle handed to the build (a TLS-intercepting proxy's) stays out of its layers."""
    assert mounted.path is not None
    assert not (mounted.path / "run" / "secrets" / "ca").exists()
    build_only = _certificates(BUILD_CA_BUNDLE) - _certificates(
        mounted.path / "etc" / "ssl" / "certs" / "ca-certificates.crt")
    if not build_only:
        pytest.skip("this machine's CA bundle has nothing the image's own lacks")
    for bundle in (mounted.path / "etc" / "ssl" / "certs").glob("*.crt"):
        assert not build_only & _certificates(bundle), f"a build CA is in {bundle}"


def test_the_native_wheels_load_in_the_runtime_image(mounted: MountedImage) -> None:
    code = ("import sys; sys.path.insert(0, '/app'); "
            "import numpy, psycopg, c2pa, PIL.Image, PIL.features; "
            "from cryptography.hazmat.primitives.asymmetric import ec; "
            "ec.generate_private_key(ec.SECP256R1()); "
            "assert psycopg.pq.__impl__ == 'binary', psycopg.pq.__impl__; "
            "from provenance import watermark; "
            "watermark.embed(PIL.Image.new('RGB', (128, 128)), bytes(8)); "
            "assert PIL.features.check('jpg') and PIL.features.check('webp'); print('ok')")
    result = mounted.run(env={}, entrypoint=["/opt/venv/bin/python", "-c", code])
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_migrate_runs_the_migrations_and_exits_0(migrated: subprocess.CompletedProcess
                                                  ) -> None:
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert "Read-only file system" not in migrated.stderr


def test_check_deploy_finds_nothing_in_a_full_production_configuration(
        mounted: MountedImage, production: dict[str, str], migrated: Any) -> None:
    result = mounted.run("manage", "check", "--deploy", "--fail-level", "WARNING",
                         env=production)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(("role", "missing"), [("web", "SECRET_KEY"),
                                               ("worker", "REDIS_URL"),
                                               ("migrate", "DATABASE_URL")])
def test_a_role_without_its_production_configuration_refuses_with_one_line(
        mounted: MountedImage, production: dict[str, str], role: str, missing: str) -> None:
    env = {name: value for name, value in production.items() if name != missing}
    result = mounted.run(role, env=env, timeout=60)
    assert result.returncode != 0, f"{role} started without {missing}:\n{result.stdout}"
    said = (result.stderr + result.stdout).strip()
    assert missing in said, said
    assert "Traceback" not in said, f"a traceback instead of one line:\n{said}"


def test_web_answers_healthz_and_readyz_for_the_load_balancer(web: dict[str, Any]) -> None:
    port = web["port"]
    # Probes come by the task's IP over plain HTTP: no allowed host, no X-Forwarded-Proto.
    for path in ("/healthz", "/readyz"):
        status, _, body = request(port, "GET", path,
                                  headers={"Host": "10.0.3.7:8000", "X-Forwarded-Proto": ""})
        assert status == 200, (path, body)
    status, _, body = request(port, "GET", "/healthz")
    assert json.loads(body) == {"status": "ok"}
    status, _, body = request(port, "GET", "/readyz")
    ready = json.loads(body)
    assert status == 200 and ready["status"] == "ok", ready
    assert {"database", "migrations", "redis", "storage"} <= set(ready["checks"]), ready
    assert web["ready_seconds"] < 60


def test_web_writes_one_json_access_line_per_request(web: dict[str, Any]) -> None:
    request_id = f"image-test-{uuid.uuid4().hex[:8]}"
    request(web["port"], "GET", "/healthz", headers={"X-Request-ID": request_id,
                                                     "User-Agent": 'probe "quoted"/1.0'})

    def logged() -> list[dict[str, Any]]:
        return [line for line in json_lines(web["role"].stdout)
                if line.get("event") == "http.access" and line.get("request_id") == request_id]

    wait_for(lambda: logged(), 10, "the access log line", web["role"])
    line = logged()[0]
    assert line["method"] == "GET" and line["path"] == "/healthz" and line["status"] == 200
    assert isinstance(line["duration_ms"], (int, float))
    assert line["user_agent"] == 'probe "quoted"/1.0' and line["remote_addr"] == "127.0.0.1"


def test_a_job_submitted_to_web_is_run_by_worker_and_its_image_downloads(
        web: dict[str, Any], worker: Role, api_key: str, bedrock_runtime: Any,
        production: dict[str, str]) -> None:
    port = web["port"]
    auth = {"Authorization": f"Bearer {api_key}"}
    request_id = f"image-job-{uuid.uuid4().hex[:8]}"
    status, _, body = request(port, "POST", "/api/v1/jobs",
                              {"model": MODEL, "prompt": "a ceramic teapot on linen"},
                              headers={**auth, "X-Request-ID": request_id})
    assert status == 202, body
    job_id = json.loads(body)["id"]

    def finished() -> dict[str, Any] | None:
        got = json.loads(request(port, "GET", f"/api/v1/jobs/{job_id}", headers=auth)[2])
        return got if got["status"] not in ("queued", "running") else None

    wait_for(finished, 120, f"job {job_id} to finish", worker)
    job = finished()
    assert job is not None and job["status"] == "succeeded", (job, worker.output())
    assert bedrock_runtime.requests, "the worker never called Bedrock"
    assert job["assets"], job
    url = job["assets"][0]["url"]
    parts = urlsplit(url)
    if parts.netloc in ("atelier.test", ""):  # served by the app itself
        status, _, data = request(port, "GET", urlunsplit(("", "", parts.path, parts.query, "")))
    else:  # a presigned S3 URL
        with urllib.request.urlopen(url, timeout=30) as response:
            status, data = response.status, response.read()
    assert status == 200, url
    assert data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff", data[:16]

    # The job's lines in the worker carry the request id of the API call that submitted it.
    worker_lines = [json.loads(line) for line in (worker.stdout + worker.stderr).splitlines()
                    if line.startswith("{")]
    finished_lines = [line for line in worker_lines if line.get("event") == "job.finished"
                      and line.get("job_id") == job_id]
    assert finished_lines and finished_lines[0]["request_id"] == request_id, worker.output()

    # The worker's metrics (Dramatiq's exporter) count the image and time the Bedrock call.
    with urllib.request.urlopen(
            f"http://127.0.0.1:{production['dramatiq_prom_port']}/metrics", timeout=10) as r:
        scraped = r.read().decode()
    assert f'atelier_images_total{{model="{MODEL}",outcome="approved"}}' in scraped, scraped
    assert "atelier_bedrock_latency_seconds_bucket" in scraped
    assert "dramatiq_messages_total" in scraped
    # The web role's metrics answer its token only.
    token = {"Authorization": f"Bearer {production['ATELIER_METRICS_TOKEN']}"}
    assert request(port, "GET", "/metrics")[0] == 401
    status, _, text = request(port, "GET", "/metrics", headers=token)
    assert status == 200 and b"django_http_requests_total_by_method_total" in text


def test_scheduler_stays_up_until_sigterm(mounted: MountedImage,
                                          production: dict[str, str], migrated: Any) -> None:
    scheduler = mounted.start("scheduler", "scheduler", env=production)
    time.sleep(8)
    assert scheduler.running(), scheduler.output()
    code, seconds = scheduler.terminate(timeout=30)
    assert code == 0, f"exit {code} after {seconds:.1f} s\n{scheduler.output()}"


def test_sigterm_drains_web_and_worker_within_the_graceful_timeout(
        mounted: MountedImage, production: dict[str, str], web: dict[str, Any], worker: Role,
        api_key: str, bedrock_runtime: Any) -> None:
    import psycopg

    port, role = web["port"], web["role"]
    auth = {"Authorization": f"Bearer {api_key}"}
    # A job being made when the worker is told to stop (Bedrock answers after 4 s).
    bedrock_runtime.latency = 4.0
    status, _, created = request(port, "POST", "/api/v1/jobs",
                                 {"model": MODEL, "prompt": "a wool scarf"}, headers=auth)
    assert status == 202, created
    job_id = json.loads(created)["id"]

    def job_status() -> str:
        with psycopg.connect(production["DATABASE_URL"]) as connection:
            row = connection.execute("SELECT status FROM generation_job WHERE id = %s",
                                     (job_id,)).fetchone()
        return row[0]

    wait_for(lambda: job_status() == "running", 60, "the job to start", worker)
    worker.process.send_signal(signal.SIGTERM)

    # A request in flight when the web role gets SIGTERM: its headers are in, its body not yet.
    body = json.dumps({"model": MODEL, "prompt": "a linen shirt, folded"}).encode()
    slow = socket.create_connection(("127.0.0.1", port), timeout=30)
    slow.sendall(b"POST /api/v1/jobs HTTP/1.1\r\nHost: atelier.test\r\n"
                 b"X-Forwarded-Proto: https\r\nContent-Type: application/json\r\n"
                 + f"Authorization: Bearer {api_key}\r\nContent-Length: {len(body)}\r\n"
                   "Connection: close\r\n\r\n".encode())
    time.sleep(1)
    role.process.send_signal(signal.SIGTERM)
    stopped_at = time.monotonic()
    time.sleep(1)
    slow.sendall(body)
    answer = b""
    while chunk := slow.recv(65536):
        answer += chunk
    slow.close()
    assert answer.startswith(b"HTTP/1.1 202"), answer[:500]
    code = role.process.wait(GRACEFUL_TIMEOUT + 15)
    took = time.monotonic() - stopped_at
    assert code == 0, f"web exited {code}\n{role.output()}"
    assert took < GRACEFUL_TIMEOUT + 5, f"web took {took:.1f} s to stop"

    code = worker.process.wait(60)
    bedrock_runtime.latency = 0.0
    assert code == 0, f"worker exited {code}\n{worker.output()}"
    # The job in progress was finished before the worker exited, or handed back to the queue
    # for the next worker: never lost, never failed.
    status = job_status()
    if status != "succeeded":
        successor = mounted.start("worker-2", "worker", env=production)
        wait_for(lambda: job_status() == "succeeded", 120,
                 f"the next worker to finish job {job_id} (was {status})", successor)
        successor.terminate(timeout=30)


def test_no_role_wrote_to_its_read_only_root_file_system(mounted: MountedImage) -> None:
    """Everything the roles above wrote went to /tmp: nothing failed on the read-only root."""
    assert mounted.roles, "no role ran"
    for role in mounted.roles:
        said = role.stdout + role.stderr
        assert "Read-only file system" not in said, role.output()
        assert "Traceback" not in said, role.output()
