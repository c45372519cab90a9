"""Images uploaded for certificate templates: checked, then re-encoded.

Only PNG and JPEG are taken, at most ``MAX_BYTES`` and ``MAX_PIXELS``. The file's content
decides, never its name or the type the browser claims: text (SVG, HTML, a script) named
``logo.png`` is refused with a message that says what it is. An accepted image is
decoded and written again (PNG stays PNG, JPEG stays JPEG), which drops everything but
the pixels: EXIF (camera, place, author), comments, embedded profiles and any bytes
appended after the image.
"""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 4000 * 4000
MAX_SIDE = 6000
MIN_SIDE = 16
FORMATS = {"PNG": "png", "JPEG": "jpg"}
# What a text file that poses as an image starts with (after spaces and a BOM).
TEXT_STARTS = (b"<", b"{", b"%!", b"#!")


def _refuse_text(head: bytes) -> None:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(TEXT_STARTS) or stripped[:5].lower() == b"<?xml":
        kind = "SVG" if b"<svg" in head.lower() else "HTML/XML"
        raise ValidationError(
            _(
                "This file is text (%(kind)s), not a picture, whatever its name says. "
                "Upload a PNG or JPEG image."
            )
            % {"kind": kind},
            code="not_an_image",
        )


def _opened(content: bytes) -> Image.Image:
    """The image, identified and verified (its structure and checksums), not yet decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.open(io.BytesIO(content)).verify()
            image = Image.open(io.BytesIO(content))
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        image = None
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("The image is damaged and cannot be read; save it again and upload it."),
            code="damaged",
        ) from error
    if image is None or image.format not in FORMATS:
        raise ValidationError(
            _("Only PNG and JPEG images are accepted; this file is neither."),
            code="format",
        )
    return image


def _check_dimensions(image: Image.Image) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ValidationError(
            _(
                "The image is too large (%(width)d × %(height)d pixels); at most "
                "%(pixels)s million pixels and %(side)d pixels a side."
            )
            % {
                "width": width,
                "height": height,
                "pixels": MAX_PIXELS // 1_000_000,
                "side": MAX_SIDE,
            },
            code="pixels",
        )
    if min(width, height) < MIN_SIDE:
        raise ValidationError(
            _("The image is too small (%(width)d × %(height)d pixels); at least %(min)d a side.")
            % {"width": width, "height": height, "min": MIN_SIDE},
            code="too_small",
        )


def _reencoded(image: Image.Image) -> bytes:
    """The pixels alone, written anew in the image's own format."""
    try:
        image.load()
    except (OSError, ValueError) as error:
        raise ValidationError(
            _("The image is damaged and cannot be read; save it again and upload it."),
            code="damaged",
        ) from error
    output = io.BytesIO()
    if image.format == "JPEG":
        image.convert("RGB").save(output, "JPEG", quality=90, optimize=True)
    else:
        mode = (
            "RGBA" if image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info else "RGB"
        )
        image.convert(mode).save(output, "PNG", optimize=True)
    return output.getvalue()


def certificate_image_clean(upload) -> ContentFile:
    """A checked, re-encoded copy of an uploaded image, or ValidationError saying why not."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_BYTES)},
            code="size",
        )
    upload.seek(0)
    content = upload.read()
    _refuse_text(content[:512])
    image = _opened(content)
    _check_dimensions(image)
    return ContentFile(_reencoded(image), name=f"image.{FORMATS[image.format]}")
