"""The translated fields of the shop's content as the admin and the files name them, read from
django-modeltranslation's registry (each app's `translation.py`) and the content languages (`CONTENT_LANGUAGES`,
the languages with columns), so that no list of them is kept twice.

The admin and the files cover every content language, not only the served ones (`LANGUAGES`): staff can
translate before a language is switched on, and a file keeps its columns whatever the environment.

- The admin shows a translated field once per content language, side by side: `per_language("title")` is
  `("title_en", "title_tr")`, one line of a fieldset; the default language's is required where the field is.
- Imports and exports carry one column per content language: the field's own name for the default language
  (`title`) and the field's name with the language for the others (`title_tr`). Files are read and written
  with the default language active (`default_language_active`), so `title` is always the default language's
  value, whatever the staff member's own language. An empty `title_tr` cell is no translation (the default
  language's value is shown); a file without the column leaves the translations as they are.
"""

from collections.abc import Iterable, Mapping
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.utils import translation

from shop.core.exceptions import InvalidInput
from shop.core.i18n import default_language, localized
from shop.core.i18n import translatable_fields as translated_fields


def content_languages() -> list[str]:
    """The languages that content has columns for, the default language first."""
    return [default_language(), *(code for code in settings.CONTENT_LANGUAGES if code != default_language())]


def other_languages() -> list[str]:
    return content_languages()[1:]


def per_language(name: str) -> tuple[str, ...]:
    """The model fields of `name`, one per content language, the default first: a line of an admin fieldset."""
    return tuple(localized(name, language) for language in content_languages())


def translated_columns(model, names: Iterable[str]) -> tuple[str, ...]:
    """`names` (a resource's columns) with each translated field followed by its other languages' columns:
    `("sku", "title")` becomes `("sku", "title", "title_tr")`."""
    fields = translated_fields(model)
    columns = []
    for name in names:
        columns.append(name)
        if name in fields:
            columns.extend(localized(name, language) for language in other_languages())
    return tuple(columns)


def localized_fields(model, names: Iterable[str]) -> tuple[str, ...]:
    """Each content language's model field of the translated fields among `names`: what a bulk write stores
    beside the field itself (`title_en`, `title_tr`)."""
    fields = translated_fields(model)
    return tuple(localized(name, language) for name in names if name in fields for language in content_languages())


def default_language_active():
    """A context in which a translated field's own name reads and writes the default language's value."""
    return translation.override(default_language())


def form_values(data: Mapping, names: Iterable[str]) -> dict:
    """A form's values under the service's names: a translated field's default language as the field itself
    (`title_en` → `title`); fields the form lacks are left out."""
    values = {}
    for name in names:
        field = localized(name) if localized(name) in data else name
        if field in data:
            values[name] = data[field]
    return values


def form_translations(data: Mapping, names: Iterable[str]) -> dict[str, dict[str, str]]:
    """A form's other languages as the services take them: `{"tr": {"title": "..."}}` (only what it holds)."""
    translations = {}
    for language in other_languages():
        given = {name: data[localized(name, language)] or "" for name in names if localized(name, language) in data}
        if given:
            translations[language] = given
    return translations


def instance_translations(instance, names: Iterable[str]) -> dict[str, dict[str, str]]:
    """An imported row's other languages as the services take them (`{"tr": {"title": "..."}}`): what the
    instance holds, which is the file's cell where the file has the column and the stored value elsewhere."""
    fields = translated_fields(type(instance))
    return {
        language: {name: getattr(instance, localized(name, language)) or "" for name in names if name in fields}
        for language in other_languages()
    }


def translations_set(instance, translations: Mapping[str, Mapping[str, str]] | None) -> list[str]:
    """Put `{"tr": {"title": "..."}}` on the instance's language fields (`title_tr`; "" or None: no
    translation) and return the fields set, for `save(update_fields=...)`. A language without columns or a
    field that is not translated is a 400 that changes nothing."""
    fields, names = translated_fields(type(instance)), []
    for language, values in (translations or {}).items():
        if language not in content_languages():
            raise InvalidInput({"translations": [f"No content language {language!r}."]})
        unknown = sorted(set(values) - set(fields))
        if unknown:
            raise InvalidInput({"translations": [f"Not translated: {', '.join(unknown)}."]})
        for name, value in values.items():
            setattr(instance, localized(name, language), value or None)  # no translation is NULL, as when new
            names.append(localized(name, language))
    return names


@transaction.atomic
def translations_save(*, instance, translations: Mapping[str, Mapping[str, str]]) -> None:
    """Write validated `translations` onto a saved object (the API's writes of models whose services take no
    `translations`): the same rule as the services' (`translations_set`), then one save of those columns."""
    columns = translations_set(instance, translations)
    if columns:
        instance.save(update_fields=columns)


@contextmanager
def translations_saved(serializer):
    """Around a view's service call (`serializer.instance = shipping_method_create(...)`): takes `translations`
    out of the validated data, then writes them onto the saved object, in one transaction."""
    translations = serializer.validated_data.pop("translations", None)
    with transaction.atomic():
        yield
        if translations:
            translations_save(instance=serializer.instance, translations=translations)
