"""Offline, deterministic stylised car pictures for demo listings (Pillow only, WebP out).

The car is described in "car units": u runs along the car from the front bumper
(0) to the rear bumper (1) and v is the height above the ground, measured in car
lengths. A `_View` maps those units to pixels, which is where mirroring and the
slight three-quarter perspective of the other angles come in.
"""

import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from domain.vehicle import BodyType

RGB = tuple[int, int, int]
Point = tuple[float, float]

WEBP_QUALITY = 80
ANGLES = (0, 1, 2)  # side, front three-quarter, rear three-quarter
DEFAULT_SIZE = (640, 400)

_SUPERSAMPLE = 2  # draw at twice the size and shrink: cheap anti-aliasing for polygons
_HORIZON = 0.56  # share of the picture height
_GROUND = 0.80
_TAPER = 0.12  # how much bigger the near end looks in three-quarter views
_FACE_DEPTH = 0.11  # width of the visible front/rear face, in car lengths

_TYRE: RGB = (30, 30, 34)
_TRIM: RGB = (28, 30, 34)
_ARCH: RGB = (18, 18, 21)
_CLADDING: RGB = (46, 47, 52)
_HEADLAMP: RGB = (246, 243, 226)
_TAIL_LAMP: RGB = (186, 24, 30)
_WHITE: RGB = (255, 255, 255)


@dataclass(frozen=True)
class _Profile:
    """A side silhouette; heights are in car lengths, positions along the car in u."""

    length: float  # share of the picture width the car spans
    clearance: float
    nose_h: float
    hood_u: float
    hood_h: float
    sill_h: float
    roof_front_u: float
    roof_rear_u: float
    roof_h: float
    tail_top_u: float
    tail_top_h: float
    tail_h: float
    glass_rear_u: float
    glass_top_rear_u: float
    pillars: tuple[float, ...]
    doors: tuple[float, ...]  # where each door ends, front to back
    wheels: tuple[float, float]
    wheel_r: float
    roof_rails: bool = False
    cladding: bool = False
    roofless: bool = False
    bed_u: float | None = None  # pickups: where the cab ends and the load bed starts


_PROFILES: dict[BodyType, _Profile] = {
    BodyType.HATCHBACK: _Profile(
        length=0.60, clearance=0.065, nose_h=0.215, hood_u=0.25, hood_h=0.275, sill_h=0.29,
        roof_front_u=0.46, roof_rear_u=0.83, roof_h=0.42, tail_top_u=0.975, tail_top_h=0.30,
        tail_h=0.27, glass_rear_u=0.91, glass_top_rear_u=0.82, pillars=(0.62, 0.81),
        doors=(0.62, 0.79),
        wheels=(0.165, 0.815), wheel_r=0.085,
    ),
    BodyType.SEDAN: _Profile(
        length=0.80, clearance=0.06, nose_h=0.195, hood_u=0.30, hood_h=0.255, sill_h=0.27,
        roof_front_u=0.45, roof_rear_u=0.67, roof_h=0.37, tail_top_u=0.82, tail_top_h=0.285,
        tail_h=0.275, glass_rear_u=0.76, glass_top_rear_u=0.665, pillars=(0.575,),
        doors=(0.575, 0.77),
        wheels=(0.16, 0.79), wheel_r=0.072,
    ),
    BodyType.COUPE: _Profile(
        length=0.78, clearance=0.05, nose_h=0.165, hood_u=0.34, hood_h=0.225, sill_h=0.24,
        roof_front_u=0.50, roof_rear_u=0.62, roof_h=0.32, tail_top_u=0.93, tail_top_h=0.255,
        tail_h=0.245, glass_rear_u=0.75, glass_top_rear_u=0.61, pillars=(),
        doors=(0.66,),
        wheels=(0.17, 0.81), wheel_r=0.078,
    ),
    BodyType.CONVERTIBLE: _Profile(
        length=0.72, clearance=0.05, nose_h=0.17, hood_u=0.36, hood_h=0.23, sill_h=0.245,
        roof_front_u=0.46, roof_rear_u=0.47, roof_h=0.325, tail_top_u=0.93, tail_top_h=0.255,
        tail_h=0.25, glass_rear_u=0.0, glass_top_rear_u=0.0, pillars=(),
        doors=(0.64,),
        wheels=(0.17, 0.82), wheel_r=0.08, roofless=True,
    ),
    BodyType.WAGON: _Profile(
        length=0.82, clearance=0.06, nose_h=0.195, hood_u=0.28, hood_h=0.26, sill_h=0.275,
        roof_front_u=0.43, roof_rear_u=0.92, roof_h=0.38, tail_top_u=0.985, tail_top_h=0.29,
        tail_h=0.275, glass_rear_u=0.945, glass_top_rear_u=0.905, pillars=(0.585, 0.80),
        doors=(0.585, 0.78),
        wheels=(0.16, 0.80), wheel_r=0.074, roof_rails=True,
    ),
    BodyType.SUV: _Profile(
        length=0.72, clearance=0.10, nose_h=0.30, hood_u=0.25, hood_h=0.355, sill_h=0.37,
        roof_front_u=0.42, roof_rear_u=0.92, roof_h=0.52, tail_top_u=0.985, tail_top_h=0.40,
        tail_h=0.37, glass_rear_u=0.94, glass_top_rear_u=0.91, pillars=(0.62, 0.83),
        doors=(0.62, 0.82),
        wheels=(0.17, 0.81), wheel_r=0.098, roof_rails=True, cladding=True,
    ),
    BodyType.MUV: _Profile(
        length=0.80, clearance=0.085, nose_h=0.265, hood_u=0.22, hood_h=0.325, sill_h=0.34,
        roof_front_u=0.38, roof_rear_u=0.94, roof_h=0.47, tail_top_u=0.99, tail_top_h=0.36,
        tail_h=0.34, glass_rear_u=0.955, glass_top_rear_u=0.93, pillars=(0.56, 0.78),
        doors=(0.56, 0.78),
        wheels=(0.155, 0.80), wheel_r=0.083, roof_rails=True,
    ),
    BodyType.PICKUP: _Profile(
        length=0.86, clearance=0.11, nose_h=0.31, hood_u=0.25, hood_h=0.36, sill_h=0.375,
        roof_front_u=0.37, roof_rear_u=0.55, roof_h=0.52, tail_top_u=0.995, tail_top_h=0.375,
        tail_h=0.375, glass_rear_u=0.56, glass_top_rear_u=0.54, pillars=(0.455,),
        doors=(0.455, 0.585),
        wheels=(0.16, 0.80), wheel_r=0.094, cladding=True, bed_u=0.59,
    ),
    BodyType.VAN: _Profile(
        length=0.74, clearance=0.08, nose_h=0.27, hood_u=0.12, hood_h=0.335, sill_h=0.35,
        roof_front_u=0.25, roof_rear_u=0.985, roof_h=0.56, tail_top_u=1.0, tail_top_h=0.55,
        tail_h=0.50, glass_rear_u=0.96, glass_top_rear_u=0.96, pillars=(0.35, 0.62, 0.80),
        doors=(0.35, 0.62),
        wheels=(0.15, 0.83), wheel_r=0.076,
    ),
}  # fmt: skip

# (sky top, sky at the horizon, road near the horizon, road at the bottom)
_SCENES: tuple[tuple[RGB, RGB, RGB, RGB], ...] = (
    ((118, 168, 224), (206, 226, 242), (150, 152, 156), (86, 88, 92)),  # clear noon
    ((150, 182, 218), (238, 222, 204), (160, 156, 150), (92, 90, 88)),  # morning haze
    ((164, 174, 190), (216, 219, 224), (140, 142, 146), (80, 82, 86)),  # overcast
    ((104, 138, 198), (246, 204, 172), (150, 144, 142), (84, 80, 82)),  # evening
)


@dataclass(frozen=True)
class _View:
    """Maps car units to pixels; the near end of a three-quarter view is drawn bigger."""

    left: float
    ground: float
    length: float
    mirrored: bool
    taper: float
    face: float  # pixel width of the front or rear face; 0 in the pure side view

    def scale(self, u: float) -> float:
        return 1 + self.taper * (u - 0.5)

    def point(self, u: float, v: float) -> Point:
        s = self.scale(u)
        x = self.left + self.length * (1 - u if self.mirrored else u)
        # The near end also sits a little lower, as the ground recedes.
        return (x, self.ground + self.length * (0.25 * (s - 1) - v * s))

    def points(self, shape: Sequence[Point]) -> list[Point]:
        return [self.point(u, v) for u, v in shape]

    def px(self, car_units: float) -> float:
        return car_units * self.length


def render_car_picture(
    *,
    body_type: BodyType,
    colour_rgb: RGB,
    angle: int,
    seed: int,
    size: tuple[int, int] = DEFAULT_SIZE,
) -> bytes:
    """WebP bytes of a stylised car of `body_type` painted `colour_rgb`.

    `angle` 0 is a side view, 1 a front three-quarter hint, 2 a rear one; `seed`
    picks the background scene. The same arguments always give the same bytes.
    """
    _check_arguments(angle, size, colour_rgb)
    rng = random.Random(seed)
    canvas_size = (size[0] * _SUPERSAMPLE, size[1] * _SUPERSAMPLE)
    canvas = _background(canvas_size, rng)
    profile = _PROFILES[body_type]
    view = _make_view(profile, angle, canvas_size)
    _draw_shadow(canvas, profile, view)
    _draw_car(canvas, profile, view, colour_rgb, rng)
    return _encode_webp(canvas.reduce(_SUPERSAMPLE))


def _check_arguments(angle: int, size: tuple[int, int], colour: RGB) -> None:
    if angle not in ANGLES:
        raise ValueError(f"angle must be one of {ANGLES}; got {angle}.")
    if min(size) < 32:
        raise ValueError(f"size must be at least 32x32 pixels; got {size}.")
    if len(colour) != 3 or any(not 0 <= channel <= 255 for channel in colour):
        raise ValueError(f"colour_rgb must be three 0-255 channels; got {colour}.")


def _encode_webp(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    return buffer.getvalue()


# --- colour helpers ---------------------------------------------------------


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _shade(colour: RGB, factor: float) -> RGB:
    return (
        min(255, round(colour[0] * factor)),
        min(255, round(colour[1] * factor)),
        min(255, round(colour[2] * factor)),
    )


def _jitter(colour: RGB, rng: random.Random, spread: int) -> RGB:
    return (
        max(0, min(255, colour[0] + rng.randint(-spread, spread))),
        max(0, min(255, colour[1] + rng.randint(-spread, spread))),
        max(0, min(255, colour[2] + rng.randint(-spread, spread))),
    )


def _colour_at(stops: Sequence[tuple[float, RGB]], t: float) -> RGB:
    for (start, low), (end, high) in zip(stops, stops[1:]):
        if t <= end:
            span = end - start
            return low if span <= 0 else _mix(low, high, (t - start) / span)
    return stops[-1][1]


def _vertical_gradient(
    size: tuple[int, int], stops: Sequence[tuple[float, RGB]], top: int = 0, bottom: int = -1
) -> Image.Image:
    """A `size` image whose colour follows `stops` from row `top` down to row `bottom`."""
    width, height = size
    last = height - 1 if bottom < 0 else bottom
    span = max(1, last - top)
    column = Image.new("RGB", (1, height))
    column.putdata([_colour_at(stops, min(1.0, max(0.0, (y - top) / span))) for y in range(height)])
    # Stretching a one-pixel column is far cheaper than colouring every pixel.
    return column.resize(size, Image.Resampling.NEAREST)


# --- background -------------------------------------------------------------


def _background(size: tuple[int, int], rng: random.Random) -> Image.Image:
    sky_top, sky_low, road_far, road_near = (_jitter(c, rng, 10) for c in rng.choice(_SCENES))
    horizon = _HORIZON
    stops = ((0.0, sky_top), (horizon, sky_low), (horizon, road_far), (1.0, road_near))
    canvas = _vertical_gradient(size, stops)
    draw = ImageDraw.Draw(canvas)
    _draw_distance(draw, size, sky_low, rng)
    _draw_kerb(draw, size, road_far)
    _draw_lane_marks(draw, size, rng)
    return canvas


def _draw_distance(draw: ImageDraw.ImageDraw, size: tuple[int, int], haze: RGB, rng: random.Random) -> None:
    if rng.random() < 0.5:
        _draw_hills(draw, size, _mix(haze, (84, 118, 96), 0.35), rng)
    else:
        _draw_skyline(draw, size, _mix(haze, (104, 110, 124), 0.30), rng)


def _draw_hills(draw: ImageDraw.ImageDraw, size: tuple[int, int], colour: RGB, rng: random.Random) -> None:
    width, height = size
    base = height * _HORIZON
    steps = 9
    ridge = [(width * i / (steps - 1), base - height * rng.uniform(0.04, 0.13)) for i in range(steps)]
    draw.polygon([(0.0, base), *_round_corners(ridge, width * 0.05), (float(width), base)], fill=colour)


def _draw_skyline(draw: ImageDraw.ImageDraw, size: tuple[int, int], colour: RGB, rng: random.Random) -> None:
    width, height = size
    base = height * _HORIZON
    x = -rng.uniform(0, width * 0.05)
    while x < width:
        block = width * rng.uniform(0.04, 0.09)
        top = base - height * rng.uniform(0.05, 0.20)
        draw.rectangle((x, top, x + block, base), fill=_shade(colour, rng.uniform(0.95, 1.05)))
        x += block + width * rng.uniform(0.0, 0.02)


def _draw_kerb(draw: ImageDraw.ImageDraw, size: tuple[int, int], road: RGB) -> None:
    width, height = size
    top = height * _HORIZON
    draw.rectangle((0, top, width, top + height * 0.035), fill=_mix(road, (206, 204, 196), 0.55))
    draw.rectangle((0, top + height * 0.035, width, top + height * 0.042), fill=_shade(road, 0.8))


def _draw_lane_marks(draw: ImageDraw.ImageDraw, size: tuple[int, int], rng: random.Random) -> None:
    width, height = size
    y, dash, gap = height * 0.93, width * 0.07, width * 0.06
    x = -rng.uniform(0, dash + gap)
    while x < width:
        draw.rectangle((x, y, x + dash, y + height * 0.012), fill=(226, 224, 212))
        x += dash + gap


# --- geometry ---------------------------------------------------------------


def _make_view(profile: _Profile, angle: int, canvas: tuple[int, int]) -> _View:
    width, height = canvas
    face_share = 0.0 if angle == 0 else _FACE_DEPTH
    # Fit by width, but never let the roof climb into the top of the picture.
    length = min(width * profile.length, height * 0.62 / profile.roof_h, width * 0.92 / (1 + face_share))
    left = (width - length * (1 + face_share)) / 2
    taper = {0: 0.0, 1: -_TAPER, 2: _TAPER}[angle]
    return _View(left, height * _GROUND, length, angle == 1, taper, length * face_share)


def _round_corners(points: Sequence[Point], cut: float, passes: int = 2) -> list[Point]:
    """Replace every corner by a short bevel, twice, which reads as a smooth curve."""
    shape = list(points)
    for _ in range(passes):
        shape = [p for i in range(len(shape)) for p in _bevel(shape, i, cut)]
        cut /= 2
    return shape


def _bevel(shape: Sequence[Point], i: int, cut: float) -> tuple[Point, Point]:
    before, corner, after = shape[i - 1], shape[i], shape[(i + 1) % len(shape)]
    return (_towards(corner, before, cut), _towards(corner, after, cut))


def _towards(start: Point, end: Point, distance: float) -> Point:
    length = math.dist(start, end)
    t = 0.0 if length == 0 else min(0.4, distance / length)
    return (start[0] + (end[0] - start[0]) * t, start[1] + (end[1] - start[1]) * t)


def _u_on_line(a: Point, b: Point, v: float) -> float:
    """The u where the segment a-b reaches height v."""
    if b[1] == a[1]:
        return a[0]
    return a[0] + (b[0] - a[0]) * (v - a[1]) / (b[1] - a[1])


def _outline(p: _Profile) -> list[Point]:
    nose = [(0.0, p.clearance + 0.03), (0.0, p.nose_h - 0.025), (0.025, p.nose_h)]
    hood = [((p.hood_u + 0.025) / 2, (p.nose_h + p.hood_h) / 2 + 0.008), (p.hood_u, p.hood_h)]
    tail = [(1.0, p.tail_h), (1.0, p.clearance + 0.035), (0.975, p.clearance)]
    shape = nose + hood + _cabin(p) + tail + [(0.025, p.clearance)]
    return _round_corners(shape, 0.02)


def _cabin(p: _Profile) -> list[Point]:
    if p.roofless:
        frame = (p.roof_front_u + 0.012, p.roof_h)
        return [(p.roof_front_u, p.roof_h), frame, (p.roof_front_u + 0.035, p.sill_h),
                (p.tail_top_u, p.tail_top_h)]  # fmt: skip
    roof_mid = ((p.roof_front_u + p.roof_rear_u) / 2, p.roof_h + 0.006)
    roof = [(p.roof_front_u, p.roof_h), roof_mid, (p.roof_rear_u, p.roof_h)]
    if p.bed_u is None:
        return roof + [(p.tail_top_u, p.tail_top_h)]
    cab_back = [(p.bed_u - 0.015, p.roof_h - 0.03), (p.bed_u, p.sill_h)]
    return roof + cab_back + [(p.tail_top_u, p.tail_top_h)]


def _glass(p: _Profile) -> list[Point]:
    if p.roofless:  # only the windscreen frame shows, almost edge-on
        return [(p.hood_u + 0.03, p.hood_h + 0.005), (p.roof_front_u + 0.002, p.roof_h - 0.008),
                (p.roof_front_u + 0.01, p.roof_h - 0.008), (p.hood_u + 0.055, p.hood_h + 0.005)]  # fmt: skip
    a_pillar = ((p.hood_u, p.hood_h), (p.roof_front_u, p.roof_h))
    top = p.roof_h - 0.022
    front_low = _u_on_line(*a_pillar, p.sill_h) + 0.035
    front_high = _u_on_line(*a_pillar, top) + 0.02
    shape = [(front_low, p.sill_h), (front_high, top), (p.glass_top_rear_u, top), (p.glass_rear_u, p.sill_h)]
    return _round_corners(shape, 0.012, passes=1)


# --- drawing the car --------------------------------------------------------


def _draw_shadow(canvas: Image.Image, profile: _Profile, view: _View) -> None:
    small = (canvas.width // 4, canvas.height // 4)
    mask = Image.new("L", small, 0)
    draw = ImageDraw.Draw(mask)
    left, _ = view.point(0.0, 0.0)
    right, _ = view.point(1.0, 0.0)
    x0, x1 = sorted((left, right))
    x1 += view.face
    ground = view.ground / 4
    draw.ellipse((x0 / 4 - 4, ground - view.length * 0.02, x1 / 4 + 4, ground + view.length * 0.018), fill=150)
    for u in profile.wheels:
        x, y = view.point(u, 0.0)
        draw.ellipse((x / 4 - view.length * 0.03, y / 4 - 3, x / 4 + view.length * 0.03, y / 4 + 3), fill=230)
    blurred = mask.filter(ImageFilter.GaussianBlur(max(1.0, small[1] * 0.012)))
    canvas.paste((16, 16, 20), (0, 0, *canvas.size), blurred.resize(canvas.size, Image.Resampling.BILINEAR))


def _draw_car(canvas: Image.Image, p: _Profile, view: _View, colour: RGB, rng: random.Random) -> None:
    body = view.points(_outline(p))
    _fill_with_gradient(canvas, body, _body_stops(colour))
    draw = ImageDraw.Draw(canvas)
    if p.cladding:
        _draw_cladding(draw, p, view)
    _draw_lines(draw, p, view, colour)
    _draw_glass(canvas, p, view)
    _draw_cabin_details(draw, p, view, colour)
    _draw_lamps(draw, p, view)
    if view.face:
        _draw_face(draw, p, view, colour)
    for u in p.wheels:
        _draw_wheel(draw, p, view, u, rng)


def _body_stops(colour: RGB) -> list[tuple[float, RGB]]:
    return [
        (0.0, _mix(colour, _WHITE, 0.30)),
        (0.30, _mix(colour, _WHITE, 0.12)),
        (0.45, colour),
        (0.80, _shade(colour, 0.78)),
        (1.0, _shade(colour, 0.55)),
    ]


def _fill_with_gradient(canvas: Image.Image, shape: Sequence[Point], stops: Sequence[tuple[float, RGB]]) -> None:
    """Paint `shape` with a top-to-bottom gradient, working only inside its bounding box."""
    xs, ys = [x for x, _ in shape], [y for _, y in shape]
    box = (max(0, int(min(xs))), max(0, int(min(ys))), min(canvas.width, int(max(xs)) + 2),
           min(canvas.height, int(max(ys)) + 2))  # fmt: skip
    size = (box[2] - box[0], box[3] - box[1])
    if size[0] <= 0 or size[1] <= 0:
        return
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).polygon([(x - box[0], y - box[1]) for x, y in shape], fill=255)
    canvas.paste(_vertical_gradient(size, stops), box, mask)


def _draw_cladding(draw: ImageDraw.ImageDraw, p: _Profile, view: _View) -> None:
    low, high = p.clearance + 0.004, p.clearance + 0.045
    strip = [(0.035, low), (0.965, low), (0.97, high), (0.03, high)]
    draw.polygon(view.points(strip), fill=_CLADDING)


def _draw_lines(draw: ImageDraw.ImageDraw, p: _Profile, view: _View, colour: RGB) -> None:
    width = max(1, round(view.px(0.0035)))
    shoulder = p.sill_h - 0.03
    end = p.tail_top_u - 0.03 if p.bed_u is None else p.tail_top_u - 0.01
    draw.line(view.points([(p.hood_u + 0.02, shoulder + 0.004), (end, shoulder)]),
              fill=_mix(colour, _WHITE, 0.45), width=width)  # fmt: skip
    seam = _shade(colour, 0.45)
    for u in _door_seams(p):
        edge = [(u, p.sill_h - 0.005), (u - 0.008, p.clearance + 0.05)]
        draw.line(view.points(edge), fill=seam, width=width)
    for u in p.doors:
        handle = [(u - 0.065, shoulder - 0.012), (u - 0.03, shoulder - 0.012)]
        draw.line(view.points(handle), fill=_shade(colour, 0.6), width=width * 2)


def _door_seams(p: _Profile) -> list[float]:
    # The front door starts behind the A-pillar but never cuts into the wheel arch.
    a_pillar = _u_on_line((p.hood_u, p.hood_h), (p.roof_front_u, p.roof_h), p.sill_h)
    front = max(a_pillar + 0.01, p.wheels[0] + p.wheel_r * 1.2 + 0.01)
    return [front, *p.doors]


def _draw_glass(canvas: Image.Image, p: _Profile, view: _View) -> None:
    glass = view.points(_glass(p))
    _fill_with_gradient(canvas, glass, [(0.0, (112, 128, 150)), (0.55, (52, 62, 78)), (1.0, (30, 36, 46))])
    draw = ImageDraw.Draw(canvas)
    draw.line([*glass, glass[0]], fill=_TRIM, width=max(1, round(view.px(0.004))))
    pillar_w = 0.011
    for u in p.pillars:
        band = [(u - pillar_w, p.sill_h), (u + pillar_w, p.sill_h), (u + pillar_w + 0.012, p.roof_h - 0.015),
                (u - pillar_w + 0.012, p.roof_h - 0.015)]  # fmt: skip
        draw.polygon(view.points(band), fill=_TRIM)


def _draw_cabin_details(draw: ImageDraw.ImageDraw, p: _Profile, view: _View, colour: RGB) -> None:
    mirror_u = _u_on_line((p.hood_u, p.hood_h), (p.roof_front_u, p.roof_h), p.sill_h) + 0.02
    mirror = [(mirror_u, p.sill_h), (mirror_u + 0.04, p.sill_h + 0.004), (mirror_u + 0.035, p.sill_h + 0.032),
              (mirror_u + 0.008, p.sill_h + 0.03)]  # fmt: skip
    draw.polygon(view.points(mirror), fill=_shade(colour, 0.85), outline=_TRIM)
    if p.roof_rails:
        rail = [(p.roof_front_u + 0.06, p.roof_h + 0.014), (p.roof_rear_u - 0.03, p.roof_h + 0.014)]
        draw.line(view.points(rail), fill=_TRIM, width=max(2, round(view.px(0.009))))
    if p.roofless:
        _draw_open_cockpit(draw, p, view)
    if p.bed_u is not None:
        _draw_bed(draw, p, view)


def _draw_open_cockpit(draw: ImageDraw.ImageDraw, p: _Profile, view: _View) -> None:
    for u in (p.roof_front_u + 0.12, p.roof_front_u + 0.25):
        headrest = [(u, p.sill_h - 0.005), (u + 0.05, p.sill_h - 0.005), (u + 0.045, p.sill_h + 0.06),
                    (u + 0.01, p.sill_h + 0.06)]  # fmt: skip
        draw.polygon(view.points(_round_corners(headrest, 0.012)), fill=(40, 38, 36))
    hood = [(p.roof_front_u + 0.34, p.sill_h - 0.004), (p.tail_top_u - 0.08, p.sill_h - 0.004),
            (p.tail_top_u - 0.1, p.sill_h + 0.022), (p.roof_front_u + 0.36, p.sill_h + 0.026)]  # fmt: skip
    draw.polygon(view.points(_round_corners(hood, 0.012)), fill=(34, 34, 38))


def _draw_bed(draw: ImageDraw.ImageDraw, p: _Profile, view: _View) -> None:
    assert p.bed_u is not None  # only called for pickups
    inside = [(p.bed_u + 0.012, p.sill_h - 0.004), (p.tail_top_u - 0.012, p.sill_h - 0.004),
              (p.tail_top_u - 0.012, p.sill_h - 0.02), (p.bed_u + 0.012, p.sill_h - 0.02)]  # fmt: skip
    draw.polygon(view.points(inside), fill=_shade(_CLADDING, 0.8))
    bar = [(p.bed_u + 0.02, p.sill_h), (p.bed_u + 0.035, p.sill_h), (p.bed_u + 0.045, p.sill_h + 0.075),
           (p.bed_u + 0.03, p.sill_h + 0.075)]  # fmt: skip
    draw.polygon(view.points(bar), fill=_TRIM)


def _draw_lamps(draw: ImageDraw.ImageDraw, p: _Profile, view: _View) -> None:
    slope = (p.hood_h - p.nose_h) / max(0.01, p.hood_u)
    head = [(0.006, p.nose_h - 0.045), (0.012, p.nose_h - 0.01), (0.09, p.nose_h + slope * 0.08 - 0.012),
            (0.08, p.nose_h - 0.04)]  # fmt: skip
    draw.polygon(view.points(head), fill=_HEADLAMP, outline=_TRIM)
    tail = [(0.996, p.tail_h - 0.012), (0.95, p.tail_h - 0.01), (0.955, p.tail_h - 0.05), (0.997, p.tail_h - 0.055)]
    draw.polygon(view.points(tail), fill=_TAIL_LAMP, outline=_TRIM)


def _draw_face(draw: ImageDraw.ImageDraw, p: _Profile, view: _View, colour: RGB) -> None:
    """The sliver of front (angle 1) or rear (angle 2) that a three-quarter view reveals."""
    end_u, top = (0.0, p.nose_h) if view.mirrored else (1.0, p.tail_h)
    near_x, _ = view.point(end_u, 0.0)
    rise = view.face * 0.3  # the far corner is further away, so it sits higher

    def face_point(f: float, v: float) -> Point:
        return (near_x + view.face * f, view.point(end_u, v)[1] - rise * f)

    panel = [face_point(0, p.clearance + 0.01), face_point(0, top), face_point(1, top), face_point(1, p.clearance + 0.01)]
    draw.polygon(panel, fill=_shade(colour, 0.82), outline=_shade(colour, 0.6))
    low, high = top - 0.05, top - 0.015
    lamp = _HEADLAMP if view.mirrored else _TAIL_LAMP
    for f0, f1 in ((0.06, 0.26), (0.74, 0.94)):
        draw.polygon([face_point(f0, low), face_point(f0, high), face_point(f1, high), face_point(f1, low)], fill=lamp)
    mid_low, mid_high = p.clearance + 0.045, top - 0.065
    centre = _TRIM if view.mirrored else (236, 236, 230)  # grille in front, number plate behind
    draw.polygon([face_point(0.3, mid_low), face_point(0.3, mid_high), face_point(0.7, mid_high),
                  face_point(0.7, mid_low)], fill=centre)  # fmt: skip


def _draw_wheel(draw: ImageDraw.ImageDraw, p: _Profile, view: _View, u: float, rng: random.Random) -> None:
    cx, cy = view.point(u, p.wheel_r)
    ry = view.px(p.wheel_r) * view.scale(u)
    rx = ry * (1.0 if view.taper == 0 else 0.88)  # wheels turn into ellipses off-axis

    def box(k: float) -> tuple[float, float, float, float]:
        return (cx - rx * k, cy - ry * k, cx + rx * k, cy + ry * k)

    draw.pieslice(box(1.16 if p.cladding else 1.1), 180, 360, fill=_CLADDING if p.cladding else _ARCH)
    draw.ellipse(box(1.0), fill=_TYRE)
    draw.ellipse(box(0.9), outline=(58, 58, 64), width=max(1, round(ry * 0.04)))
    draw.ellipse(box(0.64), fill=(188, 192, 200), outline=(120, 124, 130), width=max(1, round(ry * 0.03)))
    draw.ellipse(box(0.5), fill=(150, 154, 162))
    turn = rng.uniform(0, 2 * math.pi)
    for spoke in range(5):
        a = turn + spoke * 2 * math.pi / 5
        draw.line([(cx, cy), (cx + math.cos(a) * rx * 0.6, cy + math.sin(a) * ry * 0.6)], fill=(196, 200, 208),
                  width=max(1, round(ry * 0.12)))  # fmt: skip
    draw.ellipse(box(0.16), fill=(92, 96, 104))
