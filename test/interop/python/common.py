"""Shared helpers for the confluent-kafka interop scripts.

Every script takes the bootstrap address first and prints exactly one JSON document as its last
line of stdout. Byte strings are reported as lowercase hex (null for None).
"""
import json
import sys


def hexa(data):
    return None if data is None else bytes(data).hex()


def kafka_error(err):
    """A KafkaError (or an exception wrapping one) as a JSON-friendly dict; None stays None."""
    if err is None:
        return None
    inner = err.args[0] if isinstance(err, Exception) and err.args else err
    if hasattr(inner, 'code') and hasattr(inner, 'name'):
        return {'code': inner.code(), 'name': inner.name(), 'str': inner.str()}
    return {'code': None, 'name': type(err).__name__, 'str': str(err)}


def emit(result):
    sys.stdout.write(json.dumps(result, sort_keys=True) + '\n')
    sys.stdout.flush()


def fail(message):
    sys.stderr.write(message + '\n')
    sys.exit(2)


def key_values(pairs):
    """['a=1', 'b=2'] -> {'a': '1', 'b': '2'}"""
    out = {}
    for pair in pairs:
        if '=' not in pair:
            fail('expected name=value, got %r' % pair)
        name, value = pair.split('=', 1)
        out[name] = value
    return out


def message_dict(msg):
    ts_type, ts = msg.timestamp()
    return {
        'partition': msg.partition(),
        'offset': msg.offset(),
        'key': hexa(msg.key()),
        'value': hexa(msg.value()),
        'headers': [[k, hexa(v)] for k, v in (msg.headers() or [])],
        'timestamp_type': ts_type,
        'timestamp': ts,
    }
