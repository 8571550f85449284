"""Field encryption, key rotation and blind indexes (decision 0018); on models: cases/tests/test_personal_data."""
from __future__ import annotations

import pickle

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from bianmin.core import crypto
from bianmin.core.crypto import (
    BlindIndexField,
    Ciphertext,
    EncryptedTextField,
    InvalidToken,
    MaskedField,
    blind_index,
    decrypt,
    encrypt,
    personal_search,
)

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
INDEX_KEY = "i" * 32


def keys(*field_keys, index=INDEX_KEY):
    from django.conf import settings

    return override_settings(BIANMIN={**settings.BIANMIN, "FIELD_KEYS": list(field_keys), "BLIND_INDEX_KEY": index})


def test_a_value_is_stored_as_a_token_with_a_fresh_iv_each_time():
    first, second = encrypt("13800138000"), encrypt("13800138000")
    assert isinstance(first, Ciphertext) and "13800138000" not in first and first != second
    assert decrypt(first) == decrypt(second) == first.plaintext() == "13800138000"


def test_the_first_key_encrypts_and_every_key_decrypts():
    with keys(OLD):
        token = encrypt("11010519491231002X")
    with keys(NEW, OLD):
        assert decrypt(token) == "11010519491231002X"
        fresh = encrypt("11010519491231002X")
    assert Fernet(NEW.encode()).decrypt(fresh.encode()) == b"11010519491231002X"
    with keys(NEW), pytest.raises(InvalidToken):
        decrypt(token)  # the old key removed too early


def test_missing_or_bad_keys_are_a_configuration_error():
    with keys(), pytest.raises(ImproperlyConfigured):
        encrypt("x")
    with keys("not-a-fernet-key"), pytest.raises(ImproperlyConfigured):
        encrypt("x")
    with keys(NEW, index="short"), pytest.raises(ImproperlyConfigured):
        blind_index("phone", "13800138000")


def test_the_system_check_reports_missing_keys():
    from bianmin.core.checks import check_personal_data_keys

    assert check_personal_data_keys() == []
    with keys():
        assert [e.id for e in check_personal_data_keys()] == ["core.E002"]


def test_a_pickled_ciphertext_carries_the_token_only():
    token = encrypt("13800138000")
    assert token.plaintext() == "13800138000"  # decrypted and remembered in this process
    restored = pickle.loads(pickle.dumps(token))  # noqa: S301 - our own bytes
    assert b"13800138000" not in pickle.dumps(token) and restored == token and "_plain" not in restored.__dict__
    assert "13800138000" not in repr(token)


@pytest.mark.parametrize(("kind", "typed", "stored"), [
    ("phone", "138 0013 8000", "13800138000"), ("phone", "+86 138-0013-8000", "13800138000"),
    ("phone", "１３８００１３８０００", "13800138000"), ("phone", "0799-6123456", "07996123456"),
    ("id", "11010519491231002x", "11010519491231002X"),
    ("id", " １１０１０５１９４９１２３１００２Ｘ ", "11010519491231002X"),
])
def test_the_blind_index_matches_however_the_value_is_typed(kind, typed, stored):
    assert blind_index(kind, typed) == blind_index(kind, stored) != ""
    assert len(blind_index(kind, stored)) == 64 and stored not in blind_index(kind, stored)


def test_the_blind_index_is_keyed_and_separates_kinds():
    assert blind_index("phone", "13800138000") != blind_index("id", "13800138000")
    with keys(NEW, index="j" * 32):
        other = blind_index("phone", "13800138000")
    assert other != blind_index("phone", "13800138000")
    assert blind_index("phone", "") == blind_index("phone", "张三") == ""  # nothing to match: never all blanks


@pytest.mark.parametrize(("q", "expected"), [
    ("11010519491231002x", ("id_number", "110***********002X")),
    ("138 0013 8000", ("phone", "138****8000")),
    ("+86 13800138000", ("phone", "138****8000")),
    ("0799-6123456", ("phone", "079****3456")),
    ("张三", None), ("YX0120260302 0001", None), ("1380013", None), ("C120260302000１", None),
])
def test_what_counts_as_a_search_by_a_full_id_or_phone(q, expected):
    assert personal_search(q) == expected


def test_derived_fields_round_trip_through_migrations():
    for field in (BlindIndexField("x", source="phone", kind="phone"), MaskedField(source="phone", mask="phone"),
                  BlindIndexField(source="id", kind="id", db_index=False, max_length=40),
                  EncryptedTextField(blank=True)):
        _name, path, args, kwargs = field.deconstruct()
        clone = type(field)(*args, **kwargs)
        assert clone.deconstruct()[3] == kwargs
        assert path.startswith("bianmin.core.crypto.")
    assert "default" not in MaskedField(source="phone", mask="phone").deconstruct()[3]
    with pytest.raises(ValueError):
        BlindIndexField(source="phone", kind="name")


def test_a_derived_field_needs_an_encrypted_source():
    from django.contrib.contenttypes.models import ContentType

    field = MaskedField(source="model", mask="phone")  # ContentType.model is a plain CharField
    field.set_attributes_from_name("model_masked")
    field.model = ContentType
    assert [e.id for e in field.check()] == ["core.E001"]


def test_sealed_columns_give_bulk_writers_what_a_save_would_store():
    class Model:  # stands in for a model's _meta in derived_values
        pass

    phone = EncryptedTextField(name="phone")
    phone.attname = "phone"
    index = BlindIndexField(source="phone", kind="phone", name="phone_index")
    index.attname = "phone_index"
    masked = MaskedField(source="phone", mask="phone", name="phone_masked")
    masked.attname = "phone_masked"
    Model._meta = type("Meta", (), {"concrete_fields": [phone, index, masked]})()
    columns = crypto.sealed_columns(Model, phone="13800138000")
    assert isinstance(columns["phone"], Ciphertext) and columns["phone"].plaintext() == "13800138000"
    assert columns["phone_index"] == blind_index("phone", "13800138000")
    assert columns["phone_masked"] == "138****8000"
