"""A width table's file: the JSON that ``neurorice calibrate`` writes and ``./encode --table``
reads."""

import json

from golden.adc import FRACTION_BITS, AdcTable

__all__ = ["from_json", "load_table", "to_json"]


def to_json(table):
    """The table as ``neurorice calibrate`` writes it."""
    return json.dumps({
        "format": "neurorice ADC code widths",
        "fraction_bits": FRACTION_BITS,
        "widths": list(table.widths),
        "exceptions": {str(code): width for code, width in table.exceptions.items()},
    }, indent=1) + "\n"


def from_json(text):
    """The :class:`AdcTable` of a file :func:`to_json` wrote; ``ValueError`` if it is not one."""
    try:
        data = json.loads(text)
        if data.get("fraction_bits") != FRACTION_BITS:
            raise ValueError(f"fraction_bits must be {FRACTION_BITS}")
        return AdcTable(data["widths"], {int(c): w for c, w in data["exceptions"].items()})
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a width table ({error})") from None


def load_table(path):
    """The width table in the file at ``path``; ``ValueError`` with a one-line reason."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read width table {path}: {error}") from None
    try:
        return from_json(text)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
