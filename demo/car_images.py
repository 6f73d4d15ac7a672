"""Offline, deterministic stylised car pictures for demo listings (Pillow only, WebP out).

The car is described in "car units": u runs along the car from the front bumper
(0) to the rear bumper (1) and v is the height above the ground, measured in car
lengths. A `_View` maps those units to pixels, which is where the mirroring and
the slight three-quarter perspective of the other angles come in.
"""

import io
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

from domain.inventory.vehicle import BodyType

RGB = tuple[int, int, int]
Point = tuple[float, float]
Box = tuple[int, int, int, int]
Stops = Sequence[tuple[float, RGB]]

WEBP_QUALITY = 80
ANGLES = (0, 1, 2)  # side, front three-quarter, rear three-quarter
DEFAULT_SIZE = (640, 400)
MIN_SIZE = 32

_SUPERSAMPLE = 2  # draw at twice the size and shrink: cheap anti-aliasing for polygons
_WEBP_METHOD = 2  # encoder effort: 3+ more than doubles the time for a file ~4% smaller
_HORIZON = 0.56  # share of the picture height
_GROUND = 0.80
_TAPER = 0.12  # how much bigger the near end looks in three-quarter views
_DEPTH = 0.10  # how far the far side shows in three-quarter views, in car lengths
_CONVERGENCE = 0.08  # how much the far side pulls towards the horizon

_TYRE: RGB = (30, 30, 34)
_TRIM: RGB = (28, 30, 34)
_ARCH: RGB = (18, 18, 21)
_CLADDING: RGB = (46, 47, 52)
_HEADLAMP: RGB = (246, 243, 226)
_TAIL_LAMP: RGB = (186, 24, 30)
_PLATE: RGB = (236, 236, 230)  # Indian private plates are white
_SHADOW: RGB = (16, 16, 20)
_WHITE: RGB = (255, 255, 255)
_GLASS_STOPS: Stops = ((0.0, (112, 128, 150)), (0.55, (52, 62, 78)), (1.0, (30, 36, 46)))


@dataclass(frozen=True)
class _Profile:
    """A side silhouette; heights are in car lengths, positions along the car in u."""

    length: float  # share of the picture width the car spans
    clearance: float  # height of the sills above the road
    nose_h: float  # top of the front bumper
    hood_u: float  # base of the windscreen
    hood_h: float
    sill_h: float  # bottom edge of the side windows
    roof_front_u: float
    roof_rear_u: float
    roof_h: float
    tail_top_u: float  # where the rear window or boot lid meets the tail
    tail_top_h: float
    tail_h: float  # top of the rear bumper area, where the tail lamps sit
    glass_rear_u: float  # rear corners of the side glass (unused by roofless cars)
    glass_top_rear_u: float
    pillars: tuple[float, ...]  # blacked-out pillars between the side windows
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
    horizon: float
    length: float
    mirrored: bool  # True when the car faces right
    taper: float
    depth: float  # pixel offset of the car's far side; 0 in the pure side view

    def scale(self, u: float) -> float:
        return 1 + self.taper * (u - 0.5)

    def point(self, u: float, v: float) -> Point:
        s = self.scale(u)
        x = self.left + self.length * (1 - u if self.mirrored else u)
        # The near end also sits a little lower, as the ground recedes.
        return (x, self.ground + self.length * (0.25 * (s - 1) - v * s))

    def points(self, shape: Sequence[Point]) -> list[Point]:
        return [self.point(u, v) for u, v in shape]

    def far(self, near: Point) -> Point:
        """Where a point on the near side appears on the far side of the car."""
        x, y = near
        return (x + self.depth, y + (self.horizon - y) * _CONVERGENCE)

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

    `angle` 0 is a side view, 1 hints at the front three-quarter and 2 at the
    rear; `seed` picks the background scene. Equal arguments give equal bytes.
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
    if len(size) != 2 or min(size) < MIN_SIZE:
        raise ValueError(f"size must be at least {MIN_SIZE}x{MIN_SIZE} pixels; got {size}.")
    if len(colour) != 3 or any(not 0 <= channel <= 255 for channel in colour):
        raise ValueError(f"colour_rgb must be three channels from 0 to 255; got {colour}.")


def _encode_webp(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=_WEBP_METHOD)
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


def _colour_at(stops: Stops, t: float) -> RGB:
    for (start, low), (end, high) in itertools.pairwise(stops):
        if t <= end:
            span = end - start
            return low if span <= 0 else _mix(low, high, (t - start) / span)
    return stops[-1][1]


def _vertical_gradient(size: tuple[int, int], stops: Stops) -> Image.Image:
    _, height = size
    span = max(1, height - 1)
    column = Image.new("RGB", (1, height))
    column.putdata([_colour_at(stops, y / span) for y in range(height)])
    # Stretching a one-pixel column is far cheaper than colouring every pixel.
    return column.resize(size, Image.Resampling.NEAREST)


# --- background -------------------------------------------------------------


def _background(size: tuple[int, int], rng: random.Random) -> Image.Image:
    sky_top, sky_low, road_far, road_near = (_jitter(c, rng, 10) for c in rng.choice(_SCENES))
    stops = ((0.0, sky_top), (_HORIZON, sky_low), (_HORIZON, road_far), (1.0, road_near))
    canvas = _vertical_gradient(size, stops)
    draw = ImageDraw.Draw(canvas)
    if rng.random() < 0.5:
        _draw_hills(draw, size, _mix(sky_low, (84, 118, 96), 0.35), rng)
    else:
        _draw_skyline(draw, size, _mix(sky_low, (104, 110, 124), 0.30), rng)
    _draw_kerb(draw, size, road_far)
    _draw_lane_marks(draw, size, rng)
    return canvas


def _draw_hills(draw: ImageDraw.ImageDraw, size: tuple[int, int], colour: RGB, rng: random.Random) -> None:
    width, height = size
    base = height * _HORIZON
    steps = 9
    ridge = [(width * i / (steps - 1), base - height * rng.uniform(0.04, 0.13)) for i in range(steps)]
    # The feet sit below the horizon so the kerb, drawn next, hides their rounded corners.
    feet = base + height * 0.03
    draw.polygon(_round_corners([(0.0, feet), *ridge, (float(width), feet)], width * 0.05), fill=colour)


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
    top, bottom = height * _HORIZON, height * (_HORIZON + 0.035)
    draw.rectangle((0, top, width, bottom), fill=_mix(road, (206, 204, 196), 0.55))
    draw.rectangle((0, bottom, width, bottom + height * 0.007), fill=_shade(road, 0.8))


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
    depth = 0.0 if angle == 0 else _DEPTH
    # Fit by width, but never let the roof climb into the top of the picture.
    length = min(width * profile.length, height * 0.62 / profile.roof_h, width * 0.92 / (1 + depth))
    left = (width - length * (1 + depth)) / 2
    taper = {0: 0.0, 1: -_TAPER, 2: _TAPER}[angle]
    horizon, ground = height * _HORIZON, height * _GROUND
    return _View(left, ground, horizon, length, angle == 1, taper, length * depth)


def _round_corners(points: Sequence[Point], cut: float, passes: int = 2) -> list[Point]:
    """Replace every corner by a short bevel, twice over, which reads as a smooth curve."""
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
    # Never cut more than 40% of an edge, so short edges keep their shape.
    t = 0.0 if length == 0 else min(0.4, distance / length)
    return (start[0] + (end[0] - start[0]) * t, start[1] + (end[1] - start[1]) * t)


def _u_on_line(a: Point, b: Point, v: float) -> float:
    """The u where the line through a and b reaches height v."""
    if b[1] == a[1]:
        return a[0]
    return a[0] + (b[0] - a[0]) * (v - a[1]) / (b[1] - a[1])


def _a_pillar_u(p: _Profile, v: float) -> float:
    return _u_on_line((p.hood_u, p.hood_h), (p.roof_front_u, p.roof_h), v)


def _outline(p: _Profile) -> list[Point]:
    nose = [(0.0, p.clearance + 0.03), (0.0, p.nose_h - 0.025), (0.025, p.nose_h)]
    hood_mid = ((p.hood_u + 0.025) / 2, (p.nose_h + p.hood_h) / 2 + 0.008)
    tail = [(1.0, p.tail_h), (1.0, p.clearance + 0.035), (0.975, p.clearance)]
    shape = [*nose, hood_mid, (p.hood_u, p.hood_h), *_cabin(p), *tail, (0.025, p.clearance)]
    return _round_corners(shape, 0.02)


def _cabin(p: _Profile) -> list[Point]:
    if p.roofless:  # a windscreen frame, then straight down to the door tops
        return [
            (p.roof_front_u, p.roof_h),
            (p.roof_front_u + 0.012, p.roof_h),
            (p.roof_front_u + 0.035, p.sill_h),
            (p.tail_top_u, p.tail_top_h),
        ]
    roof_mid = ((p.roof_front_u + p.roof_rear_u) / 2, p.roof_h + 0.006)
    roof = [(p.roof_front_u, p.roof_h), roof_mid, (p.roof_rear_u, p.roof_h)]
    if p.bed_u is None:
        return [*roof, (p.tail_top_u, p.tail_top_h)]
    cab_back = [(p.bed_u - 0.015, p.roof_h - 0.03), (p.bed_u, p.sill_h)]
    return [*roof, *cab_back, (p.tail_top_u, p.tail_top_h)]


def _glass(p: _Profile) -> list[Point]:
    if p.roofless:  # only the windscreen shows, almost edge-on
        return [
            (p.hood_u + 0.03, p.hood_h + 0.005),
            (p.roof_front_u + 0.002, p.roof_h - 0.008),
            (p.roof_front_u + 0.01, p.roof_h - 0.008),
            (p.hood_u + 0.055, p.hood_h + 0.005),
        ]
    top = p.roof_h - 0.022
    front_low, front_high = _a_pillar_u(p, p.sill_h) + 0.035, _a_pillar_u(p, top) + 0.02
    shape = [
        (front_low, p.sill_h),
        (front_high, top),
        (p.glass_top_rear_u, top),
        (p.glass_rear_u, p.sill_h),
    ]
    return _round_corners(shape, 0.012, passes=1)


def _bounding_box(shape: Sequence[Point], limit: tuple[int, int], margin: int = 2) -> Box:
    xs, ys = [x for x, _ in shape], [y for _, y in shape]
    return (
        max(0, int(min(xs)) - margin),
        max(0, int(min(ys)) - margin),
        min(limit[0], int(max(xs)) + margin),
        min(limit[1], int(max(ys)) + margin),
    )


# --- shadow -----------------------------------------------------------------


def _draw_shadow(canvas: Image.Image, p: _Profile, view: _View) -> None:
    """A soft contact shadow, blurred at quarter resolution inside its own box only."""
    ends = [view.point(0.0, 0.0), view.point(1.0, 0.0)]
    ends.append(view.far(max(ends)))
    spread = view.px(0.05)
    hull = [(x + dx, y + dy) for x, y in ends for dx in (-spread, spread) for dy in (-spread, spread)]
    box = _bounding_box(hull, canvas.size)
    small = (max(1, (box[2] - box[0]) // 4), max(1, (box[3] - box[1]) // 4))
    mask = Image.new("L", small, 0)
    draw = ImageDraw.Draw(mask)
    centre_y = small[1] / 2
    draw.ellipse((spread / 4, centre_y - spread / 10, small[0] - spread / 4, centre_y + spread / 8), 150)
    for u in p.wheels:
        x = (view.point(u, 0.0)[0] - box[0]) / 4
        draw.ellipse((x - spread / 2, centre_y - 2, x + spread / 2, centre_y + 2), fill=230)
    soft = mask.filter(ImageFilter.GaussianBlur(max(1.0, spread / 12)))
    size = (box[2] - box[0], box[3] - box[1])
    canvas.paste(_SHADOW, box, soft.resize(size, Image.Resampling.BILINEAR))


# --- the car ----------------------------------------------------------------


def _draw_car(canvas: Image.Image, p: _Profile, view: _View, colour: RGB, rng: random.Random) -> None:
    outline = _outline(p)
    draw = ImageDraw.Draw(canvas)
    if view.depth:
        _draw_far_side(draw, p, view, outline, colour)
    _fill_with_gradient(canvas, view.points(outline), _body_stops(colour))
    if p.cladding:
        _draw_cladding(draw, p, view)
    _draw_body_lines(draw, p, view, colour)
    _draw_glass(canvas, p, view)
    _draw_cabin_details(draw, p, view, colour)
    _draw_lamps(draw, p, view)
    for u in p.wheels:
        _draw_wheel(draw, p, view, u, rng.uniform(0, 2 * math.pi))


def _body_stops(colour: RGB) -> Stops:
    return (
        (0.0, _mix(colour, _WHITE, 0.30)),
        (0.30, _mix(colour, _WHITE, 0.12)),
        (0.45, colour),
        (0.80, _shade(colour, 0.78)),
        (1.0, _shade(colour, 0.55)),
    )


def _fill_with_gradient(canvas: Image.Image, shape: Sequence[Point], stops: Stops) -> None:
    """Paint `shape` with a top-to-bottom gradient, working only inside its bounding box."""
    box = _bounding_box(shape, canvas.size, margin=1)
    size = (box[2] - box[0], box[3] - box[1])
    if size[0] <= 0 or size[1] <= 0:
        return
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).polygon([(x - box[0], y - box[1]) for x, y in shape], fill=255)
    canvas.paste(_vertical_gradient(size, stops), box, mask)


def _draw_far_side(
    draw: ImageDraw.ImageDraw, p: _Profile, view: _View, outline: list[Point], colour: RGB
) -> None:
    """Extrude the silhouette towards the far side: the nose or tail and the tops show."""
    near = view.points(outline)
    for i, (a, b) in enumerate(zip(outline, [*outline[1:], outline[0]], strict=True)):
        surface = _surface_colour(p, view, a, b, colour)
        if surface is not None:
            pa, pb = near[i], near[(i + 1) % len(near)]
            draw.polygon([pa, pb, view.far(pb), view.far(pa)], fill=surface)
    _draw_end_details(draw, p, view)


def _surface_colour(p: _Profile, view: _View, a: Point, b: Point, colour: RGB) -> RGB | None:
    """Colour of the strip between the near and far copy of edge a-b, None if hidden."""
    du, dv = b[0] - a[0], b[1] - a[1]
    norm = math.hypot(du, dv) or 1.0
    # The outline runs clockwise, so (-dv, du) points out of the car.
    normal_u, normal_v = -dv / norm, du / norm
    screen_x = -normal_u if view.mirrored else normal_u
    mid_x, mid_y = view.point((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    far_x, far_y = view.far((mid_x, mid_y))
    if screen_x * (far_x - mid_x) - normal_v * (far_y - mid_y) <= 0:
        return None  # facing away from us: covered by the near side anyway
    if min(a[1], b[1]) > p.sill_h + 0.005 and normal_v < 0.97:
        return (58, 68, 84)  # windscreen or rear window
    if normal_v > abs(normal_u):
        return _mix(colour, _WHITE, 0.2)  # bonnet, boot lid or roof
    return _shade(colour, 0.8)


def _draw_end_details(draw: ImageDraw.ImageDraw, p: _Profile, view: _View) -> None:
    """Lamps plus grille (front) or number plate (rear) on the visible end face."""
    end_u, top = (0.0, p.nose_h) if view.mirrored else (1.0, p.tail_h)

    def on_face(f: float, v: float) -> Point:
        near = view.point(end_u, v)
        far = view.far(near)
        return (near[0] + (far[0] - near[0]) * f, near[1] + (far[1] - near[1]) * f)

    def patch(f0: float, f1: float, v0: float, v1: float) -> list[Point]:
        return [on_face(f0, v0), on_face(f0, v1), on_face(f1, v1), on_face(f1, v0)]

    lamp = _HEADLAMP if view.mirrored else _TAIL_LAMP
    for f0, f1 in ((0.08, 0.3), (0.7, 0.92)):
        draw.polygon(patch(f0, f1, top - 0.06, top - 0.025), fill=lamp, outline=_TRIM)
    if view.mirrored:
        draw.polygon(patch(0.32, 0.68, p.clearance + 0.05, top - 0.075), fill=_TRIM)  # grille
    else:
        plate_low = p.clearance + 0.06
        draw.polygon(patch(0.3, 0.7, plate_low, plate_low + 0.04), fill=_PLATE, outline=_TRIM)


def _draw_cladding(draw: ImageDraw.ImageDraw, p: _Profile, view: _View) -> None:
    low, high = p.clearance + 0.004, p.clearance + 0.045
    strip = [(0.035, low), (0.965, low), (0.97, high), (0.03, high)]
    draw.polygon(view.points(strip), fill=_CLADDING)


def _draw_body_lines(draw: ImageDraw.ImageDraw, p: _Profile, view: _View, colour: RGB) -> None:
    width = max(1, round(view.px(0.0035)))
    shoulder = p.sill_h - 0.03
    end = p.tail_top_u - (0.01 if p.bed_u else 0.03)
    crease = [(p.hood_u + 0.02, shoulder + 0.004), (end, shoulder)]
    draw.line(view.points(crease), fill=_mix(colour, _WHITE, 0.45), width=width)
    for u in _door_seams(p):
        edge = [(u, p.sill_h - 0.005), (u - 0.008, p.clearance + 0.05)]
        draw.line(view.points(edge), fill=_shade(colour, 0.45), width=width)
    for u in p.doors:
        handle = [(u - 0.065, shoulder - 0.012), (u - 0.03, shoulder - 0.012)]
        draw.line(view.points(handle), fill=_shade(colour, 0.6), width=width * 2)


def _door_seams(p: _Profile) -> list[float]:
    # The front door starts behind the A-pillar but never cuts into the wheel arch.
    front = max(_a_pillar_u(p, p.sill_h) + 0.01, p.wheels[0] + p.wheel_r * 1.2 + 0.01)
    return [front, *p.doors]


def _draw_glass(canvas: Image.Image, p: _Profile, view: _View) -> None:
    glass = view.points(_glass(p))
    _fill_with_gradient(canvas, glass, _GLASS_STOPS)
    draw = ImageDraw.Draw(canvas)
    draw.line([*glass, glass[0]], fill=_TRIM, width=max(1, round(view.px(0.004))))
    half, lean, top = 0.011, 0.012, p.roof_h - 0.015
    for u in p.pillars:
        band = [(u - half, p.sill_h), (u + half, p.sill_h), (u + half + lean, top), (u - half + lean, top)]
        draw.polygon(view.points(band), fill=_TRIM)


def _draw_cabin_details(draw: ImageDraw.ImageDraw, p: _Profile, view: _View, colour: RGB) -> None:
    u, v = _a_pillar_u(p, p.sill_h) + 0.02, p.sill_h
    mirror = [(u, v), (u + 0.04, v + 0.004), (u + 0.035, v + 0.032), (u + 0.008, v + 0.03)]
    draw.polygon(view.points(mirror), fill=_shade(colour, 0.85), outline=_TRIM)
    if p.roof_rails:
        rail = [(p.roof_front_u + 0.06, p.roof_h + 0.014), (p.roof_rear_u - 0.03, p.roof_h + 0.014)]
        draw.line(view.points(rail), fill=_TRIM, width=max(2, round(view.px(0.009))))
    if p.roofless:
        _draw_open_cockpit(draw, p, view)
    if p.bed_u is not None:
        _draw_load_bed(draw, p, view, p.bed_u)


def _draw_open_cockpit(draw: ImageDraw.ImageDraw, p: _Profile, view: _View) -> None:
    v = p.sill_h
    for u in (p.roof_front_u + 0.12, p.roof_front_u + 0.25):
        headrest = [(u, v - 0.005), (u + 0.05, v - 0.005), (u + 0.045, v + 0.06), (u + 0.01, v + 0.06)]
        draw.polygon(view.points(_round_corners(headrest, 0.012)), fill=(40, 38, 36))
    start, end = p.roof_front_u + 0.34, p.tail_top_u - 0.08
    folded_roof = [(start, v - 0.004), (end, v - 0.004), (end - 0.02, v + 0.022), (start + 0.02, v + 0.026)]
    draw.polygon(view.points(_round_corners(folded_roof, 0.012)), fill=(34, 34, 38))


def _draw_load_bed(draw: ImageDraw.ImageDraw, p: _Profile, view: _View, bed_u: float) -> None:
    v, end = p.sill_h, p.tail_top_u - 0.012
    inside = [(bed_u + 0.012, v - 0.004), (end, v - 0.004), (end, v - 0.02), (bed_u + 0.012, v - 0.02)]
    draw.polygon(view.points(inside), fill=_shade(_CLADDING, 0.8))
    bar_top = v + 0.075
    sports_bar = [(bed_u + 0.02, v), (bed_u + 0.035, v), (bed_u + 0.045, bar_top), (bed_u + 0.03, bar_top)]
    draw.polygon(view.points(sports_bar), fill=_TRIM)


def _draw_lamps(draw: ImageDraw.ImageDraw, p: _Profile, view: _View) -> None:
    v = p.nose_h
    rise = (p.hood_h - v) / max(0.01, p.hood_u) * 0.08  # follow the bonnet's slope
    head = [(0.006, v - 0.045), (0.012, v - 0.01), (0.09, v + rise - 0.012), (0.08, v - 0.04)]
    draw.polygon(view.points(head), fill=_HEADLAMP, outline=_TRIM)
    t = p.tail_h
    tail = [(0.996, t - 0.012), (0.95, t - 0.01), (0.955, t - 0.05), (0.997, t - 0.055)]
    draw.polygon(view.points(tail), fill=_TAIL_LAMP, outline=_TRIM)


def _draw_wheel(draw: ImageDraw.ImageDraw, p: _Profile, view: _View, u: float, turn: float) -> None:
    cx, cy = view.point(u, p.wheel_r)
    ry = view.px(p.wheel_r) * view.scale(u)
    rx = ry * (1.0 if view.taper == 0 else 0.88)  # wheels look oval when seen off-axis

    def box(k: float) -> tuple[float, float, float, float]:
        return (cx - rx * k, cy - ry * k, cx + rx * k, cy + ry * k)

    arch, arch_colour = (1.16, _CLADDING) if p.cladding else (1.1, _ARCH)
    draw.pieslice(box(arch), 180, 360, fill=arch_colour)
    draw.ellipse(box(1.0), fill=_TYRE)
    draw.ellipse(box(0.9), outline=(58, 58, 64), width=max(1, round(ry * 0.04)))
    draw.ellipse(box(0.64), fill=(188, 192, 200), outline=(120, 124, 130), width=max(1, round(ry * 0.03)))
    draw.ellipse(box(0.5), fill=(150, 154, 162))
    for spoke in range(5):
        a = turn + spoke * 2 * math.pi / 5
        tip = (cx + math.cos(a) * rx * 0.6, cy + math.sin(a) * ry * 0.6)
        draw.line([(cx, cy), tip], fill=(196, 200, 208), width=max(1, round(ry * 0.12)))
    draw.ellipse(box(0.16), fill=(92, 96, 104))
