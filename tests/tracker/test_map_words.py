"""The map's spoken words: the arrival announcement says each thing once, as one natural sentence, in every
language (the card line "Conakry, Guinea · arrived 8:55 pm local time" is not read out again inside it)."""

import pytest
from django.utils import translation

from tracker.map import map_text

# What a screen reader hears when Santa reaches Conakry at 20:55 local time, as static/js/format.js's
# arrivalAnnouncement fills the page's sentence (place and time as the browser's Intl writes them).
ANNOUNCEMENTS = {
    "en": ("Conakry, Guinea", "8:55 pm", "Santa has arrived in Conakry, Guinea, at 8:55 pm local time."),
    "de": ("Conakry, Guinea", "20:55", "Der Weihnachtsmann ist in Conakry, Guinea angekommen, um 20:55 Ortszeit."),
    "es": ("Conakry, Guinea", "20:55", "Papá Noel ha llegado a Conakry, Guinea a las 20:55, hora local."),
    "fr": ("Conakry, Guinée", "20:55", "Le Père Noël est arrivé à Conakry, Guinée à 20:55, heure locale."),
    "it": ("Conakry, Guinea", "20:55", "Babbo Natale è arrivato a Conakry, Guinea alle 20:55, ora locale."),
    "nl": ("Conakry, Guinee", "20:55", "De Kerstman is aangekomen in Conakry, Guinee, om 20:55 plaatselijke tijd."),
    "pl": ("Konakry, Gwinea", "20:55", "Święty Mikołaj dotarł do miejsca Konakry, Gwinea o 20:55 czasu lokalnego."),
    "pt-br": ("Conakry, Guiné", "20:55", "O Papai Noel chegou a Conakry, Guiné às 20:55, horário local."),
    "ja": ("Conakry, ギニア", "20:55", "サンタさんがConakry, ギニアに着きました。現地時間は20:55です。"),
    "ar": ("Conakry, غينيا", "8:55 م", "وصل بابا نويل إلى Conakry, غينيا في الساعة 8:55 م بالتوقيت المحلي."),
}


@pytest.mark.parametrize("language", ANNOUNCEMENTS)
def test_the_arrival_is_announced_once_in_a_natural_sentence(language):
    place, time, expected = ANNOUNCEMENTS[language]
    with translation.override(language):
        text = map_text()
    sentence = text["announceArrival"].format(place=place, time=time)
    assert sentence == expected
    assert sentence.count(place) == sentence.count(time) == 1
    # None of the card line's own words (its "arrived ... local time") is said a second time.
    card_words = text["arrived"].replace("{place}", " ").replace("{time}", " ").split()
    for word in card_words:
        if len(word) > 2:
            assert sentence.count(word) <= 1, (word, sentence)
    assert "到着に到着" not in sentence
    # Without a local time: the place alone.
    assert text["announceArrivalNoTime"].format(place=place).count(place) == 1


def test_every_language_has_its_own_announcement():
    sentences = set()
    for language in ANNOUNCEMENTS:
        with translation.override(language):
            sentences.add(map_text()["announceArrival"])
    assert len(sentences) == len(ANNOUNCEMENTS)
