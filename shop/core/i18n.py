"""The languages of shop content (django-modeltranslation; settings "Internationalisation", README "Languages").

`CONTENT_LANGUAGES` (settings) is the fixed set of languages with a column per translatable field
(`title_en`, `title_tr`); `LANGUAGES` from the environment are the ones the shop serves, a subset of it;
`LANGUAGE_CODE` is the default language, which plain field writes address and every field falls back to.
"""

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core import checks
from django.utils import translation
from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import extend_schema_field
from modeltranslation.translator import NotRegistered, translator
from rest_framework import serializers


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


# --- The language of a request (/api/ and /fakestore/) ---------------------------------------------

LANGUAGE_PATHS = ("/api/", "/fakestore/")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def request_language(request) -> str:
    """`?lang=` if the shop serves it, else the first served language of `Accept-Language`, else the default."""
    served = served_languages()
    wanted = request.GET.get("lang", "").strip().lower()
    if wanted in served:
        return wanted
    for code, _ in translation.trans_real.parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        code = code.lower()
        for candidate in (code, code.split("-")[0]):
            if candidate in served:
                return candidate
    return default_language()


class ContentLanguageMiddleware:
    """Reads under /api/ and /fakestore/ answer in the request's language (`request_language`), with
    `Content-Language` and `Vary: Accept-Language`. Writes address the default language (a plain `title` is the
    default language's; other languages are written through `translations`), and answer in it. The admin and
    everything else keep LANGUAGE_CODE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(LANGUAGE_PATHS):
            return self.get_response(request)
        language = request_language(request) if request.method in SAFE_METHODS else default_language()
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language",))
        return response


# --- Translations on the API (`translations: {"tr": {"title": "..."}}`) ----------------------------


def translatable_fields(model) -> tuple[str, ...]:
    try:
        return tuple(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return ()


def searched_columns(model, fields: Iterable[str]) -> tuple[str, ...]:
    """`fields` plus the default language's column of each translated one while another language is active:
    a search then matches the requested language and the default (`name` is the active language's column)."""
    language, translated = translation.get_language(), translatable_fields(model)
    if language in (None, default_language()):
        return tuple(fields)
    return (*fields, *(localized(field) for field in fields if field in translated))


def translations_of(instance, fields: Iterable[str] | None = None) -> dict[str, dict[str, str]]:
    """`{language: {field: value}}` for every served language but the default (an empty string: none yet)."""
    fields = fields or translatable_fields(type(instance))
    return {
        language: {field: getattr(instance, localized(field, language)) or "" for field in fields}
        for language in served_languages()[1:]
    }


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
        "example": {"tr": {"title": "Pamuklu tişört", "description": "Yumuşak pamuk."}},
    }
)
class TranslationsField(serializers.Field):
    """`{"tr": {"title": "...", "description": "..."}}`: the object's content in the languages other than the
    default one. Read by everyone (it is the same public content the other languages show); written by whoever
    may write the object, validated strictly: an unknown or default language, an unknown field or a value that is
    not a string of the field's length is a 400 naming it."""

    def __init__(self, model, **kwargs):
        self.model = model
        kwargs.setdefault("required", False)
        kwargs.setdefault("source", "*")
        kwargs.setdefault(
            "help_text",
            "The content in the other languages the shop serves: `{language: {field: text}}`; on write, only the "
            "given languages and fields change, and an empty string removes a translation. The plain fields are "
            "the default language's.",
        )
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return translations_of(instance, translatable_fields(self.model))

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError('Expected {"<language>": {"<field>": "<text>"}}.')
        errors, clean = {}, {}
        others = served_languages()[1:]
        for language, values in data.items():
            if language not in others:
                errors[language] = [f"Unknown language: {language!r}; translations take {', '.join(others) or 'none'}."]
            elif not isinstance(values, Mapping):
                errors[language] = ['Expected {"<field>": "<text>"}.']
            else:
                clean[language], problems = self._values(values)
                if problems:
                    errors[language] = problems
        if errors:
            raise serializers.ValidationError(errors)
        return {"translations": clean}

    def _values(self, values: Mapping) -> tuple[dict, dict]:
        fields, clean, problems = translatable_fields(self.model), {}, {}
        for field, value in values.items():
            if field not in fields:
                problems[field] = [f"Unknown field; translatable: {', '.join(fields)}."]
                continue
            limit = self.model._meta.get_field(field).max_length
            if not isinstance(value, str):
                problems[field] = ["Expected a string."]
            elif limit and len(value) > limit:
                problems[field] = [f"Ensure this field has no more than {limit} characters."]
            else:
                clean[field] = value
        return clean, problems
