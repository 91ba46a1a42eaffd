"""bench.settings with shop.core.renderers.ORJSONRenderer as the API's only renderer."""

from bench.settings import *  # noqa: F403
from bench.settings import REST_FRAMEWORK

REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_RENDERER_CLASSES": ["shop.core.renderers.ORJSONRenderer"]}
