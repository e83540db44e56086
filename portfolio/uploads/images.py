"""Images: decoded and encoded again (no EXIF, nothing hidden, upright) with a thumbnail; decompression bombs
refused."""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError
from pillow_heif import register_heif_opener

from portfolio.services import InvalidFile

from ._common import _refuse
from .file_types import TYPES, FileType

THUMBNAIL_SIZE = (400, 400)

# iPhones take HEIC photos by default; pillow-heif lets Pillow decode them so they are re-encoded as JPEG.
register_heif_opener()

_PILLOW_FORMATS = {"jpg": {"JPEG", "MPO"}, "png": {"PNG"}, "webp": {"WEBP"}, "gif": {"GIF"}, "heic": {"HEIF", "HEIC"}}


def _too_many_pixels(name: str) -> InvalidFile:
    return _refuse(name, "the image has too many pixels to be processed safely. Resize it and upload it again.")


def _clean_image(name: str, path: str, file_type: FileType) -> tuple[bytes, FileType, bytes]:
    """Decode the whole image and encode it again: drops EXIF (GPS included) and anything hidden after or inside
    the image data, turns the picture upright, and makes a thumbnail. Decompression bombs are refused at
    Pillow's warning level, not only at its error level."""
    limit = min(Image.MAX_IMAGE_PIXELS or settings.EVIDENCE_MAX_IMAGE_PIXELS, settings.EVIDENCE_MAX_IMAGE_PIXELS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Opening reads the header only: the limits are checked before any pixel is decoded.
            with Image.open(path) as image:
                if image.format not in _PILLOW_FORMATS[file_type.key]:
                    raise _refuse(name, "the image data does not match its type.")
                if image.width * image.height > limit:
                    raise _too_many_pixels(name)
                # n_frames skips over each frame's data without decoding it.
                frames = image.n_frames if file_type.key == "gif" else 1
                if frames > settings.EVIDENCE_MAX_IMAGE_FRAMES:
                    raise _refuse(
                        name,
                        f"the animation has {frames:,} frames; at most {settings.EVIDENCE_MAX_IMAGE_FRAMES:,} are "
                        "accepted. Upload it as a video instead.",
                    )
                if image.width * image.height * frames > limit:
                    raise _too_many_pixels(name)
                if file_type.key == "gif":
                    return _clean_gif(name, image)
                image.load()
                upright = ImageOps.exif_transpose(image)
                output = io.BytesIO()
                if file_type.key in {"jpg", "heic"}:
                    if upright.mode not in {"RGB", "L"}:
                        upright = upright.convert("RGB")
                    upright.save(output, format="JPEG", quality=90)
                elif file_type.key == "png":
                    upright.save(output, format="PNG")
                else:
                    upright.save(output, format="WEBP", quality=90)
                return output.getvalue(), file_type, _thumbnail(upright)
    except InvalidFile:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None
    except UnidentifiedImageError:
        if file_type.key == "heic":
            raise _refuse(
                name,
                "this HEIC photo could not be read. On an iPhone choose Settings › Camera › Formats › Most Compatible, "
                "or share the photo as JPEG.",
            ) from None
        raise _refuse(name, "the image is damaged or is not really an image.") from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise _refuse(name, "the image is damaged or is not really an image.") from None


def _clean_gif(name: str, image: Image.Image) -> tuple[bytes, FileType, bytes]:
    frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    for frame in frames:
        frame.info = {}
    output = io.BytesIO()
    first = frames[0]
    options = {"save_all": True, "append_images": frames[1:], "loop": 0} if len(frames) > 1 else {}
    first.save(output, format="GIF", **options)
    return output.getvalue(), TYPES["gif"], _thumbnail(first)


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail(THUMBNAIL_SIZE)
    if small.mode in {"RGBA", "LA"} or (small.mode == "P" and "transparency" in small.info):
        small = small.convert("RGBA")
        background = Image.new("RGB", small.size, "white")
        background.paste(small, mask=small.getchannel("A"))
        small = background
    elif small.mode not in {"RGB", "L"}:
        small = small.convert("RGB")
    output = io.BytesIO()
    small.save(output, format="JPEG", quality=80)
    return output.getvalue()
