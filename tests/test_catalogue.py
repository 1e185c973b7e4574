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
    # makemessages into a scratch copy of the catalogue: an entry that comes out untranslated
    # is a string that the code or a template marks for translation and the catalogue lacks.
    base = Path(settings.BASE_DIR)
    scratch = tmp_path / "locale"
    shutil.copytree(base / "locale", scratch)
    settings.LOCALE_PATHS = [scratch]
    monkeypatch.chdir(base)
    ignore = [".venv/*", "var/*", "tests/*", "bench/*", "node_modules/*"]
    for domain in ("django", "djangojs"):
        call_command("makemessages", locale=["zh_Hans"], domain=domain, ignore_patterns=ignore, verbosity=0)
        po = polib.pofile(str(scratch / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"))
        assert [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()] == [], domain
