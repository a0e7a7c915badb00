"""One coded catalogue of every message a user can see.

User-facing text is API: the CLI, the REST error handler and the docs all reuse these codes,
and tests pin the rendered messages (spaCy's ``Errors``, datasette's one exception handler).
Each message names the thing that is wrong and says what to do about it.
"""

from __future__ import annotations

ERRORS: dict[str, str] = {
    # -- reading articles ---------------------------------------------------------------
    "RL001": "{where}: no such file or directory; check the path",
    "RL002": "{where}: file is empty; give a file with an article in it",
    "RL003": "{where}: looks like a binary file, not text, HTML, JSON or CSV; give a text-based article file",
    "RL004": "{where}: directory holds no readable article files (.txt .html .htm .json .jsonl .csv .tsv .parquet .rss .atom .xml, or gzipped feeds); add some or point at another folder",
    "RL005": "{where}: invalid JSON ({detail}); fix the line or remove it",
    "RL006": "{where}: expected a JSON object with a 'text' field, got {got}; wrap each article in an object",
    "RL007": "{where}: record has no 'text' field and no 'title' (or they are empty); add the article body as 'text'",
    "RL008": "{where}: CSV has no 'text' column and no 'title' column (columns: {columns}); name the article-body column 'text'",
    "RL009": "{where}: field '{field}' is invalid ({detail}); {fix}",
    "RL010": "{where}: could not fetch URL ({detail}); check the address and your network, or save the page and pass the file",
    "RL011": "{where}: unsupported file type '{suffix}'; use .txt, .html, .json, .jsonl, .csv, .tsv, .parquet or an RSS/Atom feed (.rss, .atom, .xml); feeds may be gzipped: .jsonl.gz, .csv.gz",
    "RL012": "{where}: HTML page has no extractable article text; save the article page itself, not an index page",
    "RL013": "{where}: standard input is empty; pipe an article in, e.g. `cat article.txt | rumorlens check -`",
    "RL014": "{where}: response is larger than {limit} bytes; save the article and pass the file",
    "RL015": "{where}: refusing to fetch a private, loopback or link-local address ({host}); only public URLs can be fetched",
    "RL016": "{where}: not a readable gzip file ({detail}); the records before the damage were read; re-compress the feed or give it uncompressed",
    "RL017": "{where}: holds only links ({count}), no article text; give the file to `rumorlens check`, which fetches each link, or check each URL on its own",
    "RL018": "{where}: not an RSS or Atom feed with items ({detail}); give the feed's XML (a channel of <item>s or <entry>s), or save one article and pass it",
    "RL019": "{where}: feed item has no title and no description or content; nothing to check",
    # -- models ---------------------------------------------------------------------------
    "RL020": "{where}: no model found (missing meta.json); train one with `rumorlens train --out DIR` or drop --model",
    "RL021": "{where}: model file is damaged or from an incompatible version ({detail}); retrain with `rumorlens train`",
    "RL022": "{where}: model format version {found} is newer than this rumorlens understands ({supported}); upgrade rumorlens",
    "RL023": "training data has {n_fake} fake and {n_real} real labelled articles; need at least 2 of each class",
    "RL025": "training data leaves no usable words after filtering ({detail}); train on real article text",
    "RL024": "{where}: no labelled records (label must be 'fake' or 'real'); evaluation needs labels",
    "RL026": "{where}: model has no accurate-mode reader (accurate/stacker.json); train one with `rumorlens train --accurate` or drop --accurate",
    "RL027": "{where}: the accurate-mode reader was stacked on model {stacked_on}, not on {found}; retrain it with `rumorlens train --accurate`",
    "RL028": "{where}: this reader was tuned on {detail}, not on the training folds of this data; drop --reader to tune one on it",
    # -- store ----------------------------------------------------------------------------
    "RL030": "cannot open database {url} ({detail}); check the URL, that the server is running and that you may connect",
    "RL031": "database {url} is locked by another process; wait for it to finish or use another --db",
    "RL032": "cannot write database {url} ({detail}); choose a writable location with --db or RUMORLENS_DB",
    "RL033": "database {url} has schema version {found}, newer than this rumorlens ({supported}); upgrade rumorlens",
    "RL034": "unsupported database URL {url}; use a file path, sqlite:///PATH or postgresql://USER@HOST/DB",
    "RL035": "no {what} with id '{id}'; list them with `rumorlens {command}`",
    "RL036": "{where}: not a ClaimReview document ({detail}); give schema.org ClaimReview JSON-LD",
    "RL037": "PostgreSQL support needs psycopg; install it with `pip install 'rumorlens[pg]'`",
    "RL038": "database {url} refused a write ({detail}); what was committed before it is kept; report this with the records if they look valid",
    # -- usage ----------------------------------------------------------------------------
    "RL040": "no input given; pass files, folders, URLs or - for stdin (see `rumorlens {command} --help`)",
    "RL041": "{name} needs the optional dependency {package}; install it with `pip install 'rumorlens[{extra}]'`",
    "RL042": "invalid value for {option}: {detail}",
    # -- service --------------------------------------------------------------------------
    "RL050": "write routes need a token: set RUMORLENS_TOKEN before `rumorlens serve` (or pass --read-only)",
    "RL051": "missing or wrong bearer token; send 'Authorization: Bearer <RUMORLENS_TOKEN>'",
    "RL052": "request body is larger than {limit} bytes",
    "RL053": "give one of 'text', 'html', 'url' or at least a 'title'",
    "RL054": "{where}: {url} is an RSS or Atom feed of several stories, not one article; send it to POST /v1/check/feed (or /v1/articles/feed to store them), which judges every item",
    "RL055": "the write token is missing or wrong; enter the token this server was started with (its RUMORLENS_TOKEN)",
    # -- batch (scale-out) ----------------------------------------------------------------
    "RL080": "{where}: Parquet file has no 'text' column and no 'title' column (columns: {columns}); name the article-body column 'text'",
    "RL081": "{out} holds a batch run with different settings ({detail}); use another --out or delete it to start over",
    "RL082": "{out} is a non-empty directory that is not a rumorlens batch output; use a new or empty --out",
    "RL083": "{where}: could not judge this record ({detail}); check the record, and report it if it looks valid",
    "RL084": "{where}: could not read Parquet file ({detail}); check that it is a valid Parquet file",
    "RL085": "the {engine} engine failed ({detail}); check --master and the cluster logs (for processes: memory, or fewer --rows-per-partition), then re-run with the same --out to resume",
    "RL086": "cannot write batch output {out} ({detail}); choose a writable --out directory",
    # -- service: REST API and dashboard (RL070-RL079) ------------------------------------
    "RL070": "field '{field}' is invalid: {detail}; fix the request (schemas at /docs)",
    "RL071": "request body is not valid JSON ({detail}); send a JSON object with 'Content-Type: application/json'",
    "RL072": "nothing at {path}; the API lives under /v1 (see /docs) and the dashboard at /",
    "RL073": "method {method} is not allowed on {path}; use {allowed}",
    "RL074": "internal error while handling {path} ({detail}); this is a bug, please report it",
    "RL075": "no {what} with id '{id}'; list them at {listing}",
    "RL076": "uploaded file '{name}' has unsupported type; upload a .txt, .html, .jsonl, .json, .csv or .parquet file, or an RSS/Atom feed (.rss, .atom, .xml)",
    "RL077": "write routes are disabled: this server was started with --read-only",
    "RL078": "this server has no database; start it with `rumorlens serve --db URL` to store and browse articles",
    "RL079": "this server does not offer the accurate mode: {detail}; drop the accurate option for the fast check, or have the server's operator fix that",
}

WARNINGS: dict[str, str] = {
    "RW001": "{where}: not valid UTF-8; read as Windows-1252, the usual older encoding of English text",
    "RW002": "{where}: text is {size} characters; only the first {limit} are judged",
    "RW003": "{where}: HTML contained <script>/<style> elements; they were removed",
    "RW004": "{where}: unknown label '{label}' ignored; use 'fake' or 'real'",
    "RW005": "{where}: no article body, so only the headline is judged, which is less reliable; give the body as 'text' if you have it",
    "RW006": "{where}: damaged {encoding} text; unreadable bytes were replaced with U+FFFD",
    "RW007": "{where}: page is {size} characters of HTML without its scripts and styles; only the first {limit} are read",
    "RW008": "{where}: title is {size} characters; only the first {limit} are kept",
    "RW009": "{where}: the feed gives only a {size}-character summary of this story, and that is what was judged; check the story itself for a surer verdict: {link}",
    "RW010": "{where}: the feed gives only a {size}-character summary of this story, and the story at {link} could not be read ({detail}), so the summary was judged; save the page and check the file for a surer verdict",
    "RW011": "{where}: the text does not look like English ({detail}); rumorlens reads English celebrity news, so this verdict says little: check an English version of the story",
}


class RumorlensError(Exception):
    """An error the user can fix. ``str(err)`` is the full one-line message with its code."""

    status = 400  # HTTP status when it reaches the REST API

    def __init__(self, code: str, **fields: object) -> None:
        self.code = code
        self.fields = fields
        self.message = ERRORS[code].format(**fields)
        super().__init__(f"{self.message} [{code}]")


class InputError(RumorlensError):
    """A record, file or URL that cannot be read; batches skip it and go on."""

    status = 422


class ModelError(RumorlensError):
    status = 500


class StoreError(RumorlensError):
    status = 503


class NotFound(RumorlensError):
    status = 404


class UsageError(RumorlensError):
    status = 400


class AuthError(RumorlensError):
    status = 401


def warning_text(code: str, **fields: object) -> str:
    return f"{WARNINGS[code].format(**fields)} [{code}]"


def message_code(message: str) -> str:
    """The code a rendered message ends with (``... [RW005]`` -> ``RW005``), or "" if none."""
    head, bracket, code = message.rpartition(" [")
    return code[:-1] if bracket and code.endswith("]") else ""
