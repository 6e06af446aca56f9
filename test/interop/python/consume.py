"""A Consumer using assign() with explicit start offsets and seek(), never committing.

  consume.py BOOTSTRAP TOPIC P:OFFSET[,P:OFFSET...] [--seek P:OFFSET]

OFFSET is a number, "beginning" or "end". Reads every assigned partition up to the high
watermark it had at the start; then, with --seek, seeks that partition and reads it up to the
same watermark again. No consumer group is joined: offsets are neither stored nor committed.
Prints {"watermarks": {"p": [low, high]}, "records": [...], "after_seek": [...],
"complete": bool, "errors": [...]}.
"""
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, Consumer, TopicPartition

from common import emit, fail, kafka_error, message_dict

DEADLINE_S = 30


def parse_offset(text):
    if text == 'beginning':
        return OFFSET_BEGINNING
    if text == 'end':
        return OFFSET_END
    return int(text)


def parse_assignment(text):
    out = []
    for part in text.split(','):
        p, off = part.split(':')
        out.append((int(p), parse_offset(off)))
    return out


def read_until(consumer, targets, errors, deadline):
    """Polls until every partition in targets ({p: high}) has delivered offset high-1."""
    records = []
    next_offset = {}
    pending = {p for p, high in targets.items() if high > 0}
    while pending and time.monotonic() < deadline:
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        if msg.error():
            errors.append(kafka_error(msg.error()))
            continue
        records.append(message_dict(msg))
        next_offset[msg.partition()] = msg.offset() + 1
        pending = {p for p in pending if next_offset.get(p, -1) < targets[p]}
    return records, not pending


def main(argv):
    if len(argv) < 3:
        fail(__doc__)
    bootstrap, topic, assignment = argv[0], argv[1], parse_assignment(argv[2])
    options = dict(zip(argv[3::2], argv[4::2]))
    errors = []
    consumer = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': 'kstream-interop-unused',  # required by the client; no group is joined with assign()
        'enable.auto.commit': False,
        'enable.auto.offset.store': False,
        'enable.partition.eof': False,
        'error_cb': lambda err: errors.append(kafka_error(err)),
    })
    try:
        watermarks = {}
        for p, _ in assignment:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10, cached=False)
            watermarks[p] = [low, high]
        deadline = time.monotonic() + DEADLINE_S
        consumer.assign([TopicPartition(topic, p, off) for p, off in assignment])
        targets = {}
        for p, off in assignment:
            start = watermarks[p][0] if off == OFFSET_BEGINNING else (watermarks[p][1] if off == OFFSET_END else off)
            targets[p] = watermarks[p][1] if start < watermarks[p][1] else 0
        records, complete = read_until(consumer, targets, errors, deadline)
        after_seek = []
        if '--seek' in options:
            p, off = options['--seek'].split(':')
            p, off = int(p), parse_offset(off)
            consumer.seek(TopicPartition(topic, p, off))
            after_seek, seek_complete = read_until(consumer, {p: watermarks[p][1]}, errors, deadline)
            complete = complete and seek_complete
        emit({
            'watermarks': {str(p): w for p, w in watermarks.items()},
            'records': records,
            'after_seek': after_seek,
            'complete': complete,
            'errors': errors,
        })
    finally:
        consumer.close()


if __name__ == '__main__':
    main(sys.argv[1:])
