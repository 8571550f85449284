"""QR codes drawn on the server (reportlab), for pages that must not load a script or an outside image."""
from __future__ import annotations

import base64

from reportlab.graphics import renderSVG
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing


def qr_svg_data_uri(text: str) -> str:
    """Return a QR code of ``text`` as an SVG data URI (for an ``<img>``: drawn on the server, no script)."""
    qr = QrCodeWidget(text)
    x1, y1, x2, y2 = qr.getBounds()
    drawing = Drawing(x2 - x1, y2 - y1)
    drawing.add(qr)
    return "data:image/svg+xml;base64," + base64.b64encode(renderSVG.drawToString(drawing).encode()).decode()
