"""Audio cache and Speaker: content keys, disk atomicity/LRU/restart/corruption, single-flight, Redis."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import support

from eldermode.voices import check_wav
from eldermode.voices.cache import DiskCache, RedisCache, audio_key, frame
from eldermode.voices.espeak_cli import EspeakCLIVoice, find_espeak
from eldermode.voices.speaker import Speaker, concatenate_wavs, sox_formats

SENTENCE = "累计办理市政府12345转办案件14850件。"


class CountingVoice:
    """The real espeak-ng engine, counting its runs and holding each one a little so requests overlap."""

    name = "espeak-ng"
    audio_format = "wav"

    def __init__(self, hold: float = 0.0):
        if find_espeak() is None:
            if support.is_ci():
                pytest.fail("espeak-ng is not installed (CI=true)", pytrace=False)
            pytest.skip("espeak-ng is not installed")
        self.engine = EspeakCLIVoice()
        self.hold = hold
        self.runs = 0
        self._lock = threading.Lock()

    def synthesize(self, text: str, *, voice: str, rate: int) -> bytes:
        with self._lock:
            self.runs += 1
        time.sleep(self.hold)
        return self.engine.synthesize(text, voice=voice, rate=rate)

    def close(self) -> None:
        pass


def test_key_covers_text_voice_rate_and_format() -> None:
    base = audio_key("你好", "cmn-latn-pinyin", 165, "wav")
    assert base == audio_key("你好", "cmn-latn-pinyin", 165, "wav")
    others = {
        audio_key("你好。", "cmn-latn-pinyin", 165, "wav"),
        audio_key("你好", "en", 165, "wav"),
        audio_key("你好", "cmn-latn-pinyin", 130, "wav"),
        audio_key("你好", "cmn-latn-pinyin", 165, "ogg"),
    }
    assert base not in others and len(others) == 4


def test_speaker_keys_by_normalised_text() -> None:
    speaker = Speaker(None)
    # two spellings of one reading share one audio file
    assert speaker.prepared("2020年", "zh", "normal", "wav")[3] == speaker.prepared("２０２０年", "zh", "normal", "wav")[3]
    assert speaker.prepared("2020年", "zh", "slow", "wav")[3] != speaker.prepared("2020年", "zh", "normal", "wav")[3]


def test_disk_cache_round_trip_survives_restart(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    cache.put("ab" * 20, b"RIFF audio bytes")
    assert cache.get("ab" * 20) == b"RIFF audio bytes"
    restarted = DiskCache(tmp_path)
    assert restarted.get("ab" * 20) == b"RIFF audio bytes"
    assert restarted.total_bytes == cache.total_bytes > 0
    assert not list(tmp_path.rglob("*.tmp"))  # atomic writes leave no temp files behind


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "garbage"])
def test_corrupt_entry_is_a_miss_and_is_removed(tmp_path: Path, damage: str) -> None:
    cache = DiskCache(tmp_path)
    key = "cd" * 20
    cache.put(key, b"x" * 1000)
    path = tmp_path / key[:2] / key
    blob = bytearray(path.read_bytes())
    if damage == "flip":
        blob[-10] ^= 0xFF
    elif damage == "truncate":
        del blob[500:]
    elif damage == "empty":
        blob = bytearray()
    else:
        blob = bytearray(b"not a cache entry at all" * 10)
    path.write_bytes(bytes(blob))
    assert cache.get(key) is None
    assert not path.exists()


def test_corrupt_entry_is_rebuilt_by_the_speaker(tmp_path: Path) -> None:
    voice = CountingVoice()
    speaker = Speaker(voice, DiskCache(tmp_path))
    first = speaker.render(SENTENCE)
    key = speaker.prepared(SENTENCE, "zh", "normal", "wav")[3]
    path = tmp_path / key[:2] / key
    path.write_bytes(path.read_bytes()[:2000])  # a crash mid-copy, a bad disk
    assert speaker.render(SENTENCE) == first and voice.runs == 1  # still in this process's memory
    restarted = Speaker(voice, DiskCache(tmp_path))
    again = restarted.render(SENTENCE)
    assert voice.runs == 2
    assert again == first  # espeak-ng output is deterministic
    check_wav(again)
    assert Speaker(voice, DiskCache(tmp_path)).render(SENTENCE) == first and voice.runs == 2  # rebuilt on disk


def test_disk_cache_is_bounded_and_evicts_least_recently_used(tmp_path: Path) -> None:
    entry = len(frame(b"x" * 1000))
    cache = DiskCache(tmp_path, max_bytes=5 * entry, touch_every=0)
    keys = [f"{n:040x}" for n in range(8)]
    for key in keys:
        cache.put(key, b"x" * 1000)
        time.sleep(0.01)  # distinct mtimes
        assert cache.get(keys[0]) is not None  # keys[0] is in constant use: LRU must keep it
        time.sleep(0.01)
    assert cache.total_bytes <= 5 * entry
    on_disk = sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())
    assert on_disk == cache.total_bytes
    assert cache.get(keys[0]) is not None
    assert cache.get(keys[1]) is None
    assert cache.get(keys[-1]) is not None


def test_twenty_concurrent_requests_for_one_segment_synthesise_once(tmp_path: Path) -> None:
    voice = CountingVoice(hold=0.3)
    speaker = Speaker(voice, DiskCache(tmp_path))
    barrier = threading.Barrier(20)

    def ask(_: int) -> bytes:
        barrier.wait()
        return speaker.render(SENTENCE)

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(ask, range(20)))
    assert voice.runs == 1
    assert len(set(results)) == 1
    check_wav(results[0])


def test_cache_survives_a_speaker_restart(tmp_path: Path) -> None:
    voice = CountingVoice()
    Speaker(voice, DiskCache(tmp_path)).render(SENTENCE)
    restarted = Speaker(voice, DiskCache(tmp_path))
    restarted.render(SENTENCE)
    assert voice.runs == 1


def test_compressed_formats_by_sox(tmp_path: Path) -> None:
    if not sox_formats():
        pytest.skip("sox is not installed")
    speaker = Speaker(CountingVoice(), DiskCache(tmp_path))
    ogg = speaker.render(SENTENCE, audio_format="ogg")
    mp3 = speaker.render(SENTENCE, audio_format="mp3")
    wav = speaker.render(SENTENCE, audio_format="wav")
    assert ogg.startswith(b"OggS")
    assert mp3[:2] == b"\xff\xf3" or mp3[:3] == b"ID3" or mp3[:2] == b"\xff\xfb"
    assert len(ogg) < len(wav) / 4 and len(mp3) < len(wav) / 4
    assert speaker.voice.runs == 1  # both encodings came from the one cached WAV


def test_article_audio_is_the_segments_in_order_with_pauses(tmp_path: Path) -> None:
    speaker = Speaker(CountingVoice(), DiskCache(tmp_path))
    parts = ["第一句。", "第二句比较长一些。"]
    joined = check_wav(speaker.render_article(parts, pause=0.5))
    pieces = [check_wav(speaker.render(p)) for p in parts]
    assert joined.frames == sum(p.frames for p in pieces) + int(pieces[0].frame_rate * 0.5)
    with pytest.raises(Exception):
        concatenate_wavs([])


# ---------------------------------------------------------------- Redis


def test_redis_cache_round_trip_and_corruption(redis_url: str) -> None:
    cache = RedisCache(redis_url, prefix="t1:")
    cache.put("ef" * 20, b"audio")
    assert cache.get("ef" * 20) == b"audio"
    cache.client.set("t1:" + "ef" * 20, b"EMA1 broken")
    assert cache.get("ef" * 20) is None
    assert cache.client.get("t1:" + "ef" * 20) is None
    assert cache.get("00" * 20) is None


def test_redis_shares_audio_between_instances(redis_url: str) -> None:
    voice = CountingVoice()
    first = Speaker(voice, RedisCache(redis_url, prefix="t2:"))
    second = Speaker(voice, RedisCache(redis_url, prefix="t2:"))
    audio = first.render(SENTENCE)
    assert second.render(SENTENCE) == audio
    assert voice.runs == 1


def test_redis_instances_rendering_the_same_segment_synthesise_once(redis_url: str) -> None:
    voice = CountingVoice(hold=0.3)
    instances = [Speaker(voice, RedisCache(redis_url, prefix="t3:")) for _ in range(2)]
    barrier = threading.Barrier(10)

    def ask(n: int) -> bytes:
        barrier.wait()
        return instances[n % 2].render(SENTENCE)

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(ask, range(10)))
    assert voice.runs == 1
    assert len(set(results)) == 1


def test_in_memory_hot_set_is_bounded_and_serves_without_the_disk(tmp_path: Path) -> None:
    voice = CountingVoice()
    first = Speaker(voice, DiskCache(tmp_path)).render("第一句。")
    size = len(first)
    speaker = Speaker(voice, DiskCache(tmp_path), hot_max_bytes=2 * size + size // 2)
    for text in ("第一句。", "第二句。", "第三句。"):
        speaker.render(text)
    assert speaker._hot_bytes <= speaker.hot_max_bytes
    assert list(speaker._hot)[-1] == speaker.prepared("第三句。", "zh", "normal", "wav")[3]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            path.unlink()  # the disk is gone: recently used sentences still come from memory
    assert speaker.render("第三句。") and voice.runs == 3


def test_unreachable_redis_degrades_to_no_cache(tmp_path: Path) -> None:
    port = support.free_port()  # nothing listens there
    cache = RedisCache(f"redis://127.0.0.1:{port}/0")
    assert cache.get("ab" * 20) is None
    cache.put("ab" * 20, b"audio")  # no exception
    assert cache.claim("ab" * 20, 1.0) is True
    voice = CountingVoice()
    assert check_wav(Speaker(voice, cache).render(SENTENCE)).duration > 1


def test_a_cache_that_cannot_be_written_costs_the_cache_not_the_audio(tmp_path: Path) -> None:
    voice = CountingVoice()
    speaker = Speaker(voice, DiskCache(tmp_path), hot_max_bytes=0)
    key = speaker.prepared(SENTENCE, "zh", "normal", "wav")[3]
    (tmp_path / key[:2]).write_bytes(b"")  # a file where the entry's folder must go: every write fails
    assert check_wav(speaker.render(SENTENCE)).duration > 1
    assert check_wav(speaker.render(SENTENCE)).duration > 1
    assert voice.runs == 2  # nothing was cached, and nothing failed
