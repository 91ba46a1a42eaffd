"""The languages of shop content (django-modeltranslation; settings "Internationalisation", README "Languages").

`CONTENT_LANGUAGES` (settings) is the fixed set of languages with a column per translatable field
(`title_en`, `title_tr`); `LANGUAGES` from the environment are the ones the shop serves, a subset of it;
`LANGUAGE_CODE` is the default language, which plain field writes address and every field falls back to.
"""

from django.conf import settings
from django.core import checks


def default_language() -> str:
    return settings.LANGUAGE_CODE


def served_languages() -> list[str]:
    """The languages the shop answers in, the default first."""
    codes = [code for code, _ in settings.LANGUAGES]
    return [default_language(), *(code for code in codes if code != default_language())]


def localized(field: str, language: str | None = None) -> str:
    """The column holding `field` in `language` (default: the default language): `title` -> `title_en`."""
    return f"{field}_{language or default_language()}"


@checks.register(checks.Tags.compatibility)
def check_languages(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    supported = tuple(settings.CONTENT_LANGUAGES)
    codes = [code for code, _ in settings.LANGUAGES]
    errors = []
    unknown = [code for code in codes if code not in supported]
    if unknown:
        errors.append(
            checks.Error(
                f"LANGUAGES has {', '.join(unknown)}, which the shop has no content columns for.",
                hint=f"Use languages of CONTENT_LANGUAGES ({', '.join(supported)}), or add one (README 'Languages').",
                id="shop.E101",
            )
        )
    if settings.LANGUAGE_CODE not in codes:
        errors.append(
            checks.Error(
                f"LANGUAGE_CODE {settings.LANGUAGE_CODE!r} is not one of LANGUAGES ({', '.join(codes)}).",
                hint="The default language must be served: add it to LANGUAGES.",
                id="shop.E102",
            )
        )
    return errors
