"""Personal data at rest: encrypted model fields, rotatable keys and keyed blind indexes (decision 0018).

- ``EncryptedTextField``: the Python value is the plaintext, the column holds a Fernet token (AES-128-CBC with
  HMAC-SHA256, a random IV per write). Keys come from ``BIANMIN["FIELD_KEYS"]``: the first encrypts, all decrypt,
  so a key is rotated by putting a new one first and running ``manage.py rotate_field_keys``. A loaded value is
  decrypted only when the attribute is read (lists that never read it never decrypt); ``values()`` returns the
  stored ``Ciphertext``. Lookups other than against ``""`` are refused: search the blind index instead.
- ``BlindIndexField``: HMAC-SHA256 with ``BIANMIN["BLIND_INDEX_KEY"]`` over the normalised value (upper-case ID,
  digits-only phone), for exact search.
- ``MaskedField``: the masked copy shown in pages and lists (``138****5678``).

Both derived columns are computed in their ``pre_save`` from the plaintext assigned to their source field, so
``Model(...).save()``, ``objects.create()`` and ``bulk_create()`` keep them in step; a writer that names
``update_fields`` or uses ``bulk_update``/``update()`` must name them too (``derived_values`` helps).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from . import masking
from .validators import normalise_phone

__all__ = ["BlindIndexField", "Ciphertext", "EncryptedTextField", "InvalidToken", "MaskedField", "blind_index",
           "decrypt", "decrypt_recent", "derived_values", "encrypt", "field_cipher", "personal_search",
           "sealed_columns"]


# --- keys -------------------------------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured('BIANMIN["FIELD_KEYS"] 未配置：个人信息字段加密密钥（生产环境：BIANMIN_FIELD_KEYS）')
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured('BIANMIN["FIELD_KEYS"] 中有无效密钥：每个应为 Fernet.generate_key() 生成的'
                                   "32 字节 URL-safe Base64 字符串") from exc


def field_cipher() -> MultiFernet:
    """Return the cipher for ``BIANMIN["FIELD_KEYS"]`` (first key encrypts, every key decrypts).

    Raises ImproperlyConfigured when no key or an invalid key is configured."""
    return _cipher(tuple(settings.BIANMIN.get("FIELD_KEYS") or ()))


def _index_key() -> bytes:
    key = settings.BIANMIN.get("BLIND_INDEX_KEY") or ""
    if len(key) < 32:
        raise ImproperlyConfigured('BIANMIN["BLIND_INDEX_KEY"] 未配置或过短（至少 32 个字符；生产环境：'
                                   "BIANMIN_BLIND_INDEX_KEY）")
    return key.encode()


class Ciphertext(str):
    """A token as stored in an encrypted column. ``str()`` of it is the token, never the plaintext."""

    def plaintext(self) -> str:
        """Return the decrypted value (decrypted once, then remembered). Raises InvalidToken for an unknown key."""
        try:
            return self.__dict__["_plain"]
        except KeyError:
            plain = self.__dict__["_plain"] = field_cipher().decrypt(str(self).encode()).decode()
            return plain

    def __reduce__(self):  # pickled (cached) as the token alone: the plaintext never leaves the process
        return (Ciphertext, (str(self),))

    def __repr__(self) -> str:
        return f"Ciphertext({str(self)[:12]!r}…)"


def encrypt(value: str) -> Ciphertext:
    """Return ``value`` encrypted with the first field key."""
    return Ciphertext(field_cipher().encrypt(value.encode()).decode())


def decrypt(token: str) -> str:
    """Return the plaintext of ``token``. Raises InvalidToken if no configured key opened it."""
    return field_cipher().decrypt(str(token).encode()).decode()


def decrypt_recent(token: str, *, max_age: int) -> str | None:
    """Return the plaintext of ``token`` if it was made in the last ``max_age`` seconds with a configured key, else
    None (for values carried through a page, such as a search query in a pagination link)."""
    try:
        return field_cipher().decrypt(str(token).encode(), ttl=max_age).decode()
    except (InvalidToken, UnicodeError):
        return None


# --- normalisation, blind index, masks ---------------------------------------------------------------------------

def _normalise_id(value: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", value or "")).upper()


def _normalise_phone(value: str) -> str:
    return re.sub(r"[^0-9]", "", normalise_phone(value or ""))


NORMALISERS: dict[str, Callable[[str], str]] = {"id": _normalise_id, "phone": _normalise_phone}
MASKS: dict[str, Callable[[str], str]] = {"id_staff": masking.mask_id_staff, "phone": masking.mask_phone,
                                          "phone_last4": masking.phone_last4}


def blind_index(kind: str, value: str) -> str:
    """Return the keyed hash (hex) of ``value`` normalised as ``kind`` ("id" or "phone"); "" for an empty value.

    The kind is part of the hashed text, so an ID and a phone with the same characters never collide."""
    normalised = NORMALISERS[kind](value)
    if not normalised:
        return ""
    return hmac.new(_index_key(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


_RESIDENT_ID = re.compile(r"^[0-9]{17}[0-9X]$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[0-9]{2,3}[0-9]{7,8}$")


def personal_search(q: str) -> tuple[str, str] | None:
    """Return ("id_number", masked) if ``q`` is a full 18-character resident ID, ("phone", masked) if it is a full
    mobile or landline number however typed, else None (what a search audits, SECURITY.md)."""
    q = unicodedata.normalize("NFKC", q or "").strip()
    if _RESIDENT_ID.match(_normalise_id(q)):
        return "id_number", masking.mask_id_staff(_normalise_id(q))
    if re.fullmatch(r"[0-9+\s\-()]+", q):
        digits = _normalise_phone(q)
        if _MOBILE.match(digits) or _LANDLINE.match(digits):
            return "phone", masking.mask_phone(digits)
    return None


# --- fields ------------------------------------------------------------------------------------------------------

class EncryptedAttribute(DeferredAttribute):
    """Decrypt on read (once per loaded value); store assignments as given."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        return value.plaintext() if isinstance(value, Ciphertext) else value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


_GUARDED: dict[type, type] = {}


def _guarded(lookup: type) -> type:
    """Return ``lookup`` allowing only "" (or None) on the right: any other value can never match a token."""
    if lookup not in _GUARDED:
        def get_prep_lookup(self):
            values = self.rhs if isinstance(self.rhs, list | tuple | set) else [self.rhs]
            if any(v not in ("", None) for v in values):
                raise FieldError(f"“{self.lhs.output_field.name}”已加密，只能与空值比较；按完整号码查询请用盲索引字段")
            return lookup.get_prep_lookup(self)

        _GUARDED[lookup] = type(f"Encrypted{lookup.__name__}", (lookup,), {"get_prep_lookup": get_prep_lookup})
    return _GUARDED[lookup]


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; the model attribute is the plaintext (see the module docstring)."""

    descriptor_class = EncryptedAttribute
    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        return Ciphertext(value) if value else value

    def pre_save(self, model_instance, add):
        # The stored value as assigned: a loaded Ciphertext is written back unchanged (no decryption).
        if self.attname in model_instance.__dict__:
            return model_instance.__dict__[self.attname]
        return getattr(model_instance, self.attname)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, Ciphertext):
            return str(value)
        return str(encrypt(value))

    def get_lookup(self, lookup_name):
        lookup = super().get_lookup(lookup_name)
        if lookup is None or lookup_name == "isnull":
            return lookup
        return _guarded(lookup)


class _DerivedField(models.CharField):
    """A column computed from the plaintext of ``source`` (an EncryptedTextField of the same model) on save."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, ours in (("blank", True), ("default", ""), ("editable", False)):
            value = getattr(self, key)
            if value == ours:
                kwargs.pop(key, None)
            else:
                kwargs[key] = value
        return name, path, args, kwargs

    def derive(self, plaintext: str | None) -> str:
        """Return the stored value derived from ``plaintext``; each concrete field (BlindIndexField, MaskedField)
        says how. The base class is private and never a model field itself."""
        raise NotImplementedError(f"{type(self).__name__} must define derive()")

    def pre_save(self, model_instance, add):
        raw = model_instance.__dict__.get(self.source, Ciphertext())
        if not isinstance(raw, Ciphertext):  # plaintext (or None) assigned in this process: derive it
            value = self.derive(raw or "")
            model_instance.__dict__[self.attname] = value
            return value
        return getattr(model_instance, self.attname)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        try:
            source = self.model._meta.get_field(self.source)
        except FieldDoesNotExist:
            source = None
        if not isinstance(source, EncryptedTextField):
            errors.append(checks.Error(f"{self.name}: source “{self.source}” is not an EncryptedTextField",
                                       obj=self, id="core.E001"))
        return errors


class BlindIndexField(_DerivedField):
    """The keyed hash of ``source``'s normalised plaintext (``kind`` "id" or "phone"), indexed for exact search."""

    def __init__(self, *args, kind: str, **kwargs):
        if kind not in NORMALISERS:
            raise ValueError(f"kind must be one of {sorted(NORMALISERS)}")
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        if kwargs.get("max_length") == 64:
            kwargs.pop("max_length")
        if kwargs.get("db_index"):
            kwargs.pop("db_index")
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def derive(self, plaintext: str | None) -> str:
        return blind_index(self.kind, plaintext or "")


class MaskedField(_DerivedField):
    """The masked copy of ``source`` for display (``mask`` "id_staff" or "phone"): pages never decrypt to show it."""

    def __init__(self, *args, mask: str, **kwargs):
        if mask not in MASKS:
            raise ValueError(f"mask must be one of {sorted(MASKS)}")
        self.mask = mask
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["mask"] = self.mask
        if kwargs.get("max_length") == 32:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def derive(self, plaintext: str | None) -> str:
        return MASKS[self.mask](plaintext or "")


def derived_fields(model) -> list[_DerivedField]:
    """Return the blind-index and masked columns of ``model``."""
    return [f for f in model._meta.concrete_fields if isinstance(f, _DerivedField)]


@lru_cache(maxsize=64)
def _derived_from(model, source: str) -> tuple[_DerivedField, ...]:
    return tuple(f for f in derived_fields(model) if f.source == source)


def derived_values(model, source: str, plaintext: str) -> dict[str, str]:
    """Return {column: value} for every column derived from ``source`` given its plaintext (for bulk writers)."""
    return {f.attname: f.derive(plaintext) for f in _derived_from(model, source)}


def sealed_columns(model, **plaintexts: str) -> dict[str, str]:
    """Return what a bulk writer (``bulk_create``, COPY) stores for these plaintext values of ``model``'s encrypted
    fields: each one's ``Ciphertext`` and every column derived from it."""
    columns: dict[str, str] = {}
    for name, plain in plaintexts.items():
        columns[name] = encrypt(plain) if plain else plain
        columns.update(derived_values(model, name, plain))
    return columns


# --- existing rows (data migrations) ------------------------------------------------------------------------------

def _rewrite_rows(model, connection, convert: Callable[[str], tuple[str, str]], *, derive: bool,
                  batch: int = 2000) -> int:
    """Rewrite every encrypted column of ``model`` (a historical model is fine) in raw SQL, batch by batch:
    ``convert(stored)`` returns (value to store, plaintext); the derived columns get the plaintext's blind index
    and mask, or "" unless ``derive``. Returns the number of rows read."""
    qn = connection.ops.quote_name
    encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
    derived = derived_fields(model)
    if not encrypted:
        return 0
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    select = (f"SELECT {pk}, {', '.join(qn(f.column) for f in encrypted)} FROM {table} "  # noqa: S608 - names
              f"WHERE {pk} > %s ORDER BY {pk} LIMIT {int(batch)}")                      # from the model
    columns = [f.column for f in encrypted] + [f.column for f in derived]
    update = (f"UPDATE {table} SET {', '.join(f'{qn(c)} = %s' for c in columns)} WHERE {pk} = %s")  # noqa: S608
    last, total = 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last])
            rows = cursor.fetchall()
            if not rows:
                return total
            params = []
            for pk_value, *stored in rows:
                values, plain = [], {}
                for field, value in zip(encrypted, stored, strict=True):
                    new, plain[field.name] = convert(value) if value else (value, "")
                    values.append(new)
                values += [f.derive(plain[f.source]) if derive else "" for f in derived]
                params.append([*values, pk_value])
            cursor.executemany(update, params)
            last, total = rows[-1][0], total + len(rows)


def _to_ciphertext(stored: str) -> tuple[str, str]:
    try:
        return stored, decrypt(stored)  # already encrypted (a migration run again)
    except InvalidToken:
        return str(encrypt(stored)), stored


def _to_plaintext(stored: str) -> tuple[str, str]:
    try:
        plain = decrypt(stored)
    except InvalidToken:
        plain = stored  # never encrypted
    return plain, plain


def encrypt_existing_rows(model, connection) -> int:
    """Encrypt the plaintext left in ``model``'s encrypted columns and fill its blind indexes and masked copies
    (idempotent: values already encrypted are kept). For data migrations."""
    return _rewrite_rows(model, connection, _to_ciphertext, derive=True)


def decrypt_existing_rows(model, connection) -> int:
    """Put the plaintext back into ``model``'s encrypted columns (reversing ``encrypt_existing_rows``)."""
    return _rewrite_rows(model, connection, _to_plaintext, derive=False)
