#!/usr/bin/env python3
"""A seed-like corpus for benchmarks: generated news articles about the Iraq–Syria border.

    .venv/bin/python bench/corpus.py --articles 5000 [--seed 0] --write DIR

Each article is built from templates modelled on ``seeds/*.txt`` and
``tests/articles/*.txt``: cross-border strikes, outposts and cameras, sweeps in the
al-Jazeera desert, border crossings, and a mixed "chasing ISIS along the border"
kind. Town, governorate, crossing and region names are drawn from the bundled
gazetteer (towns near the border weighted up, spelled the way English news spells
them, now and then in another of their aliases), together with speakers, numbers and
dates. About half the articles open with front matter holding a ``published`` date;
some have a kicker, a byline, a photo caption, a subheading, a "Related:" line or a
comment section. Articles average about 2.7 KB, like the seeds.

The same ``n`` and ``seed`` always give the same articles (``random.Random(seed)``,
nothing else random). Library use::

    from corpus import generate          # with bench/ on sys.path
    for article_id, text in generate(5000, seed=0):
        ...

:func:`generate_records` also gives, for every article, the place names it wrote and
the gazetteer ids they were drawn from.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import string
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # bordermap is imported lazily: the bench's parent process stays small
    from bordermap.gazetteer import Gazetteer, Place


class Generated(NamedTuple):
    """One generated article and the place names written into it."""

    article_id: str
    text: str
    places: tuple[tuple[str, str], ...]  # (name as written, gazetteer id), in slot order


# --------------------------------------------------------------------------- place pools

# Towns closer than this to the Iraq–Syria boundary (degrees) are drawn more often.
NEAR_DEG, NEAR_WEIGHT = 1.0, 12
MID_DEG, MID_WEIGHT = 2.0, 4
FAR_WEIGHT = 1
VARIANT_SPELLING = 0.2  # share of town mentions written with another alias

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼʻʿʾ`´"), None)
_NEWS_NAME = re.compile(r"[A-Z][A-Za-z' -]*[a-z]|al-[A-Z][A-Za-z' -]*[a-z]")
_ADMIN_WORDS = re.compile(
    r"\b(?:District|Qada|Qadā|Markaz|Collective|Kumelgeha|Muhafazat|Nahiyat|Mihala|Mihela)\b"
)


class _Town(NamedTuple):
    id: str
    name: str  # the usual English spelling
    variants: tuple[str, ...]  # other ASCII aliases
    governorate: str  # canonical name of its governorate ("Anbar")


class _Pools(NamedTuple):
    iraq: tuple[_Town, ...]
    iraq_weights: tuple[int, ...]
    syria: tuple[_Town, ...]
    syria_weights: tuple[int, ...]
    governorate_ids: dict[str, str]  # governorate name -> id
    crossings: tuple[tuple[str, str], ...]  # (alias, id)
    jazira: tuple[tuple[str, str], ...]  # (alias, id)


def _ascii_fold(name: str) -> str:
    s = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def _news_spellings(place: Place) -> list[str]:
    """ASCII aliases a newspaper might print, the canonical name (folded) first."""
    out: list[str] = []
    for alias in (_ascii_fold(place.name), *place.aliases):
        if (
            alias not in out
            and len(alias.replace(" ", "").replace("-", "")) >= 4
            and _NEWS_NAME.fullmatch(alias)
            and not _ADMIN_WORDS.search(alias)
        ):
            out.append(alias)
    return out


def _pools(gaz: Gazetteer) -> _Pools:
    from bordermap.gazetteer import BORDER_ID, IRAQ_ID, SYRIA_ID, normalize

    border = gaz[BORDER_ID].geometry
    towns: dict[str, list[tuple[_Town, int]]] = {IRAQ_ID: [], SYRIA_ID: []}
    for place in gaz.of_kind("town"):
        country, governorate = place.country, place.governorate
        if country not in towns or governorate is None or governorate not in gaz:
            continue
        spellings = [
            s for s in _news_spellings(place) if place.id in gaz.alias_index.get(normalize(s), ())
        ]
        if not spellings:
            continue
        distance = place.geometry.distance(border)
        weight = (
            NEAR_WEIGHT if distance < NEAR_DEG else MID_WEIGHT if distance < MID_DEG else FAR_WEIGHT
        )
        town = _Town(place.id, spellings[0], tuple(spellings[1:]), gaz[governorate].name)
        towns[country].append((town, weight))
    crossings = tuple(
        (alias, p.id)
        for p in gaz.of_kind("crossing")
        for alias in p.aliases
        if alias.endswith("crossing") and alias.isascii()
    )
    jazira = tuple(
        (alias, p.id)
        for p in gaz.of_kind("region")
        for alias in p.aliases
        if alias.startswith("al-") and alias.endswith(("desert", "region"))
    )
    return _Pools(
        iraq=tuple(t for t, _ in towns[IRAQ_ID]),
        iraq_weights=tuple(w for _, w in towns[IRAQ_ID]),
        syria=tuple(t for t, _ in towns[SYRIA_ID]),
        syria_weights=tuple(w for _, w in towns[SYRIA_ID]),
        governorate_ids={p.name: p.id for p in gaz.of_kind("governorate")},
        crossings=crossings,
        jazira=jazira,
    )


@lru_cache(maxsize=1)
def _default_pools() -> _Pools:
    from bordermap.gazetteer import load

    return _pools(load())


# --------------------------------------------------------------------------- words

FIRST = (
    "Yahya",
    "Saad",
    "Ahmed",
    "Hamid",
    "Ali",
    "Qasim",
    "Mahmoud",
    "Khalid",
    "Omar",
    "Hussein",
    "Naeem",
    "Muhannad",
    "Tahsin",
    "Safaa",
    "Jabbar",
    "Karim",
    "Farhan",
    "Sami",
    "Abbas",
    "Mustafa",
    "Haider",
    "Salah",
    "Raad",
    "Majid",
    "Faris",
    "Khalil",
    "Adnan",
    "Walid",
)
FAMILY = (
    "Rasul",
    "al-Khafaji",
    "al-Dulaimi",
    "al-Zubaidi",
    "al-Jubouri",
    "al-Obeidi",
    "al-Karbouli",
    "al-Husseini",
    "al-Yaqoubi",
    "al-Husnawi",
    "al-Aasam",
    "Fadhil",
    "Kareem",
    "al-Shammari",
    "al-Koud",
    "Jassim",
    "al-Ugaili",
    "Hamdan",
    "al-Saadi",
    "Murad",
    "Salih",
    "al-Tamimi",
)
ROLES = (
    "Joint Operations Command spokesman",
    "Security Media Cell spokesman",
    "border guards commander Major General",
    "Brigadier General",
    "Colonel",
    "Major General",
    "Lieutenant Colonel",
    "Iraqi military analyst",
    "defence ministry spokesman",
)
REPORTERS = (
    "Alaa Hussain",
    "Hana Yousif",
    "Dilan Saeed",
    "Omar Fadhil",
    "Sami al-Jubouri",
    "Nour al-Samarrai",
    "Leila Mahmoud",
    "Khalid al-Taie",
    "Rania Aziz",
    "Ammar Karim",
)
OUTLETS = (
    "Diyaruna",
    "Euphrates Wire",
    "Anbar Now",
    "Mesopotamia Monitor",
    "Northeast Syria Bulletin",
    "Levant Daily Monitor",
    "Gulf & Levant Report",
    "Border Desk",
)
COMMENTERS = (
    "Abu Ali",
    "Karim S.",
    "Samir",
    "Hadi",
    "Um Ahmed",
    "Ziad K.",
    "Abu Omar",
    "Reader",
    "Mohammed",
    "Nadia",
)
KICKERS = ("Iraq News", "Security", "Syria", "Border Watch", "Analysis")
SUBHEADINGS = (
    "Need for advanced equipment",
    "Sleeper cells",
    "Border control",
    "Local cooperation",
    "Trade and travel",
    "A fragile calm",
    "Intelligence first",
)
NUMBER_WORDS = (
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# --------------------------------------------------------------------------- templates
# Slots: {iq} {iq2} {sy} {sy2} towns (Iraqi, Syrian), {iq_up}/{sy_up} the same in
# capitals for datelines, {iq_gov} {sy_gov} their governorates, {crossing}, {jaz};
# {s1} {s2} {s3} speakers with roles {r1} {r2}, surnames {s1_last} {s2_last}; {outlet};
# dates {day} (weekday), {date} ("April 19th"), {month}, {year}, {y_before}; numbers
# {n} {n2} (2-40), {n3} (100-600), {n4} (1,000-200,000), {k} (2-12), {kw} (a word), {km}.

KINDS: dict[str, dict[str, Sequence[str]]] = {
    "strike": {
        "titles": (
            "Iraqi F-16s hit ISIS hideouts near {sy}, killing {n} militants",
            "Iraq pursues ISIS remnants across Syria border",
            "Iraqi jets strike ISIS positions near {sy}",
            "Coalition drone kills {kw} suspected militants near {sy}",
            "Iraqi aircraft pound ISIS bases inside Syria",
        ),
        "leads": (
            "The Iraqi Air Force struck {kw} Islamic State hideouts near the Syrian town of {sy} "
            "on {day}, killing {n} militants, the Security Media Cell said.",
            'Iraq\'s Joint Operations Command has been pursuing "Islamic State of Iraq and Syria" '
            "(ISIS) elements inside Syria, as other Iraqi security agencies tighten their control "
            "over the border the two countries share to prevent infiltration.",
            "{sy_up}, Syria ({outlet}) - Unidentified aircraft struck positions of Iran-backed "
            "militias near {sy} on {day}, killing at least {n} fighters, according to the Syrian "
            "Observatory for Human Rights.",
            "Iraqi F-16 jets bombed an Islamic State hideout across the border, near {sy}, on "
            "{date}, killing {n} militants, the Security Media Cell said.",
        ),
        "body": (
            '"Our F-16 jets destroyed two houses used by the Islamic State of Iraq and Syria as a '
            'command post and a weapons depot east of {sy}," {r1} {s1} said.',
            "The strike was carried out in coordination with the US-led coalition, he told "
            "{outlet}, adding that the targets were about {km} kilometres from the Iraqi border.",
            "{sy}, in Syria's {sy_gov} province, lies about {km} kilometres from the border. It "
            "was one of the last towns held by the group before its defeat in {year_defeat}.",
            "Iraq has carried out several airstrikes inside Syria since 2017 with the approval of "
            "Damascus, targeting militants who threaten the border.",
            "Iraqi border guards near {iq} stepped up patrols along the frontier after the strike, "
            "{s1_last} said.",
            "Iraqi Air Force F-16 fighter jets pummeled ISIS bases across the border, killing {n} "
            "of the group's elements and commanders, he added.",
            '"The military airstrikes carried out by the Iraqi Air Force against ISIS targets in '
            'Syria on {date} were based on that intelligence information," he said.',
            "A coalition drone strike on a motorcycle south of {sy2} on {day} killed {kw} men, the "
            "Syrian Observatory for Human Rights said.",
            "US-led coalition aircraft struck buildings around {sy2} during the fighting, the "
            "Syrian Democratic Forces said. No side claimed the raid.",
            "Iraq has stepped up intelligence efforts to target ISIS elements and bases inside "
            "Syria, {r1} {s1} told {outlet}.",
            "Separately, unidentified drones struck a militia convoy near {sy2}, southeast of the "
            "city of {sy_gov}, last week, the observatory said.",
        ),
    },
    "outpost": {
        "titles": (
            "Iraq builds new outposts along Syrian border near {iq}",
            "Iraqi border guards install thermal cameras west of {iq}",
            "Iraq starts building concrete wall on Syrian border west of {iq}",
            "Iraq reinforces border after attack near {sy}",
        ),
        "leads": (
            "Iraqi border guards have built {kw} new watchtowers fitted with thermal cameras along "
            "the border west of {iq} since {month}, {r1} {s1} said.",
            "Iraq has begun building a concrete wall along its border with Syria west of {iq}, in "
            "{iq_gov} province, to stop Islamic State militants and smugglers from crossing, "
            "border guard officials said.",
            "Iraq has sent {kw} additional brigades of border guards to the border strip between "
            "Iraq and Syria after an Islamic State attack on a prison in {sy} freed dozens of "
            "militants, officials said.",
            "{iq_up}, Iraq - Iraqi army units took over checkpoints and set up {kw} new outposts "
            "around {iq} this week, days after a drone strike near the town killed {kw2} "
            "commanders.",
        ),
        "body": (
            "The first sections were put in place on {date}, and a {km}-kilometre stretch has been "
            "finished since then, {r1} {s1} told {outlet}.",
            '"The wall is the first line of defence, and behind it there is a trench and our '
            'watchtowers," he said.',
            "Thermal cameras will be installed on towers every two kilometres along the wall, "
            "{s1_last} said. If smugglers keep cutting through the gaps, then the army will deploy "
            "drones and more troops to the area, he said.",
            "The government approved the construction of the outposts in {month}. The defence "
            "ministry plans to build them along the whole {iq_gov} section of the border by the "
            "end of next year.",
            '"We have deployed the reinforcements from {iq} down to {iq2}, and every watchtower '
            'is now manned around the clock," {r2} {s2} said.',
            "The issue of cross-border infiltration can be addressed by installing sophisticated "
            "surveillance equipment such as thermal cameras along the common border, he said, as "
            "well as through the use of drones.",
            "In {y_before}, the Iraqi Government approved the construction of dozens of outposts "
            "on the border in addition to installing thermal surveillance cameras to monitor ISIS "
            "activity.",
            "Iraqi forces also are enhancing security along the border strip between Iraq and "
            "Syria to block ISIS remnants from infiltrating, {s1_last} said.",
            "The {iq_gov} Operations Command plans to build a {km}-kilometre earth berm and a line "
            'of watchtowers along the border south of {iq}, said {r2} {s2}. "The desert there is '
            'open. Smugglers drive through at night without lights," he said.',
            "The problem of infiltration can be addressed by installing radar and thermal cameras "
            "along the entire border, {iq_gov} MP {s3} said.",
            '"Soldiers alone cannot watch {n3} kilometres of desert day and night," he said.',
            'It also can be addressed by "increasing the number of border guard troops, equipping '
            'them with sophisticated weapons and increasing air support for them", he said.',
        ),
    },
    "sweep": {
        "titles": (
            "Iraqi forces sweep desert north of {iq} and {iq2}",
            "Iraqi troops comb {jaz} for ISIS cells",
            "Iraqi army launches clearance operation near {iq}",
            "Search operation targets sleeper cells around {iq}",
        ),
        "leads": (
            "Iraqi army and Popular Mobilization Forces units on {day} launched a clearance "
            "operation in the desert north of {iq} and {iq2} in western {iq_gov}, hunting Islamic "
            "State cells hiding in the valleys that run toward the border with Syria.",
            "Iraqi army units and tribal fighters launched a combing operation in the {jaz} and "
            "the desert around {iq} on {day}, searching caves and ravines that Islamic State cells "
            "use to ambush trucks on the highway to the border.",
            "{iq_up}, Iraq ({outlet}) - Security forces on {day} swept the villages around {iq} "
            "looking for sleeper cells and detained {kw} suspects, a police officer said.",
        ),
        "body": (
            "The operation covers the area between the Euphrates and the border, part of the "
            "{jaz} that stretches north to Nineveh, the Joint Operations Command said in a "
            "statement.",
            '"Our forces are combing the wadis from the left bank of the Euphrates up to the '
            'Syrian border," {r1} {s1} told {outlet}. "Every cave will be searched."',
            "The raids and search operations Iraqi forces are conducting throughout the {jaz} are "
            "part of a sweep of the entire area, which three years ago was a haven for ISIS, he "
            "said, to ensure that it is clear of all the group's remnants.",
            "Three years ago, troops searched the same valleys, but the cells returned after the "
            "forces were withdrawn, he said.",
            '"The operation covers more than {n3} square kilometres and will last several days," '
            "said {r1} {s1}. He said troops had found {kw} weapons caches and destroyed a tunnel "
            "on the first day.",
            "Once the operation ends, watchtowers will be erected on the hills north of {iq} and a "
            "new border-guard regiment will be stationed at {iq2}, {s1_last} said.",
            "In 2014 the Islamic State of Iraq and the Levant used the valleys to move fighters "
            "and weapons from Syria to {iq} and {iq2}.",
            'Tribal leaders welcomed the operation. "We have been asking for this for months, '
            'because shepherds cannot take their sheep into the desert any more," said Sheikh '
            "{s3}, a tribal elder.",
            "The Syrian Democratic Forces (SDF), backed by helicopters of the US-led coalition, "
            "raided a house in a village east of {sy} last week and detained {kw} suspected "
            "Islamic State members, the SDF said in a statement.",
            "On {date}, soldiers searched houses in the town's old market for weapons, residents "
            "of {iq} said.",
        ),
    },
    "crossing": {
        "titles": (
            "Iraq and Syria reopen {crossing} after years of closure",
            "Truck drivers end strike at {crossing}",
            "Aid groups fear for northeast Syria after UN drops {crossing}",
            "Traffic resumes at {crossing} as security improves",
        ),
        "leads": (
            "{iq_up}, Iraq ({outlet}) - Iraq and Syria on {day} reopened the {crossing}, the main "
            "land link between the two countries, {kw} years after Islamic State militants "
            "overran it.",
            "Truck drivers at the {crossing} ended a three-day strike on {day} over new customs "
            "fees, and traffic resumed, the Border Ports Commission said.",
            "Aid agencies warned on {day} that medical supplies in {sy_gov} province could run "
            "short after the UN Security Council dropped the {crossing} from the list of crossings "
            "used for cross-border deliveries into Syria.",
        ),
        "body": (
            "Officials from both sides cut a ribbon at the gate between {iq}, the Iraqi border "
            "town, and {sy} in Syria's {sy_gov} province. Dozens of trucks loaded with vegetables "
            "and cement were waiting on the Iraqi side.",
            '"The reopening is a message that the border between our two countries is secure '
            'again," said {s1}, head of the Border Ports Commission. "Goods and travellers will '
            'move through it from today."',
            "The crossing had been closed since 2014, when fighters of the Islamic State of Iraq "
            "and the Levant seized both towns. The area returned to government control in "
            "November 2017.",
            "Traders in {iq_gov} province said they hoped the reopening would bring down prices. "
            '"We have waited {kw} years for this day," said {s3}, a fruit wholesaler in {iq}.',
            "The drivers had parked hundreds of lorries along the highway outside {iq}.",
            '"We are not against the state, we just cannot pay double fees," said {s2}, one of '
            "the drivers.",
            "The crossing, opposite the Iraqi town of {iq}, was the only UN-approved route across "
            "the Syrian-Iraqi border.",
            "Iraqi border guards have deployed along the common border near the crossing and have "
            "built {kw} new watchtowers fitted with thermal cameras since {month}, said {r2} {s2}.",
            "Security in the area remains fragile. Unidentified aircraft struck positions of "
            "Iran-backed militias near {sy} ten days ago, killing at least {n} fighters.",
        ),
    },
    "chase": {
        "titles": (
            "Iraqi Army Chases ISIS Along Syrian-Iraqi Border",
            "Iraqi forces hunt sleeper cells near {iq}",
            "ISIS remnants slip across border near {iq}, officials say",
        ),
        "leads": (
            "The Iraqi Security Forces (ISF) are cooperating with local citizens near the "
            "Syrian-Iraqi border to locate and target remaining ISIS sleeper cells that might pose "
            "a threat to civilians.",
            "Iraqi troops are chasing ISIS militants along the border with Syria west of {iq}, "
            "where cells slip across from the desert around {sy}, officials said on {day}.",
        ),
        "body": (
            "Standing on the frontlines between the ISF and ISIS, {r1} {s1}, a member of the ISF, "
            "describes the current situation along the border near {iq}.",
            '"This is the dividing line between us and ISIS, ISIS militants are present in these '
            'residential houses," said {s1_last}. "Since the liberation of Iraqi territory, '
            'there has been no violation in these areas."',
            '"We deal with moves if we sense the intentions of an attack. If our cameras detect '
            'armed men, we respond directly and forcefully against them," said {s1_last}, while '
            "showcasing video footage of ISIS militants trying to sneak in.",
            "As a result, the Iraqi air force has conducted several airstrikes on moving ISIS "
            "targets on Syrian territory.",
            "In addition to the surveillance patrolling of ISIS militants, the ISF are carrying "
            "out operations to sweep liberated areas around {iq2} to find ISIS sleeper cells.",
            '"ISIS militants have used this place. When the drones or warplanes raided them, they '
            'used to hide in this tunnel," said {s2_last}. "This tunnel inside the house extends '
            'for many meters."',
            "This has led to the destruction of several ISIS tunnels along the border towns.",
        ),
    },
}

GENERIC = (
    "Since the defeat of ISIS in Iraq in December 2017, the ISF have been carrying out patrols "
    "on the border with Syria to prevent any potential infiltrations by ISIS militants.",
    "ISIS does not at present pose the level of threat that could lead to the fall of an Iraqi "
    "city, as was the case during its incursion three years ago, said {iq_gov} provincial council "
    "security committee chairman {s2}.",
    "But ISIS remnants could carry out limited attacks by slipping across the border in small "
    "numbers to co-ordinate with sleeper cells inside Iraq, he told {outlet}.",
    'Ground forces will not cross into Syrian territory "in compliance with the directives of '
    'the commander-in-chief of the armed forces", {s2_last} told {outlet}.',
    '"There is no safe haven for them in Iraq any more, and intelligence agencies will not allow '
    'them to have a safe haven in Syria either," {s1_last} said.',
    "Residents of {iq} said life was slowly returning to normal. Markets in the town reopened "
    "this week, and schools are expected to follow.",
    "{iq}, in {iq_gov} province near the Syrian border, was held by the group from 2014 until "
    "2017.",
    "More than {n4} displaced people still live in camps around {iq2}, local officials said.",
    '"People want to go home, but they see drones in the sky and soldiers at every corner," '
    "said {s3}, a teacher who returned to {iq} last year.",
    "According to {s2}, a member of the Iraqi border patrol, if ISIS activity is detected, the "
    "ISF inform the US-led coalition and the Iraqi Air Force so that they can conduct airstrikes "
    "to eliminate the threat.",
    "On the Syrian side, the Syrian Democratic Forces control the frontier near {sy}. An SDF "
    "official said the group had not been consulted.",
    "Local officials say the district around {iq2}, south of {iq}, remains a route for Islamic "
    "State cells moving in from Syria.",
    '"We did not find any difficulties. At first, when we entered, we did not meet with the '
    'citizens. After that, we were able to communicate," said {s2_last}.',
    "Many cells still hide in the desert inside Syria, a few kilometres from the frontier near "
    "{sy}, and some may try to cross, an Iraqi intelligence officer said.",
    "Kataib Hezbollah, an Iraqi militia that is part of the Popular Mobilization Forces, said it "
    "had reinforced its positions around {sy2}.",
    "The Iraqi government has not commented on the reports.",
)
CAPTIONS = (
    "A screenshot from a video shows the 'Islamic State of Iraq and Syria' base near {sy} that "
    "was targeted by Iraqi aircraft on {date}. [Photo courtesy of the Iraqi Security Information "
    "Centre]",
    "Iraqi border guards stand at a watchtower near {iq}. [File photo]",
    "Trucks wait at the {crossing}. (AFP)",
)
RELATED = (
    "Related: Iraqi jets strike ISIS hideouts near {sy2}",
    "Read more: Border guards add watchtowers near {iq2}",
)
COMMENT_LINES = (
    "They should also bomb the camps near {sy2}. One airstrike is not enough, Iraq must finish "
    "them in Syria.",
    "Good work by the army. Greetings from {iq2}.",
    "Thank you.",
    "Hadi al-Houthi and those with him should be executed.",
    "When will the road to {iq} be safe again?",
    "God protect our soldiers on the border.",
)

PLACE_SLOTS = ("iq", "iq2", "sy", "sy2", "iq_up", "sy_up", "iq_gov", "sy_gov", "crossing", "jaz")
_FORMATTER = string.Formatter()


@cache
def _fields(template: str) -> tuple[str, ...]:
    return tuple(f for _, f, _, _ in _FORMATTER.parse(template) if f)


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


# --------------------------------------------------------------------------- one article


class _Writer:
    """Fills templates for one article: article-level values plus fresh numbers each time."""

    def __init__(self, rng: random.Random, pools: _Pools) -> None:
        self.rng = rng
        self.used: set[str] = set()
        iq, iq2 = self._two(pools.iraq, pools.iraq_weights)
        sy, sy2 = self._two(pools.syria, pools.syria_weights)
        crossing = rng.choice(pools.crossings)
        jaz = rng.choice(pools.jazira)
        speakers = [(rng.choice(FIRST), family) for family in rng.sample(FAMILY, 3)]
        self.published = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(7 * 365))
        event = self.published - dt.timedelta(days=rng.randrange(7))
        date = (
            f"{MONTHS[event.month - 1]} {_ordinal(event.day)}"
            if rng.random() < 0.6
            else f"{event.day} {MONTHS[event.month - 1]}"
        )
        names = {
            "iq": self._spell(iq),
            "iq2": self._spell(iq2),
            "sy": self._spell(sy),
            "sy2": self._spell(sy2),
        }
        self.places: dict[str, tuple[str, str]] = {
            "iq": (names["iq"], iq.id),
            "iq2": (names["iq2"], iq2.id),
            "sy": (names["sy"], sy.id),
            "sy2": (names["sy2"], sy2.id),
            "iq_up": (names["iq"].upper(), iq.id),
            "sy_up": (names["sy"].upper(), sy.id),
            "iq_gov": (iq.governorate, pools.governorate_ids[iq.governorate]),
            "sy_gov": (sy.governorate, pools.governorate_ids[sy.governorate]),
            "crossing": crossing,
            "jaz": jaz,
        }
        self.values: dict[str, object] = {slot: name for slot, (name, _) in self.places.items()}
        for i, (first, family) in enumerate(speakers, start=1):
            self.values[f"s{i}"] = f"{first} {family}"
            self.values[f"s{i}_last"] = family
            self.values[f"r{i}"] = rng.choice(ROLES)
        self.values.update(
            outlet=rng.choice(OUTLETS),
            day=WEEKDAYS[event.weekday()],
            date=date,
            month=MONTHS[rng.randrange(12)],
            year=self.published.year,
            y_before=self.published.year - rng.randint(1, 3),
            year_defeat=rng.choice((2017, 2018, 2019)),
        )

    def _two(self, towns: Sequence[_Town], weights: Sequence[int]) -> tuple[_Town, _Town]:
        first = self.rng.choices(towns, weights)[0]
        while True:
            second = self.rng.choices(towns, weights)[0]
            if second.id != first.id:
                return first, second

    def _spell(self, town: _Town) -> str:
        if town.variants and self.rng.random() < VARIANT_SPELLING:
            return self.rng.choice(town.variants)
        return town.name

    def fill(self, template: str) -> str:
        rng = self.rng
        fields = _fields(template)
        self.used.update(fields)
        values = dict(self.values)
        values.update(
            n=rng.randint(2, 40),
            n2=rng.randint(2, 40),
            n3=rng.randrange(100, 600, 10),
            n4=f"{rng.randrange(1_000, 200_000, 500):,}",
            k=rng.randint(2, 12),
            kw=rng.choice(NUMBER_WORDS),
            kw2=rng.choice(NUMBER_WORDS[:4]),
            km=rng.choice((5, 8, 10, 12, 15, 20, 25, 30, 40, 60, 80)),
        )
        return template.format_map(values)


def _article(rng: random.Random, pools: _Pools, article_id: str) -> Generated:
    w = _Writer(rng, pools)
    kind = rng.choice(tuple(KINDS))
    spec = KINDS[kind]
    curly = rng.random() < 0.5
    target = rng.triangular(1400, 3800, 1900)  # characters of body text

    title = w.fill(rng.choice(spec["titles"]))
    head: list[str] = []
    front = rng.random() < 0.5
    if front:
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
        head.append(
            "---\n"
            f"title: {json.dumps(title, ensure_ascii=False)}\n"
            f"outlet: {w.values['outlet']}\n"
            f"url: https://example.org/news/{w.published:%Y/%m/%d}/{slug}\n"
            f"published: {w.published.isoformat()}\n"
            "language: en\n"
            "---\n"
        )
    if rng.random() < 0.3:
        head.append(rng.choice(KICKERS))
    head.append(title)
    if rng.random() < 0.6:
        byline = f"By {rng.choice(REPORTERS)}"
        head.append(byline + (" in Baghdad" if rng.random() < 0.4 else ""))
    if not front and rng.random() < 0.4:
        head.append(f"{MONTHS[w.published.month - 1]} {w.published.day}, {w.published.year}")

    body: list[str] = []
    if rng.random() < 0.3:
        body.append(w.fill(rng.choice(CAPTIONS)))
    body.append(w.fill(rng.choice(spec["leads"])))
    # the kind's paragraphs keep their order (speakers are named before "he said"),
    # with some left out; the generic ones come in any order between them
    pool = [p for p in reversed(spec["body"]) if rng.random() < 0.8]
    generic = list(GENERIC)
    rng.shuffle(generic)
    size = len(body[-1])
    heading_at = rng.randint(3, 6) if rng.random() < 0.4 else -1
    related_at = rng.randint(2, 7) if rng.random() < 0.2 else -1
    while size < target and (pool or generic):
        source = pool if pool and (not generic or rng.random() < 0.65) else generic
        paragraph = w.fill(source.pop())
        if len(body) == heading_at:
            body.append(rng.choice(SUBHEADINGS))
        if len(body) == related_at:
            body.append(w.fill(rng.choice(RELATED)))
        body.append(paragraph)
        size += len(paragraph) + 2

    tail: list[str] = []
    if rng.random() < 0.35:
        count = rng.randint(1, 3)
        tail.append("Do you like this article?")
        tail.append(f"{count} Comment(s)\nComment Policy * Denotes Required Field 1500 / 1500")
        for _ in range(count):
            tail.append(f"{rng.choice(COMMENTERS)}\n{w.fill(rng.choice(COMMENT_LINES))}")

    paragraphs = head[1:] if front else head
    text = "\n\n".join([*paragraphs, *body, *tail]) + "\n"
    if curly:
        text = re.sub(r'"([^"\n]*)"', "“\\1”", text)
    if front:
        text = head[0] + "\n" + text
    places = tuple(w.places[s] for s in PLACE_SLOTS if s in w.used)
    return Generated(article_id, text, places)


# --------------------------------------------------------------------------- public


def generate_records(
    n: int, seed: int = 0, *, gazetteer: Gazetteer | None = None
) -> Iterator[Generated]:
    """``n`` generated articles with the place names written into each.

    Parameters
    ----------
    n
        How many articles.
    seed
        The corpus: the same ``n`` and ``seed`` always give the same articles, and the
        first ``m`` articles of a seed do not depend on ``n``.
    gazetteer
        Where the place names come from (default: the bundled gazetteer).
    """
    pools = _default_pools() if gazetteer is None else _pools(gazetteer)
    rng = random.Random(seed)
    for i in range(n):
        yield _article(rng, pools, f"gen{seed}_{i:05d}")


def generate(
    n: int, seed: int = 0, *, gazetteer: Gazetteer | None = None
) -> Iterator[tuple[str, str]]:
    """``n`` generated ``(article_id, text)`` pairs, one at a time.

    See :func:`generate_records`.
    """
    for record in generate_records(n, seed, gazetteer=gazetteer):
        yield record.article_id, record.text


def write(folder: str | Path, n: int, seed: int = 0) -> tuple[int, int]:
    """Write ``n`` articles as ``<article_id>.txt`` files in ``folder``; return (files, bytes)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    files = size = 0
    for article_id, text in generate(n, seed):
        data = text.encode("utf-8")
        (out / f"{article_id}.txt").write_bytes(data)
        files += 1
        size += len(data)
    return files, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a seed-like benchmark corpus.")
    parser.add_argument("--articles", type=int, default=5000, metavar="N", help="default: 5000")
    parser.add_argument("--seed", type=int, default=0, help="default: 0")
    parser.add_argument("--write", metavar="DIR", help="write the articles as .txt files to DIR")
    args = parser.parse_args(argv)
    if args.write:
        files, size = write(args.write, args.articles, args.seed)
        print(f"wrote {files} articles ({size / 1e6:.1f} MB) to {args.write}")
    else:
        size = 0
        for _, text in generate(args.articles, args.seed):
            size += len(text.encode("utf-8"))
        print(
            f"{args.articles} articles, {size / 1e6:.1f} MB, "
            f"{size / max(args.articles, 1):.0f} bytes per article (nothing written; see --write)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
