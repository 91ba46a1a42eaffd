import pytest


@pytest.fixture(autouse=True)
def _english_and_turkish(settings):
    """The shop serves English (the default) and Turkish; the columns exist for both whatever LANGUAGES says
    (CONTENT_LANGUAGES), so only the served set changes here."""
    settings.LANGUAGES = [("en", "English"), ("tr", "Turkish")]
    settings.LANGUAGE_CODE = "en"
