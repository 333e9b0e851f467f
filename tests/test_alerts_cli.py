"""``python -m core alerts add|list|remove|deliver`` on a copy of the sample store."""
import pytest

from tests.conftest import run_cli


def test_rules_are_added_with_actors_named_in_any_script_listed_and_removed(sample_store):
    added = run_cli("alerts", "add", "Iran and Russia", "--actor", "Иран", "--actor", "Russia", "--all-actors",
                    "--text", "nuclear OR ядерн", "--language", "RU", "--webhook", "http://127.0.0.1:9/x",
                    db=sample_store)
    assert added.returncode == 0, added.stderr
    assert "all of Iran (Q794), Russia (Q159)" in added.stdout and "languages ru" in added.stdout
    # Global options after the subcommand, as every command takes them.
    spike = run_cli("alerts", "add", "Putin spike", "--spike", "Путин", db=sample_store)
    assert spike.returncode == 0 and "a spike in attention to Vladimir Putin (Q7747)" in spike.stdout
    listed = run_cli("alerts", "list", db=sample_store)
    assert listed.returncode == 0
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == ["rule 1", "rule 2"]
    assert run_cli("alerts", "remove", "Putin spike", db=sample_store).returncode == 0
    assert "Putin" not in run_cli("alerts", "list", db=sample_store).stdout


@pytest.mark.parametrize("args, says", [
    (["x", "--actor", "Nobody Atall"], "no actor named 'Nobody Atall'"),
    (["x"], "asks for nothing"),
    (["x", "--text", '"open'], "quotation mark"),
    (["x", "--spike", "Putin", "--text", "Iran"], "takes no other condition"),
    (["x", "--text", "Iran", "--webhook", "ftp://h"], "http://"),
    (["x", "--text", "Iran", "--email", "not an address"], "expected an address"),
])
def test_a_rule_that_cannot_work_is_refused_with_the_reason(sample_store, args, says):
    refused = run_cli("alerts", "add", *args, db=sample_store)
    assert refused.returncode == 2 and says in refused.stderr
    assert run_cli("alerts", "list", db=sample_store).stdout == ""


def test_a_name_is_taken_once(sample_store):
    assert run_cli("alerts", "add", "Iran", "--text", "Iran", db=sample_store).returncode == 0
    again = run_cli("alerts", "add", "Iran", "--text", "Iraq", db=sample_store)
    assert again.returncode == 2 and "exists already" in again.stderr


def test_deliver_with_nothing_pending(sample_store):
    done = run_cli("alerts", "deliver", db=sample_store)
    assert done.returncode == 0 and done.stdout.strip() == "0 delivered, 0 still pending"
