"""Which part of a file a Range header asks for (portfolio.ranges)."""

import io

import pytest

from portfolio.ranges import ByteRange, FileSlice, RangeNotSatisfiable, requested_range

SIZE = 1000


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=500-500", ByteRange(500, 500)),
        ("bytes=900-", ByteRange(900, 999)),
        ("bytes=0-", ByteRange(0, 999)),
        ("bytes=-100", ByteRange(900, 999)),
        ("bytes=-5000", ByteRange(0, 999)),  # a suffix longer than the file is the whole file
        ("bytes=990-5000", ByteRange(990, 999)),  # a last position past the end is cut to the end
        ("BYTES=1-2", ByteRange(1, 2)),
        ("bytes= 1-2 ", ByteRange(1, 2)),
    ],
)
def test_single_range_is_read_and_cut_to_the_file(header, expected):
    assert requested_range(header, SIZE) == expected


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "bytes=0-1,5-6",  # several ranges: the whole file instead
        "bytes=0-1,",
        "bytes=5-2",  # last before first: invalid
        "bytes=-",
        "bytes=a-b",
        "bytes=1.5-2",
        "bytes=١-٢",  # digits, but not ASCII ones
        "items=0-1",
        "bytes 0-1",
        "0-1",
        "bytes=0-" + "9" * 5000,
    ],
)
def test_no_malformed_or_multiple_range_is_served_as_a_part(header):
    assert requested_range(header, SIZE) is None


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=1000-2000", "bytes=5000-6000", "bytes=-0"])
def test_range_past_the_end_is_not_satisfiable(header):
    with pytest.raises(RangeNotSatisfiable):
        requested_range(header, SIZE)


def test_an_empty_file_is_sent_whole():
    assert requested_range("bytes=0-10", 0) is None


def test_byte_range_describes_itself_for_the_headers():
    byte_range = ByteRange(10, 19)
    assert byte_range.length == 10
    assert byte_range.content_range(SIZE) == "bytes 10-19/1000"


def test_file_slice_reads_only_its_range_in_blocks():
    data = bytes(range(256)) * 40
    handle = io.BytesIO(data)
    part = FileSlice(handle, ByteRange(100, 5099))
    blocks = list(iter(lambda: part.read(4096), b""))
    assert [len(block) for block in blocks] == [4096, 904]
    assert b"".join(blocks) == data[100:5100]
    assert part.read() == b""
    part.close()
    assert handle.closed
