"""System check: the personal-data keys are configured and valid (decision 0018)."""
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def check_personal_data_keys(app_configs=None, **kwargs):
    from .crypto import _index_key, field_cipher

    errors = []
    for probe in (field_cipher, _index_key):
        try:
            probe()
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), id="core.E002"))
    return errors
