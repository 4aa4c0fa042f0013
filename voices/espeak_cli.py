"""The espeak-ng command-line backend: one short-lived process per segment.

No shell, arguments as a list, text on stdin (so text starting with "-" is never
an option), and ``-w FILE`` for output because ``--stdout`` writes a WAV header
with placeholder sizes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from .base import BackendUnavailable, InvalidAudio, SpeechError, SynthesisTimeout, check_wav

__all__ = ["EspeakCLIVoice", "find_espeak"]


def find_espeak() -> str | None:
    return shutil.which("espeak-ng")


class EspeakCLIVoice:
    """``espeak-ng -v VOICE -s WPM -b 1 -w OUT --stdin`` per request."""

    name = "espeak-ng"
    audio_format = "wav"

    def __init__(self, executable: str | None = None, timeout: float = 20.0):
        self.executable = executable or find_espeak()
        if not self.executable:
            raise BackendUnavailable("espeak-ng is not installed (apt-get install espeak-ng)")
        self.timeout = timeout
        self._voices: frozenset[str] | None = None

    def known_voices(self) -> frozenset[str]:
        """Voice names ``-v`` accepts (language, voice and file names, lower case).

        Checked before each run because with ``--stdin`` an unknown voice is not an
        error: espeak-ng silently speaks with its default (English) voice.
        """
        if self._voices is None:
            listing = subprocess.run(
                [self.executable, "--voices"], capture_output=True, timeout=self.timeout, check=True
            ).stdout.decode("utf-8", "replace")
            names: set[str] = set()
            for line in listing.splitlines()[1:]:
                columns = line.split()
                if len(columns) >= 5:
                    language, voice_name, file_name = columns[1], columns[3], columns[4]
                    names.update({language, voice_name, file_name, file_name.rsplit("/", 1)[-1]})
            self._voices = frozenset(n.lower() for n in names)
        return self._voices

    def synthesize(self, text: str, *, voice: str, rate: int) -> bytes:
        if not text.strip():
            raise SpeechError("nothing to say")
        if voice.lower() not in self.known_voices():
            raise SpeechError(f"unknown voice {voice!r}")
        with tempfile.TemporaryDirectory(prefix="eldermode-espeak-") as folder:
            out = os.path.join(folder, "out.wav")
            args = [self.executable, "-v", voice, "-s", str(int(rate)), "-b", "1", "-w", out, "--stdin"]
            try:
                proc = subprocess.run(
                    args,
                    input=text.encode("utf-8"),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    timeout=self.timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:  # subprocess.run kills the child before raising
                raise SynthesisTimeout(f"espeak-ng took longer than {self.timeout:.0f} s") from exc
            if proc.returncode != 0:
                message = proc.stderr.decode("utf-8", "replace").strip()
                raise SpeechError(f"espeak-ng failed ({proc.returncode}): {message}")
            try:
                with open(out, "rb") as f:
                    data = f.read()
            except FileNotFoundError as exc:
                raise InvalidAudio("espeak-ng wrote no file") from exc
        check_wav(data)
        return data

    def phonemes(self, text: str, *, voice: str) -> str:
        """espeak-ng's phoneme transcription (``-x -q``): shows language switches as ``(en)``."""
        proc = subprocess.run(
            [self.executable, "-q", "-x", "-v", voice, "-b", "1", "--stdin"],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=self.timeout,
            check=True,
        )
        return proc.stdout.decode("utf-8", "replace")

    def close(self) -> None:
        pass
