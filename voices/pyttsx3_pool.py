"""The pyttsx3 backend: long-lived engines in spawned worker processes, with timeouts.

pyttsx3 (espeak-ng driver) is unsafe to call from a server directly; every trap
below is reproduced in shared/notes/tooling.md and answered here:

* ``runAndWait`` returns before the WAV exists → wait for ``finished-utterance``
  with ``completed=True`` and then for espeak to go idle before reading the file;
* a new engine per call never writes → one engine per process, kept alive;
* queued saves keep only the last → one ``save_to_file`` per ``runAndWait``;
* an invalid voice does not raise → the ``error`` event fails the job;
* ``fork`` after init hangs → each worker is a fresh interpreter (spawned, never forked);
* back-to-back jobs race into empty 44-byte files → the waits above, a lock,
  and a retry of an empty file; an output that is still invalid is an error;
* the run loop's end cancels "what is playing", which can truncate the next job
  → the driver's ``stop`` is disabled in workers (jobs always run to the end);
* the driver prints "Audio saved to …" → the worker's stdout goes to /dev/null;
* a worker that hangs or dies is killed and replaced; the caller gets an error.
"""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from .base import BackendUnavailable, InvalidAudio, SpeechError, SynthesisTimeout, check_wav

__all__ = ["Pyttsx3Voice", "pyttsx3_available"]

_ATTEMPTS = 3  # one job may retry an empty file twice before it is an error
_STARTUP_TIMEOUT = 60.0  # spawning imports Python afresh; slow on a loaded 2-core machine


def pyttsx3_available() -> bool:
    try:
        import pyttsx3  # noqa: F401
    except ImportError:
        return False
    from ctypes.util import find_library

    return bool(find_library("espeak-ng") or find_library("espeak"))


# --------------------------------------------------------------------------- worker process side


def _worker_main(conn: Any) -> None:  # pragma: no cover - runs in the spawned process
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # the driver prints on every save, and C code may too
    try:
        import pyttsx3
        from pyttsx3.drivers import _espeak

        engine = pyttsx3.init("espeak")
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    finished = threading.Event()
    outcome: dict[str, Any] = {}
    lock = threading.Lock()

    def on_finished(name: Any = None, completed: bool = True) -> None:
        outcome["completed"] = completed
        finished.set()

    def on_error(name: Any = None, exception: BaseException | None = None) -> None:
        outcome["error"] = f"{type(exception).__name__}: {exception}"
        finished.set()

    known_voices = _voice_names(_espeak)
    # The driver's stop() cancels whatever espeak is playing when a run loop ends. Jobs here run
    # one at a time and always to the end, so a cancel can only hit the wrong message: measured,
    # it cuts the next job's audio short (a valid but truncated WAV). Nothing here ever stops.
    engine.proxy._driver.stop = lambda: None
    engine.connect("finished-utterance", on_finished)
    engine.connect("error", on_error)
    folder = tempfile.mkdtemp(prefix="eldermode-pyttsx3-")
    conn.send(("ready", os.getpid()))
    serial = 0
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            break
        if job is None:
            break
        text, voice, rate = job
        if voice.lower() not in known_voices:
            # checked here because pyttsx3 only reports a bad voice through an event,
            # after it has already queued the save (trap 4)
            conn.send(("error", f"unknown voice {voice!r}"))
            continue
        try:
            with lock:
                data = b""
                for _attempt in range(_ATTEMPTS):
                    serial += 1
                    path = os.path.join(folder, f"{serial}.wav")
                    data = _one_job(engine, _espeak, finished, outcome, text, voice, rate, path)
                    if len(data) > 44:
                        break
            conn.send(("ok", data))
        except Exception as exc:  # noqa: BLE001 - every failure goes back as a message
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))
            break  # the engine's state is unknown now: the parent starts a fresh worker


def _voice_names(espeak: Any) -> set[str]:  # pragma: no cover - runs in the worker process
    names: set[str] = set()
    for v in espeak.ListVoices(None):
        identifier = v.identifier.decode("utf-8", "replace").lower()
        names.update({identifier, identifier.rsplit("/", 1)[-1], v.name.decode("utf-8", "replace").lower()})
        if v.languages:
            names.add(v.languages[1:].decode("utf-8", "ignore").lower())
    return names


def _one_job(engine, espeak, finished, outcome, text, voice, rate, path) -> bytes:  # pragma: no cover
    """One synthesis; ``b""`` when the engine produced no usable file (the caller retries)."""
    finished.clear()
    outcome.clear()
    engine.setProperty("voice", voice)
    engine.setProperty("rate", int(rate))
    engine.save_to_file(text, path)
    engine.runAndWait()
    if not finished.wait(30):
        raise RuntimeError("no finished-utterance event")
    if "error" in outcome:
        raise RuntimeError(outcome["error"])
    deadline = time.monotonic() + 10
    while espeak.IsPlaying() and time.monotonic() < deadline:
        time.sleep(0.002)
    if not outcome.get("completed"):
        return b""  # an utterance that did not complete is never served (the caller retries)
    try:
        with open(path, "rb") as f:
            data = f.read()
        os.unlink(path)
        check_wav(data)
    except (FileNotFoundError, InvalidAudio):
        return b""
    return data


# --------------------------------------------------------------------------- parent side


class _EngineFailed(SpeechError):
    """The worker's engine failed mid-job; the worker has exited and must be replaced."""


class _Worker:
    """One engine process: ``python -m eldermode.voices.pyttsx3_pool FD`` talking over a socket pair.

    A fresh interpreter (not ``multiprocessing`` spawn, which re-imports the
    parent's ``__main__`` and so breaks under scripts and some servers).
    """

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self) -> None:
        if self.ready:
            return
        if not self.conn.poll(_STARTUP_TIMEOUT):
            raise SynthesisTimeout("pyttsx3 worker did not start")
        kind, detail = self.conn.recv()
        if kind != "ready":
            raise BackendUnavailable(f"pyttsx3 cannot start: {detail}")
        self.ready = True

    def run(self, text: str, voice: str, rate: int, timeout: float) -> bytes:
        self.wait_ready()
        self.conn.send((text, voice, rate))
        if not self.conn.poll(timeout):
            raise SynthesisTimeout(f"pyttsx3 took longer than {timeout:.0f} s; worker {self.pid} killed")
        kind, payload = self.conn.recv()
        if kind == "failed":
            raise _EngineFailed(f"pyttsx3 failed: {payload}")
        if kind != "ok":
            raise SpeechError(f"pyttsx3: {payload}")
        return payload

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.wait(5)
        finally:
            self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
            self.process.wait(2)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(5)
        self.conn.close()


class Pyttsx3Voice:
    """A pool of ``workers`` spawned processes, each with one pyttsx3 engine.

    ``synthesize`` blocks for a free worker, runs the job with ``timeout``, and
    kills and replaces a worker that times out, dies, or answers garbage.
    """

    name = "pyttsx3"
    audio_format = "wav"

    def __init__(self, workers: int = 2, timeout: float = 20.0):
        if not pyttsx3_available():
            raise BackendUnavailable("pyttsx3 or libespeak-ng is not installed (pip install pyttsx3; apt-get install libespeak-ng1)")
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._guard = threading.Lock()
        self._closed = False
        for _ in range(max(1, workers)):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        worker = _Worker()
        with self._guard:
            self._all.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        with self._guard:
            if worker in self._all:
                self._all.remove(worker)
        worker.kill()
        return self._spawn()

    def worker_pids(self) -> list[int]:
        with self._guard:
            return [w.pid for w in self._all]

    def synthesize(self, text: str, *, voice: str, rate: int) -> bytes:
        if self._closed:
            raise SpeechError("voice is closed")
        if not text.strip():
            raise SpeechError("nothing to say")
        worker = self._idle.get()
        try:
            if not worker.alive():  # died while idle: no job lost, start a fresh one
                worker = self._replace(worker)
            try:
                data = worker.run(text, voice, int(rate), self.timeout)
            except (SynthesisTimeout, EOFError, OSError, BrokenPipeError) as exc:
                worker = self._replace(worker)
                if isinstance(exc, SynthesisTimeout):
                    raise
                raise SpeechError(f"pyttsx3 worker died: {exc!r}") from exc
            except (BackendUnavailable, _EngineFailed):
                worker = self._replace(worker)
                raise
            try:
                check_wav(data)
            except InvalidAudio:
                worker = self._replace(worker)  # an engine that wrote garbage is not trusted again
                raise
            return data
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        self._closed = True
        with self._guard:
            workers, self._all = self._all, []
        for worker in workers:
            worker.stop()

    def __del__(self) -> None:  # best effort: daemon processes also die with the parent
        try:
            if not self._closed:
                self.close()
        except Exception:  # noqa: BLE001
            pass


if __name__ == "__main__":  # pragma: no cover - the worker process entry point
    _worker_main(Connection(int(sys.argv[1])))
