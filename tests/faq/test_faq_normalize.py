from hypothesis import given
from hypothesis import strategies as st

from core.faq.normalize import fold, normalize, normalize_folded
from core.faq.stemming import stem_variants


def test_case_unicode_and_punctuation() -> None:
    assert normalize("  Ｗｉ-Ｆｉ   isn't\tWORKING!!! ") == "wi fi isn t working"
    assert normalize("ﬁle_name") == "file name"  # NFKC ligature, underscore is a separator


def test_russian_yo_is_e() -> None:
    assert normalize("Ещё УЧЁТНАЯ запись") == "еще учетная запись"


def test_polish_diacritics_fold_but_cyrillic_stays() -> None:
    assert fold(normalize("Zażółć gęślą JAŹŃ, Łódź")) == "zazolc gesla jazn lodz"
    assert fold("йогурт") == "йогурт"  # й is a letter of its own in Russian


@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_folded(text)
    assert normalize_folded(once) == once
    assert normalize(normalize(text)) == normalize(text)


def _share_stem(lang: str, *words: str) -> bool:
    variants = [set(stem_variants(normalize(word), lang)) for word in words]
    return bool(set.intersection(*variants))


def test_polish_inflection_shares_stems_with_or_without_diacritics() -> None:
    assert _share_stem("pl", "hasło", "hasła", "hasłem", "haslem", "hasla")
    assert _share_stem("pl", "drukarka", "drukarki", "drukarkę", "drukarke")
    assert _share_stem("pl", "urlop", "urlopu", "urlopie")


def test_russian_inflection_shares_stems() -> None:
    assert _share_stem("ru", "пароль", "пароля", "паролем", "паролю")
    assert _share_stem("ru", "принтер", "принтера", "принтеру")
    assert _share_stem("ru", "отпуск", "отпуска", "отпуске")


def test_english_stems_and_unknown_language() -> None:
    assert _share_stem("en", "connect", "connecting", "connection")
    assert stem_variants("żółw", "de") == ("zolw",)
