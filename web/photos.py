"""Photo intake for every app: validate with Pillow, read the GPS and time from EXIF, make a clean copy.

Refused: anything that is not really a JPEG, PNG or WebP (whatever its name says), files over
10 MB, images over 40 megapixels (checked from the header, before decoding, so a decompression
bomb is never expanded). The stored copy is re-encoded without EXIF; the GPS read from it is
kept on the row instead.
"""

import io
import secrets
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from web.errors import Invalid

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL_SIZE = (480, 480)

_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 36867
_DATETIME = 306


class PhotoError(ValueError):
    """The upload cannot be used as a photo; the message says why, for the person uploading."""


@dataclass(frozen=True)
class ProcessedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    taken_at: datetime | None
    gps_lat: float | None
    gps_lng: float | None


def _ratio(value) -> float:
    if isinstance(value, tuple):  # (numerator, denominator) in old-style EXIF
        return value[0] / value[1]
    return float(value)


def _degrees(dms, ref) -> float | None:
    try:
        d, m, s = (_ratio(v) for v in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    return -value if ref in ("S", "W", b"S", b"W") else value


def read_gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    gps = exif.get_ifd(_GPS_IFD)
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    lat = _degrees(gps[2], gps.get(1, "N"))
    lng = _degrees(gps[4], gps.get(3, "E"))
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat == 0 and lng == 0):
        return None, None
    return round(lat, 7), round(lng, 7)


def read_taken_at(exif: Image.Exif) -> datetime | None:
    raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not raw:
        return None
    try:
        naive = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    # Cameras record local time without a zone: the district's own.
    return timezone.make_aware(naive, timezone.get_default_timezone())


def process(upload) -> ProcessedPhoto:
    """Validate an uploaded file and return the clean image, its thumbnail and what EXIF said."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise PhotoError(_("The photo is larger than 10 MB."))
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoError(_("The photo is larger than 10 MB."))
    if not data:
        raise PhotoError(_("The file is empty."))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise PhotoError(_("Only JPEG, PNG and WebP photos are accepted."))
            # The header gives the size: refuse before decoding a single pixel.
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError(_("The photo has more than 40 megapixels."))
            image.verify()
            image = Image.open(io.BytesIO(data))
            fmt = image.format
            exif = image.getexif()
            image.load()
        except PhotoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoError(_("The photo has more than 40 megapixels.")) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise PhotoError(_("The file is not a readable image.")) from exc

    gps_lat, gps_lng = read_gps(exif)
    taken_at = read_taken_at(exif)
    upright = ImageOps.exif_transpose(image)
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    clean = io.BytesIO()
    # Re-encoding without passing ``exif`` drops every EXIF tag, GPS included.
    save_options = {"quality": 88} if fmt in ("JPEG", "WEBP") else {}
    upright.save(clean, format=fmt, **save_options)

    thumb = upright.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    if thumb.mode not in ("RGB", "L"):
        thumb = thumb.convert("RGB")
    thumb_bytes = io.BytesIO()
    thumb.save(thumb_bytes, format="JPEG", quality=80)

    # Unguessable: a stored name says nothing of when it was taken and cannot be counted through.
    stem = secrets.token_urlsafe(18)
    return ProcessedPhoto(
        image=ContentFile(clean.getvalue(), name=f"{stem}.{FORMATS[fmt]}"),
        thumbnail=ContentFile(thumb_bytes.getvalue(), name=f"{stem}-thumb.jpg"),
        taken_at=taken_at,
        gps_lat=gps_lat,
        gps_lng=gps_lng,
    )


def prepare(files: Iterable, *, field: str = "photos") -> list[ProcessedPhoto]:
    """Validate every upload before anything is written; ``Invalid`` names the first bad one."""
    processed = []
    for index, upload in enumerate(files):
        try:
            processed.append(process(upload))
        except PhotoError as exc:
            name = getattr(upload, "name", "") or str(index + 1)
            raise Invalid(_("Photo %(name)s: %(error)s") % {"name": name, "error": exc}, field=field) from exc
    return processed
