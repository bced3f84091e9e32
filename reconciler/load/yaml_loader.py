"""ruamel's C loader in safe mode, built once, with dates left as strings.

``YAML(typ="safe").load_all`` costs about 50 µs per file before it reads a byte: it builds a
loader class, a resolver table and its own bookkeeping for every call, and its resolver finds
out the YAML version by catching two ``AttributeError``s per scalar. A plan reads 1,000 files,
so this module assembles the same loader the way ruamel's own ``cyaml.CSafeLoader`` does (C
parser + safe constructor + resolver) once, and keeps the resolver table from one file to the
next. The result is identical: ``tests/unit/test_load_source.py`` compares it with
``YAML(typ="safe")`` on tricky scalars, generated ones, errors and multi-document files.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]  # C, re-exported untyped
from ruamel.yaml.resolver import VersionedResolver

#: ruamel's default version (its private ``_DEFAULT_YAML_VERSION``).
YAML_VERSION = (1, 2)


class StringTimestamps(SafeConstructor):
    """Safe constructor that leaves dates as the strings written (a subclass: no global change)."""


StringTimestamps.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


class FixedVersionResolver(VersionedResolver):
    """ruamel's resolver, told its version instead of looking for it.

    Behind the C parser ruamel never sees a ``%YAML`` directive: its ``processing_version``
    looks for a Python scanner, fails twice and falls back to the loader's version, else YAML
    1.2. This answers the same without the exceptions. Its table of implicit resolvers is
    built once per version and shared (ruamel builds it for every file).
    """

    _tables: ClassVar[dict[Any, Any]] = {}

    @property
    def processing_version(self) -> Any:
        version = self._loader_version
        return YAML_VERSION if version is None else version

    @property
    def versioned_resolver(self) -> Any:
        version = self.processing_version
        table = self._tables.get(version)
        if table is None:
            table = super().versioned_resolver
            # ruamel's resolve() extends the list it gets for a first character in place with
            # the entries under None: shared only while there are none (true of 1.1 and 1.2).
            if None not in table:
                self._tables[version] = table
        return table


class SafeLoader(CParser, StringTimestamps, FixedVersionResolver):  # type: ignore[misc]
    """C parser, safe constructor, fixed-version resolver: ``cyaml.CSafeLoader``'s recipe."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        self._parser = self._composer = self
        StringTimestamps.__init__(self, loader=self)
        self.allow_duplicate_keys = False
        FixedVersionResolver.__init__(self, loadumper=self)


def load_documents(text: str) -> list[Any]:
    """Every document of ``text``; raises ruamel's ``YAMLError``\\ s as ``YAML.load_all`` does."""
    loader = SafeLoader(text)
    try:
        documents = []
        while loader.check_data():
            documents.append(loader.get_data())
        return documents
    finally:
        loader.dispose()
