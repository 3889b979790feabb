"""The embedded store: one GeoPackage file that holds the articles and their features.

The store is a real GeoPackage 1.3 (SQLite) that QGIS and GDAL open as they are:

``features``
    One row per :class:`~bordermap.features.Feature`: every property as a column and
    the geometry as a GeoPackage blob in ``geom`` (EPSG:4326).
``articles``
    An attribute table (no geometry): one row per article with its content hash, its
    metadata and its whole text.
``unresolved``
    An attribute table of the place-like words the gazetteer lacks.

It is written with the standard :mod:`sqlite3` module, so that one ingest batch is one
transaction over all three tables: a batch is stored whole or not at all, and a crash
half-way leaves the file as it was before. An article's content hash is its key: the
same text twice adds nothing, and an article whose id is stored with another hash
replaces the old one and its features.

Every method opens its own short-lived connection, so one :class:`Store` can serve
many threads (the dashboard's sessions).

:class:`Filters` turns the dashboard's filters into one SQL ``WHERE`` clause and back
into URL query parameters; both are plain values, tested without a database.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sqlite3
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import shapely
from shapely.geometry.base import BaseGeometry

from bordermap.articles import Article, read_article
from bordermap.errors import ArticleError, StoreError
from bordermap.features import LAYERS, PROPERTY_NAMES, STATUSES, Feature

if TYPE_CHECKING:
    import pandas as pd

    from bordermap.pipeline import ArticleResult

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "bordermap.gpkg"
"""The store used when none is named: ``data/bordermap.gpkg`` in the repository."""

ENV_VAR = "BORDERMAP_DB"
"""Environment variable that names the store file, overriding :data:`DEFAULT_PATH`."""

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10300  # GeoPackage 1.3.0
SRS_ID = 4326

_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)

# Column types of the feature table: GeoPackage's own type names, so GDAL reads them
# as integers and dates; everything else is TEXT.
_COLUMN_TYPES = {
    "mention_start": "INTEGER NOT NULL",
    "mention_end": "INTEGER NOT NULL",
    "quote_start": "INTEGER NOT NULL",
    "quote_end": "INTEGER NOT NULL",
    "fatalities": "INTEGER",
    "published": "DATE",
    "date_start": "DATE",
    "date_end": "DATE",
    "feature_id": "TEXT NOT NULL UNIQUE",
    "layer": "TEXT NOT NULL",
    "status": "TEXT NOT NULL",
    "article_id": "TEXT NOT NULL",
    "place_id": "TEXT NOT NULL",
    "place_name": "TEXT NOT NULL",
    "mention": "TEXT NOT NULL",
    "quote": "TEXT NOT NULL",
    "date_precision": "TEXT NOT NULL",
    "geo_precision": "TEXT NOT NULL",
}
ARTICLE_COLUMNS = (
    "article_id",
    "content_hash",
    "path",
    "title",
    "outlet",
    "url",
    "published",
    "language",
    "text",
)
UNRESOLVED_COLUMNS = ("article_id", "text", "start", "end", "sentence_start", "sentence_end")
TEXT_SEARCH_COLUMNS = ("quote", "place_name", "mention", "article_title", "actor", "speaker")
"""The columns :attr:`Filters.text` searches (case-insensitively, as a substring)."""

_SCHEMA = f"""
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined',
   'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined',
   'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', {SRS_ID}, 'EPSG', 4326, '{_WGS84_WKT}',
   'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
CREATE TABLE articles (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  article_id TEXT NOT NULL UNIQUE,
  content_hash TEXT NOT NULL UNIQUE,
  path TEXT,
  title TEXT,
  outlet TEXT,
  url TEXT,
  published DATE,
  language TEXT,
  text TEXT NOT NULL
);
CREATE TABLE features (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom GEOMETRY NOT NULL,
  {", ".join(f"{name} {_COLUMN_TYPES.get(name, 'TEXT')}" for name in PROPERTY_NAMES)}
);
CREATE INDEX features_article_id ON features (article_id);
CREATE INDEX features_event_id ON features (event_id);
CREATE TABLE unresolved (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  article_id TEXT NOT NULL,
  text TEXT NOT NULL,
  start INTEGER NOT NULL,
  "end" INTEGER NOT NULL,
  sentence_start INTEGER NOT NULL,
  sentence_end INTEGER NOT NULL
);
CREATE INDEX unresolved_article_id ON unresolved (article_id);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('features', 'features', 'features',
   'bordermap: one row per piece of evidence (see docs/contract.md)', {SRS_ID}),
  ('articles', 'attributes', 'articles', 'bordermap: the ingested articles, whole text', NULL),
  ('unresolved', 'attributes', 'unresolved',
   'bordermap: place-like words the gazetteer lacks', NULL);
INSERT INTO gpkg_geometry_columns VALUES ('features', 'geom', 'GEOMETRY', {SRS_ID}, 0, 0);
"""
_TABLES = (
    "gpkg_spatial_ref_sys",
    "gpkg_contents",
    "gpkg_geometry_columns",
    "articles",
    "features",
    "unresolved",
)


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    """The store path: ``$BORDERMAP_DB`` when set and not empty, else :data:`DEFAULT_PATH`."""
    env = os.environ if environ is None else environ
    value = env.get(ENV_VAR, "").strip()
    return Path(value).expanduser() if value else DEFAULT_PATH


# --------------------------------------------------------------------------- records


class ExtractorLike(Protocol):
    """What :meth:`Store.ingest` needs: :class:`bordermap.pipeline.Extractor` is one."""

    def extract(self, article: Article) -> ArticleResult: ...


@dataclass(frozen=True)
class StoredArticle:
    """An article as the store holds it (without its text; see :meth:`Store.article_text`).

    ``published`` is ``YYYY-MM-DD`` or ``None``; ``order`` grows with every ingest, so
    the latest article has the largest.
    """

    article_id: str
    content_hash: str
    path: str | None
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    language: str | None
    order: int
    feature_count: int


@dataclass(frozen=True)
class IngestReport:
    """What one :meth:`Store.ingest` batch did, by article id.

    ``duplicates`` pairs each skipped article with the stored article it repeats;
    ``failed`` pairs each article (its id, or the path when it could not be read) with
    the reason.
    """

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    duplicates: tuple[tuple[str, str], ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    features: int = 0
    unresolved: int = 0

    @property
    def changed(self) -> bool:
        """Whether the batch wrote anything."""
        return bool(self.added or self.replaced)


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """The features to show; the default shows everything.

    Attributes
    ----------
    articles
        Article ids; empty means every article.
    date_from, date_to
        Keep features whose date interval overlaps ``[date_from, date_to]``;
        ``None`` leaves that side open.
    include_undated
        Keep features without a date (``date_start`` is null).
    layers, statuses
        Keep these layers and statuses; empty keeps none.
    text
        Keep features where any of :data:`TEXT_SEARCH_COLUMNS` contains it, ignoring
        case; blank keeps all.
    """

    articles: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    include_undated: bool = True
    layers: tuple[str, ...] = LAYERS
    statuses: tuple[str, ...] = STATUSES
    text: str = ""

    def where(self) -> tuple[str, list[Any]]:
        """One SQL condition over the ``features`` table and its parameters.

        Text search calls ``bm_fold`` (``str.casefold``), which :class:`Store`
        registers on its connections.
        """
        clauses: list[str] = []
        params: list[Any] = []
        if self.articles:
            clauses.append("article_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(self.articles)))
        if tuple(self.layers) != LAYERS:
            clauses.append("layer IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(self.layers)))
        if tuple(self.statuses) != STATUSES:
            clauses.append("status IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(self.statuses)))
        dated: list[str] = []
        if self.date_from is not None:
            dated.append("coalesce(date_end, date_start) >= ?")
            params.append(self.date_from.isoformat())
        if self.date_to is not None:
            dated.append("date_start <= ?")
            params.append(self.date_to.isoformat())
        if dated and self.include_undated:
            clauses.append(f"(date_start IS NULL OR ({' AND '.join(dated)}))")
        elif dated:
            clauses.append(f"(date_start IS NOT NULL AND {' AND '.join(dated)})")
        elif not self.include_undated:
            clauses.append("date_start IS NOT NULL")
        needle = self.text.strip().casefold()
        if needle:
            searched = " OR ".join(
                f"instr(bm_fold(coalesce({c}, '')), ?) > 0" for c in TEXT_SEARCH_COLUMNS
            )
            clauses.append(f"({searched})")
            params.extend([needle] * len(TEXT_SEARCH_COLUMNS))
        return (" AND ".join(clauses) or "1"), params

    @property
    def is_default(self) -> bool:
        """Whether these filters keep every feature."""
        return self == Filters()

    def to_query(self) -> dict[str, list[str]]:
        """URL query parameters (each a list of values) that :meth:`from_query` reads back.

        Only what differs from the default is written: ``article`` (repeated),
        ``from``, ``to`` (``YYYY-MM-DD``), ``undated=0``, ``layers`` and ``status``
        (comma-separated, possibly empty) and ``q``.
        """
        query: dict[str, list[str]] = {}
        if self.articles:
            query["article"] = list(self.articles)
        if self.date_from is not None:
            query["from"] = [self.date_from.isoformat()]
        if self.date_to is not None:
            query["to"] = [self.date_to.isoformat()]
        if not self.include_undated:
            query["undated"] = ["0"]
        if tuple(self.layers) != LAYERS:
            query["layers"] = [",".join(self.layers)]
        if tuple(self.statuses) != STATUSES:
            query["status"] = [",".join(self.statuses)]
        if self.text.strip():
            query["q"] = [self.text.strip()]
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, str | Sequence[str]]) -> Filters:
        """Filters from URL query parameters; unknown or malformed values are ignored.

        Each value may be one string or a list of them (a repeated parameter).
        """

        def values(key: str) -> list[str]:
            value = query.get(key)
            if value is None:
                return []
            return [value] if isinstance(value, str) else list(value)

        def last(key: str) -> str | None:
            found = values(key)
            return found[-1] if found else None

        def date(key: str) -> dt.date | None:
            value = last(key)
            try:
                return dt.date.fromisoformat(value) if value else None
            except ValueError:
                return None

        def choices(key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
            value = last(key)
            if value is None:
                return allowed
            picked = {v.strip() for v in value.split(",")}
            return tuple(a for a in allowed if a in picked)

        articles = tuple(dict.fromkeys(a for a in values("article") if a))
        return cls(
            articles=articles,
            date_from=date("from"),
            date_to=date("to"),
            include_undated=last("undated") not in ("0", "false", "no"),
            layers=choices("layers", LAYERS),
            statuses=choices("status", STATUSES),
            text=(last("q") or "").strip(),
        )


# --------------------------------------------------------------------------- geometry blobs


def geometry_to_gpkg(geom: BaseGeometry) -> bytes:
    """A GeoPackage geometry blob: header ('GP', version 0, envelope [x, y]) and ISO WKB."""
    wkb = shapely.to_wkb(geom, byte_order=1, flavor="iso")
    if geom.is_empty:
        return struct.pack("<2sBBi", b"GP", 0, 0b00010001, SRS_ID) + wkb
    minx, miny, maxx, maxy = geom.bounds
    header = struct.pack("<2sBBi4d", b"GP", 0, 0b00000011, SRS_ID, minx, maxx, miny, maxy)
    return header + wkb


_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def _wkb_of(blob: bytes) -> bytes:
    """The WKB part of a GeoPackage geometry blob."""
    if blob[:2] != b"GP":
        raise StoreError(f"not a GeoPackage geometry blob (starts with {bytes(blob[:2])!r})")
    envelope = (blob[3] >> 1) & 0b111
    if envelope not in _ENVELOPE_BYTES:
        raise StoreError(f"GeoPackage geometry blob with unknown envelope type {envelope}")
    return bytes(blob[8 + _ENVELOPE_BYTES[envelope] :])


def geometries_from_gpkg(blobs: Sequence[bytes]) -> list[BaseGeometry]:
    """Shapely geometries of GeoPackage blobs (parsed in one vectorised call)."""
    if not blobs:
        return []
    return list(shapely.from_wkb([_wkb_of(b) for b in blobs]))


# --------------------------------------------------------------------------- the store


class Store:
    """The GeoPackage at ``path``; created (with its folder) when the file does not exist.

    Raises
    ------
    StoreError
        When the file exists but is not a SQLite database, or is a database that is not
        a bordermap store (the message says what is missing), or cannot be created.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"store {str(self.path)!r} is a directory, not a GeoPackage file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder of store {str(self.path)!r}: {exc}"
            ) from exc
        with self._connection() as conn:
            self._prepare(conn)

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- connections ---------------------------------------------------------------
    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {str(self.path)!r}: {exc}") from exc
        try:
            conn.create_function("bm_fold", 1, _fold, deterministic=True)
            yield conn
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"store {str(self.path)!r}: {exc}") from exc
        finally:
            conn.close()

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """Create the schema in an empty database, or check an existing one."""
        try:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
            tables = {r[0] for r in rows}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"store {str(self.path)!r} is not a GeoPackage: {exc}") from exc
        if not tables:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
                for statement in _SCHEMA.split(";\n"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return
        problems = []
        (app_id,) = conn.execute("PRAGMA application_id").fetchone()
        if app_id != GPKG_APPLICATION_ID:
            problems.append(f"application_id is {app_id:#x}, not 'GPKG'")
        missing = [t for t in _TABLES if t not in tables]
        if missing:
            problems.append(f"missing tables: {', '.join(missing)}")
        if "features" in tables:
            columns = {r[1] for r in conn.execute("PRAGMA table_info(features)")}
            absent = [c for c in ("geom", *PROPERTY_NAMES) if c not in columns]
            if absent:
                problems.append(f"table 'features' lacks columns: {', '.join(absent)}")
        if "articles" in tables:
            columns = {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
            absent = [c for c in ARTICLE_COLUMNS if c not in columns]
            if absent:
                problems.append(f"table 'articles' lacks columns: {', '.join(absent)}")
        if problems:
            raise StoreError(f"{str(self.path)!r} is not a bordermap store: {'; '.join(problems)}")

    # -- writing -------------------------------------------------------------------
    def ingest(
        self,
        items: Iterable[Article | str | os.PathLike[str]],
        extractor: ExtractorLike,
        *,
        progress: Callable[[str], None] | None = None,
    ) -> IngestReport:
        """Extract and store a batch of articles in one transaction.

        Parameters
        ----------
        items
            :class:`~bordermap.articles.Article` records or paths of article files.
        extractor
            Anything with ``extract(article) -> ArticleResult``, e.g. a
            :class:`bordermap.pipeline.Extractor`.
        progress
            Called with each article's id (or path) once it is handled.

        Returns
        -------
        IngestReport
            An article whose content hash is stored is a duplicate; one whose id is
            stored with another hash replaces it; a file that cannot be read, an id that
            repeats within the batch and an article whose features cannot be stored
            (bad layer, empty geometry, repeated feature id) fail alone, with a reason.

        Raises
        ------
        StoreError
            When the database cannot be written. Any exception (from the extractor, or
            an interrupt) rolls the whole batch back: the store is left as it was.
        """
        added: list[str] = []
        replaced: list[str] = []
        duplicates: list[tuple[str, str]] = []
        failed: list[tuple[str, str]] = []
        n_features = n_unresolved = 0
        bounds: list[tuple[float, float, float, float]] = []
        seen: dict[str, str] = {}
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for item in items:
                    name = item.id if isinstance(item, Article) else os.fspath(item)
                    try:
                        article = item if isinstance(item, Article) else read_article(Path(item))
                    except ArticleError as exc:
                        failed.append((name, exc.reason))
                        continue
                    if article.id in seen:
                        failed.append(
                            (
                                article.id,
                                f"article id {article.id!r} repeats that of {seen[article.id]} "
                                "in this batch",
                            )
                        )
                        continue
                    seen[article.id] = article.path or article.id
                    same = conn.execute(
                        "SELECT article_id FROM articles WHERE content_hash = ?",
                        (article.content_hash,),
                    ).fetchone()
                    if same is not None:
                        duplicates.append((article.id, same[0]))
                        continue
                    result = extractor.extract(article)
                    problem = _unwritable(result.features)
                    if problem:
                        failed.append((article.id, problem))
                        continue
                    if self._delete_article(conn, article.id):
                        replaced.append(article.id)
                    else:
                        added.append(article.id)
                    self._insert(conn, article, result)
                    n_features += len(result.features)
                    n_unresolved += len(result.unresolved)
                    bounds.extend(f.geometry.bounds for f in result.features)
                    if progress is not None:
                        progress(article.id)
                if added or replaced:
                    self._touch_contents(conn, bounds)
                conn.execute("COMMIT")
            except BaseException:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
        return IngestReport(
            tuple(added),
            tuple(replaced),
            tuple(duplicates),
            tuple(failed),
            n_features,
            n_unresolved,
        )

    @staticmethod
    def _delete_article(conn: sqlite3.Connection, article_id: str) -> bool:
        cur = conn.execute("DELETE FROM articles WHERE article_id = ?", (article_id,))
        conn.execute("DELETE FROM features WHERE article_id = ?", (article_id,))
        conn.execute("DELETE FROM unresolved WHERE article_id = ?", (article_id,))
        return cur.rowcount > 0

    @staticmethod
    def _insert(conn: sqlite3.Connection, article: Article, result: ArticleResult) -> None:
        published = article.published.isoformat() if article.published else None
        conn.execute(
            f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})",
            (
                article.id,
                article.content_hash,
                article.path,
                article.title,
                article.outlet,
                article.url,
                published,
                article.language,
                article.text,
            ),
        )
        conn.executemany(
            f"INSERT INTO features (geom, {', '.join(PROPERTY_NAMES)}) "
            f"VALUES (?, {', '.join('?' * len(PROPERTY_NAMES))})",
            (
                (geometry_to_gpkg(f.geometry), *(getattr(f, n) for n in PROPERTY_NAMES))
                for f in result.features
            ),
        )
        conn.executemany(
            'INSERT INTO unresolved (article_id, text, start, "end", sentence_start, '
            "sentence_end) VALUES (?, ?, ?, ?, ?, ?)",
            (
                (article.id, u.text, u.start, u.end, u.sentence_start, u.sentence_end)
                for u in result.unresolved
            ),
        )

    @staticmethod
    def _touch_contents(
        conn: sqlite3.Connection, bounds: list[tuple[float, float, float, float]]
    ) -> None:
        """Stamp ``last_change`` and grow the features' extent in ``gpkg_contents``."""
        row = conn.execute(
            "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name='features'"
        ).fetchone()
        boxes = bounds + ([tuple(row)] if row and None not in row else [])
        extent = (
            (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            if boxes
            else (None, None, None, None)
        )
        conn.execute(
            "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now'), "
            "min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = 'features'",
            extent,
        )
        conn.execute(
            "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') "
            "WHERE table_name IN ('articles', 'unresolved')"
        )

    # -- reading -------------------------------------------------------------------
    def is_empty(self) -> bool:
        """Whether the store holds no article."""
        with self._connection() as conn:
            return conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None

    def version(self) -> int:
        """A number that grows whenever an ingest changes the store (for caches)."""
        with self._connection() as conn:
            row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name='articles'").fetchone()
            return int(row[0]) if row else 0

    def count(self, filters: Filters | None = None) -> int:
        """How many features ``filters`` keep (all of them by default)."""
        where, params = (filters or Filters()).where()
        with self._connection() as conn:
            return int(
                conn.execute(f"SELECT count(*) FROM features WHERE {where}", params).fetchone()[0]
            )

    def articles(self) -> list[StoredArticle]:
        """Every stored article, in ingest order."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT a.article_id, a.content_hash, a.path, a.title, a.outlet, a.url, "
                "a.published, a.language, a.fid, "
                "(SELECT count(*) FROM features f WHERE f.article_id = a.article_id) "
                "FROM articles a ORDER BY a.fid"
            ).fetchall()
        return [StoredArticle(*row) for row in rows]

    def article_text(self, article_id: str) -> str:
        """The whole text of one article (what every offset indexes into).

        Raises
        ------
        KeyError
            When no article has that id.
        """
        with self._connection() as conn:
            row = conn.execute(
                "SELECT text FROM articles WHERE article_id = ?", (article_id,)
            ).fetchone()
        if row is None:
            raise KeyError(article_id)
        return str(row[0])

    def features(
        self,
        filters: Filters | None = None,
        *,
        ids: Iterable[str] | None = None,
        event_id: str | None = None,
        article_id: str | None = None,
    ) -> list[Feature]:
        """Features with their geometries, in ingest order.

        ``filters`` and the keyword arguments narrow the result together.
        """
        where, params = self._where(filters, ids=ids, event_id=event_id, article_id=article_id)
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT geom, {', '.join(PROPERTY_NAMES)} FROM features WHERE {where} "
                "ORDER BY fid",
                params,
            ).fetchall()
        geoms = geometries_from_gpkg([r[0] for r in rows])
        return [
            Feature(**dict(zip(PROPERTY_NAMES, r[1:], strict=True)), geometry=g)
            for r, g in zip(rows, geoms, strict=True)
        ]

    def feature(self, feature_id: str) -> Feature | None:
        """One feature by id, or ``None``."""
        found = self.features(ids=[feature_id])
        return found[0] if found else None

    def frame(self, filters: Filters | None = None) -> pd.DataFrame:
        """The features' properties (no geometry) as a DataFrame, in ingest order.

        One column per property of :data:`~bordermap.features.PROPERTY_NAMES`, plus
        ``article_order`` (the article's ingest order); ``fatalities`` is ``Int64``.
        """
        import pandas as pd

        where, params = self._where(filters)
        columns = [f"f.{n}" for n in PROPERTY_NAMES]
        with self._connection() as conn:
            cur = conn.execute(
                f"SELECT {', '.join(columns)}, "
                "(SELECT a.fid FROM articles a WHERE a.article_id = f.article_id) "
                f"FROM features f WHERE {where} ORDER BY f.fid",
                params,
            )
            rows = cur.fetchall()
        frame = pd.DataFrame.from_records(rows, columns=[*PROPERTY_NAMES, "article_order"])
        frame["fatalities"] = frame["fatalities"].astype("Int64")
        for name in ("mention_start", "mention_end", "quote_start", "quote_end", "article_order"):
            frame[name] = frame[name].astype("int64")
        return frame

    def export(self, filters: Filters | None = None, format: str = "geojson") -> bytes:
        """The features ``filters`` keep, written by :mod:`bordermap.export` as ``format``.

        ``format`` is one of :data:`bordermap.export.FORMATS` (``geojson``, ``csv``,
        ``gpkg``); the file is written in a temporary folder and returned as bytes.
        """
        import tempfile

        from bordermap import export

        if format not in export.FORMATS:
            raise ValueError(f"unknown format {format!r}; use one of {', '.join(export.FORMATS)}")
        with tempfile.TemporaryDirectory(prefix="bordermap-export-") as tmp:
            target = Path(tmp) / f"features.{format}"
            export.write(self.features(filters), target, format)
            return target.read_bytes()

    def geometries(self, feature_ids: Iterable[str]) -> dict[str, BaseGeometry]:
        """The geometries of the given features, by feature id (unknown ids are left out)."""
        where, params = self._where(None, ids=feature_ids)
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT feature_id, geom FROM features WHERE {where}", params
            ).fetchall()
        return dict(
            zip((r[0] for r in rows), geometries_from_gpkg([r[1] for r in rows]), strict=True)
        )

    def mention_spans(self, article_id: str) -> list[tuple[int, int]]:
        """The distinct ``(mention_start, mention_end)`` of an article's features, sorted."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT DISTINCT mention_start, mention_end FROM features WHERE article_id = ? "
                "ORDER BY mention_start, mention_end",
                (article_id,),
            ).fetchall()
        return [(int(s), int(e)) for s, e in rows]

    def unresolved(self, article_id: str | None = None) -> list[dict[str, Any]]:
        """Unresolved place-like words, optionally of one article, as plain dicts."""
        quoted = ", ".join(f'"{c}"' for c in UNRESOLVED_COLUMNS)
        sql = f"SELECT {quoted} FROM unresolved"
        params: list[Any] = []
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params.append(article_id)
        with self._connection() as conn:
            rows = conn.execute(sql + " ORDER BY fid", params).fetchall()
        return [dict(zip(UNRESOLVED_COLUMNS, r, strict=True)) for r in rows]

    @staticmethod
    def _where(
        filters: Filters | None,
        *,
        ids: Iterable[str] | None = None,
        event_id: str | None = None,
        article_id: str | None = None,
    ) -> tuple[str, list[Any]]:
        where, params = (filters or Filters()).where()
        clauses = [where]
        if ids is not None:
            clauses.append("feature_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(ids)))
        if event_id is not None:
            clauses.append("event_id = ?")
            params.append(event_id)
        if article_id is not None:
            clauses.append("article_id = ?")
            params.append(article_id)
        return " AND ".join(clauses), params


def open_store(path: str | os.PathLike[str] | None = None) -> Store:
    """Open (or create) the store at ``path``, by default :func:`default_path`."""
    return Store(default_path() if path is None else path)


# --------------------------------------------------------------------------- helpers


def _fold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else value


def _unwritable(features: Sequence[Feature]) -> str | None:
    """Why these features cannot be stored, or ``None`` when they can."""
    ids: set[str] = set()
    for f in features:
        if f.feature_id in ids:
            return f"feature id {f.feature_id!r} repeats"
        ids.add(f.feature_id)
        if f.layer not in LAYERS:
            return f"feature {f.feature_id!r} has no valid layer ({f.layer!r})"
        if f.status not in STATUSES:
            return f"feature {f.feature_id!r} has no valid status ({f.status!r})"
        if f.geometry is None or f.geometry.is_empty:
            return f"feature {f.feature_id!r} has an empty geometry"
        if not all(math.isfinite(v) for v in f.geometry.bounds):
            return f"feature {f.feature_id!r} has a non-finite coordinate"
    return None
