"""The benchmark's floor page (issue 16 item 1): the cheapest Django page on the same stack — the bench settings with
no middleware and one URL (config/floor_urls.py). Never deployed; `make bench` starts it beside the product."""
from .bench import *  # noqa: F403

MIDDLEWARE: list[str] = []
ROOT_URLCONF = "config.floor_urls"
