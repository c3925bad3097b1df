"""Bahasa Indonesia, the default language: the catalogue is complete, compiled, up to date
with the code, and what the pages actually show.

When one of these fails, run ``make messages``, translate the new entries in
src/sipakatau/locale/id/LC_MESSAGES/django.po, run ``make messages`` again to compile, and
commit both django.po and django.mo.
"""

import gettext
import os
import re
import shutil
import struct
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

import sipakatau
from sipakatau.lib.po import PoEntry, header_fields, parse_po, read_po

PACKAGE_DIR = Path(sipakatau.__file__).resolve().parent
CATALOGUE_DIR = PACKAGE_DIR / "locale" / "id" / "LC_MESSAGES"
PO_FILE = CATALOGUE_DIR / "django.po"
MO_FILE = CATALOGUE_DIR / "django.mo"
# The same arguments as the documented command (run from src/sipakatau).
MAKEMESSAGES = [
    "makemessages",
    "--locale",
    "id",
    "--no-obsolete",
    "--no-location",
    "--ignore",
    "*/tests/*",
    "--ignore",
    "static/*",
]
FIX = "run `make messages` and translate"

# %(name)s, %(length)d, %(code)r ... as Python's % operator reads them.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")
HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
LOGIN = reverse("accounts:login")


def _messages() -> list[PoEntry]:
    """The catalogue's translatable entries (without the header and obsolete ones)."""
    return [entry for entry in read_po(PO_FILE) if not entry.is_header and not entry.obsolete]


def _listing(entries: list[PoEntry]) -> str:
    return "\n".join(f"  {entry}" for entry in entries)


# --- The .po file -----------------------------------------------------------------------


def test_the_catalogue_header_is_indonesian_utf8_with_one_plural_form() -> None:
    entries = read_po(PO_FILE)
    header = header_fields(entries)
    assert header.get("Language") == "id"
    assert "charset=UTF-8" in header.get("Content-Type", "")
    assert header.get("Plural-Forms") == "nplurals=1; plural=0;"
    assert not any(entry.is_header and entry.fuzzy for entry in entries), "fuzzy header"


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    untranslated = [e for e in _messages() if not e.fuzzy and not e.translated]
    fuzzy = [e for e in _messages() if e.fuzzy]
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} without a translation:\n{_listing(untranslated)}")
    if fuzzy:
        # msgmerge guesses these from a similar old string; gettext ignores them.
        problems.append(
            f"{len(fuzzy)} marked fuzzy (check the guess, fix it, remove the flag):\n"
            f"{_listing(fuzzy)}"
        )
    assert not problems, f"{PO_FILE}:\n" + "\n".join(problems)


def test_plural_entries_have_exactly_the_one_indonesian_form() -> None:
    wrong = [e for e in _messages() if e.msgid_plural is not None and set(e.msgstr) != {0}]
    assert not wrong, f"Indonesian has one plural form; keep only msgstr[0]:\n{_listing(wrong)}"


def test_translations_keep_the_placeholders_and_the_html() -> None:
    wrong = []
    for entry in _messages():
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        for text in entry.msgstr.values():
            if not text:
                continue
            for pattern in (PLACEHOLDER, HTML_TAG):
                found = Counter(pattern.findall(text))
                if not any(found == Counter(pattern.findall(source)) for source in sources):
                    wrong.append(f"  {entry}: {sorted(found.elements())} in {text!r}")
    assert not wrong, "A translation lost or changed a placeholder or tag:\n" + "\n".join(wrong)


def test_the_po_reader_understands_the_gettext_syntax() -> None:
    entries = parse_po(
        'msgid ""\nmsgstr ""\n"Language: id\\n"\n\n'
        "#. a comment\n#, fuzzy, python-format\n"
        'msgctxt "menu"\nmsgid "Say \\"%(x)s\\"\\n"\n"again"\nmsgstr "Ucap"\n\n'
        'msgid "One"\nmsgid_plural "Many"\nmsgstr[0] "Satu"\n'
        'msgid "Next"\nmsgstr ""\n\n'
        '#~ msgid "Old"\n#~ msgstr "Lama"\n'
    )
    header, said, plural, empty, old = entries
    assert header.is_header
    assert header_fields(entries) == {"Language": "id"}
    assert said.key == ("menu", 'Say "%(x)s"\nagain')
    assert said.flags == {"fuzzy", "python-format"}
    assert not said.translated
    assert (plural.msgid_plural, plural.msgstr, plural.translated) == ("Many", {0: "Satu"}, True)
    assert (empty.msgid, empty.translated, empty.flags) == ("Next", False, set())
    assert old.obsolete and old.msgstr == {0: "Lama"}


# --- The compiled .mo file --------------------------------------------------------------


def _mo_message_count(data: bytes) -> int:
    """The number of strings in a .mo file, header included (GNU gettext .mo layout)."""
    for order in ("<", ">"):
        magic, _revision, count = struct.unpack(f"{order}3I", data[:12])
        if magic == 0x950412DE:
            return int(count)
    raise AssertionError(f"{MO_FILE} is not a .mo file")


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    assert MO_FILE.exists(), f"{MO_FILE} is missing: {FIX}, then commit django.mo"
    data = MO_FILE.read_bytes()
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in _messages():
        if not entry.translated:
            continue  # reported by the test above; gettext leaves these out of the .mo
        context, msgid, plural = entry.msgctxt, entry.msgid, entry.msgid_plural
        if plural is None:
            got = [compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)]
        else:
            got = [
                compiled.npgettext(context, msgid, plural, n)
                if context
                else compiled.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]
        if any(text != entry.msgstr[0] for text in got):
            stale.append(entry)
    translated = sum(1 for entry in _messages() if entry.translated)
    assert not stale, (
        f"django.mo says something else than django.po for:\n{_listing(stale)}\n"
        "Compile it (`make messages`) and commit django.mo."
    )
    assert _mo_message_count(data) == translated + 1, (
        "django.mo holds a different number of messages than django.po: "
        "compile it (`make messages`) and commit django.mo."
    )
    assert compiled.info().get("plural-forms") == "nplurals=1; plural=0;"


# --- Up to date with the code -----------------------------------------------------------


def test_the_catalogue_has_every_string_of_the_code(tmp_path: Path) -> None:
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (GNU gettext) is not installed, so makemessages cannot run here")
    copy = tmp_path / "src" / "sipakatau"
    shutil.copytree(
        PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "locale")
    )
    (copy / "locale").mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path / "src"),
        "DJANGO_SETTINGS_MODULE": "sipakatau.settings",
        "SIPAKATAU_ENV": "test",
        "SIPAKATAU_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and fixed arguments)
        [sys.executable, "-m", "django", *MAKEMESSAGES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    fresh_po = copy / "locale" / "id" / "LC_MESSAGES" / "django.po"
    assert result.returncode == 0 and fresh_po.exists(), (
        f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    )

    def keys(entries: list[PoEntry]) -> dict[tuple[str | None, str, str | None], PoEntry]:
        return {
            (e.msgctxt, e.msgid, e.msgid_plural): e
            for e in entries
            if not e.is_header and not e.obsolete
        }

    in_code, in_catalogue = keys(read_po(fresh_po)), keys(read_po(PO_FILE))
    missing = [in_code[key] for key in in_code.keys() - in_catalogue.keys()]
    gone = [in_catalogue[key] for key in in_catalogue.keys() - in_code.keys()]
    problems = []
    if missing:
        problems.append(f"{len(missing)} strings of the code are not in django.po:")
        problems += [f"  {entry.msgid!r}" for entry in sorted(missing, key=lambda e: e.msgid)]
    if gone:
        problems.append(f"{len(gone)} entries of django.po are no longer in the code:")
        problems += [f"  {entry.msgid!r}" for entry in sorted(gone, key=lambda e: e.msgid)]
    assert not problems, "\n".join([*problems, f"The catalogue is out of date: {FIX}."])


# --- What the pages show ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_is_indonesian_by_default(anonymous: Client) -> None:
    html = anonymous.get(LOGIN).content.decode()
    assert '<html lang="id">' in html
    assert "<h1>Masuk</h1>" in html
    assert "Nama pengguna" in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_a_page_is_english_with_the_language_cookie(anonymous: Client) -> None:
    anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = anonymous.get(LOGIN).content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Sign in</h1>" in html
    assert "Masuk" not in html


@pytest.mark.django_db
def test_choosing_english_in_the_footer_switches_the_pages(anonymous: Client) -> None:
    response = anonymous.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "<h1>Sign in</h1>" in anonymous.get(LOGIN).content.decode()

    anonymous.post(reverse("set_language"), {"language": "id", "next": LOGIN})
    assert "<h1>Masuk</h1>" in anonymous.get(LOGIN).content.decode()


@pytest.mark.django_db
def test_messages_from_python_code_are_indonesian(anonymous: Client) -> None:
    response = anonymous.post(LOGIN, {"username": "tidak.ada", "password": "salah-sekali"})
    assert "Nama pengguna atau kata sandi salah." in response.content.decode()
