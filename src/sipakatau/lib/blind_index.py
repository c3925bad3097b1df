"""Blind indexes: search encrypted values without keeping any plaintext in the database.

An index is ``HMAC-SHA256(index key, purpose ‖ 0x00 ‖ normalised value)``, truncated to
128 bits (32 hex characters). 128 bits make an accidental collision between two people
practically impossible (birthday bound ~2^64 values); what stops someone with a copy of
the database from simply hashing every possible NIK is the secret *index key*, which is
kept apart from the field keys and outside the database (``SIPAKATAU_INDEX_KEY``).

The *purpose* (``nik``, ``kk``, ``phone``, ``name.token`` …) is part of the MAC input, so
the same digits as a NIK and as a KK number give unrelated indexes.

The index key ring is newest first, like the field keys: new values are indexed with the
newest key, and a lookup asks for the index under **every** configured key, so adding a
new index key never makes an existing person unfindable. Re-indexing rows under the new
key is done by saving them again (see docs/security.md ("The keys")).

Names are matched by tokens (lower case, titles and punctuation dropped, old spellings
kept apart) and by an Indonesian-aware phonetic key of each token, plus the phonetic key
of each two adjacent tokens joined, so that "Nur Hayati" finds "Nurhayati".
"""

import hashlib
import hmac
import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

from .crypto import Key, parse_key_ring
from .nik import clean_number
from .phone import normalise_phone

INDEX_HEX_CHARS = 32  # 128 bits; the column width of every blind-index field
INDEX_MIN_KEY_BYTES = 32


@lru_cache(maxsize=8)
def _keys_from_text(text: str) -> tuple[Key, ...]:
    return parse_key_ring(text, setting="SIPAKATAU_INDEX_KEY", max_bytes=None)


def index_keys() -> tuple[Key, ...]:
    from django.conf import settings

    return _keys_from_text(settings.INDEX_KEYS)


def _mac(key: Key, purpose: str, value: str) -> str:
    message = purpose.encode() + b"\x00" + value.encode("utf-8")
    return hmac.new(key.secret, message, hashlib.sha256).hexdigest()[:INDEX_HEX_CHARS]


def index_for(purpose: str, value: str) -> str:
    """The index to store: under the newest index key."""
    return _mac(index_keys()[0], purpose, value)


def indexes_for_lookup(purpose: str, value: str) -> list[str]:
    """The indexes to search for: one under each configured index key."""
    return [_mac(key, purpose, value) for key in index_keys()]


# --- Exact values -------------------------------------------------------------------------


def nik_index(nik: str) -> str:
    return index_for("nik", clean_number(nik))


def kk_index(kk: str) -> str:
    return index_for("kk", clean_number(kk))


def phone_index(phone: str) -> str:
    """Raises phone.PhoneError for something that is not a telephone number."""
    return index_for("phone", normalise_phone(phone))


# --- Names --------------------------------------------------------------------------------

# Honorifics, religious and academic titles: they come and go between records of the same
# person ("Hj. Siti Aminah, S.Pd." / "Siti Aminah"), so they must not count as name.
TITLES = frozenset(
    """
    bapak bpk pak ibu bu ny nyonya nona nn sdr sdri saudara saudari tn tuan
    h hj haji hajah hajjah kh ust ustad ustadz ustazah ustadzah
    dr drs dra ir prof
    sh se st sp spd spdi sag sos ssos skm skep sked ked mm mpd mh mt msi mkes mag amd amk ners
    alm almh almarhum almarhumah
    bin binti bt
    """.split()  # noqa: SIM905  (a word list reads better as words)
)
# Abbreviations of Muhammad written on ID cards and forms.
ABBREVIATIONS = {
    "m": "muhammad",
    "muh": "muhammad",
    "moh": "muhammad",
    "mhd": "muhammad",
    "moch": "muhammad",
    "much": "muhammad",
    "md": "muhammad",
}
_NOT_LETTER = re.compile(r"[^a-z\s]")
_APOSTROPHES = re.compile("['`\u2019\u02bc]")  # straight, grave, right quote, modifier


def name_tokens(name: str) -> list[str]:
    """Lower-case ASCII words of a name, without titles, punctuation or one-letter initials.

    A title only written with its dot ("S.Pd.") becomes one word after the dots go.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _APOSTROPHES.sub("", text)  # Ma'ruf and Maruf are one name
    # Dots inside an abbreviated title ("s.pd", "a.md") join it into one word; dots after
    # a name or an initial separate words.
    text = re.sub(r"\b([a-z]{1,2})\.([a-z]{1,3})\b\.?", r"\1\2", text)
    text = _NOT_LETTER.sub(" ", text)
    tokens = []
    for word in text.split():
        word = ABBREVIATIONS.get(word, word)
        if word in TITLES or len(word) < 2:
            continue
        tokens.append(word)
    return tokens


# Ordered rewrites from old spellings and common variants to one form. Each pair says why.
_REWRITES: tuple[tuple[str, str], ...] = (
    ("oe", "u"),  # Van Ophuijsen spelling (before 1947): Soekarno = Sukarno
    ("dj", "j"),  # Soewandi spelling (before 1972): Djuleha = Juleha
    ("tj", "c"),  # Tjahjo = Cahyo
    ("sj", "sy"),  # Sjamsul = Syamsul
    ("nj", "ny"),  # Njoman = Nyoman
    ("ch", "kh"),  # Chairul = Khairul (old "ch" is today's "kh")
    ("kh", "h"),  # Khadijah = Hadijah, both written today
    ("sy", "s"),  # Syamsul = Samsul
    ("ph", "f"),  # Philipus = Filipus
    ("dz", "z"),  # Dzulkifli = Zulkifli
    ("q", "k"),  # Qadir = Kadir
    ("v", "f"),  # Novi = Nofi
    ("x", "ks"),
    ("j", "y"),  # old "j" is today's "y" (Soejono = Suyono), and dj above became j
)
_CONSONANT_THEN_H = re.compile(r"([b-df-gj-np-tv-z])h")  # Fathur = Fatur, Ramadhan = Ramadan
_VOWEL_RUN = re.compile(r"[aeiou]+")  # Sulaeman = Sulaiman = Suleman; Muhammad = Mohammad
_DOUBLE = re.compile(r"(.)\1+")  # Muhammad = Muhamad, Nurhayatti = Nurhayati


def phonetic_key(token: str) -> str:
    """A key that old and new spellings of an Indonesian name share.

    Steps, in order: old-spelling and variant rewrites (table above); drop ``h`` after a
    consonant; drop a final ``h`` (Aisyah = Aisya); fold every run of vowels to ``a``;
    collapse doubled letters. It is deliberately loose: it proposes candidates, and a
    person decides whether two records are the same.
    """
    key = token
    for old, new in _REWRITES:
        key = key.replace(old, new)
    key = _CONSONANT_THEN_H.sub(r"\1", key)
    if len(key) > 2 and key.endswith("h"):
        key = key[:-1]
    key = _VOWEL_RUN.sub("a", key)
    return _DOUBLE.sub(r"\1", key)


def name_index_terms(name: str) -> set[tuple[str, str]]:
    """(purpose, value) pairs that describe a name for the index."""
    tokens = name_tokens(name)
    terms: set[tuple[str, str]] = set()
    for token in tokens:
        terms.add(("name.token", token))
        terms.add(("name.sound", phonetic_key(token)))
    for first, second in pairwise(tokens):
        # "Nur Hayati" / "Nurhayati": the joined pair sounds like the one-word spelling.
        terms.add(("name.sound", phonetic_key(first + second)))
    return terms


def name_indexes(name: str) -> set[str]:
    """The name indexes to store (newest index key)."""
    return {index_for(purpose, value) for purpose, value in name_index_terms(name)}


def name_indexes_for_lookup(name: str) -> set[str]:
    """The name indexes to search for (every configured index key)."""
    return {
        index
        for purpose, value in name_index_terms(name)
        for index in indexes_for_lookup(purpose, value)
    }
