"""Figures from an image ``metadata.yaml``.

A unit::

    name: sharding-overview          # images/<name>.svg must exist
    alt: Diagram of a sharded cluster
    outputs:                         # historic spelling: output
      - {type: web, width: 600}       # type: web (default) | print | offset | target
      - {type: print, tag: print, dpi: 300, width: 600}
      - {type: offset, tag: offset}
      - {type: web, tag: big, target: /_images/x-full.png}   # target: the figure's link
    edition: saas                    # optional filter (string or list)

For each image giza writes ``<proxy images>/<name>.rst`` holding one figure per
output, each behind an ``.. only::`` guard: ``web`` for every builder except
LaTeX, ``print`` for LaTeX without the ``offset`` tag, ``offset`` for LaTeX with
it; ``target`` outputs only render a file (the build copies it to ``_images``).
With cairosvg installed (``pip install giza[images]``) outputs render to
``<name>[-<tag>].png`` (``.pdf`` for ``offset``) at ``width`` CSS pixels times
``dpi``/96; without it every figure points at the SVG itself.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from giza.content import rst
from giza.errors import ConfigError, shown
from giza.fileio import write_if_changed
from giza.schema import (
    Anything,
    Choice,
    Convert,
    ListOf,
    Required,
    Section,
    Text,
    Wrong,
    checked,
)
from giza.site._files import edition_matches
from giza.yamlfile import Node, NodeList, iter_units

OUTPUT_TYPES = ("web", "print", "offset", "target")
_GUARDS = {"web": "not latex", "print": "latex and not offset", "offset": "latex and offset"}
NO_RENDERER_NOTICE = ("images: cairosvg is not installed, so figures use the SVG files "
                      "themselves; install giza[images] to render PNG and PDF")


@dataclass(frozen=True)
class ImageOutput:
    type: str = "web"
    tag: str | None = None
    dpi: int = 96
    width: int | None = None
    scale: float | None = None
    link: str | None = None  # `target:` of a web/print output: the figure's :target:

    def filename(self, name: str, rendered: bool) -> str:
        if not rendered:
            return f"{name}.svg"
        suffix = ".pdf" if self.type == "offset" else ".png"
        return f"{name}-{self.tag}{suffix}" if self.tag else f"{name}{suffix}"


@dataclass(frozen=True)
class ImageUnit:
    name: str
    alt: str
    outputs: tuple[ImageOutput, ...]
    line: int


@dataclass
class ImagesResult:
    """Files written (rST and renders), notices to print once, ``target`` renders."""

    written: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    targets: list[Path] = field(default_factory=list)


def _renderer_available() -> bool:
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):  # OSError: the cairo C library is missing
        return False
    return True


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise Wrong(form=True)
    return value


def _suffix(value: Any) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool) or "/" in str(value):
        raise Wrong(form=True)
    return str(value)


def _percentage(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 100:
        raise Wrong(form=True)
    return value


def _link(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value.strip()):
        raise Wrong(form=True)
    return value.strip()


def _image_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or ".." in value.split("/"):
        raise Wrong(form=True)
    return value


# Keys the original did not read are read past, as it did.
OUTPUT = Section({
    "type": Choice(OUTPUT_TYPES, default="web"),
    "tag": Convert("a file name suffix", _suffix),
    "dpi": Convert("a positive integer", _positive_int, default=96),
    "width": Convert("a positive integer", _positive_int),
    "scale": Convert("a percentage between 0 and 100", _percentage),
    "target": Convert("a link (a URL or a path, e.g. the full-size image)", _link),
}, unknown="ignore")
NAME = Section({"name": Required(Convert("an image name", _image_name))}, unknown="ignore")
UNIT = Section({
    **NAME.fields,
    "alt": Text(),
    "outputs": ListOf(single=False),
    "output": ListOf(single=False),  # the original's other spelling of `outputs:`
    "edition": Anything(),
}, unknown="ignore")


def _parse_output(item: Any, metadata: Path, index: int, line: int) -> ImageOutput:
    values = checked(item, OUTPUT, metadata, f"outputs[{index}].", line, where=str(metadata))
    return ImageOutput(type=values["type"], tag=values["tag"], dpi=values["dpi"],
                       width=values["width"], scale=values["scale"], link=values["target"])


def load_image_units(metadata: Path, edition: str | None) -> list[ImageUnit]:
    """Validated units of ``metadata`` that apply to ``edition``."""
    units: list[ImageUnit] = []
    seen: dict[str, int] = {}
    for _doc, data in iter_units(metadata, "a mapping with 'name'"):
        name = checked(data, NAME, metadata)["name"]
        if not edition_matches(data.get("edition"), edition):
            continue  # a unit of another edition is not checked further, as before
        # Hand-written: names are unique across the units of one file.
        if name in seen:
            raise ConfigError(f"{shown(metadata)}:{data.line}: name: image {name!r} is already "
                              f"defined at line {seen[name]}")
        seen[name] = data.line
        values = checked(data, UNIT, metadata)
        alt = values["alt"] if values["alt"] is not None else name
        # Hand-written: `outputs:` and `output:` (both may appear) make one numbered list.
        given = [key for key in ("outputs", "output") if data.get(key) is not None]
        raw: list[Any] = [Node()]
        if given:
            raw = NodeList([item for key in given for item in data[key]])
            raw.item_lines = [line for key in given
                              for line in getattr(data[key], "item_lines",
                                                  [data.line_of(key)] * len(data[key]))]
        outputs = []
        files: dict[str, ImageOutput] = {}
        for index, item in enumerate(raw):
            line = raw.item_lines[index] if isinstance(raw, NodeList) else data.line
            output = _parse_output(item, metadata, index, line)
            # two outputs rendering the same file with different settings would race
            filename = output.filename(name, rendered=True)
            if filename in files and files[filename] != output:
                raise ConfigError(f"{shown(metadata)}:{line}: outputs[{index}]: writes {filename} "
                                  "like an earlier output with other settings; give it a tag")
            files[filename] = output
            outputs.append(output)
        # an option value is one line in rST
        units.append(ImageUnit(name.strip(), " ".join(alt.split()), tuple(outputs), data.line))
    return units


def _png_width(payload: bytes) -> int:
    return struct.unpack(">I", payload[16:20])[0]  # IHDR width


def _display_width(output: ImageOutput, rendered: Path | None) -> int | None:
    if output.width is not None:
        return output.width
    if rendered is not None and rendered.suffix == ".png":
        # no width given: show the render at its natural size, not dpi/96 times larger
        with rendered.open("rb") as handle:
            return round(_png_width(handle.read(24)) * 96 / output.dpi)
    return None


def render_image_rst(unit: ImageUnit, uri_prefix: str, rendered: bool,
                     widths: dict[ImageOutput, int | None] | None = None) -> str:
    """The ``images/<name>.rst`` text for one unit."""
    widths = widths or {}
    figures = []
    for output in unit.outputs:
        if output.type == "target":
            continue
        uri = f"{uri_prefix.rstrip('/')}/{output.filename(unit.name, rendered)}"
        width = widths.get(output, output.width)
        options = [("alt", unit.alt)] if unit.alt else []
        options += [("width", f"{width}px")] if width else []
        options += [("scale", f"{output.scale:g}%")] if output.scale is not None else []
        options += [("target", output.link)] if output.link else []
        figures.append(rst.only(_GUARDS[output.type], rst.directive("figure", uri, options)))
    header = rst.comment(f"generated by giza from the image metadata for {unit.name!r}")
    return rst.join_blocks([header, *figures])


def _render(svg: Path, output: ImageOutput, target: Path, stamp: float) -> bool:
    """Render ``svg`` to ``target`` unless it is newer than its inputs (True if written)."""
    try:
        if target.stat().st_mtime >= stamp:
            return False
    except OSError:
        pass
    import cairosvg  # lazy: an optional extra (giza[images]), loaded only to render

    options: dict[str, Any] = {"url": str(svg), "dpi": output.dpi}
    if output.width is not None:
        options["output_width"] = round(output.width * output.dpi / 96)
    else:
        options["scale"] = output.dpi / 96
    if output.type == "offset":
        payload = cairosvg.svg2pdf(**options)
    else:
        payload = cairosvg.svg2png(**options)
    if write_if_changed(target, payload):
        return True
    os.utime(target)  # same bytes: mark it fresh so the next run skips rendering
    return False


def generate_images(metadata: Path, source_images_dir: Path, proxy_images_dir: Path,
                    edition: str | None, *, uri_prefix: str = "/images",
                    render: bool | None = None) -> ImagesResult:
    """Write ``<name>.rst`` (and renders) into ``proxy_images_dir`` for every unit.

    ``uri_prefix`` is the proxy images directory as a source-absolute path, as
    figures must use (relative image paths resolve against the including page).
    ``render`` forces rendering on or off; None renders when cairosvg imports.
    Files are written only when their bytes change.
    """
    result = ImagesResult()
    renderer = _renderer_available() if render is None else render
    if render is None and not renderer:
        result.notices.append(NO_RENDERER_NOTICE)
    stamp = metadata.stat().st_mtime
    for unit in load_image_units(metadata, edition):
        svg = source_images_dir / f"{unit.name}.svg"
        if not svg.is_file():
            result.notices.append(f"{shown(metadata)}:{unit.line}: image {unit.name!r} has no SVG "
                                  f"at {svg}; skipped")
            continue
        widths: dict[ImageOutput, int | None] = {}
        for output in unit.outputs:
            target = proxy_images_dir / output.filename(unit.name, rendered=True)
            if renderer:
                try:
                    if _render(svg, output, target, max(stamp, svg.stat().st_mtime)):
                        result.written.append(target)
                except Exception as exc:  # cairosvg raises many kinds on bad SVG
                    raise ConfigError(f"{shown(metadata)}:{unit.line}: image {unit.name!r}: cannot "
                                      f"render {svg.name}: {exc}") from exc
                widths[output] = _display_width(output, target)
                if output.type == "target":
                    result.targets.append(target)
            elif output.type == "target":
                result.targets.append(svg)
        page = proxy_images_dir / f"{unit.name}.rst"
        if write_if_changed(page, render_image_rst(unit, uri_prefix, renderer, widths)):
            result.written.append(page)
    return result
