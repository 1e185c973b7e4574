"""The zh-hans catalogue is complete, compiled, and covers every string in the code."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_message_is_translated_and_none_is_fuzzy(domain):
    po = polib.pofile(str(LOCALE / f"{domain}.po"))
    missing = [entry.msgid for entry in po if not entry.translated() and not entry.obsolete]
    assert missing == []


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_compiled_catalogue_matches_the_source(domain):
    po = polib.pofile(str(LOCALE / f"{domain}.po"))
    mo = polib.mofile(str(LOCALE / f"{domain}.mo"))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in mo}
    source = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in po.translated_entries()}
    assert compiled == source


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs xgettext: apt-get install gettext")
def test_catalogue_holds_every_string_of_the_code(tmp_path, settings, monkeypatch):
    # makemessages over a scratch copy of the sources and the catalogue (makemessages writes to
    # the "locale" folder beside the files it reads, so it must not run in the real tree): an
    # entry that comes out untranslated is a string the code marks and the catalogue lacks.
    base = Path(settings.BASE_DIR)
    scratch = tmp_path / "src"
    skip = shutil.ignore_patterns(".*", "var", "tests", "bench", "node_modules", "__pycache__", "media")
    shutil.copytree(base, scratch, ignore=skip)
    settings.LOCALE_PATHS = [scratch / "locale"]
    monkeypatch.chdir(scratch)
    for domain in ("django", "djangojs"):
        call_command("makemessages", locale=["zh_Hans"], domain=domain, verbosity=0)
        po = polib.pofile(str(scratch / "locale" / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"))
        assert [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()] == [], domain
