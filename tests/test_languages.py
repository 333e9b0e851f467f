import pytest

from core import languages


@pytest.mark.parametrize("code", ["ar", "fa", "ur", "ps", "ku", "he", "yi", "dv", "sd", "ug", "ckb", "ar-EG", "fa_IR"])
def test_right_to_left_languages(code):
    assert languages.is_right_to_left(code)


@pytest.mark.parametrize("code", ["en", "ru", "uk", "tr", "de", "fr", "es", "zh", "hi", None, "", "xx", "other", "12"])
def test_left_to_right_and_unknown_languages(code):
    assert not languages.is_right_to_left(code)


def test_language_names_come_from_cldr():
    assert languages.language_name("fa") == "Persian"
    assert languages.language_name("pt-BR") == "Portuguese"
    assert languages.language_name("other") == "other" and languages.language_name(None) == "unknown"


def test_persian_and_arabic_digits_become_ascii():
    assert languages.normalize_digits("۱۴۰۳/۰۸/۰۲ ٢٠٢٤") == "1403/08/02 2024"
