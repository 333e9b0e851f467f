"""Analysts' corrections kept in the store (issue 22, item 9): merge, split a wrong merge, rename, add
an alias, retype, ignore; they hold through ``extract --all``, go to a corrections file and come back,
and two processes on one store see each other's."""
import contextlib
import io
import shutil
import sqlite3
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
import sqlalchemy as sa

from core import cli, config, pipeline
from core.actors import actor_dictionary, correction_files, corrections, frames
from core.errors import InputError, StoreBusy
from core.store import corrections as store_corrections, database, reads

Correction = store_corrections.Correction
SAMPLES = config.SAMPLES_DIR
# Three sample articles: the German one names Julija Nawalnaja and Alexej Nawalny, whom grouping
# takes for one person today (one family name, short given names).
ARTICLES = (SAMPLES / "rheinische-abendpost" / "sicherheitskonferenz-muenchen-selenskyj.txt",
            SAMPLES / "capital-ledger" / "ankara-prisoner-exchange-aug-2024.txt",
            SAMPLES / "html" / "northbridge-herald-nato-summit-opens.html")
# A spelling of Patrushev no dictionary has, in a French article of our own.
PATROUCHEV = ("Le secrétaire du Conseil de sécurité, Nikolaï Patroutchev, a reçu mardi à Moscou une "
              "délégation iranienne. Selon Patroutchev, la coopération avec l'Iran va s'approfondir.\n")


@pytest.fixture(scope="module")
def dictionary():
    return pipeline.load_dictionary()


@pytest.fixture(scope="module")
def base_store(tmp_path_factory, dictionary) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    for path in ARTICLES:
        (folder / path.parent.name).mkdir(exist_ok=True)
        shutil.copyfile(path, folder / path.parent.name / path.name)
    (folder / "le-courrier").mkdir()
    (folder / "le-courrier" / "patroutchev.txt").write_text(PATROUCHEV, encoding="utf-8")
    db = tmp_path_factory.mktemp("store") / "base.db"
    engine = database.connect(f"sqlite:///{db}")
    run = pipeline.ingest(engine, [folder], dictionary=dictionary, progress=False)
    assert run.ingested.stored == 4 and run.extracted.articles == 4
    engine.dispose()
    return db


@pytest.fixture
def db(base_store, tmp_path) -> Path:
    copy = tmp_path / "store.db"
    shutil.copyfile(base_store, copy)
    return copy


def _actors(engine, dictionary):
    """(actors by id, mentions) as every page reads them: the store's corrections applied."""
    found, mentions, _ = frames.actor_frames(engine, pipeline.corrected_dictionary(engine, dictionary))
    return found.set_index("actor_id"), mentions


def _spellings(mentions, actor_id) -> set[str]:
    return set(mentions.loc[mentions["actor_id"] == actor_id, "surface"])


def test_a_wrong_merge_is_split_and_the_parts_renamed(db, dictionary):
    engine = database.connect(f"sqlite:///{db}")
    found, mentions = _actors(engine, dictionary)
    julija = found.index[found["name"] == "Julija Nawalnaja"][0]
    assert {"Julija Nawalnaja", "Alexej Nawalny"} <= _spellings(mentions, julija), "the wrong merge of today"
    his = tuple(sorted(_spellings(mentions, julija) - {"Julija Nawalnaja"}))  # "Navalny's widow", "Tod Nawalnys"
    pipeline.correct(engine, [Correction(kind="split", actor=julija, surfaces=his,
                                         name="Alexei Navalny", actor_name="Julija Nawalnaja", analyst="anna"),
                              Correction(kind="rename", actor=julija, name="Yulia Navalnaya")], dictionary)
    found, mentions = _actors(engine, dictionary)
    assert found.loc[julija, "name"] == "Yulia Navalnaya"
    assert _spellings(mentions, julija) == {"Julija Nawalnaja"}
    alexei = found.index[found["name"] == "Alexei Navalny"][0]
    assert _spellings(mentions, alexei) == set(his) and "Alexej Nawalny" in his
    assert found.loc[alexei, "type"] == "person" and found.loc[alexei, "origin"] == "corrected"
    [split, rename] = store_corrections.load(engine)
    assert (split.analyst, rename.analyst) == ("anna", "local") and split.at is not None and split.id < rename.id


def test_merge_retype_and_ignore(db, dictionary):
    engine = database.connect(f"sqlite:///{db}")
    found, mentions = _actors(engine, dictionary)
    # Any actor will do: the sample's organisations typed as people were put right by their own fix.
    retyped = found.index[found["name"] == "Olexandr Syrskyj"][0]
    assert found.loc[retyped, "type"] == "person"
    spokesman = found.index[found["name"] == "Steffen Hebestreit"][0]
    scholz = dictionary.actor_id("Olaf Scholz")
    before = found.loc[scholz, "mentions"] + found.loc[spokesman, "mentions"]
    article = mentions.loc[mentions["actor_id"] == "Q7747", "article_id"].iloc[0]
    pipeline.correct(engine, [Correction(kind="retype", actor=retyped, type="organisation"),
                              Correction(kind="merge", actor=spokesman, into=scholz),
                              Correction(kind="ignore", actor="Q7747", article=article),
                              Correction(kind="ignore", actor="Q230")], dictionary)
    found, mentions = _actors(engine, dictionary)
    assert found.loc[retyped, "type"] == "organisation"
    assert spokesman not in found.index and found.loc[scholz, "mentions"] == before
    assert "Q230" not in found.index and "Q230" not in set(mentions["actor_id"])
    putin = mentions[mentions["actor_id"] == "Q7747"]
    assert article not in set(putin["article_id"]) and len(putin), "Putin stays in the other article"


def test_an_alias_is_found_at_once_and_undo_takes_it_back(db, dictionary):
    engine = database.connect(f"sqlite:///{db}")
    patrushev = dictionary.actor_id("Nikolai Patrushev")
    _, mentions = _actors(engine, dictionary)
    assert "Patroutchev" not in _spellings(mentions, patrushev)
    outcome = pipeline.correct(engine, [Correction(kind="alias", actor=patrushev, alias="Patroutchev", language="fr")],
                               dictionary)
    # Only the article the alias can be in is read again, not the whole store.
    assert outcome.run.extracted.articles == 1
    _, mentions = _actors(engine, dictionary)
    assert {"Patroutchev", "Nikolaï Patroutchev"} & _spellings(mentions, patrushev)
    pipeline.undo_corrections(engine, [c.id for c in store_corrections.load(engine)], dictionary)
    assert store_corrections.load(engine) == ()
    _, mentions = _actors(engine, dictionary)
    assert not {"Patroutchev", "Nikolaï Patroutchev"} & _spellings(mentions, patrushev)


def test_an_alias_makes_a_discovered_person_a_dictionary_actor_under_the_same_id(db, dictionary):
    engine = database.connect(f"sqlite:///{db}")
    found, mentions = _actors(engine, dictionary)
    krasikov = found.index[found["name"] == "Vadim Krasikov"][0]
    before = found.loc[krasikov, "mentions"]
    pipeline.correct(engine, [Correction(kind="alias", actor=krasikov, alias="Krassikow", language="de",
                                         actor_name="Vadim Krasikov")], dictionary)
    found, mentions = _actors(engine, dictionary)
    assert found.loc[krasikov, "mentions"] == before and f"{krasikov}-discovered" not in found.index


def test_corrections_hold_through_extract_all(db, dictionary):
    engine = database.connect(f"sqlite:///{db}")
    patrushev = dictionary.actor_id("Nikolai Patrushev")
    pipeline.correct(engine, [Correction(kind="rename", actor="Q794", name="Islamic Republic of Iran"),
                              Correction(kind="alias", actor=patrushev, alias="Patroutchev", language="fr")], dictionary)
    outcome = pipeline.extract(engine, everything=True, dictionary=dictionary)
    assert outcome.extracted.articles == 4
    found, mentions = _actors(engine, dictionary)
    assert found.loc["Q794", "name"] == "Islamic Republic of Iran"
    assert "Patroutchev" in _spellings(mentions, patrushev)
    # The stored mentions are as found: the correction is applied when they are read.
    stored = reads.load_mentions(engine)
    assert "Q794" in set(stored["actor_id"])


def test_export_then_import_gives_the_same_actors(db, base_store, tmp_path, dictionary):
    engine = database.connect(f"sqlite:///{db}")
    found, _ = _actors(engine, dictionary)
    julija = found.index[found["name"] == "Julija Nawalnaja"][0]
    made = [Correction(kind="split", actor=julija, surfaces=("Alexej Nawalny",), name="Alexei Navalny",
                       actor_name="Julija Nawalnaja", analyst="Anna \"A.\" Müller\tdesk"),
            Correction(kind="ignore", actor="Q230", surfaces=("Georgia",), analyst="ben"),
            Correction(kind="retype", actor="Q794", type="organisation", analyst="ben"),
            Correction(kind="rename", actor="Q794", name="Иран, \\ الجمهورية"),
            Correction(kind="alias", actor="Q794", alias="Persia", language="en")]
    pipeline.correct(engine, made, dictionary)
    text = pipeline.export_corrections(engine)
    exported = tmp_path / "corrections.toml"
    exported.write_text(text, encoding="utf-8")
    assert [c.change() for c in correction_files.read(exported)] == [c.change() for c in store_corrections.load(engine)]
    other_db = tmp_path / "other.db"
    shutil.copyfile(base_store, other_db)
    other = database.connect(f"sqlite:///{other_db}")
    outcome = pipeline.import_corrections(other, correction_files.read(exported), "importer", dictionary)
    assert len(outcome.added) == len(made)
    mine, theirs = store_corrections.load(engine), store_corrections.load(other)
    assert [(c.change(), c.analyst, c.at) for c in theirs] == [(c.change(), c.analyst, c.at) for c in mine]
    assert _actors(other, dictionary)[0].sort_index().equals(_actors(engine, dictionary)[0].sort_index())
    again = pipeline.import_corrections(other, correction_files.read(exported), "importer", dictionary)
    assert (again.added, again.already) == ([], len(made))


def test_the_first_files_format_still_applies_and_comes_before_the_stores(tmp_path, db, dictionary):
    legacy = tmp_path / "corrections.toml"
    legacy.write_text('[[rename]]\nactor = "Iran"\nname = "Iran (file)"\n[[ignore]]\nactor = "Georgia"\n'
                      'surface = "Ankara"\n', encoding="utf-8")
    from_file = actor_dictionary.load(config.ACTORS_DIR, legacy)
    assert [c.kind for c in from_file.corrections.entries] == ["ignore", "ignore", "rename"]
    engine = database.connect(f"sqlite:///{db}")
    pipeline.correct(engine, [Correction(kind="rename", actor="Q794", name="Iran (store)")], from_file)
    found, mentions = _actors(engine, from_file)
    assert found.loc["Q794", "name"] == "Iran (store)"
    assert "Q230" not in found.index and "Ankara" not in set(mentions["surface"])


def test_two_engines_on_one_store_see_each_others_corrections(db, dictionary):
    first, second = database.connect(f"sqlite:///{db}"), database.connect(f"sqlite:///{db}")
    revision, version = database.revision(second), pipeline.dictionary_version(store_corrections.load(second))
    pipeline.correct(first, [Correction(kind="rename", actor="Q794", name="Persia", analyst="first")], dictionary)
    # Every page caches on the revision, and the frames on it and the version: both move.
    assert database.revision(second) > revision
    assert pipeline.dictionary_version(store_corrections.load(second)) != version
    assert _actors(second, dictionary)[0].loc["Q794", "name"] == "Persia"
    [mine] = store_corrections.load(second)
    pipeline.undo_corrections(second, [mine.id], dictionary)
    assert store_corrections.load(first) == ()
    assert _actors(first, dictionary)[0].loc["Q794", "name"] == "Iran"
    assert pipeline.dictionary_version(()) == pipeline.dictionary_version()


def test_a_correction_waits_for_another_writer_like_every_write(db):
    impatient = database.connect(f"sqlite:///{db}", busy_seconds=0)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusy):
            store_corrections.add(impatient, [Correction(kind="rename", actor="Q794", name="Persia")])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store_corrections.add(impatient, [Correction(kind="rename", actor="Q794", name="Persia")])


def test_a_correction_that_is_not_whole_is_refused_naming_every_problem(db, dictionary):
    engine = database.connect(f"sqlite:///{db}")
    with pytest.raises(InputError) as err:
        pipeline.correct(engine, [Correction(kind="merge", actor="Q794", into="Q794"),
                                  Correction(kind="retype", actor="Q794", type="planet"),
                                  Correction(kind="split", actor="Q794", surfaces=("Iran",))], dictionary)
    message = str(err.value)
    assert "merged into itself" in message and "'planet'" in message and "split needs" in message
    assert store_corrections.load(engine) == ()


def test_a_broken_corrections_file_names_each_table(tmp_path):
    broken = tmp_path / "c.toml"
    broken.write_text('[[rename]]\nactor = "Iran"\n[[split]]\nactor = "Iran"\nname = "x"\n[[typo]]\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        correction_files.read(broken)
    assert "[[rename]] 1: needs name" in str(err.value) and "[[split]] 1" in str(err.value)
    assert "typo" in str(err.value) and str(broken) in str(err.value)


def test_apply_does_not_depend_on_how_mentions_are_batched(db, dictionary):
    """The frames are corrected batch by batch (``resolution.BatchResolver``): the same as whole."""
    engine = database.connect(f"sqlite:///{db}")
    found, mentions, _ = frames.actor_frames(engine, dictionary)  # resolved, not corrected
    julija = found.loc[found["name"] == "Julija Nawalnaja", "actor_id"].iloc[0]
    article = mentions.loc[mentions["actor_id"] == "Q212", "article_id"].iloc[0]
    assert "Ankara" in set(mentions["surface"])
    pipeline.correct(engine, [Correction(kind="merge", actor="Q230", into="Q212"),
                              Correction(kind="split", actor=julija, surfaces=("Alexej Nawalny",), name="Alexei Navalny"),
                              Correction(kind="ignore", actor="Q212", article=article),
                              Correction(kind="ignore", surfaces=("Ankara",))], dictionary)
    corrected = pipeline.corrected_dictionary(engine, dictionary)
    table = found[["actor_id", "name", "type", "country", "origin"]]
    whole = corrections.apply_corrections(table, mentions, corrected)[1]
    middle = len(mentions) // 2
    halves = pd.concat([corrections.apply_corrections(table, part, corrected)[1]
                        for part in (mentions.iloc[:middle], mentions.iloc[middle:])], ignore_index=True)
    pd.testing.assert_frame_equal(halves, whole)
    assert len(whole) < len(mentions) and "Q230" not in set(whole["actor_id"])
    assert not ((whole["actor_id"] == "Q212") & (whole["article_id"] == article)).any()
    assert "Ankara" not in set(whole["surface"]) and "Alexei Navalny" not in set(table["name"])
    assert set(whole.loc[whole["surface"] == "Alexej Nawalny", "actor_id"]) == {"gw:alexei-navalny"}


def test_the_command_line_lists_exports_imports_and_undoes(db, tmp_path, dictionary):
    def run(*args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                mock.patch.object(pipeline, "load_dictionary", lambda: dictionary):
            code = cli.main(["--db", str(db), *map(str, args)])
        return code, out.getvalue(), err.getvalue()

    file = tmp_path / "in.toml"
    file.write_text('[[rename]]\nactor = "Q794"\nname = "Persia"\n[[retype]]\nactor = "Q794"\ntype = "organisation"\n',
                    encoding="utf-8")
    code, out, _ = run("corrections", "import", file, "--analyst", "cli-user")
    assert code == 0 and "2 correction(s) added" in out
    code, out, _ = run("corrections", "list")
    lines = [line for line in out.splitlines() if not line.startswith("file\t")]
    assert code == 0 and len(lines) == 2 and "cli-user" in lines[0] and "Iran renamed Persia" in out.replace("Q794", "Iran")
    exported = tmp_path / "out.toml"
    assert run("corrections", "export", exported)[0] == 0
    assert [c.change() for c in correction_files.read(exported)] == \
        [c.change() for c in store_corrections.load(database.connect(f"sqlite:///{db}"))]
    first_id = lines[0].split("\t")[0]
    code, out, _ = run("corrections", "undo", first_id, 999)
    assert code == 0 and "1 removed" in out
    assert len(store_corrections.load(database.connect(f"sqlite:///{db}"))) == 1
    code, _, err = run("corrections", "import", tmp_path / "missing.toml")
    assert code == 2 and "no such file" in err


def test_a_store_made_before_corrections_gains_the_table(tmp_path):
    old = tmp_path / "old.db"
    engine = database.connect(f"sqlite:///{old}")
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE actor_corrections")
    engine.dispose()
    engine = database.connect(f"sqlite:///{old}")
    assert "actor_corrections" in sa.inspect(engine).get_table_names() and store_corrections.load(engine) == ()
