"""What a county office's scanner or phone does to a printed page.

Applied to a drawn page (:class:`.draw.Page`) in this order, as on a desk: a red seal (公章) stamped
over the lower-right cells of the table, a signature written after 单位负责人:, then the paper (white,
grey or yellowed, a little mottled), then either a flatbed scan (a skew of up to ±2°, sensor noise, a
slight blur) or a phone photograph (perspective, uneven light, blur, the desk at the edges). The page
is stored as JPEG (quality 40–80) by the caller. Every choice comes from one seeded ``random.Random``,
so a filing's scan is the same on every run.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from .draw import Page, font

PAPERS = {"white": (252, 252, 250), "grey": (226, 226, 222), "yellowed": (243, 233, 200)}
SEAL_RED = (205, 32, 38)
PEN_INKS = ((28, 38, 112), (20, 24, 58), (38, 50, 140))  # blue-black ballpoint and gel inks
SEAL_MM = 21.0  # radius of a 公章 (42 mm across)


@dataclass(frozen=True)
class ScanSettings:
    """How one filing is scanned: chosen once per filing, the same on every page."""

    dpi: int
    angle: float  # degrees, counter-clockwise
    paper: str
    quality: int  # JPEG
    photographed: bool
    noise: float  # sensor noise, grey levels (sigma)
    signature_over_table: bool  # the signature's strokes run into the table's last row

    def as_dict(self) -> dict:
        return {"dpi": self.dpi, "angle": self.angle, "paper": self.paper, "jpeg_quality": self.quality,
                "photographed": self.photographed, "noise_sigma": self.noise,
                "signature_over_table": self.signature_over_table}


def choose(rng: random.Random) -> ScanSettings:
    """One filing's scanner settings: 150–300 dpi, ±2° skew, one paper in three grey or yellowed, one
    page in four photographed."""
    return ScanSettings(dpi=rng.choice((150, 150, 200, 200, 240, 300)), angle=round(rng.uniform(-2.0, 2.0), 2),
                        paper=rng.choice(("white", "grey", "yellowed")), quality=rng.randint(40, 80),
                        photographed=rng.random() < 0.25, noise=round(rng.uniform(2.0, 7.0), 1),
                        signature_over_table=rng.random() < 0.35)


# ------------------------------------------------------------------ ink on the page

def _multiply(image: Image.Image, layer: Image.Image, colour: tuple[int, int, int], at: tuple[int, int]) -> None:
    """Ink ``layer`` (an L mask: 255 full ink) of ``colour`` onto ``image`` at ``at``, multiplied, as
    ink over print: black print under a red seal stays black."""
    x, y = at
    box = (max(0, x), max(0, y), min(image.width, x + layer.width), min(image.height, y + layer.height))
    if box[2] <= box[0] or box[3] <= box[1]:
        return
    region = np.asarray(image.crop(box), dtype=np.float32)
    alpha = np.asarray(layer, dtype=np.float32)[box[1] - y:box[3] - y, box[0] - x:box[2] - x, None] / 255.0
    tint = np.array(colour, np.float32) / 255.0
    mixed = region * (1.0 - alpha * (1.0 - tint))
    image.paste(Image.fromarray(mixed.clip(0, 255).astype(np.uint8)), box[:2])


def _seal_mask(arc: str, bottom: str, radius: int, rng: random.Random) -> Image.Image:
    """A round seal: its ring, a star, the unit's name along the top arc and the bottom line, with the
    uneven ink of a stamp pressed by hand."""
    size = 2 * radius + 8
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    c, ring = size / 2, max(3, radius // 14)
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=ring)
    star = [(c + 0.24 * radius * math.cos(math.radians(-90 + 36 * k)) * (1 if k % 2 == 0 else 0.4),
             c + 0.24 * radius * math.sin(math.radians(-90 + 36 * k)) * (1 if k % 2 == 0 else 0.4))
            for k in range(10)]
    draw.polygon(star, fill=255)
    glyph = font(max(8, int(radius * 0.3)))
    _arc_text(mask, arc, c, radius * 0.72, glyph)
    width = glyph.getlength(bottom)
    draw.text((c - width / 2, c + 0.38 * radius), bottom, font=glyph, fill=255)
    speckle = np.random.default_rng(rng.randrange(2 ** 32)).uniform(0.55, 1.0, (size // 6 + 1, size // 6 + 1))
    speckle = cv2.resize(speckle.astype(np.float32), (size, size), interpolation=cv2.INTER_CUBIC)
    strength = rng.uniform(0.75, 0.95)
    return Image.fromarray((np.asarray(mask, np.float32) * speckle.clip(0, 1) * strength).astype(np.uint8))


def _arc_text(mask: Image.Image, text: str, c: float, radius: float, glyph) -> None:
    """Characters upright to the ring along its top, from about 8 o'clock to 4 o'clock."""
    if not text:
        return
    span = min(250.0, 22.0 * len(text))
    for k, ch in enumerate(text):
        angle = -90 - span / 2 + span * (k + 0.5) / len(text)
        tile = Image.new("L", (glyph.size * 2, glyph.size * 2), 0)
        ImageDraw.Draw(tile).text((glyph.size / 2, glyph.size / 2), ch, font=glyph, fill=255)
        tile = tile.rotate(-(angle + 90), resample=Image.BICUBIC)
        x = c + radius * math.cos(math.radians(angle)) - tile.width / 2
        y = c + radius * math.sin(math.radians(angle)) - tile.height / 2
        mask.paste(255, (round(x), round(y)), tile)


def stamp_seal(page: Page, seal: tuple[str, str], rng: random.Random) -> tuple[int, int, int]:
    """The seal over the lower-right cells of the page's last table; its centre and radius."""
    radius = round(SEAL_MM / 25.4 * page.dpi)
    x0, y0, x1, y1 = page.tables[-1]
    cx = round(x1 - radius * rng.uniform(0.6, 1.6))
    cy = round(y1 - radius * rng.uniform(0.0, 0.7))
    mask = _seal_mask(seal[0], seal[1], radius, rng).rotate(rng.uniform(-25, 25), resample=Image.BICUBIC)
    _multiply(page.image, mask, SEAL_RED, (cx - mask.width // 2, cy - mask.height // 2))
    return cx, cy, radius


def sign(page: Page, name: str, rng: random.Random, *, over_table: bool) -> tuple[int, int, int, int]:
    """A signature after 单位负责人: in a brush-like hand (AR PL UKai), turned and slanted, with a
    flourish; with ``over_table`` its strokes run up into the table's last row. Its box."""
    size = round(rng.uniform(20, 28) / 72 * page.dpi)
    hand = font(size, kai=True)
    width = round(hand.getlength(name)) + size
    mask = Image.new("L", (width + size, 2 * size), 0)
    draw = ImageDraw.Draw(mask)
    draw.text((size // 2, size // 4), name, font=hand, fill=255, stroke_width=max(1, size // 30), stroke_fill=255)
    tail = [(size // 2 + k * width / 12, 1.5 * size + 0.25 * size * math.sin(k / 2.0)) for k in range(13)]
    draw.line(tail, fill=255, width=max(2, size // 16))
    mask = mask.transform(mask.size, Image.AFFINE, (1, rng.uniform(0.1, 0.35), -0.2 * size, 0, 1, 0),
                          resample=Image.BICUBIC)
    mask = mask.rotate(rng.uniform(-8, 8), resample=Image.BICUBIC, expand=True)
    x, baseline = page.signature_at or (page.tables[-1][0], page.tables[-1][3] + size)
    top = page.tables[-1][3] - round(0.45 * mask.height) if over_table else baseline - round(0.8 * mask.height)
    _multiply(page.image, mask, rng.choice(PEN_INKS), (x, top))
    return x, top, x + mask.width, top + mask.height


# ------------------------------------------------------------------ paper, scanner, camera

def on_paper(image: Image.Image, paper: str, rng: random.Random) -> np.ndarray:
    """The page on tinted, slightly mottled paper, as an RGB array."""
    pixels = np.asarray(image, np.float32) / 255.0
    h, w = pixels.shape[:2]
    mottle = np.random.default_rng(rng.randrange(2 ** 32)).normal(0, 2.0, (h // 40 + 2, w // 40 + 2))
    mottle = cv2.resize(mottle.astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    tint = np.array(PAPERS[paper], np.float32)
    return pixels * (tint + mottle[:, :, None])


def scanned(pixels: np.ndarray, settings: ScanSettings, rng: random.Random) -> np.ndarray:
    """A flatbed scan: the page turned by the skew, paper around it, a little blur and noise."""
    h, w = pixels.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), settings.angle, 1.0)
    border = tuple(float(v) for v in PAPERS[settings.paper])
    turned = cv2.warpAffine(pixels, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)
    turned = cv2.GaussianBlur(turned, (0, 0), 0.5)
    return _noisy(turned, settings.noise, rng)


def photographed(pixels: np.ndarray, settings: ScanSettings, rng: random.Random) -> np.ndarray:
    """A phone photograph of the page on a desk: a perspective (the camera not square over the page),
    the page's skew, light falling off to one side, a slight defocus."""
    h, w = pixels.shape[:2]
    pad = round(0.03 * max(w, h))
    out_w, out_h = w + 2 * pad, h + 2 * pad
    spread = 0.035
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[pad + rng.uniform(-spread, spread) * w, pad + rng.uniform(-spread, spread) * h]
                      for _ in range(4)]) + np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = _turned(dst, settings.angle, (out_w / 2, out_h / 2))
    matrix = cv2.getPerspectiveTransform(src, dst)
    desk = (70.0, 62.0, 55.0)
    warped = cv2.warpPerspective(pixels, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=desk)
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (xx * math.cos(angle) + yy * math.sin(angle)) / max(out_w, out_h)
    light = 1.0 - 0.18 * (ramp - ramp.min()) / max(1e-6, float(np.ptp(ramp)))
    warped = cv2.GaussianBlur(warped * light[:, :, None], (0, 0), 0.8)
    return _noisy(warped, settings.noise * 1.3, rng)


def _turned(points: np.ndarray, angle: float, centre: tuple[float, float]) -> np.ndarray:
    rad = math.radians(-angle)
    c, s = math.cos(rad), math.sin(rad)
    shifted = points - np.float32(centre)
    return np.float32([[c * x - s * y, s * x + c * y] for x, y in shifted]) + np.float32(centre)


def _noisy(pixels: np.ndarray, sigma: float, rng: random.Random) -> np.ndarray:
    noise = np.random.default_rng(rng.randrange(2 ** 32)).normal(0, sigma, pixels.shape[:2]).astype(np.float32)
    return (pixels + noise[:, :, None]).clip(0, 255)


def degrade(page: Page, settings: ScanSettings, rng: random.Random) -> Image.Image:
    """The page on paper through the scanner or the camera, as an RGB image (JPEG is the caller's)."""
    pixels = on_paper(page.image, settings.paper, rng)
    pixels = photographed(pixels, settings, rng) if settings.photographed else scanned(pixels, settings, rng)
    image = Image.fromarray(pixels.astype(np.uint8), "RGB")
    return image.filter(ImageFilter.UnsharpMask(radius=1, percent=40, threshold=3)) if not settings.photographed \
        else image
