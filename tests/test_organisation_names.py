"""Issue 22 item 10: a name found like a person's that has a word of an organisation in it or
beside it (newspaper, foundation, Zeitung, Stiftung, фонд, صحيفة...: ``organisation_words`` in
data/actors/name_cues.toml) is no person: The Wall Street Journal and the Ronald Reagan
Presidential Foundation were typed "person" in the sample corpus."""
import pandas as pd
import pytest

from core import config, pipeline
from core.actors import extraction, frames, grouping, lookup, resolution, spelling
from core.ingest import batch
from core.store import database


@pytest.fixture(scope="module")
def dictionary():
    return pipeline.load_dictionary()


def _people(dictionary, language: str, text: str) -> list[str]:
    articles = pd.DataFrame([{"article_id": "a", "title": "", "text": text, "language": language,
                              "published": pd.Timestamp("2024-08-01", tz="UTC")}])
    actors, mentions = resolution.extract(articles, dictionary)
    return list(mentions.merge(actors, on="actor_id").query("type == 'person'")["surface"])


@pytest.mark.parametrize("language, text, not_people, people", [
    ("en", "Ukrainian President Volodymyr Zelensky, speaking earlier at the Ronald Reagan Presidential Foundation in "
           "Washington, urged allies.", ["Ronald Reagan Presidential Foundation"], ["Volodymyr Zelensky"]),
    ("ru", "В обмен освобождены журналиста The Wall Street Journal Эвана Гершковича.", ["The Wall Street Journal"], []),
    ("tr", "Radyo Özgür Avrupa muhabiri Alsu Kurmaşeva bulunuyor. ABD ve Avrupa ülkeleri anlaştı.",
     ["Özgür Avrupa", "Avrupa"], ["Alsu Kurmaşeva"]),
    ("en", "Pir-Hossein Kolivand, head of the Iranian Red Crescent, said there was no sign of life.", ["Red Crescent"], []),
    ("de", "Der Sprecher der Konrad Adenauer Stiftung, Michael Braun, sagte am Montag", ["Konrad Adenauer Stiftung"],
     ["Michael Braun"]),
    ("fr", "Selon la Fondation Jean Jaurès, le président Emmanuel Macron a tort.", ["Jean Jaurès"], ["Emmanuel Macron"]),
    ("es", "Según la Fundación Pablo Iglesias, el ministro mintió.", ["Pablo Iglesias"], []),
])
def test_an_organisations_name_is_no_person(dictionary, language, text, not_people, people):
    found = _people(dictionary, language, text)
    assert not set(found) & set(not_people), found
    assert set(people) <= set(found)


def test_a_party_before_a_name_without_capitals_says_nothing(dictionary):
    # "the party's media officer Ghassan Tleiss": an organisation word beside a name only joins it
    # in scripts with capitals.
    found = _people(dictionary, "ar", "وقال مسؤول العلاقات الإعلامية في الحزب غسان طليس إن الاختيار جاء بالإجماع.")
    assert "غسان طليس" in found


def test_names_stored_before_are_typed_organisation(dictionary):
    names = pd.DataFrame({"name_key": ["The|Journal|ru", "Evan|Gershkovich|en"],
                          "surface": ["The Wall Street Journal", "Evan Gershkovich"], "occurrences": [1, 2]})
    actors = grouping.group_discovered(names, dictionary).actors().set_index("name")["type"].to_dict()
    assert actors == {"The Wall Street Journal": "organisation", "Evan Gershkovich": "person"}


@pytest.fixture(scope="module")
def sample_actors(tmp_path_factory, dictionary):
    engine = database.connect(f"sqlite:///{tmp_path_factory.mktemp('samples') / 'store.db'}")
    batch.ingest(engine, [config.SAMPLES_DIR], progress=False)
    extraction.run(engine, dictionary, pipeline.dictionary_version())
    return frames.actor_frames(engine, dictionary)[0]


def test_no_person_of_the_sample_corpus_has_an_organisation_word(sample_actors, dictionary):
    people = sample_actors[(sample_actors["origin"] == "discovered") & (sample_actors["type"] == "person")]
    keys = lookup.for_language(dictionary, "en").organisation_keys
    wrong = [name for name in people["name"]
             if any(not keys.isdisjoint(spelling.keys(w, "en")) for w, _, _ in spelling.words(name))]
    assert not wrong
    assert not {"The Wall Street Journal", "Ronald Reagan Presidential Foundation"} & set(sample_actors["name"])
