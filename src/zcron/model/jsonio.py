"""JSON text in: one place turns malformed JSON into a clear error."""
import json

from zcron.exceptions import InvalidDump


def parse_json(data):
    if isinstance(data, (bytes, str)):
        try:
            return json.loads(data)
        except ValueError as e:
            raise InvalidDump(data[:60], f"malformed JSON ({e})") from None
    return data
