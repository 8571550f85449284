"""System check: ``BIANMIN["SANCTION_LADDER"]`` maps every severity to its own sanctions."""
from django.conf import settings
from django.core.checks import Error, register

from .ladder import ladder_problems


@register()
def check_sanction_ladder(app_configs=None, **kwargs):
    return [Error(f'BIANMIN["SANCTION_LADDER"]：{problem}', id="accountability.E001",
                  hint='例如 {"MINOR": ("口头告诫", "书面告诫"), "SERIOUS": ("离岗培训", "调离岗位", "免职"), '
                       '"VERY_SERIOUS": ("辞退",)}')
            for problem in ladder_problems(settings.BIANMIN.get("SANCTION_LADDER"))]
