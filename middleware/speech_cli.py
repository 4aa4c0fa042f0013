"""``eldermode speak FILE_OR_URL… [--urls LIST] [--out DIR] [--list]``: pre-render pages' 朗读 audio into the cache
or files, or (``--list``) print the sentences a page's 朗读 reads."""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from eldermode.transforms.document import NotHTML
from eldermode.voices import SpeechError, check_wav
from eldermode.voices.base import RATES
from eldermode.voices.speaker import concatenate_wavs, encode
from eldermode.voices.text import speech_lang

from .command import EXIT_OK, EXIT_USAGE, CommandError, load_source, settings_from
from .services import Services
from .speech_service import article_segments, build_speaker

__all__ = ["cmd_speak", "register"]


def register(sub) -> None:
    """``eldermode speak FILE_OR_URL… [--out DIR] [--urls LIST]``: pre-render pages' audio."""
    p = sub.add_parser(
        "speak",
        help="pre-render the 朗读 audio of pages (warms the audio cache; --out also writes the files)",
        description="Synthesise every sentence the 朗读 button would read on each page, into the audio cache "
        "the server uses (cache_dir or redis_url). With --out DIR, also write DIR/<page>/NNN.<format>, "
        "DIR/<page>/index.json and the whole article as DIR/<page>.<format>.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("sources", metavar="FILE_OR_URL", nargs="*")
    p.add_argument("--urls", metavar="LIST", help="file with one page URL or path per line (cache warm-up)")
    p.add_argument("--out", metavar="DIR", help="write the audio files here too")
    p.add_argument("--rate", choices=tuple(RATES), default="normal", help="语速 (default normal)")
    p.add_argument("--format", choices=("wav", "ogg", "mp3"), default=None,
                   help="format of the files in --out (default mp3 when sox is installed, else wav)")
    p.add_argument("--lang", help="page language when the page does not say (zh or en)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--list", action="store_true",
                   help="print the sentences 朗读 reads on each page, one a line, instead of synthesising them")
    p.set_defaults(func=cmd_speak)


class _Progress:
    """A one-line progress bar on stderr (a line per page when stderr is not a terminal)."""

    def __init__(self, total_pages: int, quiet: bool):
        self.stream = sys.stderr
        self.tty = self.stream.isatty()
        self.quiet = quiet
        self.total_pages = total_pages

    def update(self, page: int, done: int, total: int, name: str) -> None:
        if self.quiet or not self.tty:
            return
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} sentences · "
                          f"page {page}/{self.total_pages} {name[:40]}\033[K")
        self.stream.flush()

    def page_done(self, page: int, total: int, name: str, seconds: float, audio_seconds: float) -> None:
        if self.quiet:
            return
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write(f"{name}: {total} sentences, {audio_seconds / 60:.1f} min of audio, {seconds:.1f} s\n")
        self.stream.flush()


def _page_sentences(source: str, services) -> tuple[list[str], str, str]:
    """(sentences, language, page path) of one page, as the page's 朗读 reads them."""
    body, content_type, path = load_source(source)
    try:
        segments, lang = article_segments(body, content_type, path, services)
    except NotHTML as exc:
        raise CommandError(f"speak: {source} is not an HTML page ({exc})") from exc
    return segments, lang, path


def _list_sentences(sources: list[str], services) -> int:
    """``--list``: each page's sentences on standard output (a ``# source`` line before each when several)."""
    empty = 0
    for number, source in enumerate(sources):
        segments, _, _ = _page_sentences(source, services)
        if len(sources) > 1:
            sys.stdout.write(("\n" if number else "") + f"# {source}\n")
        sys.stdout.write("".join(f"{text}\n" for text in segments))
        if not segments:
            print(f"{source}: no article text found", file=sys.stderr)
            empty += 1
    sys.stdout.flush()
    return EXIT_OK if not empty else 1


def cmd_speak(args) -> int:
    sources = list(args.sources)
    if args.urls:
        try:
            lines = Path(args.urls).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CommandError(f"cannot read {args.urls}: {exc.strerror or exc}") from exc
        sources += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not sources:
        raise CommandError("speak: give pages (FILE_OR_URL…) or --urls LIST", EXIT_USAGE)
    settings = settings_from(args)
    services = Services.for_command(settings)  # the proxy's kind: the sentences are those its pages read
    if args.list:
        return _list_sentences(sources, services)
    speaker = build_speaker(settings)
    if not speaker.available:
        raise CommandError(f"speak: no speech engine: {speaker.unavailable_reason}")
    file_format = args.format or ("mp3" if "mp3" in speaker.formats else "wav")
    if file_format not in speaker.formats:
        raise CommandError(f"speak: this machine cannot encode {file_format} (install sox)", EXIT_USAGE)
    # what speech.js will ask for: Ogg when the server can make it, and the WAV it is made from
    warm_formats = ("ogg",) if "ogg" in speaker.formats else ("wav",)
    out = Path(args.out) if args.out else None
    progress = _Progress(len(sources), args.quiet)
    failed = 0
    try:
        for number, source in enumerate(sources, 1):
            started = time.monotonic()
            segments, lang, path = _page_sentences(source, services)
            if args.lang and not segments:
                lang = speech_lang(args.lang)
            name = Path(path.split("?", 1)[0].rstrip("/")).stem or "index"
            if not segments:
                print(f"{name}: no article text found", file=sys.stderr)
                failed += 1
                continue
            done = 0
            wavs: list[bytes] = [b""] * len(segments)

            def render(index: int) -> int:
                for fmt in warm_formats:
                    speaker.render(segments[index], lang, args.rate, fmt)
                wavs[index] = speaker.render(segments[index], lang, args.rate, "wav")
                return index

            progress.update(number, 0, len(segments), name)
            with ThreadPoolExecutor(max_workers=2) as pool:  # the engine has two workers
                for _ in pool.map(render, range(len(segments))):
                    done += 1
                    progress.update(number, done, len(segments), name)
            audio_seconds = sum(check_wav(w).duration for w in wavs)
            if out is not None:
                folder = out / name
                folder.mkdir(parents=True, exist_ok=True)
                index = []
                for i, text in enumerate(segments):
                    data = wavs[i] if file_format == "wav" else speaker.render(text, lang, args.rate, file_format)
                    filename = f"{i + 1:03d}.{file_format}"
                    (folder / filename).write_bytes(data)
                    index.append({"n": i + 1, "text": text, "file": filename,
                                  "seconds": round(check_wav(wavs[i]).duration, 2)})
                (folder / "index.json").write_text(
                    json.dumps({"source": source, "lang": lang, "rate": args.rate, "segments": index},
                               ensure_ascii=False, indent=1),
                    encoding="utf-8",
                )
                whole = concatenate_wavs(wavs)
                if file_format != "wav":
                    whole = encode(whole, file_format)
                (out / f"{name}.{file_format}").write_bytes(whole)
            progress.page_done(number, len(segments), name, time.monotonic() - started, audio_seconds)
    except SpeechError as exc:
        raise CommandError(f"speak: synthesis failed: {exc}") from exc
    finally:
        speaker.close()
    return EXIT_OK if not failed else 1
