"""Actors in the original language and script, resolved to one actor across spellings."""
import tomllib

import pandas as pd
import pytest

from benchmarks import actor_eval
from core import config
from core.actors import actor_dictionary, finding, lookup, passages, resolution, spelling, transliteration
from core.ingest import batch
from core.config import ACTORS_DIR
from core.store import database, extractions, reads
from tests import sample_corpus


@pytest.fixture(scope="session")
def dictionary():
    return sample_corpus.dictionary()  # the shipped dictionary, read once per session


def found(dictionary, language, text, title=""):
    frame = pd.DataFrame([{"article_id": "a", "title": title, "text": text, "language": language}])
    table, mentions = resolution.extract(frame, dictionary)
    names = dict(zip(table["actor_id"], table["name"]))
    return {names[a] for a in mentions["actor_id"]}, mentions


@pytest.fixture
def seed_actors(engine, seeds, lexicon, dictionary):
    batch.ingest(engine, list(seeds.values()), lexicon=lexicon, progress=False)
    articles = reads.load_articles(engine)
    table, mentions = resolution.extract(articles, dictionary)
    by_file = {}
    for name, path in seeds.items():
        article_id = articles.loc[articles["origin_file"] == str(path.resolve()), "article_id"].iloc[0]
        rows = mentions[mentions["article_id"] == article_id]
        by_file[name] = rows.merge(table, on="actor_id")
    return by_file


def test_seed_people_are_one_actor_across_arabic_and_french(seed_actors):
    arabic, french = seed_actors["000_91a0d7577f9035ad.txt"], seed_actors["001_e3005b3932ea3b15.txt"]
    for person in ("Nikolai Patrushev", "Ali Akbar Ahmadian"):
        assert set(arabic.loc[arabic["name"] == person, "actor_id"]) == set(french.loc[french["name"] == person, "actor_id"])
        assert len(set(arabic.loc[arabic["name"] == person, "actor_id"])) == 1
    assert any("باتروشيف" in s for s in arabic["surface"]) and any("أحمديان" in s for s in arabic["surface"])
    assert {"Patrushev", "Patrouchev", "Ahmadian"} <= set(french["surface"])


def test_seed_actors_found(seed_actors):
    arabic = set(seed_actors["000_91a0d7577f9035ad.txt"]["name"])
    french = set(seed_actors["001_e3005b3932ea3b15.txt"]["name"])
    assert {"Sergei Shoigu", "Mohammad-Reza Gharaei Ashtiani", "Iran", "Russia", "Israel"} <= arabic
    assert {"Vladimir Putin", "Ali Shamkhani", "Ahmad-Reza Radan", "Qasem Soleimani", "Ukraine", "Hamas"} <= french


def test_seed_no_clutter_month_or_sentence_start_as_actor(seed_actors):
    bad = {"increase", "decrease", "التعليقات", "Advertisement", "LEAVE", "Please", "Articles", "Derniers",
           "mercredi", "Mercredi", "janvier", "octobre", "novembre", "juin", "Semaine", "Selon", "Les", "Il",
           "الجمعة", "الأربعاء", "وقال", "بدوره", "Getty", "Saint-Pétersbourg", "Kerman"}
    for frame in seed_actors.values():
        assert not bad & set(frame["surface"]), frame[frame["surface"].isin(bad)]
        assert not bad & set(frame["name"])


@pytest.mark.parametrize("language,text,expected", [
    ("ru", "Встреча с Ахмадианом и Патрушевым. Министр Лаврову позвонил.", {"Ali Akbar Ahmadian", "Nikolai Patrushev", "Sergei Lavrov"}),
    ("ru", "Делегация иранского правительства прибыла.", {"Iran"}),
    ("ar", "وإيران بإيران والإيراني", {"Iran"}),
    ("ar", "قال باتروشيف لروسيا", {"Nikolai Patrushev", "Russia"}),
    ("he", "הם נפגשו ברוסיה ולאיראן ואמרו שישראל תגיב", {"Russia", "Iran", "Israel"}),
    ("tr", "Rusya'da ve Türkiye'nin başkenti, İranlı heyet ile görüştü.", {"Russia", "Turkey", "Iran"}),
    ("de", "Die Politik Russlands und Irans wurde kritisiert.", {"Russia", "Iran"}),
    ("fa", "ایرانیان و روسیه‌ی امروز", {"Iran", "Russia"}),
    ("fr", "Le Kremlin et Téhéran ont signé. Les diplomates iraniens étaient là.", {"Russia", "Iran"}),
    ("el", "Η στάση της Ρωσίας και του Πούτιν.", {"Russia", "Vladimir Putin"}),
    # Ukrainian and Russian dictionary words are declined by pymorphy3.
    ("uk", "Засідання Ради безпеки РФ перед американськими виборами.", {"Security Council of Russia", "United States"}),
    ("uk", "Переговори з Умєровим і Сибігою в Україні.", {"Rustem Umerov", "Andrii Sybiha", "Ukraine"}),
    ("ru", "Удары по Ливии и визит в Ливию. Гибель Исмаила Хании.", {"Libya", "Ismail Haniyeh"}),
])
def test_inflections_and_clitics(dictionary, language, text, expected):
    names, _ = found(dictionary, language, text)
    assert expected <= names


def test_ordinary_words_are_not_actors(dictionary):
    names, mentions = found(dictionary, "fr", "Dans la matinée, il a indiqué que la Esperanza était là. Si Paris le veut.")
    assert names == {"France"}, mentions
    names, _ = found(dictionary, "ar", "قال إنه بأن الأول على الاتفاق بين الطرفين")
    assert names == set()


def test_undictionaried_name_merged_across_scripts(dictionary):
    articles = pd.DataFrame([
        {"article_id": "fr", "title": "", "language": "fr",
         "text": "Le vice-ministre iranien des Affaires étrangères, Bahram Ghasemzadeh, a parlé. M. Ghasemzadeh a ajouté."},
        {"article_id": "ar", "title": "", "language": "ar",
         "text": "قال نائب وزير الخارجية الإيراني بهرام قاسم زاده إن بلاده مستعدة. وأضاف قاسم زاده."},
        {"article_id": "ru", "title": "", "language": "ru",
         "text": "Замминистра иностранных дел Ирана Бахрам Гасемзаде заявил. Гасемзаде добавил."},
    ])
    table, mentions = resolution.extract(articles, dictionary)
    discovered = mentions[mentions["method"].isin(["title", "given_name", "surname"])]
    assert set(discovered["article_id"]) == {"fr", "ru"} or set(discovered["article_id"]) == {"fr", "ar", "ru"}
    ids = discovered.groupby("article_id")["actor_id"].first()
    assert ids["fr"] == ids["ru"]
    assert table.loc[table["actor_id"] == ids["fr"], "origin"].item() == "discovered"
    assert (discovered["confidence"] < 1).all()


def test_short_words_are_not_declined_into_other_names(dictionary):
    # "Мало" and "Рад" are not Mali or the Rada: declension only adds a word's own forms.
    names, mentions = found(dictionary, "ru", "Мало кто знал об этом. Рад был встрече.")
    assert names == set(), mentions
    names, mentions = found(dictionary, "uk", "Раді вітати вас. Мало хто прийшов.")
    assert names == set(), mentions


def test_arabic_surname_with_article_merged_across_scripts(dictionary):
    # "Saadi" has a two-consonant skeleton: the given name keeps the person apart from others.
    articles = pd.DataFrame([
        {"article_id": "en", "title": "", "language": "en",
         "text": "Muhannad al-Saadi, a spokesman for the Iraqi factions, spoke. Al-Saadi added that talks would go on."},
        {"article_id": "ar", "title": "", "language": "ar",
         "text": "قال مهند الساعدي، المتحدث باسم الفصائل العراقية، إن المحادثات ستستمر."},
        {"article_id": "el", "title": "", "language": "el",
         "text": "Ο Μουχάναντ αλ-Σάαντι, εκπρόσωπος των ιρακινών φατριών, μίλησε."},
    ])
    table, mentions = resolution.extract(articles, dictionary)
    discovered = mentions[mentions["method"].isin(["title", "given_name", "surname"])]
    assert set(discovered["article_id"]) == {"en", "ar", "el"}
    assert discovered["actor_id"].nunique() == 1
    assert table.loc[table["actor_id"] == discovered["actor_id"].iloc[0], "name"].item() == "Muhannad al-Saadi"


def test_cyrillic_zh_has_the_skeleton_of_latin_and_persian_zh():
    assert transliteration.skeleton("Кряжев") == transliteration.skeleton("Kryazhev") == transliteration.skeleton("کریاژف")


@pytest.mark.parametrize("folder", ["tests/gold", "tests/gold/heldout"])
def test_gold_files_are_consistent(folder, capsys):
    import importlib.util

    from tests.conftest import REPO

    spec = importlib.util.spec_from_file_location("gold_validate", REPO / "tests" / "gold" / "validate.py")
    validate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(validate)
    assert validate.main([str(REPO / folder)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("language,text", [
    ("de", "Der ukrainische Präsident Wolodymyr Selenskyj hat auf der Münchner Sicherheitskonferenz geworben."),
    ("en", "Defence Secretary Grant Shapps said four Royal Air Force Typhoons took part."),
])
def test_title_of_a_known_person_introduces_nobody_else(dictionary, language, text):
    names, mentions = found(dictionary, language, text)
    assert not mentions["method"].isin(["title", "given_name", "surname"]).any(), mentions
    assert names  # the dictionary person is still found


def test_similar_surnames_with_different_given_names_are_two_people(dictionary):
    # "krskb" and "krskbs" are 91% alike, but Vadim is not Evan; Вадим Красиков is Vadim.
    articles = pd.DataFrame([
        {"article_id": "a", "title": "", "language": "en",
         "text": "Moscow freed the journalist Evan Gershkovich on Thursday. Gershkovich flew home."},
        {"article_id": "b", "title": "", "language": "en",
         "text": "Berlin released Vadim Krasikov, who had been jailed for murder. Krasikov landed in Moscow."},
        {"article_id": "c", "title": "", "language": "ru",
         "text": "Вадим Красиков вернулся в Москву. Красикова встретили в аэропорту."},
    ])
    _, mentions = resolution.extract(articles, dictionary)
    discovered = mentions[mentions["method"].isin(["title", "given_name", "surname"])]
    ids = discovered.groupby("article_id")["actor_id"].agg(set)
    assert ids["a"] and ids["b"] and ids["a"].isdisjoint(ids["b"]), discovered
    assert ids["b"] == ids["c"]


def test_two_consonant_word_after_a_given_name_is_not_a_person(dictionary):
    names, mentions = found(dictionary, "fa", "او با حسن نیت وارد گفتگو شد.")
    assert not mentions["method"].isin(["title", "given_name", "surname"]).any(), mentions


def test_short_first_word_of_a_dictionary_name_is_no_cue_without_capitals(dictionary):
    # Ash Carter is "אש קרטר" in Hebrew, and "אש" is also "fire": "הפסקת אש קבועה" (a lasting
    # ceasefire) named a person "אש קבועה" while short first words of dictionary names were cues.
    _, mentions = found(dictionary, "he", "הנשיא אמר שההסכם נועד להיות הפסקת אש קבועה.")
    assert not mentions["method"].isin(["title", "given_name", "surname"]).any(), mentions
    names, _ = found(dictionary, "he", "שר ההגנה לשעבר אש קרטר ביקר בירושלים.")
    assert "Ash Carter" in names


def test_hand_written_dictionary_has_no_unmarked_clash():
    claims = {}
    for path in sorted(ACTORS_DIR.glob("*.toml")):
        if path.name == "name_cues.toml":
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("actor", []) + data.get("country", []) + data.get("aliases", []):
            who = entry.get("name") or entry.get("iso") or entry["actor"]
            ambiguous = set(entry.get("ambiguous", ()))
            tables = [entry] + [entry.get(k, {}) for k in ("names", "adjectives", "metonyms")]
            for table in tables:
                for language in actor_dictionary.ALIAS_LANGUAGES:
                    for alias in table.get(actor_dictionary.alias_key(language), ()) or ():
                        claims.setdefault((language, spelling.fold(alias)), []).append((who, alias in ambiguous))
    clashes = {key: owners for key, owners in claims.items()
               if len({w for w, _ in owners}) > 1 and not all(marked for _, marked in owners)}
    assert clashes == {}


def test_dictionary_size_types_and_languages(dictionary):
    counts = dictionary.actors["type"].value_counts()
    assert len(dictionary.actors) >= 500
    assert counts["country"] >= 193 and counts["person"] >= 200 and counts["organisation"] >= 100
    patrushev = dictionary.actor_id("Nikolai Patrushev")
    languages = set(dictionary.aliases.loc[dictionary.aliases["actor_id"] == patrushev, "language"])
    assert {"en", "fr", "de", "es", "ru", "ar", "fa", "he", "tr"} <= languages
    iran = dictionary.aliases[dictionary.aliases["actor_id"] == "Q794"]
    assert {"Iran", "إيران", "ایران", "איראן", "Иран", "İran"} <= set(iran["alias"])


def test_corrections_merge_split_rename_alias_ignore(tmp_path):
    corrections = tmp_path / "corrections.toml"
    corrections.write_text('''
[[alias]]
actor = "Nikolai Patrushev"
language = "fr"
alias = "le secrétaire Patroutchev"
[[rename]]
actor = "Iran"
name = "Islamic Republic of Iran"
[[ignore]]
actor = "Hamas"
[[merge]]
into = "Russia"
actors = ["Security Council of Russia"]
[[split]]
actor = "Vladimir Putin"
surface = "Poutine"
name = "Poutine (restaurant chain)"
''', encoding="utf-8")
    corrected = actor_dictionary.load(ACTORS_DIR, corrections)
    text = ("Le secrétaire Patroutchev, le Hamas, le Conseil de sécurité de Russie et l'Iran. "
            "Vladimir Putin a parlé, et Poutine aussi.")
    names, mentions = found(corrected, "fr", text)
    assert "Nikolai Patrushev" in names
    assert "Islamic Republic of Iran" in names and "Iran" not in names
    assert "Hamas" not in names
    assert "Security Council of Russia" not in names and "Russia" in names
    assert {"Vladimir Putin", "Poutine (restaurant chain)"} <= names


def test_gold_set_quality_does_not_regress(dictionary):
    rows, pairs, dates, unresolved = actor_eval.evaluate(dictionary)
    assert unresolved == []
    total = actor_eval.scores(rows.assign(all="all"), "all").loc["all"]
    assert total["precision"] >= 0.95 and total["recall"] >= 0.92
    per_language = actor_eval.scores(rows, "language")
    assert (per_language["precision"] >= 0.9).all(), per_language
    assert (per_language["recall"] >= 0.9).all(), per_language
    assert pairs["merged"].mean() >= 0.85
    assert pairs.loc[pairs["new_script"], "merged"].mean() >= 0.85
    date_total = actor_eval.scores(dates.assign(all="all"), "all").loc["all"]
    assert date_total["precision"] >= 0.9 and date_total["recall"] >= 0.9
    per_language_dates = actor_eval.scores(dates, "language")
    assert (per_language_dates["precision"] >= 0.8).all() and (per_language_dates["recall"] >= 0.8).all(), per_language_dates


def test_cli_ingest_extracts_and_export_carries_actors(tmp_path):
    from tests.conftest import REPO, run_cli

    # This test is about what `ingest` does, so it ingests the corpus itself rather than copy the
    # session's store; run_cli runs the commands in this process.
    db = tmp_path / "g.db"
    assert run_cli("ingest", REPO / "data" / "samples", "--quiet", db=db).returncode == 0
    again = run_cli("extract", db=db)
    assert again.returncode == 0 and "extracted 0 article(s)" in again.stdout
    out = tmp_path / "out.csv"
    assert run_cli("export", "--format", "csv", "--out", out, db=db).returncode == 0
    frame = pd.read_csv(out)
    assert frame["actors"].notna().mean() > 0.9
    assert frame["actors"].str.contains("Iran (Q794)", regex=False).sum() >= 10
    assert frame["mentioned_dates"].notna().sum() >= 20
    full = run_cli("extract", "--all", db=db)
    assert "extracted 57 article(s)" in full.stdout


def test_actor_frames_are_cached_per_store_revision_and_dictionary_version(tmp_path):
    from core.actors import extraction, frames

    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    folder = tmp_path / "capital-ledger"
    folder.mkdir()
    first_page, second_page = sorted((config.SAMPLES_DIR / "capital-ledger").glob("*.txt"))
    (folder / first_page.name).write_bytes(first_page.read_bytes())
    batch.ingest(engine, [folder], progress=False)
    dictionary = sample_corpus.dictionary()
    extraction.run(engine, dictionary, "v1")
    loads = []

    def load():
        loads.append(1)
        return dictionary

    cache = tmp_path / "store.frames"
    first = frames.cached_actor_frames(engine, load, "v1", cache)
    second = frames.cached_actor_frames(engine, load, "v1", cache)
    assert loads == [1], "a second process start reads the cache without the dictionary"
    assert first[1]["article_id"].nunique() == 1 and len(first[0]) > 3
    for a, b in zip(first, second):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)
    (folder / second_page.name).write_bytes(second_page.read_bytes())
    batch.ingest(engine, [folder], progress=False)
    extraction.run(engine, dictionary, "v1")
    third = frames.cached_actor_frames(engine, load, "v1", cache)
    assert loads == [1, 1] and third[1]["article_id"].nunique() > first[1]["article_id"].nunique()
    frames.cached_actor_frames(engine, load, "v2", cache)
    assert loads == [1, 1, 1]
    assert len([p for p in cache.iterdir()]) == 1, "older entries are removed"


@pytest.fixture(scope="module")
def sample_articles(sample_ingest, tmp_path_factory):
    return reads.load_articles(database.connect(f"sqlite:///{sample_ingest.copy(tmp_path_factory.mktemp('actors'))}"))


def test_long_fields_matched_in_pieces_give_the_mentions_and_dates_of_the_whole(dictionary, sample_articles, monkeypatch):
    from core.actors import mentioned_dates

    whole = finding.find_mentions(sample_articles, dictionary)
    dates = mentioned_dates.extract(sample_articles)
    # Pieces of 300-600 characters: every sample text of more than 600 is cut in several.
    monkeypatch.setattr(passages, "WINDOW_CHARS", 600)
    monkeypatch.setattr(mentioned_dates, "windows", lambda text: passages.windows(text, 600))
    assert (sample_articles["text"].str.len() > 600).sum() >= 40
    pd.testing.assert_frame_equal(finding.find_mentions(sample_articles, dictionary), whole)
    pd.testing.assert_frame_equal(mentioned_dates.extract(sample_articles), dates)


def test_windows_cut_after_sentences_and_cover_the_text():
    text = "Talks in Geneva ended. " * 40 + "am 3. März " * 30 + "x" * 900
    pieces = passages.windows(text, 200)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
    assert all(100 <= end - start <= 200 for start, end in pieces[:-1])
    sentence_cuts = [end for _, end in pieces if end <= 23 * 40]
    assert sentence_cuts and all(text[end - 1] == "." for end in sentence_cuts)
    # never between "3." and "März"; a run of letters without white space is cut where it must
    assert not any(text[end - 2:end] == "3." for _, end in pieces)
    assert passages.windows("short text", 200) == [(0, 10)]


def test_an_article_repeating_names_keeps_a_few_rows_and_counts_the_rest(dictionary):
    text = "Iran and Russia. " * 120 + "Putin met Erdogan."
    frame = pd.DataFrame([{"article_id": "a", "title": "Iran", "text": text, "language": "en"}])
    mentions = finding.find_mentions(frame, dictionary)
    in_text = mentions[mentions["field"] == "text"]
    by_actor = in_text.groupby("actor_id")["occurrences"].agg(["size", "sum"])
    assert by_actor.loc["Q794"].tolist() == [finding.MAX_IDENTICAL_MENTIONS, 120]
    assert by_actor.loc["Q159"].tolist() == [finding.MAX_IDENTICAL_MENTIONS, 120]
    # the rows kept are the first ones, with their own offsets; the last stands for the rest
    iran = in_text[in_text["actor_id"] == "Q794"]
    assert iran["start"].tolist() == [17 * k for k in range(finding.MAX_IDENTICAL_MENTIONS)]
    assert iran["occurrences"].tolist() == [1] * (finding.MAX_IDENTICAL_MENTIONS - 1) + [120 - finding.MAX_IDENTICAL_MENTIONS + 1]
    assert all(text[s:e] == "Iran" for s, e in zip(iran["start"], iran["end"]))
    assert mentions.loc[mentions["field"] == "title", "occurrences"].tolist() == [1]
    assert (in_text.loc[in_text["actor_id"] == "Q7747", "occurrences"] == 1).all()


def test_an_article_naming_very_many_people_keeps_at_most_the_row_limit(dictionary, monkeypatch):
    monkeypatch.setattr(finding, "MAX_MENTION_ROWS", 20)
    names = ("Abel", "Bram", "Cato", "Dorn", "Elko", "Faro", "Gesk", "Holt", "Ivor", "Jund", "Kolb")
    text = " ".join(f"Foreign Minister Omar {name}ski said so." for name in names * 5)
    text += " Foreign Minister Omar Zedski said so. Iran, Iran, Iran."
    mentions = finding.find_mentions(pd.DataFrame([{"article_id": "a", "title": "", "text": text, "language": "en"}]),
                                    dictionary)
    assert len(mentions) == 20
    # Iran's three rows and the eleven names fill the rows; once full, later mentions of a name
    # kept are counted on its last row, and a name first met then (Zedski) is left out
    assert mentions.groupby(mentions["actor_id"].fillna(mentions["name_key"]))["occurrences"].sum().to_dict() == \
        {"Q794": 3, **{f"Omar|{name}ski|en": 5 for name in names}}


def test_extraction_pages_through_the_due_articles(sample_store, monkeypatch, dictionary):
    from core.actors import extraction

    engine = database.connect(f"sqlite:///{sample_store}")
    extraction.run(engine, dictionary, "v1")
    whole = reads.load_mentions(engine)
    monkeypatch.setattr(extraction, "CHUNK", 4)
    monkeypatch.setattr(extraction, "CHUNK_CHARS", 5000)
    pages, progress = [], []
    real = extractions.due_articles

    def due_articles(*args):
        page = real(*args)
        pages.append(page)
        return page

    monkeypatch.setattr(extractions, "due_articles", due_articles)
    summary = extraction.run(engine, dictionary, "v1", everything=True, progress=lambda done, total: progress.append((done, total)))
    assert summary.articles == 57 and progress[-1] == (57, 57)
    visited = pd.concat(pages)["article_id"]
    assert visited.is_unique and len(visited) == 57 and visited.is_monotonic_increasing
    texts = [page["text"].str.len().sum() + page["title"].fillna("").str.len().sum() for page in pages if len(page)]
    assert all(len(page) <= 4 for page in pages) and all(size < 5000 + 3000 for size in texts)
    # Dictionary matches do not depend on how the articles were paged.
    paged = reads.load_mentions(engine)
    columns = ["article_id", "actor_id", "field", "start", "end", "occurrences"]
    pd.testing.assert_frame_equal(paged.loc[paged["name_key"].isna(), columns].reset_index(drop=True),
                                  whole.loc[whole["name_key"].isna(), columns].reset_index(drop=True))
    assert extraction.run(engine, dictionary, "v1").articles == 0
    assert extraction.run(engine, dictionary, "v2").articles == 57, "a new dictionary makes every article due, page by page"


def test_a_store_of_an_earlier_version_counts_each_stored_mention_once(tmp_path, dictionary):
    from core.actors import extraction

    db = tmp_path / "store.db"
    engine = database.connect(f"sqlite:///{db}")
    batch.ingest(engine, [config.SAMPLES_DIR / "capital-ledger"], progress=False)
    extraction.run(engine, dictionary, "v1")
    before = reads.load_mentions(engine)
    with engine.begin() as conn:  # as the store was before the column existed
        conn.exec_driver_sql("ALTER TABLE mentions DROP COLUMN occurrences")
        conn.exec_driver_sql("ALTER TABLE mentioned_dates DROP COLUMN occurrences")
    engine.dispose()
    reopened = database.connect(f"sqlite:///{db}")
    pd.testing.assert_frame_equal(reads.load_mentions(reopened), before)
    assert (reads.load_mentioned_dates(reopened)["occurrences"] == 1).all()


def test_a_word_longer_than_any_name_is_not_looked_up_or_cached(dictionary):
    blob = "Qx" * 200_000  # a scraped blob without spaces: 400,000 letters
    text = "Iran met Russia. " + blob + " Putin said."
    mentions = finding.find_mentions(pd.DataFrame([{"article_id": "a", "title": "", "text": text, "language": "en"}]),
                                    dictionary)
    assert mentions[["actor_id", "start"]].values.tolist() == [["Q794", 0], ["Q159", 9], ["Q7747", len(text) - 11]]
    assert max(map(len, lookup.for_language(dictionary, "en").words)) <= lookup.MAX_WORD_CHARS
