"""The visitor's choices (mode, text size, colours…) as one frozen value with a stable key."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Mapping

__all__ = ["CHOICES", "MENU_MODES", "MODES", "REWRITTEN_MODES", "Profile"]

# The one list of modes; everything else (settings, the command line, the bars) reads it from here.
REWRITTEN_MODES = ("elder", "access")  # the modes in which a page is parsed and rewritten
MODES = ("off", *REWRITTEN_MODES)  # "off" first: the default
MENU_MODES = (*REWRITTEN_MODES, "off")  # the order the bars offer them in

# Every choice a visitor can make, and its allowed values; the first is the default.
CHOICES: dict[str, tuple[str, ...]] = {
    "mode": MODES,
    "text": ("standard", "large", "xlarge"),  # 标准 / 大 / 特大
    "contrast": ("default", "high", "yellow"),  # 默认 / 高对比 黑白 / 黄黑
    "spacing": ("normal", "wide"),  # 行距
    "cursor": ("normal", "large"),  # 大鼠标
    "guide": ("off", "on"),  # 阅读辅助线
}


@dataclass(frozen=True)
class Profile:
    """What one visitor asked for. Variants by :func:`dataclasses.replace`."""

    mode: str = "off"
    text: str = "standard"
    contrast: str = "default"
    spacing: str = "normal"
    cursor: str = "normal"
    guide: str = "off"

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in CHOICES[f.name]:
                raise ValueError(f"{f.name}={value!r}: expected one of {', '.join(CHOICES[f.name])}")

    @property
    def active(self) -> bool:
        return self.mode != "off"

    def cache_key(self) -> str:
        """A short, stable key naming this exact profile (for ETags and caches)."""
        return ".".join(str(CHOICES[f.name].index(getattr(self, f.name))) for f in fields(self))

    def to_cookie(self) -> str:
        """Cookie value: the non-default choices as ``name-value`` tokens joined by dots."""
        tokens = [self.mode]
        for f in fields(self):
            if f.name != "mode" and getattr(self, f.name) != f.default:
                tokens.append(f"{f.name}-{getattr(self, f.name)}")
        return ".".join(tokens)

    @classmethod
    def from_cookie(cls, value: str | None) -> "Profile":
        """Parse :meth:`to_cookie` output; anything unknown or invalid is ignored."""
        profile = cls()
        if not value:
            return profile
        tokens = value.strip().split(".")
        if tokens and tokens[0] in MODES:
            profile = replace(profile, mode=tokens[0])
        for token in tokens[1:]:
            name, _, choice = token.partition("-")
            if name != "mode" and choice in CHOICES.get(name, ()):
                profile = replace(profile, **{name: choice})
        return profile

    def updated(self, changes: Mapping[str, str]) -> "Profile":
        """A copy with the valid entries of ``changes`` applied; invalid ones are ignored."""
        valid = {k: v for k, v in changes.items() if v in CHOICES.get(k, ())}
        return replace(self, **valid) if valid else self
