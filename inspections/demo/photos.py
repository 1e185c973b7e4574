"""Small real photos for the demo's findings: one "before" and one "after" picture per category.

Drawn with Pillow (a street surface, and on the "before" one the problem: litter, bills on a
wall, bicycles across the lines ...), saved once as JPEG with a thumbnail through the same
cleaning as a real upload, and shared by every generated finding of the category: cheap enough
for the million-finding seed. Each file is written only if it is missing.
"""

import io
import random
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from inspections.photos import THUMBNAIL_SIZE

SIZE = (640, 480)
FOLDER = "demo"


@dataclass(frozen=True)
class DemoPhoto:
    image: str  # the stored name, as FindingPhoto.image holds it
    thumbnail: str
    width: int
    height: int


def _scene(code: str, stage: str) -> Image.Image:
    rng = random.Random(f"{code}:{stage}")
    image = Image.new("RGB", SIZE, (196, 198, 194))
    draw = ImageDraw.Draw(image)
    # The ground: paving slabs, a kerb and a strip of green.
    for x in range(0, SIZE[0], 64):
        draw.line([(x, 150), (x, SIZE[1])], fill=(176, 178, 174), width=2)
    for y in range(150, SIZE[1], 64):
        draw.line([(0, y), (SIZE[0], y)], fill=(176, 178, 174), width=2)
    draw.rectangle([0, 0, SIZE[0], 150], fill=(214, 203, 183))  # a wall
    draw.rectangle([0, 140, SIZE[0], 150], fill=(150, 150, 146))  # the kerb
    draw.rectangle([0, 410, SIZE[0], SIZE[1]], fill=(104, 152, 92))  # the green belt
    if stage == "before":
        palette = [(120, 84, 52), (230, 230, 228), (52, 96, 168), (200, 60, 48), (90, 90, 90), (240, 210, 80)]
        if "ads" in code or "posting" in code or "psa" in code:
            for _ in range(28):  # bills stuck on the wall
                x, y = rng.randrange(10, SIZE[0] - 50), rng.randrange(10, 110)
                draw.rectangle(
                    [x, y, x + rng.randrange(20, 45), y + rng.randrange(14, 30)], fill=rng.choice(palette[1:])
                )
        elif "parking" in code:
            for _ in range(5):  # bicycles across the lines
                x, y = rng.randrange(40, SIZE[0] - 120), rng.randrange(180, 360)
                draw.ellipse([x, y, x + 40, y + 40], outline=(40, 40, 40), width=4)
                draw.ellipse([x + 70, y, x + 110, y + 40], outline=(40, 40, 40), width=4)
                draw.line([(x + 20, y + 20), (x + 90, y + 20)], fill=rng.choice(palette), width=5)
        else:
            for _ in range(40):  # litter and clutter on the ground
                x, y = rng.randrange(0, SIZE[0] - 40), rng.randrange(160, 400)
                w, h = rng.randrange(8, 46), rng.randrange(6, 30)
                shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
                shape([x, y, x + w, y + h], fill=rng.choice(palette))
        draw.rectangle([0, 0, 18, SIZE[1]], fill=(200, 16, 46))  # a red edge: before
    else:
        draw.rectangle([0, 0, 18, SIZE[1]], fill=(26, 127, 55))  # a green edge: after
    return image


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def demo_photos(codes) -> dict[tuple[str, str], DemoPhoto]:
    """(category code, stage) → the stored demo photo, drawing and writing any that is missing."""
    found = {}
    for code in codes:
        for stage in ("before", "after"):
            name, thumb = f"{FOLDER}/{code}-{stage}.jpg", f"{FOLDER}/{code}-{stage}-thumb.jpg"
            if not default_storage.exists(name) or not default_storage.exists(thumb):
                picture = _scene(code, stage)
                small = picture.copy()
                small.thumbnail(THUMBNAIL_SIZE)
                for path, data in ((name, _jpeg(picture, 82)), (thumb, _jpeg(small, 78))):
                    if default_storage.exists(path):
                        default_storage.delete(path)
                    default_storage.save(path, ContentFile(data))
            found[(code, stage)] = DemoPhoto(image=name, thumbnail=thumb, width=SIZE[0], height=SIZE[1])
    return found
