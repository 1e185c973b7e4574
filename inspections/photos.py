"""Photos of findings: validated and cleaned by ``web.photos``, stored as ``FindingPhoto`` rows."""

from datetime import datetime

from inspections.models import FindingPhoto
from web.photos import PhotoError, ProcessedPhoto, prepare, process, read_gps, read_taken_at

__all__ = ["PhotoError", "ProcessedPhoto", "prepare", "process", "read_gps", "read_taken_at", "store"]


def store(finding, photo: ProcessedPhoto, *, stage: str, actor, at: datetime) -> FindingPhoto:
    """Write a processed photo's files and its row (inside the caller's transaction)."""
    row = FindingPhoto(
        finding=finding,
        stage=stage,
        taken_at=photo.taken_at,
        gps_lat=photo.gps_lat,
        gps_lng=photo.gps_lng,
        uploader=actor,
        uploaded_at=at,
    )
    row.image.save(photo.image.name, photo.image, save=False)
    row.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
    row.save()
    return row
