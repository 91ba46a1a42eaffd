"""The shop's settings unchanged, except the URLconf, which adds the limit views under /bench/."""

from shop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
