"""What the offline renderer draws, read from the prompt: the subject (from its nouns), its
colours and the backdrop's (from colour, material and mood words), and a seeded studio set-up.

A merchant trying Atelier without AWS should see a product shot that follows the prompt, so the
reading is word tables rather than randomness; the seed only moves the camera and the lights.
"""

from __future__ import annotations

import colorsys
import hashlib
import random
import re
from dataclasses import dataclass

RGB = tuple[int, int, int]

# Colour words -> RGB.
COLOURS: dict[str, RGB] = {
    "red": (196, 32, 44), "crimson": (170, 20, 45), "burgundy": (120, 24, 40),
    "maroon": (118, 30, 38), "coral": (240, 120, 96), "orange": (236, 118, 30),
    "peach": (246, 180, 140), "gold": (212, 170, 60), "golden": (212, 170, 60),
    "yellow": (242, 200, 40), "mustard": (205, 160, 40), "olive": (110, 118, 50),
    "green": (46, 140, 70), "emerald": (20, 130, 90), "mint": (160, 224, 196),
    "sage": (150, 170, 140), "teal": (20, 128, 128), "turquoise": (40, 190, 190),
    "cyan": (40, 200, 220), "blue": (40, 90, 200), "navy": (24, 36, 90),
    "indigo": (60, 50, 140), "purple": (120, 60, 160), "violet": (140, 80, 200),
    "lavender": (190, 170, 225), "lilac": (200, 165, 215), "pink": (236, 130, 170),
    "magenta": (200, 40, 140), "brown": (120, 78, 48), "tan": (200, 160, 110),
    "beige": (222, 204, 170), "cream": (240, 228, 200), "ivory": (245, 238, 220),
    "black": (28, 28, 32), "charcoal": (54, 56, 60), "white": (242, 242, 238),
    "grey": (140, 142, 146), "gray": (140, 142, 146), "silver": (192, 196, 202),
    "bronze": (170, 110, 60), "copper": (184, 104, 64), "brass": (181, 150, 80),
}
# Surface materials name the floor's colour when no colour word does.
MATERIALS: dict[str, RGB] = {
    "marble": (232, 230, 226), "wood": (150, 104, 68), "wooden": (150, 104, 68),
    "oak": (176, 132, 88), "walnut": (104, 70, 46), "concrete": (160, 160, 156),
    "stone": (150, 146, 140), "slate": (80, 84, 90), "sand": (226, 204, 164),
    "linen": (226, 218, 200), "velvet": (60, 40, 60), "terrazzo": (220, 214, 206),
}
# A colour word before one of these names the backdrop, not the product (before a material
# it does too, unless a product noun follows: "black velvet" vs "green velvet chair").
SURFACE_NOUNS = frozenset((
    "background", "backdrop", "wall", "surface", "table", "floor", "podium", "pedestal",
    "cloth", "paper", "studio", "set", "scene", "sky", "counter", "shelf",
))
_MOODS = {"night": "dark", "midnight": "dark", "dark": "dark", "noir": "dark", "moody": "dark",
          "dramatic": "dark", "light": "light", "bright": "light", "pastel": "light",
          "morning": "light", "sunny": "light", "airy": "light", "minimal": "light"}
# Nouns -> the subject drawn (providers/local_render.py, SUBJECTS).
SUBJECT_WORDS: dict[str, str] = {
    **dict.fromkeys(("bag", "handbag", "tote", "purse", "backpack", "satchel", "clutch"), "bag"),
    **dict.fromkeys(("bottle", "wine", "water", "beer", "serum", "shampoo", "oil"), "bottle"),
    **dict.fromkeys(("perfume", "fragrance", "cologne", "scent", "diffuser"), "perfume"),
    **dict.fromkeys(("shoe", "shoes", "sneaker", "sneakers", "trainer", "trainers", "boot",
                     "boots", "loafer", "heel", "heels"), "shoe"),
    **dict.fromkeys(("mug", "cup", "coffee", "tea", "teacup", "espresso"), "mug"),
    **dict.fromkeys(("chair", "stool", "armchair", "seat", "sofa", "bench"), "chair"),
    **dict.fromkeys(("watch", "wristwatch", "clock", "timepiece"), "watch"),
    **dict.fromkeys(("lamp", "lantern"), "lamp"),
    **dict.fromkeys(("vase", "pot", "planter", "jug", "pitcher", "kettle", "teapot"), "vase"),
    **dict.fromkeys(("headphones", "headset", "earphones"), "headphones"),
    **dict.fromkeys(("phone", "smartphone", "tablet"), "phone"),
    **dict.fromkeys(("jar", "cream", "lotion", "candle", "balm", "moisturizer"), "jar"),
    **dict.fromkeys(("box", "package", "packaging", "gift", "carton", "book"), "box"),
}
GENERIC_SUBJECTS = ("box", "jar", "bottle")
# A prompt with one of these and no subject noun asks for the set alone (a scene's background:
# the product is placed on it afterwards, generation/compositions.py).
EMPTY_WORDS = frozenset(("empty", "bare", "unoccupied", "vacant"))
_BACKDROPS = ("neutral", "pastel", "complement", "deep")
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Scene:
    """One product shot: what stands where, in which colours, lit from which side."""

    subject: str | None  # None: an empty set
    body: RGB  # the product's main colour
    accent: RGB  # labels, flaps, straps
    trim: RGB  # caps, soles, legs
    wall: RGB
    floor: RGB
    light: float  # -1: lit from the left .. 1: from the right
    x: float  # the product's centre, 0..1 of the width
    scale: float  # its height, 0..1 of the canvas height
    horizon: float  # where the wall meets the floor, 0..1 of the height
    podium: bool
    glossy: bool  # a floor that reflects
    mirror: bool  # the product faces the other way


def seeded_rng(*parts: str) -> random.Random:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).digest()
    return random.Random(int.from_bytes(digest, "big"))


def words(prompt: str) -> list[str]:
    return _WORD.findall(prompt.lower())


def subject_for(prompt: str) -> str | None:
    """The subject the prompt names, or None."""
    return next((SUBJECT_WORDS[w] for w in words(prompt) if w in SUBJECT_WORDS), None)


def colours_for(prompt: str) -> tuple[list[RGB], list[RGB]]:
    """The colours the prompt gives the product, and those it gives the backdrop."""
    found = words(prompt)
    product: list[RGB] = []
    backdrop: list[RGB] = []
    for i, word in enumerate(found):
        if word in COLOURS:
            (backdrop if _names_surface(found[i + 1:i + 4]) else product).append(COLOURS[word])
    return product, backdrop


def _names_surface(following: list[str]) -> bool:
    for word in following:
        if word in SUBJECT_WORDS or word in SURFACE_NOUNS:
            return word in SURFACE_NOUNS
    return any(word in MATERIALS for word in following)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t),
            round(a[2] + (b[2] - a[2]) * t))


def _hls(hue: float, lightness: float, saturation: float) -> RGB:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, min(1.0, max(0.0, lightness)),
                                  min(1.0, max(0.0, saturation)))
    return round(r * 255), round(g * 255), round(b * 255)


def _hue(colour: RGB) -> tuple[float, float, float]:
    return colorsys.rgb_to_hls(*(c / 255 for c in colour))


def product_colour(prompt: str) -> RGB:
    """The product's colour: the first colour word, else one the prompt's hash picks."""
    product, _ = colours_for(prompt)
    if product:
        return product[0]
    rng = seeded_rng("colour", prompt)
    return _hls(rng.random(), rng.uniform(0.38, 0.55), rng.uniform(0.45, 0.7))


def _backdrop(body: RGB, style: str, mood: str | None) -> RGB:
    hue, _, saturation = _hue(body)
    level = {"light": 0.86, "dark": 0.16, None: None}[mood]
    if style == "neutral":
        return _hls(hue, level or 0.84, min(saturation, 0.12))
    if style == "pastel":
        return _hls(hue + 0.04, level or 0.8, 0.35)
    if style == "complement":
        return _hls(hue + 0.5, level or 0.68, 0.28)
    return _hls(hue, level or 0.2, 0.2)


def scene_for(prompt: str, seed: int) -> Scene:
    """The product shot for (prompt, seed): the prompt decides what, the seed how it is set."""
    found = words(prompt)
    rng = seeded_rng("scene", prompt, str(seed))
    subject = subject_for(prompt) or (
        None if EMPTY_WORDS.intersection(found) else rng.choice(GENERIC_SUBJECTS))
    product, named_backdrop = colours_for(prompt)
    body = product_colour(prompt)
    moods = [_MOODS[w] for w in found if w in _MOODS]
    mood = moods[-1] if moods else None
    accent = product[1] if len(product) > 1 else rng.choice(
        (mix(body, (255, 255, 255), 0.7), mix(body, (0, 0, 0), 0.45), (236, 230, 218)))
    trim = rng.choice(((34, 34, 38), (236, 234, 228), (186, 188, 192)))
    materials = [MATERIALS[w] for i, w in enumerate(found)  # not the product's own material
                 if w in MATERIALS and not any(x in SUBJECT_WORDS for x in found[i + 1:i + 3])]
    wall = named_backdrop[0] if named_backdrop else _backdrop(body, rng.choice(_BACKDROPS), mood)
    floor = named_backdrop[-1] if named_backdrop else (materials[0] if materials else wall)
    wall = mix(wall, (255, 255, 255) if sum(wall) < 380 else (0, 0, 0), rng.uniform(0.0, 0.12))
    return Scene(
        subject=subject, body=body, accent=accent, trim=trim, wall=wall, floor=floor,
        light=rng.choice((-1, 1)) * rng.uniform(0.4, 1.0), x=rng.uniform(0.36, 0.64),
        scale=rng.uniform(0.4, 0.54), horizon=rng.uniform(0.54, 0.7),
        podium=rng.random() < 0.45, glossy=rng.random() < 0.4, mirror=rng.random() < 0.5,
    )


def parse_hex(value: object) -> RGB | None:
    """'#AABBCC' (a `colors` param) as RGB, or None."""
    text = str(value).strip().lstrip("#")
    if len(text) != 6:
        return None
    try:
        return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
    except ValueError:
        return None
