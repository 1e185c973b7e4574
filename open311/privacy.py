"""What a public read may say of a finding: no one's phone, email or name, no internal note.

``status_notes`` is the last *public* note: the note of the event that closed the finding for
the public (verified and closed, marked invalid, marked a duplicate), which is written to
explain the outcome. The notes of every other event (dispatch, return, decline, extension,
accountability) are internal and never shown. Public text (that note and the description) is
shown with phone numbers and email addresses masked, and with the names of the people on the
finding masked (whoever wrote the note, the responsible person, the reporter, the Open311
requester), since people write "王主任已处理 13805310000" in a note.
"""

import re
from collections.abc import Iterable

from inspections.models import FindingEvent

Kind = FindingEvent.Kind

#: The events whose note is written for the reporter.
PUBLIC_NOTE_KINDS = (Kind.VERIFIED, Kind.MARKED_INVALID, Kind.MARKED_DUPLICATE)

MASK = "**"

# A mainland mobile (138 0531 0000, +86-13805310000) or a landline (0531-86081234, 86081234).
# Not inside a longer run of digits and hyphens: a finding's code (370103-20261126-0007) stays.
PHONE = re.compile(r"(?<![\d-])(?:\+?86[\s-]?)?(?:1[3-9]\d(?:[\s-]?\d{4}){2}|(?:0\d{2,3}[\s-]?)?[2-9]\d{6,7})(?![\d-])")
# ASCII only: \w would swallow the Chinese text around an address ("邮箱a@b.cn").
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def redact(text: str, *, names: Iterable[str] = ()) -> str:
    """``text`` with phone numbers, email addresses and the given names masked."""
    if not text:
        return text
    text = EMAIL.sub(MASK, text)
    text = PHONE.sub(MASK, text)
    # Longest first, so that "王建国" is masked whole before "王建" could be.
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, MASK)
    return text
