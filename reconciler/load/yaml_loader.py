"""ruamel's C loader in safe mode, built once, with dates left as strings.

``YAML(typ="safe").load_all`` costs about 50 µs per file before it reads a byte: it builds a
loader class, a resolver table and its own bookkeeping for every call, and its resolver finds
out the YAML version by catching two ``AttributeError``s per scalar. A plan reads 1,000 files,
so this module assembles the same loader the way ruamel's own ``cyaml.CSafeLoader`` does (C
parser + safe constructor + resolver) once, and keeps the resolver table from one file to the
next. The result is identical: ``tests/unit/test_load_source.py`` compares it with
``YAML(typ="safe")`` on tricky scalars, generated ones, errors and multi-document files.

Two shortcuts for the documents a declaration is (design.md 9: 10,000 files per plan), each
falling back to ruamel's own code for anything else, so the result is ruamel's either way:

- :meth:`FixedVersionResolver.resolve` hands out one shared ``Tag`` per tag instead of a new
  one per scalar (ruamel's nodes never change a tag in place; they replace it);
- :class:`_Builder` turns the composed nodes into Python objects in one walk, calling ruamel's
  own constructors for ``null``, ``bool``, ``int`` and ``float``. A document with an explicit
  tag, a merge key ``<<``, a ``=`` key, a complex or duplicate key, a recursive alias or a
  nesting deeper than Python's recursion allows is built by ruamel's constructor instead,
  which also raises its errors. Aliases share one object, as in ruamel.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, ClassVar

from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]  # C, re-exported untyped
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

#: ruamel's default version (its private ``_DEFAULT_YAML_VERSION``).
YAML_VERSION = (1, 2)


class StringTimestamps(SafeConstructor):
    """Safe constructor that leaves dates as the strings written (a subclass: no global change)."""


StringTimestamps.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)

_CORE = "tag:yaml.org,2002:"
#: Scalars whose value is the text as written (a timestamp stays a string, see above).
_TEXT = frozenset({_CORE + "str", _CORE + "timestamp"})
#: Scalars built by ruamel's own constructor method of this name.
_CONVERTED = {
    _CORE + "null": "construct_yaml_null",
    _CORE + "bool": "construct_yaml_bool",
    _CORE + "int": "construct_yaml_int",
    _CORE + "float": "construct_yaml_float",
}


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

    _shared_tags: ClassVar[dict[str, Tag]] = {}
    #: Plain scalars resolved before, by version and text (short ones, a bounded number).
    _resolved: ClassVar[dict[tuple[Any, str], Tag]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """ruamel's resolution (its implicit resolvers, in its order), one ``Tag`` per tag."""
        if self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        if kind is not ScalarNode:
            return self.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else self.DEFAULT_MAPPING_TAG
        if not implicit[0]:
            return self.DEFAULT_SCALAR_TAG
        key = (self.processing_version, value)
        tag = self._resolved.get(key)
        if tag is None:
            tag = self._implicit_tag(value)
            if len(value) <= 64 and len(self._resolved) < 10_000:
                self._resolved[key] = tag
        return tag

    def _implicit_tag(self, value: str) -> Tag:
        table = self.versioned_resolver
        resolvers = table.get(value[0] if value else "", []) + table.get(None, [])
        for tag, regexp in resolvers:
            if regexp.match(value):
                shared = self._shared_tags.get(tag)
                if shared is None:
                    shared = self._shared_tags[tag] = Tag(suffix=tag)
                return shared
        return self.DEFAULT_SCALAR_TAG


class _Unusual(Exception):
    """A node :class:`_Builder` leaves to ruamel's constructor."""


class _Builder:
    """One document's nodes -> Python objects, for the plain shapes a declaration has."""

    def __init__(self, loader: SafeLoader) -> None:
        self.loader = loader
        #: ruamel's constructor per tag, looked up on first use (most documents need one or two).
        self.converters: dict[str, Callable[[Any], Any]] = {}
        self.built: dict[int, Any] = {}
        self.active: set[int] = set()

    def build(self, node: Any) -> Any:
        if type(node) is ScalarNode:
            return self.scalar(node)
        key = id(node)
        if key in self.built:
            return self.built[key]
        if key in self.active or node.ctag.handle is not None:
            raise _Unusual  # a recursive alias; an explicit tag
        self.active.add(key)
        kind, tag = type(node), node.ctag.suffix
        data: Any
        if kind is SequenceNode and tag == _CORE + "seq":
            data = [self.build(child) for child in node.value]
        elif kind is MappingNode and tag == _CORE + "map":
            data = {}
            for key_node, value_node in node.value:
                name = self.key(key_node)
                if name in data:
                    raise _Unusual  # ruamel reports the duplicate key
                data[name] = self.build(value_node)
        else:
            raise _Unusual
        self.active.discard(key)
        self.built[key] = data
        return data

    def key(self, node: Any) -> Any:
        if type(node) is not ScalarNode:
            raise _Unusual  # a complex key
        name = self.scalar(node)  # a merge key "<<" or a "=" key has a tag of its own
        return sys.intern(name) if type(name) is str else name

    def scalar(self, node: Any) -> Any:
        tag = node.ctag
        if tag.handle is not None:
            raise _Unusual
        if tag.suffix in _TEXT:
            return node.value
        convert = self.converters.get(tag.suffix)
        if convert is None:
            name = _CONVERTED.get(tag.suffix)
            if name is None:
                raise _Unusual
            convert = self.converters[tag.suffix] = getattr(self.loader, name)
        return convert(node)


class SafeLoader(CParser, StringTimestamps, FixedVersionResolver):  # type: ignore[misc]
    """C parser, safe constructor, fixed-version resolver: ``cyaml.CSafeLoader``'s recipe."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        self._parser = self._composer = self
        StringTimestamps.__init__(self, loader=self)
        self.allow_duplicate_keys = False
        FixedVersionResolver.__init__(self, loadumper=self)

    def construct_document(self, node: Any) -> Any:
        try:
            return _Builder(self).build(node)
        except (_Unusual, RecursionError):
            return super().construct_document(node)


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
        # The loader refers to itself as its parser, composer, constructor and resolver: clear
        # those references, or every file leaves a cycle for the garbage collector (design.md 9).
        loader.__dict__.clear()
