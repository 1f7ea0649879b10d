"""Hypothesis strategies for hostile bodies: structured-but-wrong JSON, random bytes, huge and deep values, odd
Unicode (lone surrogates, U+0000, right-to-left marks, combining marks), written out as bytes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

# Every code point, lone surrogates too (json.dumps writes them as "\\ud800", which the parser must refuse).
ODD_TEXT = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=60)
TEXT = st.one_of(
    ODD_TEXT,
    st.sampled_from(["", " ", "/restart", " /session_start", "\n/back", "/greet{\"x\": 1}", "\u202e112", "\x00",
                     "I need a person", "he took my passport", "hjælp", "помогите", "ช่วยด้วย", "x" * 5000]),
)
NUMBER = st.one_of(st.integers(), st.integers(min_value=-(10**40), max_value=10**40), st.floats(allow_nan=False),
                   st.just(2**64), st.just(-(2**63) - 1))
LEAF = st.one_of(st.none(), st.booleans(), NUMBER, TEXT)
JSON_VALUE = st.recursive(LEAF, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)


def dumps(value: Any) -> bytes:
    """JSON as a client would write it (surrogates escaped: the bytes stay valid UTF-8)."""
    return json.dumps(value).encode()


def deep(depth: int, opener: bytes = b"[", closer: bytes = b"]") -> bytes:
    return opener * depth + closer * depth


RAW = st.one_of(
    st.binary(max_size=200),  # random bytes
    st.integers(min_value=1, max_value=20_000).map(deep),  # nesting up to 20,000 deep
    st.integers(min_value=1, max_value=600).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth),
    st.integers(min_value=4000, max_value=9000).map(lambda digits: b'{"text": ' + b"9" * digits + b"}"),
    st.sampled_from([b'{"text": "\\ud800"}', b'{"text": "\\udc00\\ud800"}', b'{"text": "caf\xe9"}', b"\xef\xbb\xbf{}",
                     b'{"text": NaN}', b'{"text": 1e999}', b'{"text": "a\\u0000b"}', b'{"text": "hi"', b"",
                     b"\xff\xfe{\x00}\x00"]),
)


def body_of(fields: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[bytes]:
    """Bodies for an endpoint that takes `fields`: those fields with odd values, any JSON at all, or raw bytes."""
    return st.one_of(fields.map(dumps), JSON_VALUE.map(dumps), RAW)




def mostly(usual: Any, other: st.SearchStrategy[Any], share: int = 8) -> st.SearchStrategy[Any]:
    """`usual` in `share` cases out of ten, otherwise something from `other`."""
    return st.tuples(st.integers(0, 9), other).map(lambda drawn: usual if drawn[0] < share else drawn[1])


def mostly_from(usual: st.SearchStrategy[Any], other: st.SearchStrategy[Any], share: int = 6
                ) -> st.SearchStrategy[Any]:
    """A value of `usual` in `share` cases out of ten, otherwise one of `other`."""
    return st.integers(0, 9).flatmap(lambda drawn: usual if drawn < share else other)


CONTENT_TYPE = mostly("application/json", st.sampled_from(
    ["text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin-1", "multipart/form-data"]
), share=7)
# Header values are Latin-1 on the wire, without white space around them (the client library refuses that).
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
                      max_size=40).map(str.strip)
QUERY_VALUE = st.one_of(st.integers().map(str), st.integers(min_value=10**20, max_value=10**30).map(str),
                        st.text(max_size=20), st.sampled_from(["-1", "1e5", "0x10", "%00", "%ff", "١٢", "1_000", ""]))
