"""Photos of findings: stored through the portal's photo intake (``web.photos``: validated with
Pillow, EXIF stripped, GPS and time read), kept across a report that came back with an error
(``DraftPhoto``), and removed when nobody came back to them.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import DraftPhoto, FindingPhoto
from web.photos import THUMBNAIL_SIZE, PhotoError, ProcessedPhoto, prepare, process

__all__ = [
    "THUMBNAIL_SIZE",
    "PhotoError",
    "ProcessedPhoto",
    "attach_drafts",
    "keep_for_draft",
    "prepare",
    "process",
    "store",
]


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


def keep_for_draft(uploads: Iterable, *, uploader, draft) -> list[str]:
    """Keep the uploads that are good photos for the next try of a report; the bad ones' errors.

    Called when a report comes back with a form error: the person's photos are not lost.
    """
    errors = []
    for index, upload in enumerate(uploads):
        try:
            photo = process(upload)
        except PhotoError as exc:
            name = getattr(upload, "name", "") or str(index + 1)
            errors.append(_("Photo %(name)s: %(error)s") % {"name": name, "error": exc})
            continue
        row = DraftPhoto(
            uploader=uploader, draft=draft, taken_at=photo.taken_at, gps_lat=photo.gps_lat, gps_lng=photo.gps_lng
        )
        row.image.save(photo.image.name, photo.image, save=False)
        row.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
        row.save()
    return errors


def attach_drafts(finding, drafts, *, actor, at: datetime) -> list[FindingPhoto]:
    """Make kept draft photos the finding's "before" photos (same files) and drop the drafts."""
    rows = [
        FindingPhoto(
            finding=finding,
            stage=FindingPhoto.Stage.BEFORE,
            image=draft.image.name,
            thumbnail=draft.thumbnail.name,
            taken_at=draft.taken_at,
            gps_lat=draft.gps_lat,
            gps_lng=draft.gps_lng,
            uploader=actor,
            uploaded_at=at,
        )
        for draft in drafts
    ]
    for row in rows:
        row.save()  # one by one: width and height are read from each file
    DraftPhoto.objects.filter(pk__in=[draft.pk for draft in drafts]).delete()
    return rows


#: How long a photo kept for a report waits for the person to come back.
DRAFT_LIFETIME = timedelta(days=1)


def purge_drafts(*, now: datetime | None = None) -> int:
    """Delete drafts older than ``DRAFT_LIFETIME`` and their files; returns how many."""
    stale = list(DraftPhoto.objects.filter(created_at__lt=(now or timezone.now()) - DRAFT_LIFETIME))
    for row in stale:
        for file in (row.image, row.thumbnail):
            if file:
                file.storage.delete(file.name)
    DraftPhoto.objects.filter(pk__in=[row.pk for row in stale]).delete()
    return len(stale)
