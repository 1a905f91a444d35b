"""Where an export writes: a path parameter read into one exact target, before any call.

A path parameter may be a ``str``, any ``os.PathLike`` (``pathlib.Path``) or an
``ObjectStoragePath`` (the way to give its AWS connection as ``conn_id=``). :func:`resolve`
reads it into a :class:`Target` without any I/O and refuses, with a
:class:`~triboo_provider.exceptions.TribooInputError` naming the parameter, whatever
would not be written exactly where it says:

- ``s3://`` and ``s3a://`` (the same S3 object): the bucket is what comes before the
  first ``/``, the key everything after it, **as written**: ``#``, ``?``, ``%``, spaces
  and ``+`` are characters of the key, never URL syntax (``ObjectStoragePath.key`` would
  cut the key at a ``#`` or ``?``; its ``path`` keeps it, and so does this). The user part
  names the AWS connection as ``ObjectStoragePath`` reads it (``s3://aws_default@b/k``);
  one with a ``:`` is refused without being repeated (it looks like credentials). A bucket
  must pass botocore's own check (``[A-Za-z0-9._-]{1,255}``); a key is refused when empty,
  longer than 1024 UTF-8 bytes, not UTF-8, holding a control character, an empty segment
  (``//``), a ``.`` or ``..`` segment, or ending in ``/`` (a folder names no object:
  ``ObjectStoragePath`` would silently drop that slash); and, since ``ObjectStoragePath``
  would read them as another path (so its path and the URL would name two objects), a key
  ending in ``?`` or ``#`` or holding ``?#`` or ``::`` (fsspec's URL chaining).
- any path: refused when blank or ``None`` / ``null`` (what a template prints for a
  missing value). Input files (``users_path``) are read by the same rule.
- a local path (no scheme, or ``file://`` / ``local://``): absolute (a relative one would
  depend on the worker's current folder), taken as written, with no percent-decoding;
  refused when ending in ``/``, ending in a
  ``.``/``..`` segment, holding a control character, or starting with ``s3:`` and the
  like (``pathlib.Path("s3://b/k")`` collapsed the ``//``: pass such URLs as a ``str``).
- any other scheme goes to ``ObjectStoragePath`` (fsspec), which must know it; one it
  does not (``s3n://``, Hadoop's retired driver; a typo) is refused.

A target's names never carry the connection id: :meth:`Target.url` for messages,
:meth:`Target.dataset` for OpenLineage (``s3://<bucket>`` and the key; ``file`` and the
absolute path), :meth:`Target.asset_uri` for Airflow assets (``s3://<bucket>/<key>``, as
the Amazon provider's ``create_asset`` spells it, with ``%``, ``#``, ``?`` and trailing
spaces percent-encoded so that Airflow's URI rules keep the whole key).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from typing import Any

from airflow.sdk import ObjectStoragePath

from triboo_provider.exceptions import TribooInputError

S3_SCHEMES = ("s3", "s3a")
LOCAL_SCHEMES = ("file", "local")
MAX_KEY_BYTES = 1024
_BUCKET = re.compile(r"[A-Za-z0-9._-]{1,255}")  # botocore.handlers.VALID_BUCKET
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_S3N = "s3n:// (Hadoop's retired S3 driver) is not supported; use s3://"
_COLLAPSED_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # "s3:" from Path("s3://b/k")


@dataclass(frozen=True)
class Target:
    """One output, exactly: ``store`` is ``s3``, ``file`` or ``fsspec``.

    ``given`` is the parameter as the DAG gave it (what XCom and asset events show; a
    connection id is no secret); ``location`` the S3 key, the local path, or the fsspec
    path; ``fsspec`` the ``ObjectStoragePath`` of another store.
    """

    param: str
    given: str
    store: str
    location: str
    bucket: str = ""
    conn_id: str | None = None
    protocol: str = "file"
    fsspec: Any = None

    @property
    def url(self) -> str:
        """The target for messages and logs: never the connection id."""
        if self.store == "s3":
            return f"s3://{self.bucket}/{self.location}"
        if self.store == "file":
            return self.location
        return f"{self.protocol}://{self.location.lstrip('/')}"

    @property
    def absolute(self) -> str:
        """A local target's absolute path (:func:`resolve` takes no relative one)."""
        return os.path.join(os.getcwd(), self.location)

    def dataset(self) -> tuple[str, str]:
        """``(namespace, name)`` by OpenLineage's naming rules, never a connection id."""
        if self.store == "s3":
            return f"s3://{self.bucket}", self.location
        if self.store == "file":
            return "file", os.path.abspath(self.location)
        bucket, _, key = self.location.lstrip("/").partition("/")
        protocol = "gs" if self.protocol in ("gs", "gcs") else self.protocol
        return f"{protocol}://{bucket}", key

    def asset_uri(self) -> str:
        """The Airflow asset URI: ``s3://<bucket>/<key>`` (the Amazon provider's form, no
        connection id), ``file://<absolute path>``, ``<protocol>://<path>``."""
        if self.store == "s3":
            return f"s3://{self.bucket}/{_uri_path(self.location)}"
        if self.store == "file":
            return "file://" + _uri_path(os.path.abspath(self.location))
        return f"{self.protocol}://{_uri_path(self.location.lstrip('/'))}"

    def child(self, name: str) -> Target:
        """The file ``name`` in this folder target, checked by the same rules."""
        given = self.given if self.given.endswith("/") else self.given + "/"
        if self.store == "s3":
            prefix = self.location
            if prefix and not prefix.endswith("/"):
                prefix += "/"
            made = replace(self, given=given + name, location=prefix + name)
            _check_key(made.param, made.location)
            return made
        if self.store == "file":
            made = replace(self, given=given + name, location=os.path.join(self.location, name))
            _check_local(made.param, made.location)
            return made
        path = self.fsspec / name
        return replace(self, given=given + name, location=str(path.path), fsspec=path)


def _uri_path(text: str) -> str:
    """``text`` with what URI parsing would change percent-encoded: ``%`` (so decoding is
    exact), ``#`` and ``?`` (a fragment or a query to Airflow), control characters and
    trailing spaces (stripped by ``urlsplit``)."""
    encoded = "".join(f"%{ord(c):02X}" if c in "%#?" or _CONTROL.match(c) else c for c in text)
    stripped = encoded.rstrip(" ")
    return stripped + "%20" * (len(encoded) - len(stripped))


def resolve(value: Any, param: str, *, folder: bool = False) -> Target:
    """Read the path parameter ``param`` into a :class:`Target`, with no I/O.

    ``folder``: the parameter names a folder (``output_dir``), so it may end in ``/`` and
    an S3 prefix may be empty (the bucket's top).

    :raises TribooInputError: the value names no single output, or a store this provider
        cannot write (see the module's docstring); the message names ``param``.
    """
    if isinstance(value, ObjectStoragePath):
        return _from_object_storage_path(value, param, folder=folder)
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, bytes) or not isinstance(value, str):
        raise TribooInputError(
            [
                f"{param}: {type(value).__name__} is not a path (a str, a pathlib.Path or an "
                "ObjectStoragePath)"
            ]
        )
    if not value.strip():
        raise TribooInputError([f"{param}: empty (a file path or URL is needed)"])
    if value.strip().lower() in ("none", "null"):  # what a template prints for a missing value
        raise TribooInputError([f"{param}: {value.strip()!r} names no file (a missing value?)"])
    scheme_match = _SCHEME.match(value)
    if scheme_match is None:
        return _local(value, value, param, folder=folder)
    scheme = scheme_match.group(1).lower()
    rest = value[scheme_match.end() :]
    if scheme in S3_SCHEMES:
        return _s3(value, rest, param, folder=folder)
    if scheme in LOCAL_SCHEMES:
        host, slash, path = rest.partition("/")
        if host not in ("", "localhost") or not slash:
            raise TribooInputError(
                [f"{param}: a {scheme}:// URL needs an absolute path ({scheme}:///data/x)"]
            )
        return _local(value, "/" + path, param, folder=folder)
    if scheme == "s3n":
        raise TribooInputError([f"{param}: {_S3N}"])
    if value.endswith("/") and not folder:
        raise TribooInputError([f"{param}: ends in '/': names a folder, not a file"])
    try:
        opened = ObjectStoragePath(value)
    except Exception as problem:  # fsspec and Airflow raise ValueError, ImportError, ...
        raise TribooInputError(
            [f"{param}: {scheme}:// is not a store Airflow can write here ({problem})"]
        ) from problem
    return _from_object_storage_path(opened, param, folder=folder, given=value)


def _from_object_storage_path(path: Any, param: str, *, folder: bool, given: str = "") -> Target:
    protocol = str(path.protocol or "file").lower()
    text = str(path.path)
    given = given or str(path)
    if protocol in S3_SCHEMES:
        bucket, _, key = text.partition("/")
        return _s3_target(given, bucket, key, path.conn_id, param, folder=folder)
    if protocol in LOCAL_SCHEMES or protocol == "":
        return _local(given, text, param, folder=folder)
    if protocol == "s3n":
        raise TribooInputError([f"{param}: {_S3N}"])
    return Target(
        param, given, "fsspec", text, conn_id=path.conn_id, protocol=protocol, fsspec=path
    )


def _s3(given: str, rest: str, param: str, *, folder: bool) -> Target:
    authority, _, key = rest.partition("/")
    user, at, bucket = authority.rpartition("@")
    if ":" in user:
        raise TribooInputError(
            [
                f"{param}: the s3:// URL's user part holds a ':' (credentials?); it names an AWS "
                "connection id (s3://aws_default@bucket/key), never keys"
            ]
        )
    return _s3_target(given, bucket, key, user if at and user else None, param, folder=folder)


def _s3_target(
    given: str, bucket: str, key: str, conn_id: str | None, param: str, *, folder: bool
) -> Target:
    if conn_id is not None and ":" in conn_id:
        raise TribooInputError(
            [f"{param}: the connection id holds a ':' (credentials?); name an AWS connection"]
        )
    if not _BUCKET.fullmatch(bucket):
        raise TribooInputError(
            [
                f"{param}: {bucket[:80]!r} is not an S3 bucket name (letters, digits, '.', '-' "
                "and '_', 1 to 255 of them)"
            ]
        )
    target = Target(param, given, "s3", key, bucket=bucket, conn_id=conn_id, protocol="s3")
    if folder:
        if key:
            _check_key(param, key.removesuffix("/") + "/x")
        return target
    _check_key(param, key)
    return target


def _check_key(param: str, key: str) -> None:
    where = f"{param}: S3 key {key[:200]!r}"
    if not key:
        raise TribooInputError([f"{param}: names a bucket but no object (s3://bucket/key)"])
    if key.endswith("/"):
        raise TribooInputError([f"{where} ends in '/': names a folder, no object"])
    if key.endswith(("?", "#")) or "?#" in key:
        raise TribooInputError(
            [f"{where} ends in '?' or '#' or holds '?#', which ObjectStoragePath drops"]
        )
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError as problem:
        raise TribooInputError([f"{where} is not valid UTF-8"]) from problem
    if size > MAX_KEY_BYTES:
        raise TribooInputError([f"{where}: longer than {MAX_KEY_BYTES} bytes ({size})"])
    if _CONTROL.search(key):
        raise TribooInputError([f"{where} holds a control character"])
    if "::" in key:
        raise TribooInputError(
            [f"{where} holds '::', fsspec's URL chaining (ObjectStoragePath reads another path)"]
        )
    segments = key.split("/")
    if "" in segments:
        raise TribooInputError([f"{where} has an empty segment ('//' or a leading '/')"])
    if "." in segments or ".." in segments:
        raise TribooInputError([f"{where} has a '.' or '..' segment"])


def _local(given: str, path: str, param: str, *, folder: bool) -> Target:
    if folder:
        if not path:
            raise TribooInputError([f"{param}: empty (a folder is needed)"])
        _check_local(param, os.path.join(path, "x"))
        return Target(param, given, "file", path)
    if path.endswith(("/", os.sep)):
        raise TribooInputError([f"{param}: {path!r} ends in '/': names a folder, not a file"])
    _check_local(param, path)
    return Target(param, given, "file", path)


def _check_local(param: str, path: str) -> None:
    if _CONTROL.search(path):
        raise TribooInputError([f"{param}: {path[:200]!r} holds a control character"])
    try:
        path.encode("utf-8")
    except UnicodeEncodeError as problem:
        raise TribooInputError([f"{param}: {path[:200]!r} is not valid UTF-8"]) from problem
    if os.path.basename(path) in ("", ".", ".."):
        raise TribooInputError([f"{param}: {path!r} names a folder, not a file"])
    first = path.split("/", 1)[0]
    if not os.path.isabs(path) and _COLLAPSED_URL.fullmatch(first):
        raise TribooInputError(
            [
                f"{param}: {path!r} looks like a URL whose '//' was collapsed (pathlib.Path does "
                "that); give the URL as a str or an ObjectStoragePath"
            ]
        )
    if not os.path.isabs(path):
        # It would depend on the worker's current folder, which Airflow does not set.
        raise TribooInputError(
            [f"{param}: {path[:200]!r} is relative; give an absolute path or a URL"]
        )
