import pytest

from core.ingest import language

SENTENCES = {
    "ar": "أعلنت وزارة الخارجية أن المحادثات بين الوفدين ستستأنف الأسبوع المقبل في العاصمة القطرية.",
    "fa": "وزارت امور خارجه اعلام کرد که گفتگوها میان دو هیئت هفته آینده در پایتخت قطر از سر گرفته می‌شود.",
    "ur": "وزارت خارجہ نے اعلان کیا ہے کہ دونوں وفود کے درمیان مذاکرات اگلے ہفتے قطر کے دارالحکومت میں دوبارہ شروع ہوں گے۔",
    "he": "משרד החוץ הודיע כי השיחות בין המשלחות יתחדשו בשבוע הבא בבירת קטאר.",
    "ru": "Министерство иностранных дел сообщило, что переговоры делегаций возобновятся на следующей неделе в Дохе.",
    "uk": "Міністерство закордонних справ повідомило, що переговори делегацій відновляться наступного тижня в Досі.",
    "tr": "Dışişleri Bakanlığı, heyetler arasındaki görüşmelerin gelecek hafta Katar'ın başkentinde yeniden başlayacağını açıkladı.",
    "de": "Das Außenministerium teilte mit, dass die Gespräche zwischen den Delegationen nächste Woche in Doha fortgesetzt werden.",
    "fr": "Le ministère des Affaires étrangères a annoncé que les pourparlers entre les délégations reprendront la semaine prochaine à Doha.",
    "es": "El Ministerio de Asuntos Exteriores anunció que las conversaciones entre las delegaciones se reanudarán la próxima semana en Doha.",
    "en": "The foreign ministry said talks between the two delegations would resume next week in the Qatari capital.",
}


@pytest.mark.parametrize("code,text", SENTENCES.items())
def test_detects_language(code, text):
    assert language.detect(text) == (code, None)


def test_wrong_declaration_is_overruled_with_a_note():
    detected, note = language.detect(SENTENCES["ar"], declared="en")
    assert detected == "ar"
    assert "declared language 'en'" in note


def test_right_declaration_is_kept():
    assert language.detect(SENTENCES["fr"], declared="fr-FR") == ("fr", None)


def test_too_short_to_tell():
    assert language.detect("Doha", declared=None) == (None, None)
