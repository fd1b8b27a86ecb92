"""The keys of a file seen so far, to find duplicate rows in little memory."""

from __future__ import annotations

import array


class KeyIndex:
    """The first row number of every key of a file, exact, in about 45 bytes a key where a
    dict of the keys would take about 145 (the one thing of an import that grows with the
    file): the keys' bytes one after another in an arena, their first row numbers in an array,
    and an open-addressing table (linear probing, at most half full) of key positions."""

    def __init__(self) -> None:
        self._arena = bytearray()
        self._starts = array.array("q")  # where each key's bytes start in the arena
        self._rows = array.array("i")  # the row each key was first seen on
        self._slots = array.array("i", [-1]) * 1024  # key position, or -1 when free
        self._mask = 1023

    def __len__(self) -> int:
        return len(self._rows)

    @staticmethod
    def _bytes(key: tuple) -> bytes:
        if len(key) == 1 and isinstance(key[0], str):
            return b"s" + key[0].encode("utf-8", "surrogatepass")
        return b"r" + repr(key).encode("utf-8", "surrogatepass")  # str, int, date, None parts

    def _key(self, position: int) -> bytes:
        end = self._starts[position + 1] if position + 1 < len(self._starts) else len(self._arena)
        return self._arena[self._starts[position] : end]

    def _find(self, data: bytes) -> int:
        """The slot holding ``data``, or the free slot where it belongs."""
        slots, mask = self._slots, self._mask
        i = hash(data) & mask
        while True:
            position = slots[i]
            if position < 0 or self._key(position) == data:
                return i
            i = (i + 1) & mask

    def first(self, key: tuple, number: int) -> int | None:
        """The row ``key`` was first seen on; None, and ``number`` remembered, if it is new."""
        data = self._bytes(key)
        i = self._find(data)
        position = self._slots[i]
        if position >= 0:
            return self._rows[position]
        position = len(self._rows)
        self._starts.append(len(self._arena))
        self._arena += data
        self._rows.append(number)
        self._slots[i] = position
        if 2 * len(self._rows) > self._mask:
            self._grow()
        return None

    def _grow(self) -> None:
        self._mask = 2 * (self._mask + 1) - 1
        self._slots = array.array("i", [-1]) * (self._mask + 1)
        for position in range(len(self._rows)):
            self._slots[self._find(bytes(self._key(position)))] = position
