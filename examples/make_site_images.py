"""Regenerates the demo site's images (examples/site/images/) — they are committed; run this only to change them.

The real site's images are replaced by small local files of the same names
and sizes, drawn here so nothing in the demo points off the machine. Needs
Pillow (``pip install pillow``) and a CJK font (Debian: fonts-noto-cjk).
``photo-50k.jpg`` is a noisy photo-like JPEG of about 50 KB for the proxy
benchmark's image case.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

IMAGES = Path(__file__).resolve().parent / "site" / "images"
CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
]
RED = (181, 18, 27)
DARK_RED = (142, 12, 19)
GOLD = (255, 214, 102)


def font(size: int) -> ImageFont.FreeTypeFont:
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    raise SystemExit("no CJK font found: apt-get install fonts-noto-cjk")


def centred_text(draw: ImageDraw.ImageDraw, box: tuple[int, int], text: str, size: int, fill) -> None:
    face = font(size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=face)
    draw.text(((box[0] - (right - left)) / 2 - left, (box[1] - (bottom - top)) / 2 - top), text, font=face, fill=fill)


def logo() -> None:
    image = Image.new("RGBA", (520, 90), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 13, 72, 77), fill=GOLD, outline=(255, 255, 255), width=3)
    draw.text((88, 12), "鄂城区人民政府", font=font(44), fill=(255, 255, 255))
    draw.text((90, 66), "EZHOU ECHENG DISTRICT PEOPLE'S GOVERNMENT", font=font(13), fill=GOLD)
    image.save(IMAGES / "logo.png", optimize=True)


def banner() -> None:
    image = Image.new("RGB", (1200, 130), RED)
    draw = ImageDraw.Draw(image)
    for x in range(0, 1200, 4):
        shade = int(40 * (1 - abs(x - 600) / 600))
        draw.line((x, 0, x, 130), fill=(181 + shade // 2, 18 + shade // 3, 27), width=4)
    for i in range(7):  # the Great-Wall-and-clouds silhouette such banners carry
        draw.arc((700 + i * 70, 60, 820 + i * 70, 180), 180, 360, fill=(205, 60, 60), width=3)
    image.save(IMAGES / "banner.jpg", quality=70, optimize=True)


def button(name: str, size: tuple[int, int], text: str, background, foreground, text_size: int) -> None:
    image = Image.new("RGB", size, background)
    centred_text(ImageDraw.Draw(image), size, text, text_size, foreground)
    if name.endswith(".gif"):
        image.convert("P", palette=Image.ADAPTIVE, colors=32).save(IMAGES / name, optimize=True)
    else:
        image.save(IMAGES / name, optimize=True)


def float_ad() -> None:
    image = Image.new("RGB", (200, 120), RED)
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 195, 115), outline=GOLD, width=2)
    centred_text(draw, (200, 80), "学习贯彻", 26, GOLD)
    draw.text((22, 74), "十九届五中全会精神", font=font(17), fill=(255, 255, 255))
    image.convert("P", palette=Image.ADAPTIVE, colors=32).save(IMAGES / "piaochuang.gif", optimize=True)


def party_mark() -> None:
    image = Image.new("RGB", (55, 65), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 2, 49, 45), fill=RED)
    centred_text(draw, (55, 47), "党", 24, GOLD)
    draw.text((3, 47), "党政机关", font=font(12), fill=RED)
    image.save(IMAGES / "dzjg.png", optimize=True)


def photo_50k() -> None:
    # Smooth gradients plus noise compress like a real photo: about 50 KB at this size and quality.
    rng = random.Random(2020)
    width, height = 480, 320
    image = Image.new("RGB", (width, height))
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            sky = y < height * 0.55
            base = (110 + y // 4, 160 + y // 6, 220) if sky else (70 + x // 12, 120 + y // 8, 60)
            noise = rng.randint(-28, 28)
            pixels[x, y] = tuple(max(0, min(255, c + noise)) for c in base)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    for quality in range(95, 20, -1):
        target = IMAGES / "photo-50k.jpg"
        image.save(target, quality=quality)
        if target.stat().st_size <= 51_200:
            break


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    logo()
    banner()
    button("search.gif", (60, 24), "搜 索", DARK_RED, (255, 255, 255), 14)
    button("share.png", (80, 24), "分享到", (240, 240, 240), (51, 51, 51), 13)
    button("jiucuo.png", (110, 55), "政府网站找错", (255, 255, 255), RED, 15)
    float_ad()
    party_mark()
    photo_50k()
    for path in sorted(IMAGES.iterdir()):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
