"""Tests for the offline car picture generator."""

import io
import itertools

import pytest
from PIL import Image, ImageChops, ImageStat

from demo.car_images import ANGLES, DEFAULT_SIZE, render_car_picture
from domain.inventory.vehicle import BodyType

RED = (178, 30, 36)


def render(
    body_type: BodyType = BodyType.SEDAN,
    *,
    colour: tuple[int, int, int] = RED,
    angle: int = 0,
    seed: int = 1,
    size: tuple[int, int] = DEFAULT_SIZE,
) -> bytes:
    return render_car_picture(body_type=body_type, colour_rgb=colour, angle=angle, seed=seed, size=size)


def decode(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def mean_difference(a: bytes, b: bytes) -> float:
    """Average per-channel difference (0-255) between two pictures of the same size."""
    diff = ImageChops.difference(decode(a).convert("RGB"), decode(b).convert("RGB"))
    return sum(ImageStat.Stat(diff).mean) / 3


@pytest.mark.parametrize("body_type", list(BodyType))
@pytest.mark.parametrize("angle", ANGLES)
def test_every_body_type_and_angle_decodes_as_webp(body_type: BodyType, angle: int) -> None:
    picture = decode(render(body_type, angle=angle))
    assert picture.format == "WEBP"
    assert picture.size == DEFAULT_SIZE


@pytest.mark.parametrize("size", [(320, 200), (400, 400), (1024, 576), (33, 47)])
def test_picture_has_requested_size(size: tuple[int, int]) -> None:
    assert decode(render(size=size)).size == size


def test_same_arguments_give_identical_bytes() -> None:
    assert render(BodyType.SUV, angle=1, seed=42) == render(BodyType.SUV, angle=1, seed=42)


def test_body_types_give_visibly_different_pictures() -> None:
    pictures = {body_type: render(body_type, seed=3) for body_type in BodyType}
    for a, b in itertools.combinations(BodyType, 2):
        assert mean_difference(pictures[a], pictures[b]) > 2, (a, b)


def test_angles_give_different_pictures() -> None:
    views = [render(BodyType.HATCHBACK, angle=angle) for angle in ANGLES]
    for a, b in itertools.combinations(views, 2):
        assert mean_difference(a, b) > 2


def test_seed_changes_the_background() -> None:
    assert len({render(seed=seed) for seed in range(4)}) == 4


def test_colour_changes_the_car() -> None:
    assert mean_difference(render(colour=(20, 20, 24)), render(colour=(240, 240, 240))) > 5


def test_car_is_painted_in_the_requested_colour() -> None:
    # Sample the middle of the doors of a side view, well clear of windows and wheels.
    picture = decode(render(BodyType.SUV, colour=(30, 80, 200))).convert("RGB")
    pixel = picture.getpixel((DEFAULT_SIZE[0] // 2, int(DEFAULT_SIZE[1] * 0.62)))
    assert isinstance(pixel, tuple)
    red, green, blue = pixel
    assert blue > red + 60 and blue > green + 60


@pytest.mark.parametrize("angle", [-1, 3])
def test_unknown_angle_is_rejected(angle: int) -> None:
    with pytest.raises(ValueError, match="angle"):
        render(angle=angle)


def test_tiny_size_is_rejected() -> None:
    with pytest.raises(ValueError, match="size"):
        render(size=(10, 10))


def test_out_of_range_colour_is_rejected() -> None:
    with pytest.raises(ValueError, match="colour_rgb"):
        render(colour=(0, 300, 0))
