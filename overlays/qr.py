"""QR codes of order links as SVG, made once per link: every overlay page asks for them."""

from __future__ import annotations

import io
from functools import lru_cache

import segno


@lru_cache(maxsize=1024)
def qr_svg(url: str) -> bytes:
    """Return a scalable SVG QR code for ``url``: dark on white with a quiet zone.

    The white background and the border keep it scannable over any video behind the
    overlay; the SVG has only a ``viewBox`` so CSS sets its size.
    """
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        scale=1,
        border=2,
        xmldecl=False,
        omitsize=True,
        svgclass="qr",
        lineclass=None,
        dark="#000",
        light="#fff",
    )
    return out.getvalue()
